// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static dev.bmreceipts.emulator.EmulatorTest.assertGoogleError;
import static dev.bmreceipts.emulator.EmulatorTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Google's clients send for a READ receipt and a token, byte for byte, is accepted. */
class FidelityTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  @TempDir Path dir;
  private Emulator api;

  @BeforeEach
  void start() {
    api = Emulator.builder().accessToken("t").start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static HttpRequest.Builder receipt(URI uri, String method, byte[] body) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer t")
        .header("Content-Type", "application/json; charset=UTF-8")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] read() {
    return Http.READ.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void postWithMethodOverrideIsAPatch() throws Exception {
    HttpResponse<String> r = Http.send(receipt(Http.receipt(api, "c", "m"), "POST", read())
        .header("X-HTTP-Method-Override", "PATCH"));
    assertEquals(200, r.statusCode(), r.body());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("PATCH", seen.method());
    assertTrue(seen.methodOverride());
  }

  @Test
  void methodOverrideCountsOnPostOnly() throws Exception {
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(Http.receipt(api, "c", "m"))
        .header("Authorization", "Bearer t").header("X-HTTP-Method-Override", "PATCH").GET());
    assertGoogleError(r, 405, "UNIMPLEMENTED");
    assertFalse(api.takeRequest(WAIT).methodOverride());
    assertGoogleError(Http.post(Http.receipt(api, "c", "m"), "application/json", Http.READ), 405,
        "UNIMPLEMENTED");
  }

  @Test
  void gzipBodyIsDecoded() throws Exception {
    HttpResponse<String> r = Http.send(receipt(Http.receipt(api, "c", "m"), "PATCH", gzip(read()))
        .header("Content-Encoding", "gzip"));
    assertEquals(200, r.statusCode(), r.body());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertTrue(seen.gzipped());
    assertEquals(Http.READ, seen.body());
  }

  @Test
  void deflateBodyIsDecoded() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(read());
    }
    HttpResponse<String> r = Http.send(receipt(Http.receipt(api, "c", "m"), "PATCH",
        out.toByteArray()).header("Content-Encoding", "deflate"));
    assertEquals(200, r.statusCode(), r.body());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("deflate", seen.contentEncoding());
    assertEquals(Http.READ, seen.body());
  }

  @Test
  void gzipBombGets413() throws Exception {
    byte[] bomb = gzip(new byte[8 << 20]); // 8 MiB of zeros, about 8 KiB on the wire
    assertTrue(bomb.length < 64 << 10);
    HttpResponse<String> r = Http.send(receipt(Http.receipt(api, "c", "m"), "PATCH", bomb)
        .header("Content-Encoding", "gzip"));
    assertGoogleError(r, 413, "INVALID_ARGUMENT");
    assertGoogleError(Http.send(receipt(Http.receipt(api, "c", "m"), "PATCH",
        "not gzip".getBytes(StandardCharsets.UTF_8)).header("Content-Encoding", "gzip")), 400,
        "INVALID_ARGUMENT");
  }

  @Test
  void chunkedBodyIsRead() throws Exception {
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(Http.receipt(api, "c", "m"))
        .header("Authorization", "Bearer t").header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(read()))));
    assertEquals(200, r.statusCode(), r.body());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("chunked", seen.header("transfer-encoding"));
    assertEquals(Http.READ, seen.body());
  }

  @Test
  void systemQueryParametersAreAccepted() throws Exception {
    URI uri = URI.create(Http.receipt(api, "c", "m")
        + "?alt=json&prettyPrint=false&fields=name&%24.xgafv=2&key=api-key-1");
    HttpResponse<String> r = Http.send(receipt(uri, "PATCH", read()));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"name\":\"conversations/c/messages/m/receipt\"}", r.body());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("json", seen.queryParameter("alt"));
    assertEquals("2", seen.queryParameter("$.xgafv"));
    assertEquals("<redacted>", seen.queryParameter("key"));
  }

  @Test
  void unknownOrBadQueryParametersGet400() throws Exception {
    HttpResponse<String> r = Http.send(receipt(URI.create(Http.receipt(api, "c", "m")
        + "?updateMask=x"), "PATCH", read()));
    assertGoogleError(r, 400, "INVALID_ARGUMENT");
    assertEquals("Invalid JSON payload received. Unknown name \"updateMask\": Cannot bind query"
        + " parameter. Field 'updateMask' could not be found in request message.",
        json(r.body()).getJsonObject("error").getString("message"));
    assertGoogleError(Http.send(receipt(URI.create(Http.receipt(api, "c", "m") + "?alt=xml"),
        "PATCH", read())), 400, "INVALID_ARGUMENT");
  }

  @Test
  void bodyNameMatchingThePathIsAcceptedAndAMismatchIs400() throws Exception {
    String ok = "{\"name\":\"conversations/c/messages/m/receipt\",\"receiptType\":\"READ\"}";
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), "t", ok).statusCode());
    String other = "{\"name\":\"conversations/c/messages/other/receipt\",\"receiptType\":\"READ\"}";
    HttpResponse<String> r = Http.patch(Http.receipt(api, "c", "m"), "t", other);
    assertGoogleError(r, 400, "INVALID_ARGUMENT");
    assertEquals("Invalid value at 'receipt.name': the body names"
        + " \"conversations/c/messages/other/receipt\" but the URL names"
        + " \"conversations/c/messages/m/receipt\".",
        json(r.body()).getJsonObject("error").getString("message"));
  }

  @Test
  void answersGzippedWhenAsked() throws Exception {
    HttpResponse<byte[]> r = Http.CLIENT.send(receipt(Http.receipt(api, "c", "m"), "PATCH", read())
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElseThrow());
    byte[] plain = new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
    assertEquals("{\"name\":\"conversations/c/messages/m/receipt\",\"receiptType\":\"READ\"}",
        new String(plain, StandardCharsets.UTF_8));
    HttpResponse<String> identity = Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ);
    assertTrue(identity.headers().firstValue("Content-Encoding").isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://oauth2.googleapis.com/token",
      "https://www.googleapis.com/oauth2/v4/token", "https://accounts.google.com/o/oauth2/token",
      "KEY_TOKEN_URI", "http://localhost:PORT/token"})
  void acceptsEveryAudienceGoogleAccepts(String audience) throws Exception {
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    String aud = audience.equals("KEY_TOKEN_URI") ? Jwts.key(key).getString("token_uri")
        : audience.replace("PORT", String.valueOf(api.port()));
    HttpResponse<String> r = Http.token(api, Jwts.jwt(key, aud));
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void refusesAForeignAudienceWithInvalidGrant() throws Exception {
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    HttpResponse<String> r = Http.token(api, Jwts.jwt(key, "https://example.com/token"));
    assertEquals(400, r.statusCode());
    assertEquals("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT: Failed"
        + " audience check. The right audience is https://oauth2.googleapis.com/token or "
        + api.tokenUri() + ".\"}", r.body());
  }

  @Test
  void trustsTheTokenUriOfAKeyFileItWasGiven() throws Exception {
    Path key;
    try (Emulator other = Emulator.start()) {
      key = other.newServiceAccountKey(dir.resolve("other.json"));
    }
    try (Emulator trusting = Emulator.builder().trustKey(key).start()) {
      String foreignTokenUri = Jwts.key(key).getString("token_uri");
      assertEquals(200, Http.token(trusting, Jwts.jwt(key, foreignTokenUri)).statusCode());
    }
  }

  @Test
  void formBodyWithOrWithoutCharset() throws Exception {
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    String form = "grant_type=" + java.net.URLEncoder.encode(Http.JWT_BEARER,
        StandardCharsets.UTF_8) + "&assertion=";
    for (String type : new String[] {"application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "application/x-www-form-urlencoded;charset=utf-8"}) {
      HttpResponse<String> r = Http.post(api.tokenUri(), type,
          form + Jwts.jwt(key, api.tokenUri().toString()));
      assertEquals(200, r.statusCode(), type + ": " + r.body());
    }
  }
}
