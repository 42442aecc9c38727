// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static dev.bmreceipts.http.WebhookFixture.KEY;
import static dev.bmreceipts.http.WebhookFixture.post;
import static dev.bmreceipts.http.WebhookFixture.receipt;
import static dev.bmreceipts.http.WebhookFixture.receipts;
import static dev.bmreceipts.http.WebhookFixture.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookConcurrencyTest {
  private static final int THREADS = 16;
  private static final int REQUESTS = 500;
  private static final int UNIQUE = 2_000;

  @Test
  void everyUniqueReceiptReachesTheListenerExactlyOnceUnderConcurrentDuplicates() throws Exception {
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    AtomicInteger busy = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .receiptListener(e -> seen.computeIfAbsent(e.message().messageId() + "|" + e.type(),
            k -> new AtomicInteger()).incrementAndGet())
        .build())) {
      List<Future<int[]>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(clients.submit(() -> {
          int[] statuses = new int[REQUESTS];
          for (int i = 0; i < REQUESTS; i++) {
            // threads t, t+4, t+8 and t+12 send the same payloads at about the same time, and
            // each payload shares a receipt with the next one
            int m = (thread * REQUESTS + i) % UNIQUE;
            String requestId = m % 2 == 0 ? "R" + m : null;
            String body = receipts(requestId, receipt("M" + m, "READ"),
                receipt("M" + ((m + 1) % UNIQUE), "READ"));
            HttpResponse<String> r = post(server, body);
            for (int attempt = 0; r.statusCode() == 503 && attempt < 10_000; attempt++) {
              busy.incrementAndGet();
              Thread.onSpinWait();
              r = post(server, body);
            }
            statuses[i] = r.statusCode();
          }
          return statuses;
        }));
      }
      int answered = 0;
      for (Future<int[]> f : results) {
        for (int status : f.get(120, TimeUnit.SECONDS)) {
          assertEquals(200, status);
          answered++;
        }
      }
      assertEquals(THREADS * REQUESTS, answered);
      assertEquals(UNIQUE, seen.size());
      for (Map.Entry<String, AtomicInteger> e : seen.entrySet()) {
        assertEquals(1, e.getValue().get(), e.getKey());
      }
    } finally {
      clients.shutdownNow();
      assertTrue(clients.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeLetsRequestsInFlightFinishAndRefusesNewConnections() throws Exception {
    int inFlight = 3;
    CountDownLatch inside = new CountDownLatch(inFlight);
    CountDownLatch release = new CountDownLatch(1);
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    ExecutorService pool = Executors.newFixedThreadPool(inFlight + 1);
    WebhookServer server = start(Webhook.builder().signingKey(KEY).threads(4)
        .receiptListener(e -> {
          inside.countDown();
          assertTrue(release.await(10, TimeUnit.SECONDS));
        })
        .receiptListener(seen).build());
    try {
      List<Future<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < inFlight; i++) {
        String body = receipts(null, receipt("M" + i, "DELIVERED"));
        responses.add(pool.submit(() -> post(server, body)));
      }
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      Future<?> closing = pool.submit(() -> server.close());
      awaitRefused(server.port());
      assertFalse(closing.isDone(), "close() waits for the requests in flight");
      release.countDown();
      for (Future<HttpResponse<String>> r : responses) {
        HttpResponse<String> response = r.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("ok", response.body());
      }
      closing.get(10, TimeUnit.SECONDS);
      assertEquals(inFlight, seen.list().size());
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close());
    } finally {
      release.countDown();
      server.close();
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeOnAnIdleServerRefusesConnectionsAndMayBeRepeated() {
    WebhookServer server = start(Webhook.builder().signingKey(KEY).build());
    int port = server.port();
    assertEquals("http://127.0.0.1:" + port + "/callback", server.uri().toString());
    assertEquals(200, post(server, "{}").statusCode());
    server.close();
    server.close();
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }

  /**
   * Waits (bounded) until the listening socket is closed. Each probe is a GET on a new connection,
   * which the webhook answers (405, no listener) while it still accepts: the probes are paced by
   * those round trips, with no sleep between them.
   */
  private static void awaitRefused(int port) throws IOException {
    byte[] probe = "GET /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(5_000);
        s.getOutputStream().write(probe);
        s.getInputStream().readAllBytes();
      } catch (ConnectException refused) {
        return;
      } catch (IOException dropped) {
        // a connection the kernel took just before the listening socket closed: probe again
      }
    }
    throw new AssertionError("the server still accepts connections");
  }
}
