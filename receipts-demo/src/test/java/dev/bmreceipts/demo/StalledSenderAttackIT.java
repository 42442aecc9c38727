// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.WebhookSignature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built jar against an API stand-in whose answers stall after their headers (the body never
 * finishes): {@code send-read} gives up on time, and {@code serve --auto-read} keeps sending the
 * READs that come after 64 stalled ones, because a stalled attempt gives its in-flight slot back.
 * Loopback only; every wait is bounded.
 */
class StalledSenderAttackIT {
  private static final String TOKEN = "it-secret-token-7";
  private static final String KEY = "it-signing-key-7";
  private static final int SLOTS = 64;
  private static final int LATE = 5;
  private static final Pattern STARTUP = Pattern.compile("^serving (http://127\\.0\\.0\\.1:\\d+/callback);.*$");

  private HttpServer api;
  private ExecutorService apiThreads;
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch stalled = new CountDownLatch(SLOTS);
  private final CountDownLatch late = new CountDownLatch(LATE);
  private final List<String> paths = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startApi() throws IOException {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 500);
    apiThreads = Executors.newCachedThreadPool();
    api.setExecutor(apiThreads);
    api.createContext("/", this::answer);
    api.start();
  }

  @AfterEach
  void stopApi() {
    release.countDown();
    api.stop(0);
    apiThreads.shutdownNow();
  }

  private URI apiRoot() {
    return URI.create("http://127.0.0.1:" + api.getAddress().getPort() + "/");
  }

  /** Messages named {@code stall…}: headers for a 1000-byte body, 10 bytes, then nothing. Others: 200. */
  private void answer(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().getRawPath();
      paths.add(path);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      OutputStream out = ex.getResponseBody();
      if (path.contains("/messages/stall")) {
        ex.sendResponseHeaders(200, 1000);
        out.write("{\"name\":\"c".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stalled.countDown();
        release.await(60, TimeUnit.SECONDS);
        return;
      }
      byte[] body = ("{\"name\":\"" + path.substring(4) + "\",\"receiptType\":\"READ\"}")
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      out.write(body);
      if (path.contains("/messages/late")) {
        late.countDown();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void sendReadGivesUpOnTimeNamingTheUrlAndNotTheToken() throws Exception {
    ProcessBuilder pb = Processes.jar("send-read", "--conversation", "c", "--message", "stall-1",
        "--api-root", apiRoot().toString(), "--timeout", "2");
    pb.environment().put("BM_ACCESS_TOKEN", TOKEN);
    long start = System.nanoTime();
    Process p = pb.start();
    CompletableFuture<String> out = Processes.drain(p.getInputStream());
    CompletableFuture<String> err = Processes.drain(p.getErrorStream());
    try {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "send-read --timeout 2 did not end within 60 s");
    } finally {
      p.destroyForcibly();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertEquals(1, p.exitValue());
    assertEquals("", out.get(10, TimeUnit.SECONDS));
    List<String> lines = err.get(10, TimeUnit.SECONDS).lines().toList();
    assertEquals(1, lines.size(), lines::toString);
    // the send's deadline or, on a slow machine, the first attempt's own (1 s: half the send's)
    assertTrue(lines.get(0).matches("send-read: PATCH " + Pattern.quote(apiRoot().toString())
        + "v1/conversations/c/messages/stall-1/receipt: HttpTimeoutException: no (READ receipt sent within"
        + " the send timeout of 2 s|whole response within the request timeout of 1 s) \\(gave up after"
        + " [12] attempts?\\)"), lines.get(0));
    assertFalse(lines.get(0).contains(TOKEN));
    assertTrue(seconds < 60, seconds + " s");
  }

  @Test
  void serveKeepsSendingReadsAfter64StalledOnes() throws Exception {
    ProcessBuilder pb = Processes.jar("serve", "--host", "127.0.0.1", "--port", "0", "--auto-read",
        "--api-root", apiRoot().toString(), "--send-timeout", "4");
    pb.environment().put("BM_ACCESS_TOKEN", TOKEN);
    pb.environment().put("BM_SIGNING_KEY", KEY);
    Process p = pb.start();
    try {
      BufferedReader[] keep = new BufferedReader[1];
      Matcher m = STARTUP.matcher(Processes.firstLine(p, keep));
      assertTrue(m.matches(), m.toString());
      URI webhook = URI.create(m.group(1));
      Lines out = new Lines(keep[0]);
      Lines err = new Lines(new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)));

      for (int i = 0; i < SLOTS; i++) {
        assertEquals(200, push(webhook, "req-s" + i, "stall-" + i));
      }
      // every slot now holds a stalled answer; the next READs can only be sent once slots are freed
      assertTrue(stalled.await(60, TimeUnit.SECONDS), "stalled PATCHes seen: " + paths.size());
      for (int i = 0; i < LATE; i++) {
        assertEquals(200, push(webhook, "req-l" + i, "late-" + i));
      }
      assertTrue(late.await(60, TimeUnit.SECONDS), "the READs after the stalled ones were never sent");
      for (int i = 0; i < LATE; i++) {
        String name = "conversations/c/messages/late-" + i;
        assertTrue(out.await(l -> l.equals("sent READ " + name), 60), "no line for " + name + ": " + out);
      }
      List<String> failures = err.awaitCount(l -> l.contains("auto-read failed for"), SLOTS, 60);
      for (String f : failures) {
        assertTrue(f.matches(".* auto-read failed for conversations/c/messages/stall-\\d+: PATCH "
            + Pattern.quote(apiRoot().toString()) + "v1/conversations/c/messages/stall-\\d+/receipt:"
            + " HttpTimeoutException: .*"), f);
      }
      String metrics = Http.get(webhook.resolve("/metrics")).body();
      assertTrue(metrics.contains("bm_agent_receipts_sent_total{outcome=\"ok\"} " + LATE + "\n"), metrics);
      assertTrue(metrics.contains("bm_agent_receipts_sent_total{outcome=\"failed\"} " + SLOTS + "\n"), metrics);
      assertFalse(out.toString().contains(TOKEN) || err.toString().contains(TOKEN));
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
  }

  private static int push(URI webhook, String requestId, String messageId) throws Exception {
    byte[] body = Payloads.userMessage(requestId, "c", messageId).getBytes(StandardCharsets.UTF_8);
    return Http.send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))).statusCode();
  }

  /** A child's output, read by a thread of its own; tests wait for lines, each wait bounded. */
  private static final class Lines {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    Lines(BufferedReader reader) {
      Thread t = new Thread(() -> {
        try {
          for (String line; (line = reader.readLine()) != null; ) {
            synchronized (this) {
              lines.add(line);
              notifyAll();
            }
          }
        } catch (IOException e) {
          // the process ended
        }
      }, "it-lines");
      t.setDaemon(true);
      t.start();
    }

    boolean await(Predicate<String> which, int seconds) throws InterruptedException {
      return awaitCount(which, 1, seconds).size() >= 1;
    }

    synchronized List<String> awaitCount(Predicate<String> which, int count, int seconds)
        throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        List<String> found = lines.stream().filter(which).toList();
        long left = end - System.nanoTime();
        if (found.size() >= count || left <= 0) {
          return found;
        }
        wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }

    @Override
    public String toString() {
      return String.join("\n", lines);
    }
  }
}
