// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bmreceipts.http.RbmWebhook;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.testsupport.TestPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** RBM webhooks on two instances, behind real servers on loopback, deduplicating in one PostgreSQL store. */
class RbmSharedStoreTest {
  private static final String TOKEN = "rbm-shared-store-token";
  private static final String PHONE = "+447700900123";
  private static final String OTHER_PHONE = "+447700900456";

  private final DataSource ds = TestPostgres.shared().dataSource();
  private final String prefix = Db.migrated(ds);

  @Test
  void twoRbmWebhooksOnOneStorePassARedeliveryOnceAcrossBoth() {
    List<String> seenA = new CopyOnWriteArrayList<>();
    List<String> seenB = new CopyOnWriteArrayList<>();
    List<String> payloadsB = new CopyOnWriteArrayList<>();
    JdbcStore a = JdbcStore.builder(ds).prefix(prefix).build();
    JdbcStore b = JdbcStore.builder(ds).prefix(prefix).build();
    try (WebhookServer instanceA = start(RbmWebhook.builder().clientToken(TOKEN)
            .deduplicator(a.deduplicator()).receiptListener(e -> seenA.add(name(e))).build());
        WebhookServer instanceB = start(RbmWebhook.builder().clientToken(TOKEN)
            .deduplicator(b.deduplicator()).receiptListener(e -> seenB.add(name(e)))
            .payloadListener(p -> payloadsB.add(p.kind().toString())).build())) {
      String read = userEvent(PHONE, "READ", "ev-1", "msg-1");
      assertEquals(200, push(instanceA, read).statusCode());
      assertEquals(200, push(instanceB, read).statusCode());
      assertEquals(200, push(instanceA, read).statusCode());
      // the message's DELIVERED shares its messageId, and another user may reuse an eventId: both new
      assertEquals(200, push(instanceB, userEvent(PHONE, "DELIVERED", "ev-0", "msg-1")).statusCode());
      assertEquals(200, push(instanceB, userEvent(OTHER_PHONE, "READ", "ev-1", "msg-1")).statusCode());
      // a user message, deduplicated on (messageId, phone) across instances too
      String message = "{\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"MxABCDEF\","
          + "\"sendTime\":\"2025-03-05T18:50:20.123456Z\",\"text\":\"hi\",\"agentId\":\"bot@rbm.goog\"}";
      assertEquals(200, push(instanceB, message).statusCode());
      assertEquals(200, push(instanceA, message).statusCode());
      assertEquals(200, push(instanceB, message).statusCode());
    }
    assertEquals(List.of("ev-1 msg-1 READ"), seenA);
    assertEquals(List.of("ev-0 msg-1 DELIVERED", "ev-1 msg-1 READ"), seenB);
    assertEquals(List.of("USER_MESSAGE"), payloadsB);
    // committed once each, whole phone and all: keys belong in the store (never in a log line)
    List<String> keys = Db.column(ds, "SELECT key FROM " + prefix + "dedupe WHERE owner IS NULL")
        .stream().sorted().toList();
    assertEquals(List.of("rbm-event 4 ev-0 " + PHONE, "rbm-event 4 ev-1 " + PHONE,
        "rbm-event 4 ev-1 " + OTHER_PHONE, "rbm-message 8 MxABCDEF " + PHONE), keys);
  }

  @Test
  void theStoresListenersWriteRbmReceiptsAndOtherPayloadsOnceWithTheirProtocol() {
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).build();
    String message = "{\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"MxROW\","
        + "\"sendTime\":\"2025-03-05T18:50:20Z\",\"text\":\"hi\",\"agentId\":\"bot@rbm.goog\"}";
    String typing = "{\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"IS_TYPING\","
        + "\"eventId\":\"ev-typing\",\"sendTime\":\"2025-03-05T18:50:22Z\",\"agentId\":\"bot@rbm.goog\"}";
    String server = "{\"phoneNumber\":\"" + PHONE + "\",\"eventType\":\"TTL_EXPIRATION_REVOKED\","
        + "\"agentId\":\"bot@rbm.goog\"}";
    try (WebhookServer instance = start(RbmWebhook.builder().clientToken(TOKEN)
        .deduplicator(store.deduplicator()).receiptListener(store.receiptListener())
        .payloadListener(store.rbmPayloadListener()).build())) {
      for (String data : List.of(userEvent(PHONE, "DELIVERED", "ev-row", "msg-row"), message,
          typing, message, userEvent(PHONE, "DELIVERED", "ev-row", "msg-row"), server)) {
        assertEquals(200, push(instance, data).statusCode());
      }
    }
    List<String> rows = Db.column(ds, "SELECT concat_ws(' ', kind, protocol, conversation_id,"
        + " coalesce(request_id, '-'), coalesce(message, '-'), coalesce(dedupe_key, '-'),"
        + " body->>'agentId') FROM " + prefix + "inbox ORDER BY id");
    assertEquals(List.of(
        "RECEIPT rbm " + PHONE + " ev-row conversations/" + PHONE + "/messages/msg-row"
            + " rbm-event 6 ev-row " + PHONE,
        "USER_MESSAGE rbm " + PHONE + " - conversations/" + PHONE + "/messages/MxROW"
            + " rbm-message 5 MxROW " + PHONE + " bot@rbm.goog",
        "USER_EVENT rbm " + PHONE + " ev-typing - rbm-event 9 ev-typing " + PHONE + " bot@rbm.goog",
        "SERVER_EVENT rbm  - - - bot@rbm.goog"), rows);
  }

  private static String name(ReceiptEvent e) {
    return e.requestId().orElseThrow() + " " + e.message().messageId() + " " + e.type();
  }

  private static String userEvent(String phone, String type, String eventId, String messageId) {
    return "{\"senderPhoneNumber\":\"" + phone + "\",\"eventType\":\"" + type + "\",\"eventId\":\""
        + eventId + "\",\"messageId\":\"" + messageId + "\",\"sendTime\":\"2025-03-05T18:50:20Z\","
        + "\"agentId\":\"bot@rbm.goog\"}";
  }

  /** A server with a Business Messages webhook at /callback and {@code rbm} at /rbm. */
  private static WebhookServer start(RbmWebhook rbm) {
    WebhookServer server = InboxTest.start(Webhook.builder().signingKey(InboxTest.KEY).threads(4).build());
    server.serve("/rbm", rbm.handler());
    return server;
  }

  /** POSTs {@code data} in a Pub/Sub envelope to /rbm, signed over the data with javax.crypto alone. */
  private static HttpResponse<String> push(WebhookServer server, String data) {
    byte[] decoded = data.getBytes(StandardCharsets.UTF_8);
    String body = "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(decoded) + "\","
        + "\"messageId\":\"14150481888479752\",\"publishTime\":\"2025-03-05T18:50:21.88Z\"},"
        + "\"subscription\":\"projects/p/subscriptions/s\"}";
    String signature;
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
      signature = Base64.getEncoder().encodeToString(mac.doFinal(decoded));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return InboxTest.send(HttpRequest.newBuilder(server.uri().resolve("/rbm"))
        .header("Content-Type", "application/json")
        .header("X-Goog-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}
