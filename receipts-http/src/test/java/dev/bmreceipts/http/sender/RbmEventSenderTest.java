// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.rbm.AgentEventId;
import dev.bmreceipts.core.rbm.InvalidPhoneNumberException;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEventType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The RBM agent event sender against a real JDK {@link HttpServer} on loopback. */
class RbmEventSenderTest {
  private static final String TOKEN = "tok-rbm-1";
  private static final String AGENT = "welcome_bot@rbm.goog";
  private static final String E164 = "+447700900123";
  private static final String DIGITS = "447700900123";
  private static final PhoneNumber PHONE = PhoneNumber.of(E164);
  private static final RetryPolicy FAST =
      new RetryPolicy(5, Duration.ofMillis(1), 2.0, Duration.ofMillis(20), Duration.ofMinutes(1));
  private static final String NOT_FOUND =
      "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"}}";

  /** One request as the server saw it. */
  record Seen(String method, String path, String query, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null ? null : v.get(0);
    }

    String eventId() {
      return query.substring("eventId=".length(), query.indexOf('&'));
    }
  }

  /** What the server does with one request; the default, when none is queued, is 200. */
  interface Answer {
    void answer(HttpExchange exchange) throws IOException;
  }

  private HttpServer server;
  private ExecutorService serverThreads;
  private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<RbmEventSender> senders = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()),
          new String(body, StandardCharsets.UTF_8)));
      Answer a = answers.poll();
      (a == null ? ok() : a).answer(exchange);
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    senders.forEach(RbmEventSender::close);
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private URI root() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private static Answer ok() {
    return respond(200, "{\"eventType\":\"READ\",\"name\":\"phones/+447700900123/agentEvents/x\"}");
  }

  private static Answer respond(int status, String json) {
    return exchange -> {
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, b.length);
      exchange.getResponseBody().write(b);
      exchange.close();
    };
  }

  /** The JDK server closes the connection of a handler that throws: the client gets no answer. */
  private static Answer drop() {
    return exchange -> {
      throw new IOException("dropping the connection");
    };
  }

  /** Never answers, until the test ends. */
  private Answer hang() {
    return exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    };
  }

  private RbmEventSender.Builder builder() {
    return RbmEventSender.builder().agentId(AGENT).apiRoot(root())
        .tokens(AccessTokenProvider.fixed(TOKEN)).retryPolicy(FAST);
  }

  private RbmEventSender track(RbmEventSender s) {
    senders.add(s);
    return s;
  }

  private static RbmEventSendException failure(CompletableFuture<RbmEventResult> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
    return assertInstanceOf(RbmEventSendException.class, e.getCause());
  }

  /** Neither the message, the string form nor the URL of {@code e} holds the whole number. */
  private static void assertMasked(RbmEventSendException e) {
    assertFalse(e.getMessage().contains(DIGITS), e.getMessage());
    assertFalse(e.toString().contains(DIGITS), e.toString());
    String uri = e.uri().orElseThrow().toString();
    assertFalse(uri.contains(DIGITS), uri);
    assertTrue(uri.contains("/v1/phones/%2B****0123/agentEvents?eventId="), uri);
    assertEquals("+****0123", e.phone().toString());
  }

  @Test
  void sendsReadAsExactPostWithEncodedPhoneAndAgentQueryHeadersAndBody() throws Exception {
    RbmEventSender sender = track(builder().build());
    RbmEventResult r = sender.sendReadAndWait(PHONE, "Mx\"a\\b✓");

    assertEquals(1, seen.size());
    Seen s = seen.get(0);
    UUID id = AgentEventId.of(AGENT, PHONE, "Mx\"a\\b✓", "READ");
    assertEquals("POST", s.method());
    assertEquals("/v1/phones/%2B447700900123/agentEvents", s.path());
    assertEquals("eventId=" + id + "&agentId=welcome_bot%40rbm.goog", s.query());
    assertEquals("{\"eventType\":\"READ\",\"messageId\":\"Mx\\\"a\\\\b✓\"}", s.body());
    assertEquals("Bearer " + TOKEN, s.header("Authorization"));
    assertEquals("application/json", s.header("Content-type"));
    assertEquals("application/json", s.header("Accept"));
    assertTrue(s.header("User-agent").matches("bm-receipts/\\S+"), s.header("User-agent"));
    assertEquals(new RbmEventResult(PHONE, RbmEventType.READ, "Mx\"a\\b✓", id, 200, 1), r);
    assertFalse(r.toString().contains(DIGITS), r.toString());
  }

  @Test
  void sendsIsTypingWithABodyOfItsTypeAloneAndAnEventIdOfTheAnsweredMessage() throws Exception {
    RbmEventSender sender = track(builder().build());
    RbmEventResult r = sender.sendIsTyping(E164, "m1").get(10, TimeUnit.SECONDS);

    Seen s = seen.get(0);
    UUID id = AgentEventId.of(AGENT, PHONE, "m1", "IS_TYPING");
    assertEquals("/v1/phones/%2B447700900123/agentEvents", s.path());
    assertEquals("eventId=" + id + "&agentId=welcome_bot%40rbm.goog", s.query());
    assertEquals("{\"eventType\":\"IS_TYPING\"}", s.body());
    assertEquals(new RbmEventResult(PHONE, RbmEventType.IS_TYPING, "m1", id, 200, 1), r);
  }

  @Test
  void retriesAfter503CarryTheSameEventId() throws Exception {
    answers.add(respond(503, "{\"error\":{\"code\":503,\"message\":\"busy\",\"status\":\"UNAVAILABLE\"}}"));
    answers.add(respond(503, ""));
    RbmEventSender sender = track(builder().build());
    RbmEventResult r = sender.sendReadAndWait(PHONE, "m1");

    assertEquals(3, seen.size());
    assertEquals(3, r.attempts());
    for (Seen s : seen) {
      assertEquals(seen.get(0).query(), s.query());
      assertEquals(seen.get(0).body(), s.body());
    }
    assertEquals(AgentEventId.of(AGENT, PHONE, "m1", "READ").toString(), seen.get(0).eventId());
  }

  @Test
  void retryAfterADroppedConnectionCarriesTheSameEventId() throws Exception {
    answers.add(drop());
    RbmEventSender sender = track(builder().build());
    RbmEventResult r = sender.sendIsTypingAndWait(PHONE, "m1");

    assertEquals(2, seen.size());
    assertEquals(2, r.attempts());
    assertEquals(seen.get(0).query(), seen.get(1).query());
    assertEquals(AgentEventId.of(AGENT, PHONE, "m1", "IS_TYPING").toString(), seen.get(1).eventId());
  }

  @Test
  void eventIdsDifferByTypeMessagePhoneAndAgent() throws Exception {
    RbmEventSender sender = track(builder().build());
    RbmEventSender other = track(builder().agentId("other_bot@rbm.goog").build());
    List<UUID> ids = List.of(
        sender.sendReadAndWait(PHONE, "m1").eventId(),
        sender.sendIsTypingAndWait(PHONE, "m1").eventId(),
        sender.sendReadAndWait(PHONE, "m2").eventId(),
        sender.sendReadAndWait(PhoneNumber.of("+447700900124"), "m1").eventId(),
        other.sendReadAndWait(PHONE, "m1").eventId());

    assertEquals(5, seen.size());
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(ids.get(i).toString(), seen.get(i).eventId());
      for (int j = i + 1; j < ids.size(); j++) {
        assertNotEquals(ids.get(i), ids.get(j), i + " and " + j);
      }
    }
    assertTrue(seen.get(4).query().endsWith("&agentId=other_bot%40rbm.goog"), seen.get(4).query());
    assertEquals(ids.get(0), sender.sendReadAndWait(PHONE, "m1").eventId(), "the same event, the same id");
  }

  @Test
  void unreachableUser404FailsAtOnceWithGooglesMessageAndNoRetry() {
    answers.add(respond(404, NOT_FOUND));
    RbmEventSender sender = track(builder().build());
    RbmEventSendException e = failure(sender.sendRead(PHONE, "m1"));

    RbmEventSendException.Rejected rejected = assertInstanceOf(RbmEventSendException.Rejected.class, e);
    assertEquals("404 NOT_FOUND: Requested entity was not found. (1 attempt)", rejected.getMessage());
    assertEquals(404, e.status());
    assertEquals("NOT_FOUND", e.apiStatus());
    assertEquals("Requested entity was not found.", e.apiMessage());
    assertEquals(1, e.attempts());
    assertEquals(1, seen.size());
    assertEquals(RbmEventType.READ, e.eventType());
    assertEquals("m1", e.messageId());
    assertEquals(AgentEventId.of(AGENT, PHONE, "m1", "READ"), e.eventId());
    assertEquals(root() + "v1/phones/%2B****0123/agentEvents?eventId=" + e.eventId()
        + "&agentId=welcome_bot%40rbm.goog", e.uri().orElseThrow().toString());
    assertMasked(e);
  }

  @Test
  void a401ForAFixedTokenIsNotSentAgain() {
    answers.add(respond(401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication"
        + " credentials.\",\"status\":\"UNAUTHENTICATED\"}}"));
    RbmEventSender sender = track(builder().build());
    RbmEventSendException e = assertThrows(RbmEventSendException.class,
        () -> sender.sendReadAndWait(PHONE, "m1"));

    assertInstanceOf(RbmEventSendException.Rejected.class, e);
    assertEquals("401 UNAUTHENTICATED: Request had invalid authentication credentials. (1 attempt)",
        e.getMessage());
    assertEquals(1, seen.size());
    assertFalse(e.getMessage().contains(TOKEN));
    assertMasked(e);
  }

  @Test
  void retryableStatusesGiveUpWithTheMaskedPhone() {
    for (int i = 0; i < 5; i++) {
      answers.add(respond(503, "{\"error\":{\"code\":503,\"message\":\"busy\",\"status\":\"UNAVAILABLE\"}}"));
    }
    RbmEventSender sender = track(builder().build());
    RbmEventSendException e = failure(sender.sendRead(PHONE, "m1"));

    assertInstanceOf(RbmEventSendException.GaveUp.class, e);
    assertEquals("503 UNAVAILABLE: busy (gave up after 5 attempts)", e.getMessage());
    assertEquals(5, seen.size());
    assertMasked(e);
  }

  @Test
  void droppedConnectionsGiveUpWithTheMaskedPhone() {
    answers.add(drop());
    RbmEventSender sender = track(builder().retryPolicy(RetryPolicy.NONE).build());
    RbmEventSendException e = failure(sender.sendIsTyping(PHONE, "m1"));

    assertInstanceOf(RbmEventSendException.GaveUp.class, e);
    assertInstanceOf(IOException.class, e.getCause());
    assertTrue(e.getMessage().endsWith(" (gave up after 1 attempt)"), e.getMessage());
    assertEquals(RbmEventType.IS_TYPING, e.eventType());
    assertMasked(e);
  }

  @Test
  void theSendTimeoutEndsASendTheServerNeverAnswers() {
    answers.add(hang());
    RbmEventSender sender = track(builder().sendTimeout(Duration.ofMillis(300)).build());
    RbmEventSendException e = failure(sender.sendRead(PHONE, "m1"));

    assertInstanceOf(RbmEventSendException.GaveUp.class, e);
    HttpTimeoutException cause = assertInstanceOf(HttpTimeoutException.class, e.getCause());
    assertEquals("no READ event sent within the send timeout of 300 ms", cause.getMessage());
    assertEquals("HttpTimeoutException: no READ event sent within the send timeout of 300 ms"
        + " (gave up after 1 attempt)", e.getMessage());
    assertMasked(e);
  }

  @Test
  void aProviderWithNoTokenFailsBeforeAnyRequestWithTheMaskedPhone() {
    RbmEventSender sender = track(builder().tokens(new AccessTokenProvider() {
      @Override
      public String accessToken() throws IOException {
        throw new IOException("no key");
      }

      @Override
      public String refresh(String rejected) throws IOException {
        throw new IOException("no key");
      }
    }).build());
    RbmEventSendException e = failure(sender.sendRead(PHONE, "m1"));

    assertInstanceOf(RbmEventSendException.NoToken.class, e);
    assertEquals("no access token: IOException: no key (0 attempts)", e.getMessage());
    assertEquals(0, seen.size());
    assertMasked(e);
  }

  @Test
  void regionalRootsAreGooglesRegionalHosts() {
    assertEquals(URI.create("https://us-rcsbusinessmessaging.googleapis.com/"),
        RbmEventSender.Region.US.apiRoot());
    assertEquals(URI.create("https://europe-rcsbusinessmessaging.googleapis.com/"),
        RbmEventSender.Region.EUROPE.apiRoot());
    assertEquals(URI.create("https://asia-rcsbusinessmessaging.googleapis.com/"),
        RbmEventSender.Region.ASIA.apiRoot());
    assertEquals("https://rcsbusinessmessaging.googleapis.com/", RbmEventSender.Builder.DEFAULT_API_ROOT);
    assertEquals("https://www.googleapis.com/auth/rcsbusinessmessaging", RbmEventSender.SCOPE);
  }

  @Test
  void aRegionSetsTheRootOfTheEventUrl() {
    AccessTokenProvider none = new AccessTokenProvider() {
      @Override
      public String accessToken() {
        return null;
      }

      @Override
      public String refresh(String rejected) {
        return null;
      }
    };
    RbmEventSender europe = track(RbmEventSender.builder().agentId("a").tokens(none)
        .region(RbmEventSender.Region.EUROPE).build());
    RbmEventSendException e = failure(europe.sendRead(PHONE, "m1"));
    assertEquals("https://europe-rcsbusinessmessaging.googleapis.com/v1/phones/%2B****0123/agentEvents"
        + "?eventId=" + AgentEventId.of("a", PHONE, "m1", "READ") + "&agentId=a",
        e.uri().orElseThrow().toString());

    RbmEventSender global = track(RbmEventSender.builder().agentId("a").tokens(none).build());
    assertTrue(failure(global.sendRead(PHONE, "m1")).uri().orElseThrow().toString()
        .startsWith("https://rcsbusinessmessaging.googleapis.com/v1/phones/"));

    // the last of region and apiRoot wins
    RbmEventSender local = track(builder().region(RbmEventSender.Region.US).apiRoot(root()).build());
    local.sendReadAndWait(PHONE, "m1");
    assertEquals(1, seen.size());
  }

  @Test
  void badInputIsRefusedBeforeAnyRequest() {
    RbmEventSender sender = track(builder().build());

    IllegalArgumentException phone = assertThrows(InvalidPhoneNumberException.class,
        () -> sender.sendRead("07700900123", "m1"));
    assertEquals("phone number must be E.164 ('+' then 8 to 15 digits, the first not 0):"
        + " it does not start with '+'", phone.getMessage());
    assertFalse(phone.getMessage().contains("7700900123"));
    assertThrows(InvalidPhoneNumberException.class, () -> sender.sendIsTyping("+44 7700 900123", "m1"));

    assertEquals("messageId must not be empty",
        assertThrows(IllegalArgumentException.class, () -> sender.sendRead(PHONE, "")).getMessage());
    assertEquals("messageId must not contain control characters",
        assertThrows(IllegalArgumentException.class, () -> sender.sendReadAndWait(PHONE, "m\n1")).getMessage());
    assertEquals("answeredMessageId must not be empty",
        assertThrows(IllegalArgumentException.class, () -> sender.sendIsTyping(PHONE, "")).getMessage());
    assertEquals("messageId cannot be null",
        assertThrows(NullPointerException.class, () -> sender.sendRead(PHONE, null)).getMessage());
    assertEquals("phone cannot be null",
        assertThrows(NullPointerException.class, () -> sender.sendRead((PhoneNumber) null, "m1")).getMessage());

    assertEquals("agentId must not be empty",
        assertThrows(IllegalArgumentException.class, () -> RbmEventSender.builder().agentId("")).getMessage());
    assertEquals("agentId must not contain whitespace or control characters",
        assertThrows(IllegalArgumentException.class, () -> RbmEventSender.builder().agentId("a b")).getMessage());
    assertEquals("agentId cannot be null, set the agent's id from the RBM console",
        assertThrows(NullPointerException.class, () -> RbmEventSender.builder().agentId(null)).getMessage());
    assertEquals("agentId must be set, the agent's id from the RBM console",
        assertThrows(NullPointerException.class,
            () -> RbmEventSender.builder().tokens(AccessTokenProvider.fixed(TOKEN)).build()).getMessage());
    assertThrows(NullPointerException.class, () -> RbmEventSender.builder().agentId("a").build());
    assertThrows(IllegalArgumentException.class, () -> RbmEventSender.builder().apiRoot("ftp://x/"));

    assertEquals(0, seen.size());
  }

  @Test
  void anInterruptedWaitThrowsInterruptedWithTheMaskedPhoneAndKeepsTheFlag() {
    answers.add(hang());
    RbmEventSender sender = track(builder().sendTimeout(Duration.ofSeconds(5)).build());
    Thread.currentThread().interrupt();
    RbmEventSendException e;
    try {
      e = assertThrows(RbmEventSendException.Interrupted.class, () -> sender.sendReadAndWait(PHONE, "m1"));
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set again");
    } finally {
      Thread.interrupted();
    }
    assertEquals("interrupted while waiting for the READ event to +****0123; the send goes on",
        e.getMessage());
    assertInstanceOf(InterruptedException.class, e.getCause());
    assertTrue(e.uri().isEmpty());
    assertEquals(AgentEventId.of(AGENT, PHONE, "m1", "READ"), e.eventId());
  }

  @Test
  void aClosedSenderRefusesNewSends() {
    RbmEventSender sender = builder().build();
    sender.close();
    assertThrows(IllegalStateException.class, () -> sender.sendRead(PHONE, "m1"));
    assertEquals(0, seen.size());
  }
}
