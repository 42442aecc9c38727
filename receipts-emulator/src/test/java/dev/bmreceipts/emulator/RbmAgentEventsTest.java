// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import static dev.bmreceipts.emulator.EmulatorTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RBM's {@code POST /v1/phones/{E.164}/agentEvents}, over real loopback HTTP. */
class RbmAgentEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String PHONE = "+16505551234";
  private static final String DIGITS = "6505551234";
  private static final String EVENT_ID = "5b6a7a1e-3c1f-3d8e-9b2a-0c4d5e6f7a8b";
  private static final String OTHER_ID = "0f1e2d3c-4b5a-4968-8776-655443322110";
  private static final String AGENT = "my-agent";
  private static final String READ = "{\"eventType\":\"READ\",\"messageId\":\"msg-1\"}";
  private static final String TYPING = "{\"eventType\":\"IS_TYPING\"}";
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123456789Z");

  @TempDir Path dir;
  private Emulator api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** A clock a test moves by hand. */
  static final class TestClock extends Clock {
    volatile Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private Emulator.Builder builder() {
    return Emulator.builder().accessToken("t").clock(Clock.fixed(T0, ZoneOffset.UTC));
  }

  static URI event(Emulator e, String phone, String query) {
    return URI.create(e.uri() + "v1/phones/" + phone + "/agentEvents" + query);
  }

  static URI event(Emulator e, String phone, String eventId, String agentId) {
    return event(e, phone, "?eventId=" + eventId + "&agentId=" + agentId);
  }

  static HttpResponse<String> post(URI uri, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return Http.send(b);
  }

  private static String error(int code, String message, String status) {
    return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message.replace("\"", "\\\"")
        + "\",\"status\":\"" + status + "\"}}";
  }

  private static String created(String type, String messageId, String phone, String eventId,
      Instant time) {
    return "{\"eventType\":\"" + type + "\","
        + (messageId == null ? "" : "\"messageId\":\"" + messageId + "\",")
        + "\"name\":\"phones/" + phone + "/agentEvents/" + eventId + "\",\"sendTime\":\""
        + time + "\"}";
  }

  @Test
  void answersAReadWithTheCreatedEventAndRecordsTheCall() throws Exception {
    api = builder().start();
    HttpResponse<String> r = post(event(api, PHONE, EVENT_ID, AGENT), "t", READ);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"eventType\":\"READ\",\"messageId\":\"msg-1\",\"name\":\"phones/+16505551234"
        + "/agentEvents/5b6a7a1e-3c1f-3d8e-9b2a-0c4d5e6f7a8b\",\"sendTime\":"
        + "\"2024-05-01T10:00:00.123456789Z\"}", r.body());
    assertEquals("application/json; charset=UTF-8",
        r.headers().firstValue("Content-Type").orElseThrow());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("POST", seen.method());
    assertEquals("/v1/phones/+16505551234/agentEvents", seen.path());
    assertEquals(Map.of("eventId", List.of(EVENT_ID), "agentId", List.of(AGENT)), seen.query());
    assertEquals(READ, seen.body());
    assertEquals("Bearer <redacted>", seen.header("Authorization"));
    assertEquals("fixed", seen.auth());
    assertEquals(200, seen.status());
    assertEquals(T0, seen.time());
    assertEquals(1, api.agentEventCount());
    assertNull(api.takeRequest(Duration.ofMillis(50)));
  }

  @Test
  void isTypingHasNoMessageIdAndThePhoneMayBePercentEncoded() throws Exception {
    api = builder().start();
    HttpResponse<String> r = post(event(api, "%2B1" + DIGITS, EVENT_ID, AGENT), "t", TYPING);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(created("IS_TYPING", null, PHONE, EVENT_ID, T0), r.body());
    assertEquals("/v1/phones/%2B16505551234/agentEvents", api.takeRequest(WAIT).path(),
        "the path is recorded as sent");
    // lower-case hex is the same number, and so the same resource
    assertEquals(200, post(event(api, "%2b1" + DIGITS, OTHER_ID, AGENT), "t", TYPING)
        .statusCode());
    assertEquals(2, api.agentEventCount());
  }

  @Test
  void refusesAMissingOrUnknownTokenAsForReceipts() throws Exception {
    api = builder().dispatcher(request -> {
      throw new AssertionError("dispatched " + request);
    }).start();
    HttpResponse<String> none = post(event(api, PHONE, EVENT_ID, AGENT), null, READ);
    assertEquals(401, none.statusCode());
    assertEquals(error(401, GoogleErrors.MISSING_CREDENTIALS, "UNAUTHENTICATED"), none.body());
    assertEquals("Bearer realm=\"https://accounts.google.com/\"",
        none.headers().firstValue("WWW-Authenticate").orElseThrow());
    HttpResponse<String> wrong = post(event(api, PHONE, EVENT_ID, AGENT), "wrong", READ);
    assertEquals(401, wrong.statusCode());
    assertEquals(error(401, GoogleErrors.INVALID_CREDENTIALS, "UNAUTHENTICATED"), wrong.body());
    assertEquals("Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
        wrong.headers().firstValue("WWW-Authenticate").orElseThrow());
    RecordedRequest first = api.takeRequest(WAIT);
    assertEquals("none", first.auth());
    assertEquals(401, first.status());
    assertEquals("unknown", api.takeRequest(WAIT).auth());
    assertEquals(0, api.agentEventCount());
  }

  @Test
  void acceptsATokenItIssuedAndATokenInTheQueryRedacted() throws Exception {
    api = Emulator.start();
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    HttpResponse<String> t = Http.token(api, Jwts.jwt(key, Jwts.DEFAULT_HEADER,
        api.tokenUri().toString(), Jwts.RBM_SCOPE));
    String token = json(t.body()).getString("access_token");
    api.takeRequest(WAIT);
    assertEquals(200, post(event(api, PHONE, EVENT_ID, AGENT), token, READ).statusCode());
    RecordedRequest seen = api.takeRequest(WAIT);
    assertEquals("issued", seen.auth());
    assertEquals(1, seen.tokenSerial());
    assertEquals(200, post(event(api, PHONE, "?eventId=" + OTHER_ID + "&agentId=" + AGENT
        + "&access_token=" + token), null, READ).statusCode());
    seen = api.takeRequest(WAIT);
    assertEquals("issued", seen.auth());
    assertEquals("<redacted>", seen.queryParameter("access_token"));
    assertFalse(seen.toString().contains(token));
  }

  @Test
  void refusesAnIssuedTokenWithoutTheRbmScopeWith403AsGoogleDoes() throws Exception {
    api = Emulator.start();
    Path key = api.newServiceAccountKey(dir.resolve("key.json"));
    String bm = json(Http.token(api, Jwts.jwt(key, api.tokenUri().toString())).body())
        .getString("access_token");
    String rbm = json(Http.token(api, Jwts.jwt(key, Jwts.DEFAULT_HEADER,
        api.tokenUri().toString(), Jwts.RBM_SCOPE)).body()).getString("access_token");
    String both = json(Http.token(api, Jwts.jwt(key, Jwts.DEFAULT_HEADER,
        api.tokenUri().toString(), Jwts.SCOPE + " " + Jwts.RBM_SCOPE)).body())
        .getString("access_token");
    HttpResponse<String> refused = post(event(api, PHONE, EVENT_ID, AGENT), bm, READ);
    assertEquals(403, refused.statusCode());
    assertEquals(error(403, "Request had insufficient authentication scopes.",
        "PERMISSION_DENIED"), refused.body());
    assertEquals("Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\","
        + " scope=\"" + Jwts.RBM_SCOPE + "\"",
        refused.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertEquals(0, api.agentEventCount());
    assertEquals(200, post(event(api, PHONE, EVENT_ID, AGENT), rbm, READ).statusCode());
    assertEquals(200, post(event(api, PHONE, OTHER_ID, AGENT), both, READ).statusCode());
    // and the other way round: the receipt endpoint wants the Business Messages scope
    HttpResponse<String> receipt = Http.patch(Http.receipt(api, "c", "m"), rbm,
        "{\"receiptType\":\"READ\"}");
    assertEquals(403, receipt.statusCode(), receipt.body());
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), both, "{\"receiptType\":\"READ\"}")
        .statusCode());
  }

  @Test
  void refusesEachInvalidCallWith400AndNeverRepeatsThePhone() throws Exception {
    api = builder().dispatcher(request -> {
      throw new AssertionError("dispatched " + request);
    }).start();
    String e164 = "Invalid resource name: phone number must be E.164 ('+' then 8 to 15 digits,"
        + " the first not 0): ";
    // {phone, query, body, message}
    List<String[]> cases = List.of(
        new String[] {DIGITS, null, READ, e164 + "it does not start with '+'."},
        new String[] {"+1650555ABCD", null, READ, e164 + "it holds a character other than a digit"
            + " after the '+'."},
        new String[] {"+1650", null, READ, e164 + "it has 4 digits."},
        new String[] {"+16505551234567890", null, READ, e164 + "it has 17 digits."},
        new String[] {"+06505551234", null, READ, e164 + "its first digit is 0."},
        new String[] {"%20" + PHONE, null, READ, e164 + "it does not start with '+'."},
        new String[] {"%2B%E2%82" + DIGITS, null, READ,
            "Invalid resource name: the phone number's percent-encoding is not UTF-8."},
        new String[] {PHONE, "?agentId=" + AGENT, READ,
            "eventId is required: a UUID the agent chooses."},
        new String[] {PHONE, "?eventId=&agentId=" + AGENT, READ,
            "eventId is required: a UUID the agent chooses."},
        new String[] {PHONE, "?eventId=msg-1&agentId=" + AGENT, READ,
            "Invalid value at 'event_id': \"msg-1\" is not a UUID."},
        new String[] {PHONE, "?eventId=" + EVENT_ID, READ, "agentId is required."},
        new String[] {PHONE, "?eventId=" + EVENT_ID + "&agentId=", READ, "agentId is required."},
        new String[] {PHONE, "?eventId=" + EVENT_ID + "&agentId=a&agent=b", READ,
            "Invalid JSON payload received. Unknown name \"agent\": Cannot bind query parameter."
                + " Field 'agent' could not be found in request message."},
        new String[] {PHONE, null, "{\"eventType\":\"READ\"}",
            "messageId is required for a READ event."},
        new String[] {PHONE, null, "{\"eventType\":\"READ\",\"messageId\":\"\"}",
            "messageId is required for a READ event."},
        new String[] {PHONE, null, "{\"eventType\":\"READ\",\"messageId\":7}",
            "Invalid value at 'agent_event.message_id': expected a string."},
        new String[] {PHONE, null, "{\"messageId\":\"msg-1\"}",
            "eventType is required: READ or IS_TYPING."},
        new String[] {PHONE, null, "{\"eventType\":\"TYPE_UNSPECIFIED\"}",
            "eventType is required: READ or IS_TYPING."},
        new String[] {PHONE, null, "{\"eventType\":\"DELIVERED\",\"messageId\":\"msg-1\"}",
            "Invalid value at 'agent_event.event_type' (type.googleapis.com/google.communications"
                + ".rcsbusinessmessaging.v1.AgentEvent.EventType), \"DELIVERED\"."},
        new String[] {PHONE, null, "{\"eventType\":1}",
            "Invalid value at 'agent_event.event_type': expected an enum name."},
        new String[] {PHONE, null, "{\"eventType\":\"IS_TYPING\",\"phone\":\"x\"}",
            "Invalid JSON payload received. Unknown name \"phone\": Cannot find field."},
        new String[] {PHONE, null, "[]", "Invalid JSON payload received. Expected an object."},
        new String[] {PHONE, null, "{\"eventType\":", "Invalid JSON payload received."
            + " Unexpected token."});
    for (String[] c : cases) {
      URI uri = event(api, c[0], c[1] != null ? c[1] : "?eventId=" + EVENT_ID + "&agentId="
          + AGENT);
      HttpResponse<String> r = post(uri, "t", c[2]);
      assertEquals(error(400, c[3], "INVALID_ARGUMENT"), r.body(), uri + " " + c[2]);
      assertEquals(400, r.statusCode());
      assertFalse(r.body().contains("6505551234"), r.body());
      assertFalse(r.body().contains("650555ABCD"), r.body());
      assertEquals(400, api.takeRequest(WAIT).status());
    }
    assertEquals(0, api.agentEventCount());
  }

  @Test
  void refusesOtherMethodsContentTypesAndPathsWithoutRepeatingThePhone() throws Exception {
    api = builder().start();
    HttpResponse<String> get = Http.send(HttpRequest.newBuilder(event(api, PHONE, EVENT_ID, AGENT))
        .header("Authorization", "Bearer t"));
    assertEquals(405, get.statusCode());
    assertEquals(error(405, "Method GET is not allowed here; use POST.", "UNIMPLEMENTED"),
        get.body());
    assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
    HttpResponse<String> text = Http.send(HttpRequest.newBuilder(event(api, PHONE, EVENT_ID,
        AGENT)).header("Authorization", "Bearer t").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(READ)));
    assertEquals(error(415, "Content-Type must be application/json (UTF-8), got \"text/plain\".",
        "INVALID_ARGUMENT"), text.body());
    assertEquals(415, text.statusCode());
    HttpResponse<String> elsewhere = post(URI.create(api.uri() + "v1/phones/" + PHONE
        + "/agentEvents/" + EVENT_ID), "t", READ);
    assertEquals(error(404, "The requested URL was not found on this server.", "NOT_FOUND"),
        elsewhere.body());
  }

  @Test
  void aReusedEventIdGetsTheSameEventAndIsCountedOnce() throws Exception {
    TestClock clock = new TestClock();
    api = Emulator.builder().accessToken("t").clock(clock).start();
    HttpResponse<String> first = post(event(api, PHONE, EVENT_ID, AGENT), "t", READ);
    clock.now = T0.plusSeconds(30);
    HttpResponse<String> again = post(event(api, PHONE, EVENT_ID.toUpperCase(), AGENT), "t",
        READ);
    assertEquals(200, again.statusCode());
    assertEquals(created("READ", "msg-1", PHONE, EVENT_ID, T0), first.body());
    assertEquals(first.body(), again.body(), "the event created the first time, unchanged");
    assertEquals(1, api.agentEventCount());
    assertEquals(2, api.requestCount(), "both calls are recorded");
    // the same id from another agent is another event
    HttpResponse<String> other = post(event(api, PHONE, EVENT_ID, "other-agent"), "t", READ);
    assertEquals(created("READ", "msg-1", PHONE, EVENT_ID, T0.plusSeconds(30)), other.body());
    assertEquals(2, api.agentEventCount());
  }

  @Test
  void anUnreachablePhoneGets404WithGooglesMessage() throws Exception {
    api = builder().unreachable(PHONE).start();
    HttpResponse<String> r = post(event(api, "%2B1" + DIGITS, EVENT_ID, AGENT), "t", READ);
    assertEquals(404, r.statusCode());
    assertEquals("{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
        + "\"status\":\"NOT_FOUND\"}}", r.body());
    assertEquals(404, api.takeRequest(WAIT).status());
    assertEquals(0, api.agentEventCount());
    assertEquals(200, post(event(api, "+16505559999", EVENT_ID, AGENT), "t", READ).statusCode());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Emulator.builder().unreachable("6505551234"));
    assertEquals("phone number must be E.164 ('+' then 8 to 15 digits, the first not 0): it does"
        + " not start with '+'", bad.getMessage());
  }

  @Test
  void enqueuedFaultsApplyToAgentEventsAndARetryThenCreatesTheEvent() throws Exception {
    api = builder().start();
    api.enqueue(Answer.status(503).withHeader("Retry-After", "2"));
    api.enqueue(Answer.error(429, "Quota exceeded"));
    api.enqueue(Answer.reset());
    HttpResponse<String> busy = post(event(api, PHONE, EVENT_ID, AGENT), "t", READ);
    assertEquals(error(503, "The service is currently unavailable.", "UNAVAILABLE"), busy.body());
    assertEquals("2", busy.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(error(429, "Quota exceeded", "RESOURCE_EXHAUSTED"),
        post(event(api, PHONE, EVENT_ID, AGENT), "t", READ).body());
    String dropped = Http.raw(api, "POST /v1/phones/" + PHONE + "/agentEvents?eventId=" + EVENT_ID
        + "&agentId=" + AGENT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + READ.length() + "\r\n\r\n" + READ);
    assertEquals("", dropped);
    assertEquals(0, api.agentEventCount(), "faulted calls create no event");
    HttpResponse<String> ok = post(event(api, PHONE, EVENT_ID, AGENT), "t", READ);
    assertEquals(created("READ", "msg-1", PHONE, EVENT_ID, T0), ok.body());
    assertEquals(1, api.agentEventCount());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(api.takeRequest(WAIT).status());
    }
    assertEquals(List.of(503, 429, 0, 200), statuses);
  }

  @Test
  void aDispatcherSeesAgentEventsAndCanTellThemFromReceipts() throws Exception {
    api = builder().dispatcher(request -> request.path().startsWith("/v1/phones/")
        ? Answer.status(500) : Answer.ok()).start();
    assertEquals(500, post(event(api, PHONE, EVENT_ID, AGENT), "t", READ).statusCode());
    assertEquals(200, Http.patch(Http.receipt(api, "c", "m"), "t", Http.READ).statusCode());
  }

  @Test
  void refusesAForeignHostOrOriginForAgentEvents() throws Exception {
    api = builder().start();
    String request = "POST /v1/phones/" + PHONE + "/agentEvents?eventId=" + EVENT_ID + "&agentId="
        + AGENT + " HTTP/1.1\r\nHost: %s\r\n%sAuthorization: Bearer t\r\nContent-Type:"
        + " application/json\r\nContent-Length: " + READ.length() + "\r\nConnection: close\r\n\r\n"
        + READ;
    String host = Http.raw(api, String.format(request, "evil.example", ""));
    assertTrue(host.startsWith("HTTP/1.1 403"), host);
    String origin = Http.raw(api, String.format(request, "127.0.0.1",
        "Origin: https://evil.example\r\n"));
    assertTrue(origin.startsWith("HTTP/1.1 403"), origin);
    assertEquals(0, api.agentEventCount());
  }
}
