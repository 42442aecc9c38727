// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.ReceiptListener;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.testsupport.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The store behind real webhooks on loopback, called by a real client. */
class InboxTest {
  static final String KEY = "inbox-test-key";
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final DataSource ds = TestPostgres.shared().dataSource();
  private final String prefix = Db.migrated(ds);

  @Test
  void aRedeliveryOnAnotherInstanceIsAnswered200AndRecordedNowhere() {
    Seen seenA = new Seen();
    Seen seenB = new Seen();
    AtomicInteger payloadsB = new AtomicInteger();
    JdbcStore a = JdbcStore.builder(TestPostgres.shared().dataSource()).prefix(prefix).build();
    JdbcStore b = JdbcStore.builder(TestPostgres.shared().dataSource()).prefix(prefix).build();
    try (WebhookServer instanceA = start(webhook(a, seenA).build());
        WebhookServer instanceB = start(webhook(b, seenB)
            .payloadListener(p -> payloadsB.incrementAndGet()).build())) {
      String body = receipts("R1", "M1|DELIVERED", "M2|READ");
      assertEquals(200, post(instanceA, body).statusCode());
      assertEquals(200, post(instanceB, body).statusCode());
      assertEquals(200, post(instanceA, body).statusCode());
      // the same receipt in another request, on the other instance: passed on nowhere
      assertEquals(200, post(instanceB, receipts("R2", "M2|READ", "M3|READ")).statusCode());
      assertEquals(List.of("M1|DELIVERED", "M2|READ"), seenA.list());
      assertEquals(List.of("M3|READ"), seenB.list());
      assertEquals(List.of("RECEIPT conversations/C/messages/M1 DELIVERED R1 2024-01-02T03:04:05Z",
          "RECEIPT conversations/C/messages/M2 READ R1 2024-01-02T03:04:05Z",
          "RECEIPT conversations/C/messages/M3 READ R2 2024-01-02T03:04:05Z"),
          Db.column(ds, "SELECT kind || ' ' || message || ' ' || receipt_type || ' ' || request_id"
              + " || ' ' || create_time FROM " + prefix + "inbox ORDER BY id"));

      // another payload kind, deduplicated by its request id across instances
      String message = "{\"agent\":\"brands/B/agents/A\",\"conversationId\":\"C\",\"requestId\":\"R9\","
          + "\"sendTime\":\"2024-01-02T03:04:06Z\",\"message\":{\"messageId\":\"U1\",\"name\":"
          + "\"conversations/C/messages/U1\",\"text\":\"hi\"},\"context\":{\"userInfo\":{}}}";
      assertEquals(200, post(instanceA, message).statusCode());
      assertEquals(200, post(instanceB, message).statusCode());
      assertEquals(0, payloadsB.get());
      assertEquals(List.of("MESSAGE R9 conversations/C/messages/U1 hi {\"userInfo\": {}}"),
          Db.column(ds, "SELECT kind || ' ' || request_id || ' ' || message || ' ' || (body #>>"
              + " '{message,text}') || ' ' || (body -> 'context') FROM " + prefix
              + "inbox WHERE kind <> 'RECEIPT'"));
      // without a request id there is nothing to dedupe by: each delivery is a row
      String status = "{\"conversationId\":\"C\",\"userStatus\":{\"isTyping\":true}}";
      assertEquals(200, post(instanceA, status).statusCode());
      assertEquals(200, post(instanceB, status).statusCode());
      assertEquals(2, Db.count(ds, "SELECT count(*) FROM " + prefix
          + "inbox WHERE kind = 'USER_STATUS' AND body #>> '{userStatus,isTyping}' = 'true'"));
    }
  }

  @Test
  void aListenerThatRefusesLeavesNothingInTheInboxAndTheRetryRecordsItOnce() {
    AtomicInteger failures = new AtomicInteger(1);
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).build();
    try (WebhookServer server = start(webhook(store, new Seen()).receiptListener(e -> {
      if (failures.getAndDecrement() > 0) {
        throw new IllegalStateException("down once");
      }
    }).build())) {
      String body = receipts("R1", "M1|READ");
      assertEquals(500, post(server, body).statusCode());
      assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "inbox"));
      assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "dedupe"));
      assertEquals(200, post(server, body).statusCode());
      assertEquals(200, post(server, body).statusCode());
      assertEquals(1, Db.count(ds, "SELECT count(*) FROM " + prefix + "inbox"));
    }
  }

  @Test
  void postgresDownGets503WithRetryAfterNever200AndTheWebhookRecoversWhenItIsBack() {
    try (TestPostgres own = TestPostgres.start()) {
      org.junit.jupiter.api.Assumptions.assumeTrue(own.ownServer(),
          "needs a server of its own to stop");
      DataSource db = own.dataSource();
      JdbcStore.migrate(db);
      JdbcStore store = JdbcStore.builder(db).timeout(Duration.ofSeconds(2)).build();
      Seen seen = new Seen();
      try (WebhookServer server = start(webhook(store, seen).build())) {
        assertEquals(200, post(server, receipts("R1", "M1|READ")).statusCode());
        own.stopServer();
        HttpResponse<String> down = post(server, receipts("R2", "M2|READ"));
        assertEquals(503, down.statusCode());
        assertEquals("dedupe store unavailable; retry later", down.body());
        assertEquals("1", down.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(503, post(server, receipts("R1", "M1|READ")).statusCode());
        own.startServer();
        assertEquals(200, post(server, receipts("R2", "M2|READ")).statusCode());
        assertEquals(200, post(server, receipts("R1", "M1|READ")).statusCode());
        assertEquals(List.of("M1|READ", "M2|READ"), seen.list());
        assertEquals(List.of("conversations/C/messages/M1", "conversations/C/messages/M2"),
            Db.column(db, "SELECT message FROM bm_inbox ORDER BY id"));
      }
    }
  }

  @Test
  void aDatabaseSlowerThanTheTimeoutGets503NotAHang() throws Exception {
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).timeout(Duration.ofSeconds(1)).build();
    Seen seen = new Seen();
    try (WebhookServer server = start(webhook(store, seen).build());
        Connection blocker = ds.getConnection()) {
      blocker.setAutoCommit(false);
      try (Statement st = blocker.createStatement()) {
        st.execute("LOCK TABLE " + prefix + "dedupe IN ACCESS EXCLUSIVE MODE");
        // the client gives up after 20 s; the store's 1 s timeout answers long before
        assertEquals(503, post(server, receipts("R1", "M1|READ")).statusCode());
      } finally {
        blocker.rollback();
      }
      assertEquals(200, post(server, receipts("R1", "M1|READ")).statusCode());
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  @Test
  void replayPassesEveryInboxReceiptOnAsAnEvent() throws Exception {
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).build();
    try (WebhookServer server = start(webhook(store, new Seen()).build())) {
      assertEquals(200, post(server, receipts("R1", "M1|DELIVERED", "M1|READ")).statusCode());
      assertEquals(200, post(server, receipts(null, "M2|SOMETHING_NEW")).statusCode());
    }
    List<ReceiptEvent> events = new ArrayList<>();
    JdbcStore.Replay replay = store.replayReceipts(events::add);
    assertEquals(new JdbcStore.Replay(3, 0), replay);
    ReceiptEvent first = events.get(0);
    assertEquals("conversations/C/messages/M1", first.message().toString());
    assertEquals("DELIVERED", first.receipt().rawType());
    assertEquals("brands/B/agents/A", first.agent());
    assertEquals("X", first.customAgentId());
    assertEquals("R1", first.requestId().orElseThrow());
    assertEquals("2024-01-02T03:04:05.123456789Z", first.sendTime().raw());
    assertTrue(first.createTime().instant().isPresent());
    assertEquals("SOMETHING_NEW", events.get(2).receipt().rawType());
    assertEquals(java.util.Optional.empty(), events.get(2).requestId());
  }

  private static Webhook.Builder webhook(JdbcStore store, Seen seen) {
    return Webhook.builder().signingKey(KEY).threads(4)
        .deduplicator(store.deduplicator())
        .receiptListener(seen)
        .receiptListener(store.receiptListener())
        .payloadListener(store.payloadListener());
  }

  static WebhookServer start(Webhook webhook) {
    try {
      return webhook.start("127.0.0.1", 0, "/callback");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse<String> post(WebhookServer server, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send(HttpRequest.newBuilder(server.uri())
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  /** Sends {@code request} with a 20 s timeout on the tests' one client, the body read as UTF-8. */
  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code "M|TYPE"} pairs as a receipts payload of conversation C; requestId may be null. */
  static String receipts(String requestId, String... receipts) {
    StringBuilder list = new StringBuilder();
    for (String r : receipts) {
      String[] parts = r.split("\\|");
      list.append(list.length() == 0 ? "" : ",").append("{\"message\":\"conversations/C/messages/")
          .append(parts[0]).append("\",\"receiptType\":\"").append(parts[1]).append("\"}");
    }
    return "{\"agent\":\"brands/B/agents/A\",\"conversationId\":\"C\",\"customAgentId\":\"X\","
        + (requestId == null ? "" : "\"requestId\":\"" + requestId + "\",")
        + "\"sendTime\":\"2024-01-02T03:04:05.123456789Z\","
        + "\"receipts\":{\"receipts\":[" + list + "],\"createTime\":\"2024-01-02T03:04:05Z\"}}";
  }

  /** Records the receipts a listener saw, as {@code "M|TYPE"}. */
  static final class Seen implements ReceiptListener {
    private final List<String> receipts = new ArrayList<>();

    @Override
    public synchronized void onReceipt(ReceiptEvent event) {
      receipts.add(event.message().messageId() + "|" + event.receipt().rawType());
    }

    synchronized List<String> list() {
      return List.copyOf(receipts);
    }
  }
}
