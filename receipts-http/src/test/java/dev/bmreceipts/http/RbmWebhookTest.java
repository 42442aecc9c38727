// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static dev.bmreceipts.http.RbmWebhookFixture.AGENT;
import static dev.bmreceipts.http.RbmWebhookFixture.OTHER_PHONE;
import static dev.bmreceipts.http.RbmWebhookFixture.PHONE;
import static dev.bmreceipts.http.RbmWebhookFixture.PUBLISH_TIME;
import static dev.bmreceipts.http.RbmWebhookFixture.TOKEN;
import static dev.bmreceipts.http.RbmWebhookFixture.envelope;
import static dev.bmreceipts.http.RbmWebhookFixture.envelopeSpelled;
import static dev.bmreceipts.http.RbmWebhookFixture.envelopeWithEncodedData;
import static dev.bmreceipts.http.RbmWebhookFixture.hmac;
import static dev.bmreceipts.http.RbmWebhookFixture.post;
import static dev.bmreceipts.http.RbmWebhookFixture.push;
import static dev.bmreceipts.http.RbmWebhookFixture.rbm;
import static dev.bmreceipts.http.RbmWebhookFixture.start;
import static dev.bmreceipts.http.RbmWebhookFixture.userEvent;
import static dev.bmreceipts.http.RbmWebhookFixture.userMessage;
import static dev.bmreceipts.http.RbmWebhookFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmKeys;
import dev.bmreceipts.core.rbm.RbmPayload;
import dev.bmreceipts.core.rbm.RbmPayloadKind;
import dev.bmreceipts.core.rbm.RbmUserMessage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The RBM webhook through a real JDK server on loopback and a real HttpClient. */
class RbmWebhookTest {
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String MASKED = "+****0123";

  static void assertAnswer(HttpResponse<String> r, int status, String body) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(body, r.body());
    assertEquals(TEXT, r.headers().firstValue("Content-Type").orElseThrow());
  }

  private static RbmWebhook.Builder rbmWebhook() {
    return RbmWebhook.builder().clientToken(TOKEN);
  }

  private static String kinds(List<RbmPayload> payloads) {
    StringBuilder b = new StringBuilder();
    for (RbmPayload p : payloads) {
      b.append(b.length() == 0 ? "" : ", ").append(p.kind());
      p.userEvent().ifPresent(e -> b.append(' ').append(e.rawEventType()).append(' ').append(e.eventId()));
      p.userMessage().ifPresent(m -> b.append(' ').append(m.messageId()));
    }
    return b.toString();
  }

  @Test
  void deliveredAndReadReachTheReceiptListenerAsRbmReceiptEvents() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    List<RbmPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(events::add)
        .payloadListener(payloads::add).build())) {
      assertAnswer(push(server, userEvent("DELIVERED", "ev-1", "msg-1", "2025-03-05T18:50:20.5Z")),
          200, "ok");
      assertAnswer(push(server, userEvent("READ", "ev-2", "msg-1", "2025-03-05T18:50:30Z")),
          200, "ok");
    }
    assertEquals(2, events.size());
    ReceiptEvent delivered = events.get(0);
    assertEquals(Protocol.RBM, delivered.protocol());
    assertEquals(ReceiptType.DELIVERED, delivered.type());
    assertEquals("conversations/" + PHONE + "/messages/msg-1", delivered.message().toString());
    assertEquals(AGENT, delivered.agent());
    assertEquals(PHONE, delivered.conversationId());
    assertEquals("", delivered.customAgentId());
    assertEquals(Optional.of("ev-1"), delivered.requestId());
    assertEquals(PUBLISH_TIME, delivered.sendTime().raw());
    assertEquals("2025-03-05T18:50:20.5Z", delivered.createTime().raw());
    ReceiptEvent read = events.get(1);
    assertEquals(Protocol.RBM, read.protocol());
    assertEquals(ReceiptType.READ, read.type());
    assertEquals(Optional.of("ev-2"), read.requestId());
    assertTrue(payloads.isEmpty(), "receipts reach no payload listener");
  }

  @Test
  void readsEitherSpellingOfMessageIdAndPublishTime() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(events::add).build())) {
      String camel = userEvent("DELIVERED", "ev-camel", "msg-1", null);
      assertAnswer(post(server, envelopeSpelled(camel, true, "2025-03-05T18:50:21.1Z"),
          hmac(TOKEN, utf8(camel))), 200, "ok");
      String snake = userEvent("READ", "ev-snake", "msg-1", null);
      assertAnswer(post(server, envelopeSpelled(snake, false, "2025-03-05T18:50:22.2Z"),
          hmac(TOKEN, utf8(snake))), 200, "ok");
    }
    assertEquals(List.of("2025-03-05T18:50:21.1Z", "2025-03-05T18:50:22.2Z"),
        events.stream().map(e -> e.sendTime().raw()).toList());
  }

  @Test
  void aReceiptWithoutSendTimeIsPassedOnWithAnAbsentCreateTime() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(events::add).build())) {
      assertAnswer(push(server, userEvent("READ", "ev-1", "msg-1", null)), 200, "ok");
    }
    assertEquals(1, events.size());
    assertEquals(Timestamp.ABSENT, events.get(0).createTime());
    assertEquals(PUBLISH_TIME, events.get(0).sendTime().raw());
  }

  @Test
  void otherUserEventsAndUnknownTypesGoToThePayloadListenerWithTheirRawType() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    List<RbmPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(events::add)
        .payloadListener(payloads::add).build())) {
      assertAnswer(push(server, userEvent("IS_TYPING", "ev-1", null, "2025-03-05T18:50:20Z")), 200, "ok");
      assertAnswer(push(server, userEvent("SUBSCRIBE", "ev-2", null, null)), 200, "ok");
      assertAnswer(push(server, userEvent("UNSUBSCRIBE", "ev-3", null, null)), 200, "ok");
      assertAnswer(push(server, userEvent("FUTURE_EVENT_TYPE", "ev-4", "msg-1", null)), 200, "ok");
    }
    assertEquals("USER_EVENT IS_TYPING ev-1, USER_EVENT SUBSCRIBE ev-2, USER_EVENT UNSUBSCRIBE ev-3, "
        + "USER_EVENT FUTURE_EVENT_TYPE ev-4", kinds(payloads));
    assertEquals(RbmEventType.UNKNOWN, payloads.get(3).userEvent().orElseThrow().eventType());
    assertTrue(events.isEmpty());
  }

  @Test
  void aUserMessageGoesToThePayloadListener() {
    List<RbmPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().payloadListener(payloads::add).build())) {
      assertAnswer(push(server, userMessage("MxABCDEF", "\"text\":\"h\u00e9llo \u2603\"")), 200, "ok");
      assertAnswer(push(server, userMessage("MxLOCATION",
          "\"location\":{\"latitude\":37.4220188,\"longitude\":-122.0844786}")), 200, "ok");
    }
    assertEquals("USER_MESSAGE MxABCDEF, USER_MESSAGE MxLOCATION", kinds(payloads));
    RbmUserMessage text = payloads.get(0).userMessage().orElseThrow();
    assertEquals(Optional.of("h\u00e9llo \u2603"), text.text());
    assertEquals(PhoneNumber.of(PHONE), text.senderPhoneNumber());
    assertEquals(RbmUserMessage.Content.LOCATION, payloads.get(1).userMessage().orElseThrow().contentKind());
  }

  @Test
  void serverEventsAgentLaunchEventsAndUnknownKindsArePassedOnEveryTime() {
    List<RbmPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().payloadListener(payloads::add).build())) {
      String serverEvent = "{\"phoneNumber\":\"" + PHONE + "\",\"messageId\":\"msg-1\",\"agentId\":\""
          + AGENT + "\",\"eventType\":\"TTL_EXPIRATION_REVOKED\",\"eventId\":\"srv-1\","
          + "\"sendTime\":\"2025-03-05T18:50:20Z\"}";
      String launch = "{\"agentId\":\"" + AGENT + "\",\"launchDetails\":{\"carrier\":\"Carrier\","
          + "\"launchState\":\"LAUNCHED\"}}";
      String launchAttributes = "{\"business_id\":\"" + AGENT + "\",\"event_type\":\"LAUNCHED\","
          + "\"product\":\"RBM\",\"project_number\":\"3338881441851\",\"type\":\"agent_launch_event\"}";
      String unknown = "{\"agentId\":\"" + AGENT + "\",\"somethingNew\":{\"a\":1}}";
      for (int i = 0; i < 2; i++) {
        assertAnswer(push(server, serverEvent), 200, "ok");
        assertAnswer(post(server, envelope(launch, launchAttributes), hmac(TOKEN, utf8(launch))),
            200, "ok");
        assertAnswer(push(server, unknown), 200, "ok");
      }
    }
    assertEquals("SERVER_EVENT, AGENT_LAUNCH_EVENT, UNKNOWN, SERVER_EVENT, AGENT_LAUNCH_EVENT, UNKNOWN",
        kinds(payloads));
    assertEquals("TTL_EXPIRATION_REVOKED", payloads.get(0).json().getString("eventType"));
    assertEquals("LAUNCHED", payloads.get(1).json().getJsonObject("launchDetails").getString("launchState"));
  }

  @Test
  void dataThatIsNotBase64Answers400BeforeAnySignatureCheck() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(rbmWebhook().receiptListener(e -> calls.incrementAndGet())
        .payloadListener(p -> calls.incrementAndGet()).build())) {
      String body = envelopeWithEncodedData("not base64!!", "{}");
      assertAnswer(post(server, body, hmac(TOKEN, utf8("not base64!!"))), 400,
          "message.data: not valid base64");
      assertAnswer(post(server, body, null), 400, "message.data: not valid base64");
      String urlSafe = Base64.getUrlEncoder().encodeToString(utf8("{\"k\":\"\u00ff\u00fe?>\"}"));
      assertTrue(urlSafe.contains("_") || urlSafe.contains("-"), urlSafe);
      assertAnswer(post(server, envelopeWithEncodedData(urlSafe, "{}"), null), 400,
          "message.data: not valid base64");
      assertAnswer(post(server, "{\"message\":", null), 400, "body is malformed JSON: it ends early");
      assertAnswer(post(server, "{\"subscription\":\"s\"}", null), 400, "message: missing");
    }
    assertEquals(0, calls.get());
  }

  @Test
  void signedDataThatIsNotAJsonObjectOrMissesAMemberAnswers400() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(rbmWebhook().receiptListener(e -> calls.incrementAndGet())
        .payloadListener(p -> calls.incrementAndGet()).build())) {
      assertAnswer(push(server, "hello"), 400, "message.data: decoded data is malformed JSON at line 1, column 1");
      assertAnswer(push(server, "[1,2]"), 400, "message.data: decoded data is not a JSON object (it is an array)");
      assertAnswer(push(server, "{\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"READ\","
          + "\"messageId\":\"m\"}"), 400, "message.data.eventId: missing");
      assertAnswer(push(server, userEvent("DELIVERED", "ev-1", null, null)), 400,
          "message.data.messageId: missing, a DELIVERED event names the agent's message");
      // the data is read only once its signature holds
      assertAnswer(post(server, envelope("hello"), null), 401, "missing X-Goog-Signature");
      assertAnswer(post(server, envelope("hello"), hmac(TOKEN, utf8("hullo"))), 401,
          "invalid X-Goog-Signature");
    }
    assertEquals(0, calls.get());
  }

  @Test
  void aReceiptForAMessageIdNoMessageNameCanHoldAnswers400AndCallsNoListener() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(rbmWebhook().receiptListener(e -> calls.incrementAndGet())
        .payloadListener(p -> calls.incrementAndGet()).build())) {
      assertAnswer(push(server, userEvent("READ", "ev-1", "a\\u0007b", null)), 400,
          "message.data.messageId must not contain control characters");
      assertAnswer(push(server, userEvent("DELIVERED", "ev-2", "a/b", null)), 400,
          "message.data.messageId must not contain '/'");
    }
    assertEquals(0, calls.get());
  }

  @Test
  void acceptsASignatureOverTheDecodedDataAndRefusesOneOverTheBody() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(events::add).build())) {
      String data = userEvent("READ", "ev-1", "msg-1", null);
      String body = envelope(data);
      assertAnswer(post(server, body, hmac(TOKEN, utf8(body))), 401, "invalid X-Goog-Signature");
      assertAnswer(post(server, body, hmac("another-token", utf8(data))), 401, "invalid X-Goog-Signature");
      assertAnswer(post(server, body, "not base64"), 401, "invalid X-Goog-Signature");
      assertAnswer(post(server, body, null), 401, "missing X-Goog-Signature");
      assertAnswer(post(server, body, " "), 401, "missing X-Goog-Signature");
      assertTrue(events.isEmpty());
      assertAnswer(post(server, body, hmac(TOKEN, utf8(data))), 200, "ok");
      assertEquals(1, events.size());
    }
  }

  @Test
  void knownVectorOfTheSignatureOverDecodedDataIsAccepted() {
    // key "rbm-client-token-é-1" (UTF-8), data the bytes below: computed with javax.crypto alone
    String data = "{\"senderPhoneNumber\":\"+447700900123\",\"eventType\":\"DELIVERED\",\"eventId\":\"MxVEC-1\","
        + "\"messageId\":\"msg-vec\",\"sendTime\":\"2025-03-05T18:50:20.123456Z\",\"agentId\":\"" + AGENT + "\"}";
    String expected = hmac(TOKEN, utf8(data));
    assertEquals(88, expected.length());
    assertTrue(expected.endsWith("=="), expected);
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(events::add).build())) {
      assertAnswer(post(server, envelope(data), expected), 200, "ok");
    }
    assertEquals("msg-vec", events.get(0).message().messageId());
  }

  @Test
  void theBusinessMessagesWebhookStillSignsTheBodyAndRbmTheDecodedData() {
    // one body, one key, both webhooks on one server: each accepts only its own signature
    List<String> seen = new CopyOnWriteArrayList<>();
    Webhook bm = Webhook.builder().signingKey(TOKEN).payloadListener(p -> seen.add("bm " + p.kind())).build();
    RbmWebhook rbm = rbmWebhook().receiptListener(e -> seen.add("rbm " + e.type())).build();
    try (WebhookServer server = start(bm, rbm)) {
      String data = userEvent("READ", "ev-1", "msg-1", null);
      String body = envelope(data);
      String overBody = hmac(TOKEN, utf8(body));
      String overData = hmac(TOKEN, utf8(data));
      assertEquals(WebhookSignature.sign(TOKEN, utf8(body)), overBody);
      HttpRequest.Builder toBm = HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      assertAnswer(WebhookFixture.send(server, toBm.copy().header("X-Goog-Signature", overData)), 401,
          "invalid X-Goog-Signature");
      assertAnswer(post(server, body, overBody), 401, "invalid X-Goog-Signature");
      assertTrue(seen.isEmpty());
      // signed over the body, Business Messages takes the envelope's top-level "message" for a user message
      assertAnswer(WebhookFixture.send(server, toBm.copy().header("X-Goog-Signature", overBody)), 200, "ok");
      assertAnswer(post(server, body, overData), 200, "ok");
    }
    assertEquals(List.of("bm MESSAGE", "rbm READ"), seen);
  }

  @Test
  void answersTheHandshakeWithTheSecretOnlyWhenTheTokenMatchesSignedOrNot() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(rbmWebhook().receiptListener(e -> calls.incrementAndGet())
        .payloadListener(p -> calls.incrementAndGet()).build())) {
      String right = "{\"clientToken\":\"" + TOKEN + "\",\"secret\":\"s3cret-\u00e9\"}";
      HttpResponse<String> ok = post(server, right, null);
      assertAnswer(ok, 200, "s3cret-\u00e9");
      assertAnswer(post(server, right, hmac(TOKEN, utf8(right))), 200, "s3cret-\u00e9");
      assertAnswer(post(server, "{\"clientToken\":\"other\",\"secret\":\"s3cret\"}", null), 403,
          "client token does not match");
      assertAnswer(post(server, "{\"clientToken\":\"\",\"secret\":\"s3cret\"}", null), 403,
          "client token does not match");
      assertAnswer(post(server, "{\"clientToken\":\"" + TOKEN + "\"}", null), 400, "secret: missing");
    }
    assertEquals(0, calls.get());
  }

  @Test
  void aRedeliveryOfTheSameEventAndPhoneIsPassedOnceAndAnswered200() {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<RbmPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook()
        .receiptListener(e -> seen.add(e.conversationId() + " " + e.requestId().orElseThrow()))
        .payloadListener(payloads::add).build())) {
      String read = userEvent("READ", "ev-1", "msg-1", null);
      assertAnswer(push(server, read), 200, "ok");
      assertAnswer(push(server, read), 200, "ok");
      // the same eventId from another user is another event
      assertAnswer(push(server, RbmWebhookFixture.userEvent(OTHER_PHONE, "READ", "ev-1", "msg-1", null)),
          200, "ok");
      String typing = userEvent("IS_TYPING", "ev-2", null, null);
      assertAnswer(push(server, typing), 200, "ok");
      assertAnswer(push(server, typing), 200, "ok");
      String message = userMessage("MxABCDEF", "\"text\":\"hi\"");
      assertAnswer(push(server, message), 200, "ok");
      assertAnswer(push(server, message), 200, "ok");
    }
    assertEquals(List.of(PHONE + " ev-1", OTHER_PHONE + " ev-1"), seen);
    assertEquals("USER_EVENT IS_TYPING ev-2, USER_MESSAGE MxABCDEF", kinds(payloads));
  }

  @Test
  void deliveredAndReadOfOneMessageAreBothPassedOn() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    List<RbmPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().receiptListener(seen).payloadListener(payloads::add)
        .build())) {
      assertAnswer(push(server, userEvent("DELIVERED", "ev-1", "msg-1", null)), 200, "ok");
      assertAnswer(push(server, userEvent("READ", "ev-2", "msg-1", null)), 200, "ok");
      // nor is a user message that carries the same id taken for either
      assertAnswer(push(server, userMessage("msg-1", "\"text\":\"hi\"")), 200, "ok");
    }
    assertEquals(List.of("msg-1|DELIVERED", "msg-1|READ"), seen.list());
    assertEquals("USER_MESSAGE msg-1", kinds(payloads));
  }

  @Test
  void aReceiptListenerFailureAnswers500ReleasesTheKeyAndTheRedeliveryReachesItAgain() {
    AtomicInteger calls = new AtomicInteger();
    WebhookFixture.Seen second = new WebhookFixture.Seen();
    DedupTest.RecordingStore store = new DedupTest.RecordingStore();
    try (WebhookServer server = start(rbmWebhook().deduplicator(store).receiptListener(e -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database down");
      }
    }).receiptListener(second).build())) {
      String read = userEvent("READ", "ev-1", "msg-1", null);
      assertAnswer(push(server, read), 500, "listener failed; retry later");
      assertTrue(second.list().isEmpty(), "later listeners are not called after a failure");
      assertAnswer(push(server, read), 200, "ok");
      assertAnswer(push(server, read), 200, "ok");
    }
    assertEquals(2, calls.get());
    assertEquals(List.of("msg-1|READ"), second.list());
    String key = "rbm-event 4 ev-1 " + PHONE;
    assertEquals(List.of("claim " + key + " CLAIMED", "release " + key, "claim " + key + " CLAIMED",
        "commit " + key, "claim " + key + " DELIVERED"), store.calls);
  }

  @Test
  void aPayloadListenerFailureAnswers500AndTheRedeliveryReachesItAgain() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(rbmWebhook().payloadListener(p -> {
      if (calls.incrementAndGet() == 1) {
        throw new java.io.IOException("queue full");
      }
    }).build())) {
      String message = userMessage("MxABCDEF", "\"text\":\"hi\"");
      assertAnswer(push(server, message), 500, "listener failed; retry later");
      assertAnswer(push(server, message), 200, "ok");
      assertAnswer(push(server, message), 200, "ok");
    }
    assertEquals(2, calls.get());
  }

  @Test
  void aThrowingStoreAnswers503AndCallsNoListener() {
    AtomicInteger calls = new AtomicInteger();
    Deduplicator down = new DedupTest.RecordingStore() {
      @Override
      public synchronized Claim claim(String key) {
        throw new IllegalStateException("store down");
      }
    };
    try (WebhookServer server = start(rbmWebhook().deduplicator(down)
        .receiptListener(e -> calls.incrementAndGet()).payloadListener(p -> calls.incrementAndGet())
        .build())) {
      HttpResponse<String> r = push(server, userEvent("READ", "ev-1", "msg-1", null));
      assertAnswer(r, 503, "dedupe store unavailable; retry later");
      assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
      assertAnswer(push(server, userMessage("MxABCDEF", "\"text\":\"hi\"")), 503,
          "dedupe store unavailable; retry later");
      assertEquals(0, calls.get());
      // a kind with no key needs no store
      assertAnswer(push(server, "{\"agentId\":\"" + AGENT + "\",\"somethingNew\":{}}"), 200, "ok");
      assertEquals(1, calls.get());
    }
  }

  @Test
  void aFailedCommitAnswers503SoTheRedeliveryIsPassedAgain() {
    AtomicInteger commits = new AtomicInteger();
    Deduplicator failsFirstCommit = new DedupTest.RecordingStore() {
      @Override
      public synchronized void commit(String key) {
        if (commits.incrementAndGet() == 1) {
          throw new IllegalStateException("commit lost");
        }
        super.commit(key);
      }
    };
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(rbmWebhook().deduplicator(failsFirstCommit).receiptListener(seen)
        .build())) {
      String read = userEvent("READ", "ev-1", "msg-1", null);
      assertAnswer(push(server, read), 503, "dedupe store unavailable; retry later");
      assertAnswer(push(server, read), 200, "ok");
      assertAnswer(push(server, read), 200, "ok");
    }
    assertEquals(List.of("msg-1|READ", "msg-1|READ"), seen.list());
  }

  @Test
  void aDeliveryInFlightElsewhereAnswers503BusyAndPassesOnceReleased() {
    Deduplicator store = Deduplicator.inMemory();
    String key = RbmKeys.eventKey("ev-1", PhoneNumber.of(PHONE));
    assertEquals(Deduplicator.Claim.CLAIMED, store.claim(key));
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(rbmWebhook().deduplicator(store).receiptListener(seen).build())) {
      String read = userEvent("READ", "ev-1", "msg-1", null);
      HttpResponse<String> busy = push(server, read);
      assertAnswer(busy, 503, "duplicate delivery in progress; retry later");
      assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(seen.list().isEmpty());
      store.release(key);
      assertAnswer(push(server, read), 200, "ok");
    }
    assertEquals(List.of("msg-1|READ"), seen.list());
  }

  @Test
  void sharesOneStoreWithTheBusinessMessagesWebhookWithoutCollisions() {
    Deduplicator shared = Deduplicator.inMemory();
    WebhookFixture.Seen bmSeen = new WebhookFixture.Seen();
    WebhookFixture.Seen rbmSeen = new WebhookFixture.Seen();
    Webhook bm = Webhook.builder().signingKey(WebhookFixture.KEY).deduplicator(shared)
        .receiptListener(bmSeen).build();
    RbmWebhook rbm = rbmWebhook().deduplicator(shared).receiptListener(rbmSeen).build();
    try (WebhookServer server = start(bm, rbm)) {
      // the same ids on both sides: a request id equal to the event id, a message id equal too
      String bmBody = WebhookFixture.receipts("ev-1", "conversations/" + PHONE + "/messages/msg-1|READ");
      String rbmData = userEvent("READ", "ev-1", "msg-1", null);
      for (int i = 0; i < 2; i++) {
        assertAnswer(WebhookFixture.post(server, bmBody), 200, "ok");
        assertAnswer(push(server, rbmData), 200, "ok");
      }
    }
    assertEquals(List.of("msg-1|READ"), bmSeen.list());
    assertEquals(List.of("msg-1|READ"), rbmSeen.list());
  }

  @Test
  void everyAcceptedPushIsAnsweredExactly200() {
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().observer(o -> statuses.add(o.status())).build())) {
      List<HttpResponse<String>> answers = List.of(
          push(server, userEvent("DELIVERED", "ev-1", "msg-1", null)),
          push(server, userEvent("DELIVERED", "ev-1", "msg-1", null)),
          push(server, userEvent("IS_TYPING", "ev-2", null, null)),
          push(server, userMessage("MxABCDEF", "\"text\":\"hi\"")),
          push(server, "{\"phoneNumber\":\"" + PHONE + "\",\"eventType\":\"TTL_EXPIRATION_REVOKED\"}"),
          push(server, "{}"),
          post(server, "{\"clientToken\":\"" + TOKEN + "\",\"secret\":\"s\"}", null));
      for (HttpResponse<String> r : answers) {
        assertEquals(200, r.statusCode(), r.body());
      }
    }
    assertEquals(List.of(200, 200, 200, 200, 200, 200, 200), statuses);
  }

  @Test
  void rejectsOtherMethodsWrongTypesAndLargeBodiesBeforeReadingThem() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(rbmWebhook().maxBodyBytes(512)
        .receiptListener(e -> calls.incrementAndGet()).build())) {
      String data = userEvent("READ", "ev-1", "msg-1", null);
      HttpResponse<String> get = WebhookFixture.send(server, HttpRequest.newBuilder(rbm(server)).GET());
      assertAnswer(get, 405, "method not allowed: use POST");
      assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
      assertAnswer(WebhookFixture.send(server, HttpRequest.newBuilder(rbm(server))
          .header("Content-Type", "text/plain")
          .header("X-Goog-Signature", hmac(TOKEN, utf8(data)))
          .POST(HttpRequest.BodyPublishers.ofString(envelope(data)))), 415,
          "unsupported content type: use application/json");
      String big = userEvent("READ", "ev-2", "m".repeat(600), null);
      assertAnswer(push(server, big), 413, "body larger than 512 bytes");
      assertAnswer(push(server, data), 200, "ok");
    }
    assertEquals(1, calls.get());
  }

  @Test
  void theObserverGetsTheNearestPayloadKindAndTheReceiptCount() {
    List<WebhookOutcome> outcomes = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(rbmWebhook().observer(outcomes::add).build())) {
      post(server, "{\"clientToken\":\"" + TOKEN + "\",\"secret\":\"s\"}", null);
      push(server, userEvent("READ", "ev-1", "msg-1", null));
      push(server, userEvent("READ", "ev-1", "msg-1", null));
      push(server, userMessage("MxABCDEF", "\"text\":\"hi\""));
      push(server, userEvent("IS_TYPING", "ev-2", null, null));
      push(server, "{\"phoneNumber\":\"" + PHONE + "\"}");
      push(server, "[]");
      post(server, envelope("{}"), null);
    }
    assertEquals(List.of(200, 200, 200, 200, 200, 200, 400, 401),
        outcomes.stream().map(WebhookOutcome::status).toList());
    assertEquals(java.util.Arrays.asList(PayloadKind.VERIFICATION, PayloadKind.RECEIPTS,
        PayloadKind.RECEIPTS, PayloadKind.MESSAGE, PayloadKind.UNKNOWN, PayloadKind.UNKNOWN, null, null),
        outcomes.stream().map(WebhookOutcome::kind).toList());
    assertEquals(List.of(0, 1, 0, 0, 0, 0, 0, 0), outcomes.stream().map(WebhookOutcome::receipts).toList());
  }

  @Test
  void noLogLineHoldsAWholePhoneNumber() {
    FailureLogTest.Recording log = new FailureLogTest.Recording(System.Logger.Level.ALL);
    AtomicInteger claims = new AtomicInteger();
    Deduplicator flaky = new DedupTest.RecordingStore() {
      @Override
      public synchronized Claim claim(String key) {
        if (claims.incrementAndGet() == 1) {
          throw new IllegalStateException("store down");
        }
        return super.claim(key);
      }
    };
    try (WebhookServer server = start(rbmWebhook().log(log).deduplicator(flaky)
        .receiptListener(e -> {
          throw new IllegalStateException("database down");
        })
        .payloadListener(p -> {
          throw new IllegalStateException("queue full");
        }).build())) {
      assertAnswer(push(server, userEvent("READ", "ev-0", "msg-0", null)), 503,
          "dedupe store unavailable; retry later");
      assertAnswer(push(server, userEvent("READ", "ev-1", "msg-1", null)), 500, "listener failed; retry later");
      assertAnswer(push(server, userEvent("IS_TYPING", "ev-2", null, null)), 500, "listener failed; retry later");
      assertAnswer(push(server, userMessage("MxABCDEF", "\"text\":\"" + PHONE + "\"")), 500,
          "listener failed; retry later");
      assertAnswer(push(server, "{\"phoneNumber\":\"" + PHONE + "\",\"agentId\":\"" + AGENT + "\"}"), 500,
          "listener failed; retry later");
    }
    List<String> warnings = log.at(System.Logger.Level.WARNING).stream().map(FailureLogTest.Logged::message)
        .map(m -> m.replace(" (stack trace logged once per distinct cause)", "")).toList();
    assertEquals(List.of(
        "dedupe store failed to claim 1 keys; answered 503: IllegalStateException: store down",
        "receipt listener failed for RBM READ of message msg-1 from " + MASKED
            + " (event ev-1); answered 500: IllegalStateException: database down",
        "payload listener failed for RBM user event IS_TYPING from " + MASKED
            + " (event ev-2); answered 500: IllegalStateException: queue full",
        "payload listener failed for RBM user message MxABCDEF from " + MASKED
            + "; answered 500: IllegalStateException: queue full",
        "payload listener failed for RBM SERVER_EVENT for agent " + AGENT
            + "; answered 500: IllegalStateException: queue full"), warnings);
    for (FailureLogTest.Logged l : log.logged) {
      assertFalse(l.message().contains(PHONE), l.message());
      assertFalse(l.message().contains(PHONE.substring(1)), l.message());
    }
  }

  @Test
  void processWorksWithoutAnyServer() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    RbmWebhook webhook = rbmWebhook().receiptListener(seen).build();
    String data = userEvent("READ", "ev-1", "msg-1", null);
    Map<String, String> headers = Map.of("content-type", "application/json",
        "x-goog-signature", hmac(TOKEN, utf8(data)));
    WebhookResponse r = webhook.process("POST", n -> headers.get(n.toLowerCase(Locale.ROOT)),
        new ByteArrayInputStream(utf8(envelope(data))));
    assertEquals(200, r.status());
    assertEquals("ok", r.bodyText());
    assertEquals(TEXT, r.contentType());
    assertEquals(List.of("msg-1|READ"), seen.list());
    WebhookResponse get = webhook.process("GET", n -> null, new ByteArrayInputStream(new byte[0]));
    assertEquals(405, get.status());
    assertEquals(Map.of("Allow", "POST"), get.headers());
  }

  @Test
  void builderNeedsTheClientTokenAndRejectsBadValuesNamingThem() {
    IllegalStateException unset = assertThrows(IllegalStateException.class, () -> RbmWebhook.builder().build());
    assertEquals("clientToken is required: it checks the handshake and keys X-Goog-Signature",
        unset.getMessage());
    assertEquals("client token must not be empty",
        assertThrows(IllegalArgumentException.class, () -> RbmWebhook.builder().clientToken("")).getMessage());
    assertEquals("maxBodyBytes must be in 1.." + (Integer.MAX_VALUE - 1) + ", was 0",
        assertThrows(IllegalArgumentException.class, () -> RbmWebhook.builder().maxBodyBytes(0)).getMessage());
    assertThrows(NullPointerException.class, () -> RbmWebhook.builder().payloadListener(null));
  }
}
