// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static dev.bmreceipts.emulator.EmulatorTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No web page can use the emulator, bad input gets an answer, stalled clients hold nothing. */
class HardeningTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  @TempDir Path dir;
  private Emulator api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static int status(String rawAnswer) {
    return Integer.parseInt(rawAnswer.substring(9, 12));
  }

  @Test
  void refusesAForeignHost() throws Exception {
    api = Emulator.builder().accessToken("t").start();
    for (String host : List.of("evil.example", "rebind.example:" + "8080", "10.0.0.1",
        "127.0.0.1.evil.example", "localhost.evil.example")) {
      String r = Http.raw(api, "GET /emulator/requests HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n");
      assertEquals(403, status(r), host + ": " + r);
      assertTrue(r.contains("The Host header must name a loopback address"), r);
    }
    for (String host : List.of("127.0.0.1:" + api.port(), "localhost", "[::1]:" + api.port(),
        "127.1.2.3")) {
      String r = Http.raw(api, "GET /emulator/requests HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n");
      assertEquals(200, status(r), host + ": " + r);
    }
  }

  @Test
  void boundToEveryAddressItIsStillNamedAndReachedByLoopback() throws Exception {
    api = Emulator.builder().host("0.0.0.0").accessToken("t").start();
    assertEquals("http://127.0.0.1:" + api.port() + "/", api.uri().toString());
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ).statusCode());
    String r = Http.raw(api, "GET /emulator/requests HTTP/1.1\r\nHost: 0.0.0.0:" + api.port()
        + "\r\nConnection: close\r\n\r\n");
    assertEquals(403, status(r), r);
  }

  @Test
  void refusesAForeignOrigin() throws Exception {
    api = Emulator.builder().signingKey("k").start();
    URI push = URI.create(api.uri() + "emulator/push?to="
        + URLEncoder.encode("http://127.0.0.1:1/callback", StandardCharsets.UTF_8));
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(push)
        .header("Origin", "https://evil.example").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertEquals(403, r.statusCode(), r.body());
    assertEquals("The emulator refuses requests from the web origin \"https://evil.example\".",
        json(r.body()).getJsonObject("error").getString("message"));
    assertEquals(403, Http.send(HttpRequest.newBuilder(api.uri().resolve("/emulator/requests"))
        .header("Origin", "null").GET()).statusCode());
    assertEquals(200, Http.send(HttpRequest.newBuilder(api.uri().resolve("/emulator/requests"))
        .header("Origin", "http://localhost:3000").GET()).statusCode());
  }

  @Test
  void pushTakesJsonOnly() throws Exception {
    api = Emulator.builder().signingKey("k").start();
    URI push = URI.create(api.uri() + "emulator/push?to="
        + URLEncoder.encode("http://127.0.0.1:1/callback", StandardCharsets.UTF_8));
    HttpResponse<String> r = Http.post(push, "text/plain", "{}");
    assertEquals(415, r.statusCode(), r.body());
    assertEquals("Push takes Content-Type: application/json, got \"text/plain\".",
        json(r.body()).getJsonObject("error").getString("message"));
  }

  @Test
  void jwtNested3000DeepOrWithA5000DigitNumberGets400() throws Exception {
    api = Emulator.start();
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    String deep = "{\"alg\":\"RS256\",\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}";
    String big = "{\"alg\":\"RS256\",\"x\":" + "9".repeat(5000) + "}";
    for (String header : List.of(deep, big)) {
      HttpResponse<String> r = Http.token(api, Jwts.jwt(key, header, api.tokenUri().toString()));
      assertEquals(400, r.statusCode(), r.body());
      assertEquals("invalid_grant", json(r.body()).getString("error"));
    }
  }

  @Test
  void redactsAfterDecodingAndCookiesAndProxyAuthorization() throws Exception {
    api = Emulator.start();
    String form = "grant_type=" + URLEncoder.encode(Http.JWT_BEARER, StandardCharsets.UTF_8)
        + "&%61ssertion=SECRET-ASSERTION&assertion%3D=x&ke%79=SECRET-KEY";
    // raw bytes: java.net.http drops Proxy-Authorization on a direct connection
    Http.raw(api, "POST /token?%6Bey=SECRET-QUERY-KEY HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nCookie: SID=SECRET-COOKIE\r\n"
        + "Proxy-Authorization: Basic SECRET-PROXY\r\nAuthorization: Basic SECRET-BASIC\r\n"
        + "Connection: close\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
    RecordedRequest seen = api.takeRequest(WAIT);
    String all = Http.send(HttpRequest.newBuilder(api.uri().resolve("/emulator/requests")).GET())
        .body();
    for (String s : List.of(seen.toString(), all)) {
      for (String secret : List.of("SECRET-ASSERTION", "SECRET-KEY", "SECRET-QUERY-KEY",
          "SECRET-COOKIE", "SECRET-PROXY", "SECRET-BASIC")) {
        assertFalse(s.contains(secret), secret + " in " + s);
      }
    }
    assertEquals("<redacted>", seen.header("cookie"));
    assertEquals("<redacted>", seen.header("proxy-authorization"));
    assertTrue(seen.body().contains("&assertion=<redacted>&"), seen.body());
  }

  @Test
  void stalledBodiesHoldABoundedNumberOfThreadsAndAreCutOff() throws Exception {
    api = Emulator.builder().accessToken("t").threads(8).readTimeout(Duration.ofMillis(300))
        .start();
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket("127.0.0.1", api.port());
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("PATCH /v1/conversations/c/messages/m/receipt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer t\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000\r\n\r\n{\"rec").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stalled.add(s);
      }
      assertTrue(emulatorThreads() <= 8, emulatorThreads() + " server threads");
      // every stalled connection is closed by the server within its read deadline
      for (Socket s : stalled) {
        InputStream in = s.getInputStream();
        try {
          assertEquals(-1, in.read());
        } catch (java.net.SocketException reset) {
          // closed while our unread bytes were pending: the same outcome
        }
      }
      assertTrue(emulatorThreads() <= 8, emulatorThreads() + " server threads");
      assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ).statusCode());
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  private static long emulatorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("bm-emulator-") && !t.getName().endsWith("deadlines"))
        .count();
  }
}
