// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.testsupport.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code serve --store} processes on one PostgreSQL: 1,200 signed payloads, each delivered
 * until three deliveries were answered 200, to randomly chosen live instances over 16 keep-alive
 * clients. Meanwhile one instance is killed with SIGKILL, and PostgreSQL is stopped and
 * restarted. Every receipt must end up in the inbox exactly once, and in the journals once,
 * except where a delivery failed after a listener ran (then Google's redelivery calls the
 * listeners again, as the webhook's contract says).
 */
class StoreIT {
  private static final String KEY = "store-it-signing-key";
  private static final int PAYLOADS = 1_200;
  private static final int DELIVERIES = 3;
  private static final int CLIENTS = 16;
  private static final long FAILURE_PAUSE_MS = 250;
  private static final Pattern STARTUP = Pattern.compile(
      "^serving (http://127\\.0\\.0\\.1:\\d+/callback); signatures checked; journal (\\S+);"
          + " store (\\S+)$");

  @TempDir Path dir;

  private record Instance(Process process, URI uri, Path journal) {}

  @Test
  void threeInstancesShareOnePostgresqlAndLoseNothingAcknowledged() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      assumeTrue(pg.ownServer(), "needs a PostgreSQL of its own to stop and start");
      List<Instance> instances = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          instances.add(serve(pg.url(), i, i == 0));
        }
        run(pg, instances);
      } finally {
        for (Instance i : instances) {
          i.process().destroyForcibly();
        }
      }
    }
  }

  private void run(TestPostgres pg, List<Instance> instances) throws Exception {
    byte[][] bodies = new byte[PAYLOADS][];
    for (int i = 0; i < PAYLOADS; i++) {
      // message m-(i/2): its DELIVERED in payload 2k, its READ in payload 2k+1
      bodies[i] = Payloads.receipts("req-" + i, "conv-" + (i / 2 % 11),
          i % 2 == 0 ? "DELIVERED" : "READ", List.of("m-" + (i / 2)))
          .getBytes(StandardCharsets.UTF_8);
    }
    LinkedBlockingDeque<Integer> queue = new LinkedBlockingDeque<>();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < PAYLOADS; i++) {
      for (int d = 0; d < DELIVERIES; d++) {
        order.add(i);
      }
    }
    Collections.shuffle(order, new Random(18));
    queue.addAll(order);
    List<Instance> live = new java.util.concurrent.CopyOnWriteArrayList<>(instances);
    AtomicIntegerArray oks = new AtomicIntegerArray(PAYLOADS);
    AtomicIntegerArray failures = new AtomicIntegerArray(PAYLOADS);
    AtomicInteger remaining = new AtomicInteger(PAYLOADS * DELIVERIES);
    CountDownLatch third = new CountDownLatch(PAYLOADS * DELIVERIES / 3);
    CountDownLatch twoThirds = new CountDownLatch(PAYLOADS * DELIVERIES * 2 / 3);
    CountDownLatch down503 = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    AtomicInteger okWhileDown = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean dbDown = new java.util.concurrent.atomic.AtomicBoolean();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        Random random = new Random(c);
        workers.add(clients.submit(() -> {
          HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5)).build();
          while (remaining.get() > 0) {
            Integer p = queue.poll(100, TimeUnit.MILLISECONDS);
            if (p == null) {
              continue;
            }
            Instance target = live.get(random.nextInt(live.size()));
            boolean wasDown = dbDown.get();
            int status;
            try {
              status = client.send(request(target.uri(), bodies[p]),
                  HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
              status = -1;
            }
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (status == 200) {
              if (wasDown && dbDown.get()) {
                okWhileDown.incrementAndGet();
              }
              oks.incrementAndGet(p);
              remaining.decrementAndGet();
              third.countDown();
              twoThirds.countDown();
            } else {
              failures.incrementAndGet(p);
              if (status == 503 && dbDown.get()) {
                down503.countDown();
              }
              queue.addLast(p); // Google redelivers
              // and slows its pushes after a failure: a client that retried at once would fail
              // hundreds of distinct payloads in one PostgreSQL restart on a slow machine
              Thread.sleep(FAILURE_PAUSE_MS);
            }
          }
          finished.countDown();
          return null;
        }));
      }
      assertTrue(third.await(240, TimeUnit.SECONDS), "a third delivered: " + statuses);
      // kill -9 one instance mid-run; the balancer stops sending it requests
      Instance killed = instances.get(1);
      killed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      live.remove(killed);
      acknowledgedAreInTheInbox(pg.url(), oks, "after kill -9 of an instance");

      assertTrue(twoThirds.await(240, TimeUnit.SECONDS), "two thirds delivered: " + statuses);
      pg.stopServer();
      // from here until the restart no request can commit: none may be answered 200
      dbDown.set(true);
      assertTrue(down503.await(30, TimeUnit.SECONDS), "503 while PostgreSQL is down");
      dbDown.set(false);
      pg.startServer();
      // PostgreSQL stopped as by a crash: what was acknowledged before is still there
      acknowledgedAreInTheInbox(pg.url(), oks, "after PostgreSQL's crash and restart");
      assertTrue(finished.await(240, TimeUnit.SECONDS), "every payload delivered: " + remaining
          + " left, statuses " + statuses);
      for (Future<?> w : workers) {
        w.get(10, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    assertEquals(0, okWhileDown.get(), "no 200 while PostgreSQL was down");
    assertTrue(statuses.containsKey(503), statuses.toString());

    // the inbox: every receipt exactly once
    Map<String, Integer> inbox = new HashMap<>();
    try (Connection c = DriverManager.getConnection(pg.url());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT message || '|' || receipt_type, count(*)"
            + " FROM bm_inbox GROUP BY 1")) {
      while (rs.next()) {
        inbox.put(rs.getString(1), rs.getInt(2));
      }
    }
    assertEquals(PAYLOADS, inbox.size());
    assertTrue(inbox.values().stream().allMatch(n -> n == 1), "a receipt in the inbox twice");

    // the listeners: the journals of all three instances together
    Map<String, Integer> journaled = new HashMap<>();
    Pattern line = Pattern.compile("\"message\":\"([^\"]+)\",\"receiptType\":\"([A-Z]+)\"");
    for (Instance i : instances) {
      for (String l : Files.readAllLines(i.journal())) {
        Matcher m = line.matcher(l);
        assertTrue(m.find(), l);
        journaled.merge(m.group(1) + "|" + m.group(2), 1, Integer::sum);
      }
    }
    int clean = 0;
    for (int p = 0; p < PAYLOADS; p++) {
      String key = key(p);
      int n = journaled.getOrDefault(key, 0);
      assertTrue(n >= 1, key + " reached no listener");
      // a second listener call only after a delivery of it failed
      assertTrue(n <= 1 + failures.get(p), key + " journaled " + n + " times, "
          + failures.get(p) + " failed deliveries");
      if (failures.get(p) == 0) {
        assertEquals(1, n, key);
        clean++;
      }
    }
    assertTrue(clean > PAYLOADS / 2, "most payloads delivered without a failure: " + clean
        + ", statuses " + statuses);

    // the report over the shared inbox sees every instance's receipts
    Processes.Result report = Processes.run(Processes.jar("report", "--store", pg.url(),
        "--format", "json"));
    assertEquals(0, report.code(), report.err());
    assertTrue(report.out().contains("\"receipts\":" + PAYLOADS)
        || report.out().contains("\"receipts\": " + PAYLOADS), report.out());
    // each message's DELIVERED and READ landed on whichever instances the balancer picked: the
    // report over the inbox joins them all the same
    assertTrue(report.out().replace(" ", "").contains("\"messagesDeliveredAndRead\":"
        + PAYLOADS / 2 + ","), report.out());
  }

  /**
   * Every payload answered 200 before this call has its receipt in the inbox. The answers are
   * read before the inbox, so a payload acknowledged meanwhile is simply not checked yet.
   */
  private static void acknowledgedAreInTheInbox(String url, AtomicIntegerArray oks, String when)
      throws Exception {
    List<String> acknowledged = new ArrayList<>();
    for (int p = 0; p < PAYLOADS; p++) {
      if (oks.get(p) > 0) {
        acknowledged.add(key(p));
      }
    }
    java.util.Set<String> inbox = new java.util.HashSet<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT message || '|' || receipt_type FROM bm_inbox")) {
      while (rs.next()) {
        inbox.add(rs.getString(1));
      }
    }
    assertTrue(acknowledged.size() > 0, when);
    List<String> lost = acknowledged.stream().filter(k -> !inbox.contains(k)).toList();
    assertEquals(List.of(), lost, "acknowledged but not in the inbox " + when);
  }

  /** Payload {@code p}'s receipt as {@code message|type}. */
  private static String key(int p) {
    return "conversations/conv-" + (p / 2 % 11) + "/messages/m-" + (p / 2) + "|"
        + (p % 2 == 0 ? "DELIVERED" : "READ");
  }

  private static HttpRequest request(URI uri, byte[] body) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private Instance serve(String url, int n, boolean migrate) throws Exception {
    Path journal = dir.resolve("journal-" + n + ".jsonl");
    List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0",
        "--journal", journal.toString(), "--signing-key", KEY, "--quiet", "--threads", "8",
        "--store", url, "--store-lease", "2"));
    if (migrate) {
      args.add("--store-migrate");
    }
    Process p = Processes.jar(args.toArray(String[]::new))
        .redirectError(dir.resolve("serve-" + n + ".err").toFile()).start();
    BufferedReader[] out = new BufferedReader[1];
    String first = Processes.firstLine(p, out);
    Matcher m = STARTUP.matcher(first);
    assertTrue(m.matches(), first);
    Thread drain = new Thread(() -> {
      try {
        while (out[0].readLine() != null) {
          // --quiet: nothing, but never let a full pipe stop the process
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    return new Instance(p, URI.create(m.group(1)), journal);
  }
}
