// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookOutcome;
import dev.bmreceipts.http.WebhookServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookCountersTest {
  private static final String KEY = "counters-key";
  private static final String RECEIPTS = "{\"agent\":\"brands/B/agents/A\",\"conversationId\":\"C\","
      + "\"requestId\":\"r1\",\"receipts\":{\"receipts\":[{\"message\":\"conversations/C/messages/m1\","
      + "\"receiptType\":\"READ\"}],\"createTime\":\"2024-05-01T10:00:00Z\"},"
      + "\"sendTime\":\"2024-05-01T10:00:00Z\"}";

  private static int send(HttpClient client, HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void countsARealWebhooksAnswersByStatusAndWritesThemAsPrometheusText() throws Exception {
    WebhookCounters counters = WebhookCounters.create();
    HttpClient client = HttpClient.newHttpClient();
    byte[] body = RECEIPTS.getBytes(StandardCharsets.UTF_8);
    try (WebhookServer server = Webhook.builder().signingKey(KEY).observer(counters).build()
        .start("127.0.0.1", 0, "/callback")) {
      HttpRequest.Builder signed = HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "application/json")
          .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      assertEquals(200, send(client, signed));
      assertEquals(200, send(client, signed.copy()), "a redelivery is answered 200 too");
      assertEquals(401, send(client, HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))));
      assertEquals(405, send(client, HttpRequest.newBuilder(server.uri()).GET()));
    }
    assertEquals(Map.of(200, 2L, 401, 1L, 405, 1L), counters.byStatus());
    assertEquals(2, counters.count(200));
    assertEquals(0, counters.count(500));
    StringBuilder text = new StringBuilder();
    counters.writePrometheus(text);
    assertEquals("# HELP bm_webhook_requests_total Webhook requests answered, by HTTP status.\n"
        + "# TYPE bm_webhook_requests_total counter\n"
        + "bm_webhook_requests_total{status=\"200\"} 2\n"
        + "bm_webhook_requests_total{status=\"401\"} 1\n"
        + "bm_webhook_requests_total{status=\"405\"} 1\n", text.toString());
  }

  @Test
  void beforeAnyRequestOnlyTheFamilysHeaderIsWritten() throws Exception {
    StringBuilder text = new StringBuilder();
    WebhookCounters.create().writePrometheus(text);
    assertEquals("# HELP bm_webhook_requests_total Webhook requests answered, by HTTP status.\n"
        + "# TYPE bm_webhook_requests_total counter\n", text.toString());
  }

  @Test
  void snapshotsAreCopiesAndCountsFromManyThreadsAddUp() throws Exception {
    WebhookCounters counters = WebhookCounters.create();
    SortedMap<Integer, Long> before = counters.byStatus();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int status = t % 2 == 0 ? 200 : 503;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 10_000; i++) {
            counters.onRequest(new WebhookOutcome(status, null, 0, 0));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Map.of(), before);
    assertEquals(Map.of(200, 20_000L, 503, 20_000L), counters.byStatus());
    assertThrows(UnsupportedOperationException.class, () -> counters.byStatus().put(1, 1L));
  }
}
