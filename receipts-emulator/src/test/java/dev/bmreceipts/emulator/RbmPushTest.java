// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static dev.bmreceipts.emulator.EmulatorTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmParser;
import dev.bmreceipts.core.rbm.RbmPayload;
import dev.bmreceipts.core.rbm.RbmPayloadKind;
import dev.bmreceipts.core.rbm.RbmSignature;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.core.rbm.RbmUserMessage;
import jakarta.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Emulator#pushRbm}: a signed Pub/Sub push envelope, received by a real webhook. */
class RbmPushTest {
  private static final String CLIENT_TOKEN = "rbm-client-token";
  private static final Instant T0 = Instant.parse("2025-03-05T18:50:21.880Z");
  private static final String USER_EVENT = "{\"senderPhoneNumber\":\"+447700900123\","
      + "\"eventType\":\"READ\",\"eventId\":\"MxA1B2C3\",\"messageId\":\"msg-1\","
      + "\"sendTime\":\"2025-03-05T18:50:20.123456Z\",\"agentId\":\"welcome-bot@rbm.goog\"}";
  private static final String USER_MESSAGE = "{\"senderPhoneNumber\":\"+447700900123\","
      + "\"messageId\":\"MxABCDEF\",\"sendTime\":\"2025-03-05T18:50:20.123456Z\","
      + "\"text\":\"h\u00e9llo\",\"agentId\":\"welcome-bot@rbm.goog\"}";

  /** What the webhook received: the body and the headers that matter. */
  record Received(byte[] body, String signature, String contentType, String userAgent) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer webhook;
  private URI callback;
  private Emulator api;

  @BeforeEach
  void startWebhook() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/rbm", x -> {
      received.add(new Received(x.getRequestBody().readAllBytes(),
          x.getRequestHeaders().getFirst("X-Goog-Signature"),
          x.getRequestHeaders().getFirst("Content-Type"),
          x.getRequestHeaders().getFirst("User-Agent")));
      byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, answer.length);
      x.getResponseBody().write(answer);
      x.close();
    });
    webhook.start();
    callback = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/rbm");
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    webhook.stop(0);
  }

  private Emulator.Builder builder() {
    return Emulator.builder().rbmClientToken(CLIENT_TOKEN).clock(Clock.fixed(T0, ZoneOffset.UTC));
  }

  /** HMAC-SHA512 over {@code data}, keyed with the client token, in base64: computed here. */
  private static String hmac(String key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
    return Base64.getEncoder().encodeToString(mac.doFinal(data));
  }

  @Test
  void pushesAUserEventInASignedEnvelope() throws Exception {
    api = builder().start();
    assertEquals(new PushResult(200, "ok"), api.pushRbm(USER_EVENT, callback));
    assertEquals(1, received.size());
    Received r = received.get(0);
    byte[] decoded = USER_EVENT.getBytes(StandardCharsets.UTF_8);
    String data = Base64.getEncoder().encodeToString(decoded);
    assertEquals("{\"message\":{\"attributes\":{},\"data\":\"" + data + "\",\"messageId\":\"1\","
        + "\"message_id\":\"1\",\"publishTime\":\"2025-03-05T18:50:21.880Z\",\"publish_time\":"
        + "\"2025-03-05T18:50:21.880Z\"},\"subscription\":\"projects/bm-emulator/subscriptions/"
        + "rbm\"}", new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("application/json", r.contentType());
    assertEquals("APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
        r.userAgent());

    // independently: decode message.data, HMAC-SHA512 over the decoded bytes
    JsonObject message = json(new String(r.body(), StandardCharsets.UTF_8))
        .getJsonObject("message");
    byte[] fromEnvelope = Base64.getDecoder().decode(message.getString("data"));
    assertArrayEquals(decoded, fromEnvelope);
    assertEquals(hmac(CLIENT_TOKEN, fromEnvelope), r.signature());
    assertFalse(hmac(CLIENT_TOKEN, r.body()).equals(r.signature()), "not over the body");
    assertFalse(WebhookSignature.verify(CLIENT_TOKEN, r.body(), r.signature()));

    // and as core reads it
    RbmParser parser = RbmParser.create();
    RbmEnvelope envelope = parser.parse(r.body()).envelope().orElseThrow();
    assertTrue(RbmSignature.verify(CLIENT_TOKEN, envelope.data(), r.signature()));
    assertFalse(RbmSignature.verify("another-token", envelope.data(), r.signature()));
    assertEquals("1", envelope.messageId());
    assertEquals(T0, envelope.publishTime().instant().orElseThrow());
    assertEquals("projects/bm-emulator/subscriptions/rbm", envelope.subscription());
    RbmPayload payload = parser.payload(envelope);
    assertEquals(RbmPayloadKind.USER_EVENT, payload.kind());
    RbmUserEvent event = payload.userEvent().orElseThrow();
    assertEquals(RbmEventType.READ, event.eventType());
    assertEquals("+447700900123", event.senderPhoneNumber().e164());
    assertEquals("MxA1B2C3", event.eventId());
    assertEquals("msg-1", event.messageId());
    assertEquals("welcome-bot@rbm.goog", event.agentId());
  }

  @Test
  void pushesAUserMessageWithAttributesAndCountsMessageIds() throws Exception {
    api = builder().start();
    api.pushRbm(USER_EVENT, callback);
    assertEquals(new PushResult(200, "ok"),
        api.pushRbm(USER_MESSAGE, Map.of("product", "RBM"), callback));
    Received r = received.get(1);
    RbmParser parser = RbmParser.create();
    RbmEnvelope envelope = parser.parse(r.body()).envelope().orElseThrow();
    assertEquals("2", envelope.messageId());
    assertEquals(Map.of("product", "RBM"), envelope.attributes());
    assertEquals(hmac(CLIENT_TOKEN, USER_MESSAGE.getBytes(StandardCharsets.UTF_8)),
        r.signature());
    assertTrue(RbmSignature.verify(CLIENT_TOKEN, envelope.data(), r.signature()));
    RbmUserMessage message = parser.payload(envelope).userMessage().orElseThrow();
    assertEquals("MxABCDEF", message.messageId());
    assertEquals(RbmUserMessage.Content.TEXT, message.contentKind());
    assertEquals("h\u00e9llo", message.text().orElseThrow());
  }

  @Test
  void refusesWithoutAClientTokenOrWithDataNotAJsonObject() {
    try (Emulator bare = Emulator.builder().signingKey("bm-key").start()) {
      assertEquals("no RBM client token: give one with Builder.rbmClientToken(token)",
          assertThrows(IllegalStateException.class,
              () -> bare.pushRbm(USER_EVENT, callback)).getMessage());
    }
    api = builder().start();
    assertEquals("data must be a JSON object (a UserEvent or UserMessage), got text that is not"
        + " JSON", assertThrows(IllegalArgumentException.class,
            () -> api.pushRbm("+447700900123 READ", callback)).getMessage());
    assertEquals("data must be a JSON object (a UserEvent or UserMessage), got another JSON value",
        assertThrows(IllegalArgumentException.class,
            () -> api.pushRbm("[\"+447700900123\"]", callback)).getMessage());
    assertEquals("to must be a loopback URL (127.0.0.1, localhost or [::1]).",
        assertThrows(IllegalArgumentException.class,
            () -> api.pushRbm(USER_EVENT, URI.create("http://example.com/rbm"))).getMessage());
    assertEquals("the RBM client token must not be empty", assertThrows(
        IllegalArgumentException.class, () -> Emulator.builder().rbmClientToken("")).getMessage());
    assertTrue(received.isEmpty());
  }

  @Test
  void pushesOverHttpForTestsInOtherLanguages() throws Exception {
    api = builder().start();
    String launch = "{\"agentId\":\"welcome-bot@rbm.goog\",\"launchState\":\"LAUNCHED\"}";
    URI push = URI.create(api.uri() + "emulator/push-rbm?to="
        + java.net.URLEncoder.encode(callback.toString(), StandardCharsets.UTF_8)
        + "&attributes.type=agent_launch_event");
    java.net.http.HttpResponse<String> r = Http.post(push, "application/json", launch);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"status\":200,\"body\":\"ok\"}", r.body());
    Received got = received.get(0);
    RbmParser parser = RbmParser.create();
    RbmEnvelope envelope = parser.parse(got.body()).envelope().orElseThrow();
    assertEquals(Map.of("type", "agent_launch_event"), envelope.attributes());
    assertEquals(hmac(CLIENT_TOKEN, launch.getBytes(StandardCharsets.UTF_8)), got.signature());
    assertEquals(RbmPayloadKind.AGENT_LAUNCH_EVENT, parser.payload(envelope).kind());
    assertEquals(0, api.requestCount(), "control calls are not counted");

    java.net.http.HttpResponse<String> odd = Http.post(URI.create(api.uri()
        + "emulator/push-rbm?to=" + callback + "&type=x"), "application/json", launch);
    assertEquals(400, odd.statusCode());
    assertEquals("Unknown query parameter \"type\": push-rbm takes to=URL and"
        + " attributes.NAME=VALUE.", json(odd.body()).getJsonObject("error").getString("message"));
    try (Emulator bare = Emulator.start()) {
      java.net.http.HttpResponse<String> none = Http.post(URI.create(bare.uri()
          + "emulator/push-rbm?to=" + callback), "application/json", launch);
      assertEquals(400, none.statusCode());
      assertEquals("The emulator has no RBM client token: build it with"
          + " Emulator.Builder.rbmClientToken(token).",
          json(none.body()).getJsonObject("error").getString("message"));
    }
    assertEquals(1, received.size());
  }

  @Test
  void theBusinessMessagesPushStillSignsTheBodyWithTheSigningKey() {
    api = builder().signingKey("bm-key").start();
    String payload = "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c\"}";
    assertEquals(new PushResult(200, "ok"), api.push(payload, callback));
    Received r = received.get(0);
    assertEquals(payload, new String(r.body(), StandardCharsets.UTF_8));
    assertTrue(WebhookSignature.verify("bm-key", r.body(), r.signature()));
    assertEquals("Google-Business-Messages-Emulator", r.userAgent());
  }
}
