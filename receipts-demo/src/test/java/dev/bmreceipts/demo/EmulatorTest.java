// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.emulator.Emulator;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatorTest {
  private static final String READ = "{\"receiptType\":\"READ\"}";
  private static final String JSON = "application/json";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static KeyPair pair;

  @TempDir Path dir;
  private final List<AutoCloseable> started = new ArrayList<>();

  @BeforeAll
  static void keys() throws Exception {
    pair = Keys.rsa();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  private Emulator start(String... options) throws Exception {
    List<String> argv = new ArrayList<>(List.of("--port", "0"));
    argv.addAll(List.of(options));
    TestIo t = new TestIo();
    EmulatorCommand command = new EmulatorCommand();
    Emulator e = command.start(Args.parse(command, argv, t.io.env()), t.io);
    started.add(e);
    assertEquals(List.of("emulator at " + e.uri() + "; token endpoint " + e.uri() + "token"
        + "; trust key " + (argv.contains("--trust-key") ? argv.get(argv.indexOf("--trust-key") + 1)
            : argv.contains("--new-key") ? argv.get(argv.indexOf("--new-key") + 1) : "none")
        + "; fixed access token " + (argv.contains("--access-token") ? "set" : "none")
        + "; push signing key " + (argv.contains("--signing-key") ? "set" : "none")), t.outLines());
    return e;
  }

  private static URI receipt(Emulator e, String c, String m) {
    return URI.create(e.uri() + "v1/conversations/" + c + "/messages/" + m + "/receipt");
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private static JsonArray requests(Emulator e) throws Exception {
    HttpResponse<String> r = Http.get(e.uri().resolve("/emulator/requests"));
    assertEquals(200, r.statusCode());
    return Json.createReader(new StringReader(r.body())).readArray();
  }

  private static void assertGoogleError(HttpResponse<String> r, int code, String status) {
    assertEquals(code, r.statusCode(), r.body());
    JsonObject error = json(r.body()).getJsonObject("error");
    assertEquals(code, error.getInt("code"));
    assertEquals(status, error.getString("status"));
    assertFalse(error.getString("message").isEmpty());
  }

  @Test
  void patchWithFixedTokenAnswersAsTheApi() throws Exception {
    Emulator e = start("--access-token", "fixed-token");
    HttpResponse<String> r = Http.patch(receipt(e, "conv-1", "msg-1"), "fixed-token", JSON, READ);
    assertEquals(200, r.statusCode());
    assertEquals("{\"name\":\"conversations/conv-1/messages/msg-1/receipt\",\"receiptType\":\"READ\"}",
        r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith(JSON));
  }

  @Test
  void patchPercentDecodesIds() throws Exception {
    Emulator e = start("--access-token", "t");
    HttpResponse<String> r = Http.patch(receipt(e, "a%20b", "m%2Bx%C3%A9"), "t", JSON, READ);
    assertEquals(200, r.statusCode());
    assertEquals("conversations/a b/messages/m+xé/receipt", json(r.body()).getString("name"));
    assertGoogleError(Http.patch(receipt(e, "a%2Fb", "m"), "t", JSON, READ), 400,
        "INVALID_ARGUMENT");
  }

  @Test
  void patchWithoutOrWithUnknownTokenIs401() throws Exception {
    Emulator e = start("--access-token", "right");
    HttpResponse<String> none = Http.patch(receipt(e, "c", "m"), null, JSON, READ);
    assertGoogleError(none, 401, "UNAUTHENTICATED");
    assertTrue(json(none.body()).getJsonObject("error").getString("message")
        .startsWith("Request is missing required authentication credential."));
    HttpResponse<String> wrong = Http.patch(receipt(e, "c", "m"), "wrong", JSON, READ);
    assertGoogleError(wrong, 401, "UNAUTHENTICATED");
    assertTrue(json(wrong.body()).getJsonObject("error").getString("message")
        .startsWith("Request had invalid authentication credentials."));
    JsonArray recorded = requests(e);
    assertEquals("none", recorded.getJsonObject(0).getString("auth"));
    assertEquals("unknown", recorded.getJsonObject(1).getString("auth"));
  }

  @Test
  void patchWithBadBodyIs400() throws Exception {
    Emulator e = start("--access-token", "t");
    for (String body : List.of("{\"receiptType\":\"DELIVERED\"}", "{}", "{\"receiptType\":\"NOPE\"}",
        "{\"receiptType\":\"READ\",\"extra\":1}", "not json", "[]", "{\"receiptType\":1}")) {
      assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", JSON, body), 400, "INVALID_ARGUMENT");
    }
    assertEquals(200, Http.patch(receipt(e, "c", "m"), "t", "application/json; charset=utf-8",
        READ).statusCode());
  }

  @Test
  void patchWithWrongContentTypeIs415OrFormIs400() throws Exception {
    Emulator e = start("--access-token", "t");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", "text/plain", READ), 415,
        "INVALID_ARGUMENT");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", null, READ), 415, "INVALID_ARGUMENT");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", "application/json; charset=latin1",
        READ), 415, "INVALID_ARGUMENT");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", FORM, READ), 400, "INVALID_ARGUMENT");
  }

  @Test
  void wrongMethodIs405AndUnknownPathIs404() throws Exception {
    Emulator e = start("--access-token", "t");
    HttpResponse<String> get = Http.get(receipt(e, "c", "m"));
    assertEquals(405, get.statusCode());
    assertEquals("PATCH", get.headers().firstValue("Allow").orElseThrow());
    assertGoogleError(Http.get(e.uri().resolve("/v1/nothing")), 404, "NOT_FOUND");
  }

  private HttpResponse<String> token(Emulator e, String assertion) throws Exception {
    return Http.post(e.tokenUri(), FORM, "grant_type="
        + URLEncoder.encode(Keys.JWT_BEARER, StandardCharsets.UTF_8) + "&assertion="
        + assertion);
  }

  @Test
  void tokenEndpointIssuesTokensThePatchAccepts() throws Exception {
    Path key = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    Emulator e = start("--trust-key", key.toString());
    HttpResponse<String> r = token(e, Keys.jwt(pair));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject t = json(r.body());
    assertEquals("Bearer", t.getString("token_type"));
    assertEquals(3599, t.getInt("expires_in"));
    String issued = t.getString("access_token");
    assertTrue(issued.length() > 40);
    assertNotNull(r.headers().firstValue("Cache-Control").orElse(null));

    assertEquals(200, Http.patch(receipt(e, "c", "m"), issued, JSON, READ).statusCode());
    String second = json(token(e, Keys.jwt(pair)).body()).getString("access_token");
    assertFalse(second.equals(issued), "tokens are random");

    JsonArray recorded = requests(e);
    JsonObject patch = recorded.getJsonObject(1);
    assertEquals("PATCH", patch.getString("method"));
    assertEquals("issued", patch.getString("auth"));
    assertEquals("Bearer <redacted>", patch.getJsonObject("headers").getJsonArray("authorization")
        .getString(0));
    String all = Http.get(e.uri().resolve("/emulator/requests")).body();
    assertFalse(all.contains(issued), "tokens are never echoed");
    assertTrue(recorded.getJsonObject(0).getString("body").endsWith("assertion=<redacted>"));
  }

  @Test
  void issuedTokensExpire() throws Exception {
    Path key = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    Instant start = Instant.now();
    AtomicReference<Instant> now = new AtomicReference<>(start);
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    Emulator e = Emulator.builder().trustKey(key).tokenLifetime(java.time.Duration.ofSeconds(60))
        .clock(clock).start();
    started.add(e);
    HttpResponse<String> t = token(e, Keys.jwt(pair));
    assertEquals(60, json(t.body()).getInt("expires_in"));
    String issued = json(t.body()).getString("access_token");
    now.set(start.plusSeconds(59));
    assertEquals(200, Http.patch(receipt(e, "c", "m"), issued, JSON, READ).statusCode());
    now.set(start.plusSeconds(60));
    assertGoogleError(Http.patch(receipt(e, "c", "m"), issued, JSON, READ), 401,
        "UNAUTHENTICATED");
    assertEquals("expired", requests(e).getJsonObject(2).getString("auth"));
  }

  @Test
  void tokenEndpointAcceptsItsOwnAudienceAndAPemPublicKey() throws Exception {
    Path pem = dir.resolve("public.pem");
    Files.writeString(pem, Keys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    Emulator e = start("--trust-key", pem.toString());
    Instant now = Instant.now();
    String jwt = Keys.jwt(pair, "anyone@example.com", e.tokenUri().toString(), Keys.SCOPE,
        now, now.plusSeconds(600));
    assertEquals(200, token(e, jwt).statusCode());
    String localhost = Keys.jwt(pair, "x", "http://localhost:" + e.port() + "/token",
        Keys.SCOPE + " other", now, now.plusSeconds(600));
    assertEquals(200, token(e, localhost).statusCode());
  }

  @Test
  void tokenEndpointRejectsAWrongSignature() throws Exception {
    Path key = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    Emulator e = start("--trust-key", key.toString());
    HttpResponse<String> r = token(e, Keys.jwt(Keys.rsa()));
    assertEquals(400, r.statusCode());
    assertEquals("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}",
        r.body());
    String good = Keys.jwt(pair);
    String tampered = good.substring(0, good.length() - 4)
        + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertEquals(400, token(e, tampered).statusCode());
  }

  @Test
  void tokenEndpointChecksClaims() throws Exception {
    Path key = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    Emulator e = start("--trust-key", key.toString());
    Instant now = Instant.now();
    String aud = Keys.GOOGLE_TOKEN_URI;
    assertOAuthError(token(e, Keys.jwt(pair, Keys.EMAIL, aud, Keys.SCOPE,
        now.minusSeconds(7200), now.minusSeconds(3600))), "invalid_grant");
    assertOAuthError(token(e, Keys.jwt(pair, Keys.EMAIL, aud, Keys.SCOPE,
        now, now.plusSeconds(7200))), "invalid_grant");
    assertOAuthError(token(e, Keys.jwt(pair, Keys.EMAIL, "https://example.com/token",
        Keys.SCOPE, now, now.plusSeconds(600))), "invalid_grant");
    assertOAuthError(token(e, Keys.jwt(pair, "someone-else@example.com", aud, Keys.SCOPE,
        now, now.plusSeconds(600))), "invalid_grant");
    assertOAuthError(token(e, Keys.jwt(pair, Keys.EMAIL, aud,
        "https://www.googleapis.com/auth/cloud-platform", now, now.plusSeconds(600))),
        "invalid_scope");
    assertOAuthError(Http.post(e.tokenUri(), FORM, "grant_type=password&assertion=x"),
        "unsupported_grant_type");
    assertOAuthError(Http.post(e.tokenUri(), FORM, "grant_type="
        + URLEncoder.encode(Keys.JWT_BEARER, StandardCharsets.UTF_8) + "&assertion=a.b"),
        "invalid_grant");
  }

  @Test
  void newKeyWritesAKeyItTrustsSoSendReadNeedsNoOpenssl() throws Exception {
    Path key = dir.resolve("new-key.json");
    Emulator e = start("--new-key", key.toString());
    JsonObject k = json(Files.readString(key));
    assertEquals(e.tokenUri().toString(), k.getString("token_uri"));
    TestIo t = new TestIo();
    assertEquals(0, t.run("send-read", "--conversation", "c", "--message", "m", "--credentials",
        key.toString(), "--api-root", e.uri().toString()), t.err());
    assertEquals(List.of("{\"name\":\"conversations/c/messages/m/receipt\",\"receiptType\":\"READ\"}"),
        t.outLines());
  }

  @Test
  void tokenEndpointWithoutTrustKeyRefuses() throws Exception {
    Emulator e = start();
    assertOAuthError(token(e, Keys.jwt(pair)), "invalid_grant");
  }

  private static void assertOAuthError(HttpResponse<String> r, String error) {
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(error, json(r.body()).getString("error"), r.body());
  }

  @Test
  void scriptedStatusesAnswerTheNextPatches() throws Exception {
    Emulator e = start("--access-token", "t");
    HttpResponse<String> s = Http.post(e.uri().resolve("/emulator/script"), JSON,
        "{\"statuses\":[503,404,200]}");
    assertEquals(200, s.statusCode(), s.body());
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", JSON, READ), 503, "UNAVAILABLE");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", JSON, READ), 404, "NOT_FOUND");
    assertEquals(200, Http.patch(receipt(e, "c", "m"), "t", JSON, READ).statusCode());
    assertEquals(200, Http.patch(receipt(e, "c", "m"), "t", JSON, READ).statusCode());
    assertEquals(200, Http.post(e.uri().resolve("/emulator/script"), "text/plain", "429, 200")
        .statusCode());
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", JSON, READ), 429, "RESOURCE_EXHAUSTED");
    assertEquals(400, Http.post(e.uri().resolve("/emulator/script"), JSON, "{\"statuses\":[99]}")
        .statusCode());
  }

  @Test
  void failRateOneFailsEveryValidPatch() throws Exception {
    Emulator e = start("--access-token", "t", "--fail-rate", "1");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "t", JSON, READ), 503, "UNAVAILABLE");
    assertGoogleError(Http.patch(receipt(e, "c", "m"), "bad", JSON, READ), 401, "UNAUTHENTICATED");
  }

  @Test
  void requestsAreRecordedAndCleared() throws Exception {
    Emulator e = start("--access-token", "t");
    Http.patch(receipt(e, "c", "m"), "t", JSON, READ);
    JsonArray r = requests(e);
    assertEquals(1, r.size());
    JsonObject one = r.getJsonObject(0);
    assertEquals("/v1/conversations/c/messages/m/receipt", one.getString("path"));
    assertEquals(READ, one.getString("body"));
    assertEquals(200, one.getInt("status"));
    assertEquals("fixed", one.getString("auth"));
    assertEquals(204, Http.delete(e.uri().resolve("/emulator/requests")).statusCode());
    assertEquals(0, requests(e).size());
  }

  @Test
  void pushSignsTheBodyAndReturnsTheWebhooksAnswer() throws Exception {
    AtomicReference<byte[]> body = new AtomicReference<>();
    AtomicReference<String> signature = new AtomicReference<>();
    AtomicReference<String> type = new AtomicReference<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/callback", x -> {
      body.set(x.getRequestBody().readAllBytes());
      signature.set(x.getRequestHeaders().getFirst(WebhookSignature.HEADER));
      type.set(x.getRequestHeaders().getFirst("Content-Type"));
      boolean ok = WebhookSignature.verify("push-key", body.get(), signature.get());
      byte[] answer = (ok ? "signed" : "unsigned").getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(ok ? 200 : 401, answer.length);
      x.getResponseBody().write(answer);
      x.close();
    });
    webhook.start();
    started.add(() -> webhook.stop(0));
    Emulator e = start("--signing-key", "push-key");
    String payload = "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c\"}";
    String to = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/callback";
    HttpResponse<String> r = Http.post(URI.create(e.uri() + "emulator/push?to="
        + URLEncoder.encode(to, StandardCharsets.UTF_8)), JSON, payload);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"status\":200,\"body\":\"signed\"}", r.body());
    assertEquals(payload, new String(body.get(), StandardCharsets.UTF_8));
    assertEquals(WebhookSignature.sign("push-key", payload.getBytes(StandardCharsets.UTF_8)),
        signature.get());
    assertEquals("application/json", type.get());
  }

  @Test
  void pushRefusesNonLoopbackTargetsAndMissingKey() throws Exception {
    Emulator e = start("--signing-key", "k");
    assertGoogleError(Http.post(URI.create(e.uri() + "emulator/push?to="
        + URLEncoder.encode("http://example.com/callback", StandardCharsets.UTF_8)), JSON, "{}"),
        400, "INVALID_ARGUMENT");
    assertGoogleError(Http.post(URI.create(e.uri() + "emulator/push"), JSON, "{}"), 400,
        "INVALID_ARGUMENT");
    Emulator unsigned = start();
    assertGoogleError(Http.post(URI.create(unsigned.uri() + "emulator/push?to="
        + URLEncoder.encode("http://127.0.0.1:1/x", StandardCharsets.UTF_8)), JSON, "{}"),
        400, "INVALID_ARGUMENT");
  }
}
