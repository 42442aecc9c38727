// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.WebhookSignature;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API: start, enqueue, dispatch, takeRequest, keys, push. */
class EmulatorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  @TempDir Path dir;
  private Emulator api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  static void assertGoogleError(HttpResponse<String> r, int code, String status) {
    assertEquals(code, r.statusCode(), r.body());
    JsonObject error = json(r.body()).getJsonObject("error");
    assertEquals(code, error.getInt("code"));
    assertEquals(status, error.getString("status"));
    assertFalse(error.getString("message").isEmpty());
  }

  @Test
  void answersAReceiptAsTheApiAndRecordsIt() throws Exception {
    api = Emulator.builder().accessToken("t").start();
    assertTrue(api.uri().toString().matches("http://127\\.0\\.0\\.1:\\d+/"), api.uri().toString());
    HttpResponse<String> r = Http.patch(Http.receipt(api, "c-1", "m%201"), "t", Http.READ);
    assertEquals(200, r.statusCode());
    assertEquals("{\"name\":\"conversations/c-1/messages/m 1/receipt\",\"receiptType\":\"READ\"}",
        r.body());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals(1, seen.sequence());
    assertEquals("PATCH", seen.method());
    assertFalse(seen.methodOverride());
    assertEquals("/v1/conversations/c-1/messages/m%201/receipt", seen.path());
    assertEquals(Http.READ, seen.body());
    assertEquals("application/json", seen.header("Content-Type"));
    assertEquals("Bearer <redacted>", seen.header("authorization"));
    assertEquals("fixed", seen.auth());
    assertEquals(200, seen.status());
    assertEquals(200, Http.send(java.net.http.HttpRequest.newBuilder(
        api.uri().resolve("/emulator/requests"))).statusCode());
    assertEquals(1, api.requestCount(), "control requests are not counted");
    assertNull(api.takeRequest(Duration.ofMillis(50)));
  }

  @Test
  void headerNamesAreLowerCasedNotTitleCased() throws Exception {
    api = Emulator.builder().accessToken("t").start();
    Http.send(java.net.http.HttpRequest.newBuilder(Http.receipt(api, "c", "m"))
        .header("X-Goog-Api-Client", "gl-java/17").header("Authorization", "Bearer t")
        .header("Content-Type", "application/json")
        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(Http.READ)));
    RecordedRequest seen = api.takeRequest(WAIT);
    assertTrue(seen.headers().containsKey("x-goog-api-client"), seen.headers().toString());
    assertFalse(seen.headers().containsKey("X-goog-api-client"));
    assertEquals("gl-java/17", seen.header("X-GOOG-API-CLIENT"));
  }

  @Test
  void enqueuedAnswersComeFirstInOrder() throws Exception {
    api = Emulator.builder().accessToken("t").start();
    api.enqueue(Answer.status(503).withHeader("Retry-After", "7"));
    api.enqueue(Answer.error(404, "Conversation not found"));
    api.enqueue(Answer.raw(202, "text/plain", "odd"));
    HttpResponse<String> busy = Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ);
    assertGoogleError(busy, 503, "UNAVAILABLE");
    assertEquals("7", busy.headers().firstValue("Retry-After").orElseThrow());
    assertEquals("{\"error\":{\"code\":404,\"message\":\"Conversation not found\",\"status\":"
        + "\"NOT_FOUND\"}}", Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ).body());
    HttpResponse<String> raw = Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ);
    assertEquals(202, raw.statusCode());
    assertEquals("odd", raw.body());
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ).statusCode());
    assertEquals(List.of(503, 404, 202, 200), List.of(api.takeRequest(WAIT).status(),
        api.takeRequest(WAIT).status(), api.takeRequest(WAIT).status(),
        api.takeRequest(WAIT).status()));
  }

  @Test
  void resetClosesTheConnectionWithoutAnAnswer() throws Exception {
    api = Emulator.builder().accessToken("t").start();
    api.enqueue(Answer.reset());
    String answer = Http.raw(api, "PATCH /v1/conversations/c/messages/m/receipt HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n"
        + "Content-Length: 22\r\n\r\n" + Http.READ);
    assertEquals("", answer);
    assertEquals(0, api.takeRequest(WAIT).status());
  }

  @Test
  void refusedCallsNeverReachTheDispatcher() throws Exception {
    api = Emulator.builder().accessToken("t").dispatcher(request -> {
      throw new AssertionError("dispatched " + request);
    }).start();
    assertGoogleError(Http.patch(Http.receipt(api, "c", "m"), "wrong", Http.READ), 401,
        "UNAUTHENTICATED");
    assertGoogleError(Http.patch(Http.receipt(api, "c", "m"), "t", "{}"), 400,
        "INVALID_ARGUMENT");
    assertEquals("unknown", api.takeRequest(WAIT).auth());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> api.enqueue(Answer.ok()));
    assertEquals("the dispatcher was replaced by one with no queue; build it with"
        + " Dispatcher.queue(…) to keep enqueue", e.getMessage());
  }

  @Test
  void aDispatcherThatThrowsGives500() throws Exception {
    api = Emulator.builder().accessToken("t").dispatcher(request -> {
      throw new IllegalStateException("boom");
    }).start();
    assertGoogleError(Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ), 500, "INTERNAL");
  }

  @Test
  void delayedAnswerWaitsOnTheServer() throws Exception {
    api = Emulator.builder().accessToken("t").start();
    api.enqueue(Answer.ok().withDelay(Duration.ofMillis(300)));
    long start = System.nanoTime();
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ).statusCode());
    assertTrue(System.nanoTime() - start >= 300_000_000L);
  }

  @Test
  void newServiceAccountKeyIsTrustedAndItsTokensAccepted() throws Exception {
    api = Emulator.start();
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    JsonObject k = Jwts.key(key);
    assertEquals("service_account", k.getString("type"));
    assertEquals(api.tokenUri().toString(), k.getString("token_uri"));
    assertTrue(k.getString("private_key").startsWith("-----BEGIN PRIVATE KEY-----\n"));
    HttpResponse<String> t = Http.token(api, Jwts.jwt(key, k.getString("token_uri")));
    assertEquals(200, t.statusCode(), t.body());
    JsonObject token = json(t.body());
    assertEquals("Bearer", token.getString("token_type"));
    assertEquals(3599, token.getInt("expires_in"));
    RecordedRequest tokenRequest = api.takeRequest(WAIT);
    assertEquals("/token", tokenRequest.path());
    assertEquals(1, tokenRequest.tokenSerial());
    assertTrue(tokenRequest.body().endsWith("&assertion=<redacted>"), tokenRequest.body());
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), token.getString("access_token"),
        Http.READ).statusCode());
    RecordedRequest patch = api.takeRequest(WAIT);
    assertEquals("issued", patch.auth());
    assertEquals(1, patch.tokenSerial());
    assertFalse(patch.toString().contains(token.getString("access_token")));
  }

  @Test
  void enqueuedTokenAnswersComeFirst() throws Exception {
    api = Emulator.start();
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    api.enqueueToken(Answer.status(503));
    assertEquals(503, Http.token(api, Jwts.jwt(key, api.tokenUri().toString())).statusCode());
    assertEquals(200, Http.token(api, Jwts.jwt(key, api.tokenUri().toString())).statusCode());
  }

  @Test
  void pushSignsThePayloadAndReturnsTheWebhooksAnswer() throws Exception {
    AtomicReference<String> signature = new AtomicReference<>();
    AtomicReference<byte[]> body = new AtomicReference<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/callback", x -> {
      body.set(x.getRequestBody().readAllBytes());
      signature.set(x.getRequestHeaders().getFirst(WebhookSignature.HEADER));
      byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, answer.length);
      x.getResponseBody().write(answer);
      x.close();
    });
    webhook.start();
    try {
      api = Emulator.builder().signingKey("push-key").start();
      String payload = "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c\"}";
      PushResult r = api.push(payload, URI.create("http://127.0.0.1:"
          + webhook.getAddress().getPort() + "/callback"));
      assertEquals(new PushResult(200, "ok"), r);
      assertEquals(payload, new String(body.get(), StandardCharsets.UTF_8));
      assertTrue(WebhookSignature.verify("push-key", body.get(), signature.get()));
      assertEquals("to must be a loopback URL (127.0.0.1, localhost or [::1]).",
          assertThrows(IllegalArgumentException.class,
              () -> api.push("{}", URI.create("http://example.com/x"))).getMessage());
    } finally {
      webhook.stop(0);
    }
    try (Emulator unsigned = Emulator.start()) {
      assertThrows(IllegalStateException.class,
          () -> unsigned.push("{}", URI.create("http://127.0.0.1:1/")));
    }
  }

  @Test
  void builderNamesBadValues() {
    assertEquals("port must be 0..65535, was 70000", assertThrows(IllegalArgumentException.class,
        () -> Emulator.builder().port(70000)).getMessage());
    assertEquals("the access token must not be empty", assertThrows(
        IllegalArgumentException.class, () -> Emulator.builder().accessToken("")).getMessage());
    assertEquals("status must be 200..599, was 99", assertThrows(IllegalArgumentException.class,
        () -> Answer.status(99)).getMessage());
    assertEquals("dispatcher cannot be null, use Dispatcher.queue()", assertThrows(
        NullPointerException.class, () -> Emulator.builder().dispatcher(null)).getMessage());
  }

  @Test
  void closeFreesThePort() throws IOException {
    api = Emulator.start();
    int port = api.port();
    api.close();
    try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      assertEquals(port, s.getLocalPort());
    }
  }
}
