// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.testsupport.TestPostgres;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve --store}'s connections: kept between requests, bounded, closed at shutdown. */
class ServeStoreTest {
  private static final String KEY = "serve-store-signing-key";

  private final String url = TestPostgres.shared().url();

  @Test
  void keepsAtMostThreadsPlusOneConnectionsOpenBetweenRequestsAndClosesThemAtShutdown()
      throws Exception {
    // the connections of this serve alone, by a name no other test's connections have
    String name = "serve-store-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String storeUrl = url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + name;
    TestIo io = new TestIo(Map.of());
    ServeCommand sc = new ServeCommand();
    try (ReceiptService serve = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port",
        "0", "--store", storeUrl, "--store-migrate", "--threads", "2", "--quiet",
        "--signing-key", KEY), io.io.env()), io.io)) {
      for (int i = 0; i < 10; i++) {
        assertEquals(200, post(serve, name + "-seq-" + i));
      }
      // one request after another: one connection did them all, and stays open for the next
      assertEquals(1, connections(name), "connections after 10 requests in turn");

      List<CompletableFuture<Integer>> burst = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = name + "-burst-" + i;
        burst.add(CompletableFuture.supplyAsync(() -> {
          try {
            return post(serve, id);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (CompletableFuture<Integer> f : burst) {
        assertEquals(200, f.get(30, TimeUnit.SECONDS));
      }
      int open = connections(name);
      assertTrue(open >= 1 && open <= 3, open + " connections for 2 threads and the purge");
      assertEquals(50, count("SELECT count(*) FROM bm_inbox WHERE request_id LIKE '" + name
          + "-%'"));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (connections(name) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, connections(name), "connections left open after serve closed");
  }

  private static int post(ReceiptService serve, String requestId) throws Exception {
    String body = Payloads.receipts(requestId, "conv-" + requestId, "READ",
        List.of("m-" + requestId));
    return Http.send(HttpRequest.newBuilder(serve.uri())
        .header("Content-Type", "application/json")
        .header("X-Goog-Signature", WebhookSignature.sign(KEY,
            body.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode();
  }

  private int connections(String name) throws Exception {
    return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name + "'");
  }

  private int count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
