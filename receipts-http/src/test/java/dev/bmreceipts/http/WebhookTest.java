// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static dev.bmreceipts.http.WebhookFixture.KEY;
import static dev.bmreceipts.http.WebhookFixture.post;
import static dev.bmreceipts.http.WebhookFixture.receipt;
import static dev.bmreceipts.http.WebhookFixture.receipts;
import static dev.bmreceipts.http.WebhookFixture.send;
import static dev.bmreceipts.http.WebhookFixture.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.PayloadException;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.WebhookParser;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.WebhookSignature;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookTest {
  private static final String TEXT = "text/plain; charset=utf-8";

  private static Webhook.Builder signed(WebhookFixture.Seen seen) {
    return Webhook.builder().signingKey(KEY).receiptListener(seen);
  }

  private static void assertAnswer(HttpResponse<String> r, int status, String body) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(body, r.body());
    assertEquals(TEXT, r.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void acceptsReceiptsWith200AndPassesEveryReceiptWithItsPayloadFields() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(events::add).build())) {
      assertAnswer(post(server, receipts("R1", receipt("M1", "DELIVERED"), receipt("M2", "READ"))), 200, "ok");
      assertEquals(2, events.size());
      ReceiptEvent first = events.get(0);
      assertEquals("conversations/C/messages/M1", first.message().toString());
      assertEquals("DELIVERED", first.type().name());
      assertEquals("brands/B/agents/A", first.agent());
      assertEquals("C", first.conversationId());
      assertEquals("X", first.customAgentId());
      assertEquals("R1", first.requestId().orElseThrow());
      assertEquals("READ", events.get(1).type().name());
    }
  }

  @Test
  void eachListenerGetsAPayloadsNewReceiptsInOneCallInRegistrationOrder() {
    List<String> calls = new CopyOnWriteArrayList<>();
    ReceiptListener batching = new ReceiptListener() {
      @Override
      public void onReceipt(ReceiptEvent e) {
        calls.add("single " + e.message().messageId());
      }

      @Override
      public void onReceipts(List<ReceiptEvent> events) {
        StringBuilder b = new StringBuilder("batch");
        events.forEach(e -> b.append(' ').append(e.message().messageId()));
        calls.add(b.toString());
      }
    };
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(batching)
        .receiptListener(e -> calls.add("plain " + e.message().messageId())).build())) {
      assertAnswer(post(server, receipts("R1", receipt("M1", "DELIVERED"), receipt("M2", "READ"))),
          200, "ok");
      // M2 was delivered before: only M3 is new
      assertAnswer(post(server, receipts("R2", receipt("M2", "READ"), receipt("M3", "READ"))),
          200, "ok");
    }
    assertEquals(List.of("batch M1 M2", "plain M1", "plain M2", "batch M3", "plain M3"), calls);
  }

  @Test
  void rejectsOtherMethodsWith405AndAllowHeader() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(signed(seen).build())) {
      for (String method : List.of("GET", "PUT", "DELETE")) {
        HttpResponse<String> r = send(server, HttpRequest.newBuilder(server.uri())
            .method(method, HttpRequest.BodyPublishers.ofString(receipts(null, receipt("M1", "READ")))));
        assertAnswer(r, 405, "method not allowed: use POST");
        assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
      }
      assertTrue(seen.list().isEmpty());
    }
  }

  @Test
  void rejectsNonJsonContentTypeWith415() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().receiptListener(seen).build())) {
      for (String type : List.of("text/plain", "application/jsonx", "application/x-www-form-urlencoded")) {
        HttpResponse<String> r = send(server, HttpRequest.newBuilder(server.uri())
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(receipts(null, receipt("M1", "READ")))));
        assertAnswer(r, 415, "unsupported content type: use application/json");
      }
      assertTrue(seen.list().isEmpty());
    }
  }

  @Test
  void acceptsJsonWithParametersInAnyCaseAndAMissingContentType() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().receiptListener(seen).build())) {
      HttpResponse<String> r = send(server, HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "Application/JSON ; charset=UTF-8")
          .POST(HttpRequest.BodyPublishers.ofString(receipts(null, receipt("M1", "READ")))));
      assertAnswer(r, 200, "ok");
      HttpResponse<String> untyped = send(server, HttpRequest.newBuilder(server.uri())
          .POST(HttpRequest.BodyPublishers.ofString(receipts(null, receipt("M2", "READ")))));
      assertAnswer(untyped, 200, "ok");
      assertEquals(List.of("M1|READ", "M2|READ"), seen.list());
    }
  }

  @Test
  void rejectsBodyOverLimitWith413WhetherDeclaredOrStreamed() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().maxBodyBytes(1024).receiptListener(seen).build())) {
      String big = receipts(null, receipt("M1", "READ")).replace("\"agent\"", "\"pad\":\"" + "x".repeat(2000) + "\",\"agent\"");
      HttpResponse<String> declared = send(server, HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(big)));
      assertAnswer(declared, 413, "body larger than 1024 bytes");
      byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> chunked = send(server, HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
      assertAnswer(chunked, 413, "body larger than 1024 bytes");
      String exact = receipts(null, receipt("M2", "READ"));
      exact = exact.replace("\"agent\"", "\"pad\":\"" + "x".repeat(1024 - exact.length() - 9) + "\",\"agent\"");
      assertEquals(1024, exact.length());
      byte[] exactBytes = exact.getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> atLimit = send(server, HttpRequest.newBuilder(server.uri())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(exactBytes))));
      assertAnswer(atLimit, 200, "ok");
      assertEquals(List.of("M2|READ"), seen.list());
    }
  }

  @Test
  void rejectsMalformedJsonWith400AndTheParsersOneLineReason() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(signed(seen).build())) {
      for (String body : List.of("{\"receipts\":", "[1,2]",
          receipts(null, "conversations/C/messages/|READ"),
          "{\"receipts\":{\"receipts\":[{\"message\":7}]}}")) {
        String expected = reason(body);
        assertFalse(expected.contains("\n"));
        assertAnswer(post(server, body), 400, expected);
      }
      assertTrue(reason(receipts(null, "bad|READ")).startsWith("receipts.receipts[0].message: "));
      assertAnswer(post(server, receipts(null, "bad|READ")), 400, reason(receipts(null, "bad|READ")));
      assertTrue(seen.list().isEmpty());
    }
  }

  private static String reason(String body) {
    PayloadException e = assertThrows(PayloadException.class,
        () -> WebhookParser.create().parse(body.getBytes(StandardCharsets.UTF_8)));
    return e.getMessage();
  }

  @Test
  void checksSignatureOverRawBytesBeforeParsing() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(signed(seen).build())) {
      byte[] body = receipts(null, receipt("M1", "READ")).getBytes(StandardCharsets.UTF_8);
      String good = WebhookSignature.sign(KEY, body);
      assertAnswer(signedPost(server, body, good), 200, "ok");

      byte[] tampered = receipts(null, receipt("M2", "READ")).getBytes(StandardCharsets.UTF_8);
      assertAnswer(signedPost(server, tampered, good), 401, "invalid X-Goog-Signature");
      assertAnswer(signedPost(server, tampered, WebhookSignature.sign("other-key", tampered)), 401,
          "invalid X-Goog-Signature");
      assertAnswer(signedPost(server, tampered, "not base64"), 401, "invalid X-Goog-Signature");
      assertAnswer(signedPost(server, tampered, null), 401, "missing X-Goog-Signature");
      // a signed body that is not even JSON: the signature is checked first
      assertAnswer(signedPost(server, "{oops".getBytes(StandardCharsets.UTF_8), good), 401,
          "invalid X-Goog-Signature");
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  @Test
  void signsTheRawBytesOfBodiesWithCrlfAndNonAscii() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    List<WebhookPayload> payloads = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .receiptListener(events::add).payloadListener(payloads::add).build())) {
      String text = "{\r\n  \"conversationId\": \"C\",\r\n  \"message\": {\"messageId\": \"M9\","
          + " \"name\": \"conversations/C/messages/M9\", \"text\": \"h\u00e9llo \u2603 \ud83d\ude00\"}\r\n}\r\n";
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      byte[] normalised = text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
      assertAnswer(signedPost(server, body, WebhookSignature.sign(KEY, normalised)), 401,
          "invalid X-Goog-Signature");
      assertTrue(payloads.isEmpty());
      assertAnswer(signedPost(server, body, WebhookSignature.sign(KEY, body)), 200, "ok");
      assertEquals(1, payloads.size());
      assertEquals("h\u00e9llo \u2603 \ud83d\ude00", payloads.get(0).message().orElseThrow().text());
    }
  }

  @Test
  void acceptsUnsignedRequestsWhenNoKeyIsConfigured() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().receiptListener(seen).build())) {
      byte[] body = receipts(null, receipt("M1", "READ")).getBytes(StandardCharsets.UTF_8);
      assertAnswer(signedPost(server, body, null), 200, "ok");
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  private static HttpResponse<String> signedPost(WebhookServer server, byte[] body, String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      b.header(WebhookSignature.HEADER, signature);
    }
    return send(server, b);
  }

  @Test
  void answersHandshakeWithSecretOnlyWhenClientTokenMatches() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).clientToken("token-1")
        .receiptListener(e -> calls.incrementAndGet()).payloadListener(p -> calls.incrementAndGet()).build())) {
      HttpResponse<String> right = post(server, "{\"clientToken\":\"token-1\",\"secret\":\"s3cret\"}");
      assertEquals(200, right.statusCode());
      assertEquals("s3cret", right.body());
      assertEquals(TEXT, right.headers().firstValue("Content-Type").orElseThrow());

      HttpResponse<String> wrong = post(server, "{\"clientToken\":\"token-2\",\"secret\":\"s3cret\"}");
      assertAnswer(wrong, 403, "client token does not match");
      HttpResponse<String> empty = post(server, "{\"clientToken\":\"\",\"secret\":\"s3cret\"}");
      assertAnswer(empty, 403, "client token does not match");
      // no clientToken member at all: not a handshake, an unknown kind that is accepted and ignored
      HttpResponse<String> missing = post(server, "{\"secret\":\"s3cret\"}");
      assertAnswer(missing, 200, "ok");
      assertEquals(0, calls.get());
    }
  }

  @Test
  void answersAnUnsignedHandshakeByItsClientTokenButNothingElseUnsigned() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).clientToken("token-1")
        .receiptListener(e -> calls.incrementAndGet()).payloadListener(p -> calls.incrementAndGet()).build())) {
      byte[] right = "{\"clientToken\":\"token-1\",\"secret\":\"s3cret\"}".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> ok = signedPost(server, right, null);
      assertEquals(200, ok.statusCode());
      assertEquals("s3cret", ok.body());
      byte[] wrong = "{\"clientToken\":\"token-2\",\"secret\":\"s3cret\"}".getBytes(StandardCharsets.UTF_8);
      assertAnswer(signedPost(server, wrong, null), 403, "client token does not match");
      // a wrongly signed handshake is still refused as such
      assertAnswer(signedPost(server, right, "AAAA"), 401, "invalid X-Goog-Signature");
      // anything else unsigned stays refused, parsed or not
      byte[] receipts = receipts(null, receipt("M1", "READ")).getBytes(StandardCharsets.UTF_8);
      assertAnswer(signedPost(server, receipts, null), 401, "missing X-Goog-Signature");
      assertAnswer(signedPost(server, "{".getBytes(StandardCharsets.UTF_8), null), 401,
          "missing X-Goog-Signature");
      assertEquals(0, calls.get());
    }
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).build())) {
      byte[] handshake = "{\"clientToken\":\"token-1\",\"secret\":\"s3cret\"}".getBytes(StandardCharsets.UTF_8);
      assertAnswer(signedPost(server, handshake, null), 401, "missing X-Goog-Signature");
    }
  }

  @Test
  void servesExtraHandlersNextToTheWebhookAndRefusesBadPaths() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(signed(seen).build())) {
      server.serve("/healthz", exchange -> {
        try (exchange) {
          exchange.sendResponseHeaders(200, 2);
          exchange.getResponseBody().write("up".getBytes(StandardCharsets.UTF_8));
        }
      });
      HttpResponse<String> health = send(server,
          HttpRequest.newBuilder(server.uri().resolve("/healthz")).GET());
      assertEquals(200, health.statusCode());
      assertEquals("up", health.body());
      assertAnswer(post(server, receipts(null, receipt("M1", "READ"))), 200, "ok");
      assertEquals(List.of("M1|READ"), seen.list());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> server.serve("metrics", exchange -> { }));
      assertEquals("path must start with '/', was metrics", e.getMessage());
    }
  }

  @Test
  void refusesEveryHandshakeWhenNoClientTokenIsConfigured() {
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).build())) {
      assertAnswer(post(server, "{\"clientToken\":\"token-1\",\"secret\":\"s3cret\"}"), 403,
          "client token does not match");
    }
  }

  @Test
  void listenerFailureAnswers500RemembersNothingAndRedeliveryReachesListenersAgain() {
    List<String> attempts = new CopyOnWriteArrayList<>();
    List<String> successes = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    WebhookFixture.Seen second = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .receiptListener(e -> {
          attempts.add(e.message().messageId());
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("database down");
          }
          successes.add(e.message().messageId());
        })
        .receiptListener(second)
        .build())) {
      String body = receipts("R1", receipt("M1", "DELIVERED"));
      assertAnswer(post(server, body), 500, "listener failed; retry later");
      assertTrue(second.list().isEmpty(), "later listeners are not called after a failure");
      assertAnswer(post(server, body), 200, "ok");
      assertAnswer(post(server, body), 200, "ok");
      assertEquals(List.of("M1", "M1"), attempts);
      assertEquals(List.of("M1"), successes);
      assertEquals(List.of("M1|DELIVERED"), second.list());
    }
  }

  @Test
  void payloadListenerFailureAnswers500AndRedeliveryReachesItAgain() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .payloadListener(p -> {
          if (calls.incrementAndGet() == 1) {
            throw new java.io.IOException("queue full");
          }
        }).build())) {
      String body = "{\"requestId\":\"R7\",\"conversationId\":\"C\",\"userStatus\":{\"isTyping\":true}}";
      assertAnswer(post(server, body), 500, "listener failed; retry later");
      assertAnswer(post(server, body), 200, "ok");
      assertAnswer(post(server, body), 200, "ok");
      assertEquals(2, calls.get());
    }
  }

  @Test
  void everyPayloadKindAnswers200AndReachesTheRightListener() {
    List<PayloadKind> kinds = new CopyOnWriteArrayList<>();
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(seen)
        .payloadListener(p -> kinds.add(p.kind())).build())) {
      assertAnswer(post(server, receipts(null, receipt("M1", "READ"))), 200, "ok");
      Map<String, PayloadKind> others = Map.of(
          "message", PayloadKind.MESSAGE,
          "userStatus", PayloadKind.USER_STATUS,
          "suggestionResponse", PayloadKind.SUGGESTION_RESPONSE,
          "authenticationResponse", PayloadKind.AUTHENTICATION_RESPONSE,
          "surveyResponse", PayloadKind.SURVEY_RESPONSE);
      List<PayloadKind> expected = new ArrayList<>();
      for (Map.Entry<String, PayloadKind> e : others.entrySet()) {
        String body = "{\"conversationId\":\"C\",\"" + e.getKey() + "\":{\"name\":\"conversations/C/messages/M2\"},"
            + "\"context\":{\"placeId\":\"P\"},\"futureField\":[1]}";
        assertAnswer(post(server, body), 200, "ok");
        expected.add(e.getValue());
      }
      assertAnswer(post(server, "{\"conversationId\":\"C\",\"somethingNew\":{\"a\":1}}"), 200, "ok");
      assertAnswer(post(server, "{}"), 200, "ok");
      assertEquals(expected, kinds);
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  @Test
  void observerSeesEveryOutcome() {
    List<WebhookOutcome> outcomes = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).observer(outcomes::add).build())) {
      post(server, receipts("R1", receipt("M1", "READ"), receipt("M2", "DELIVERED")));
      post(server, receipts("R1", receipt("M1", "READ"), receipt("M2", "DELIVERED")));
      post(server, "{\"oops");
      post(server, "{\"userStatus\":{}}");
      assertEquals(List.of(200, 200, 400, 200), outcomes.stream().map(WebhookOutcome::status).toList());
      assertEquals(PayloadKind.RECEIPTS, outcomes.get(0).kind());
      assertEquals(2, outcomes.get(0).receipts());
      assertEquals(0, outcomes.get(1).receipts());
      assertEquals(null, outcomes.get(2).kind());
      assertEquals(PayloadKind.USER_STATUS, outcomes.get(3).kind());
      assertTrue(outcomes.get(0).durationNanos() > 0);
    }
  }

  @Test
  void observerThatThrowsLeavesTheAnswerUnchanged() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(signed(seen).observer(o -> {
      throw new IllegalStateException("metrics down");
    }).build())) {
      assertAnswer(post(server, receipts(null, receipt("M1", "READ"))), 200, "ok");
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  @Test
  void processWorksWithoutAnyServer() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    Webhook webhook = signed(seen).build();
    byte[] body = receipts(null, receipt("M1", "READ")).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("content-type", "application/json",
        "x-goog-signature", WebhookSignature.sign(KEY, body));
    WebhookResponse r = webhook.process("POST", n -> headers.get(n.toLowerCase(java.util.Locale.ROOT)),
        new ByteArrayInputStream(body));
    assertEquals(200, r.status());
    assertEquals("ok", r.bodyText());
    assertEquals(TEXT, r.contentType());
    assertEquals(List.of("M1|READ"), seen.list());
    WebhookResponse get = webhook.process("GET", n -> null, new ByteArrayInputStream(new byte[0]));
    assertEquals(Map.of("Allow", "POST"), get.headers());
    assertNotNull(get.toString());
  }

  @Test
  void aCallersWriteToAResponseBodyChangesNoLaterResponse() {
    Webhook webhook = signed(new WebhookFixture.Seen()).build();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("content-type", "application/json",
        "x-goog-signature", WebhookSignature.sign(KEY, body));
    WebhookResponse first = webhook.process("POST", n -> headers.get(n.toLowerCase(java.util.Locale.ROOT)),
        new ByteArrayInputStream(body));
    java.util.Arrays.fill(first.body(), (byte) 'x');
    assertEquals("ok", first.bodyText());
    WebhookResponse later = webhook.process("POST", n -> headers.get(n.toLowerCase(java.util.Locale.ROOT)),
        new ByteArrayInputStream(body));
    assertEquals("ok", later.bodyText());
    assertEquals(first, later);
    // and what the server writes
    try (WebhookServer server = start(webhook)) {
      assertAnswer(post(server, "{}"), 200, "ok");
    }
    // a body given to the constructor is copied in too
    byte[] given = "secret".getBytes(StandardCharsets.UTF_8);
    WebhookResponse made = new WebhookResponse(200, WebhookResponse.TEXT_PLAIN, given, Map.of());
    given[0] = 'S';
    assertEquals("secret", made.bodyText());
    assertEquals(6, made.bodyLength());
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Webhook.builder().maxBodyBytes(0));
    assertEquals("maxBodyBytes must be in 1.." + (Integer.MAX_VALUE - 1) + ", was 0", e.getMessage());
    assertEquals("threads must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> Webhook.builder().threads(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Webhook.builder().signingKey(""));
    assertThrows(NullPointerException.class, () -> Webhook.builder().receiptListener(null));
  }
}
