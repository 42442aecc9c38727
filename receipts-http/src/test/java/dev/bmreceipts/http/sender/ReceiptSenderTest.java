// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.http.MutableClock;
import dev.bmreceipts.core.InvalidMessageNameException;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.emulator.Answer;
import dev.bmreceipts.emulator.Dispatcher;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReceiptSenderTest {
  private static final String TOKEN = "tok-secret-1";
  private static final RetryPolicy FAST =
      new RetryPolicy(5, Duration.ofMillis(1), 2.0, Duration.ofMillis(20), Duration.ofMinutes(1));

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String INVALID_CREDENTIALS = "Request had invalid authentication"
      + " credentials. Expected OAuth 2 access token, login cookie or other valid authentication"
      + " credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

  private Emulator api;
  private HttpClient http11;
  private final List<ReceiptSender> senders = new ArrayList<>();

  @BeforeEach
  void start() {
    api = Emulator.builder().accessToken(TOKEN).start();
    http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    senders.forEach(ReceiptSender::close);
    api.close();
  }

  /** Replaces the default emulator with one answered by {@code dispatcher}. */
  private void answerWith(Dispatcher dispatcher) {
    api.close();
    api = Emulator.builder().accessToken(TOKEN).dispatcher(dispatcher).start();
  }

  private RecordedRequest next() throws InterruptedException {
    RecordedRequest r = api.takeRequest(WAIT);
    assertNotNull(r, "no request within " + WAIT);
    return r;
  }

  private void enqueue(Answer... answers) {
    for (Answer a : answers) {
      api.enqueue(a);
    }
  }

  private ReceiptSender.Builder builder() {
    return ReceiptSender.builder().apiRoot(api.uri()).tokens(AccessTokenProvider.fixed(TOKEN))
        .httpClient(http11).retryPolicy(FAST);
  }

  private ReceiptSender track(ReceiptSender s) {
    senders.add(s);
    return s;
  }

  private static ReceiptSendException failure(CompletableFuture<SendResult> f) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return assertInstanceOf(ReceiptSendException.class, e.getCause());
  }

  @Test
  void sendsExactPatchWithPercentEncodedIdsHeadersAndBody() throws Exception {
    ReceiptSender sender = track(builder().build());
    SendResult r = sender.sendReadAndWait(MessageName.of("a%b+c d", "mé✓~_.-Z9"));

    RecordedRequest s = next();
    assertEquals("PATCH", s.method());
    assertFalse(s.methodOverride());
    assertEquals("/v1/conversations/a%25b%2Bc%20d/messages/m%C3%A9%E2%9C%93~_.-Z9/receipt", s.path());
    assertEquals("fixed", s.auth(), "the emulator accepted exactly our token");
    assertEquals("Bearer <redacted>", s.header("Authorization"));
    assertEquals("application/json", s.header("Content-Type"));
    assertTrue(s.header("User-Agent").matches("bm-receipts/\\S+"), s.header("User-Agent"));
    assertEquals("{\"receiptType\":\"READ\"}", s.body());
    assertEquals(200, s.status());
    assertEquals(new SendResult(MessageName.of("a%b+c d", "mé✓~_.-Z9"),
        "conversations/a%b+c d/messages/mé✓~_.-Z9/receipt", 200, 1, false), r);
  }

  @Test
  void keepsAPathPrefixOfTheApiRoot() throws Exception {
    ReceiptSender sender = track(builder().apiRoot(api.uri() + "prefix").build());
    assertThrows(ReceiptSendException.Rejected.class,
        () -> sender.sendReadAndWait(MessageName.of("c", "m")));
    RecordedRequest s = next();
    assertEquals("/prefix/v1/conversations/c/messages/m/receipt", s.path());
    assertEquals(404, s.status(), "the emulator serves the API at its root only");
  }

  @Test
  void rejectsBadIdsBeforeAnyRequest() {
    ReceiptSender sender = track(builder().build());
    InvalidMessageNameException empty =
        assertThrows(InvalidMessageNameException.class, () -> sender.sendRead("", "m"));
    assertEquals("conversationId must not be empty", empty.getMessage());
    InvalidMessageNameException slash =
        assertThrows(InvalidMessageNameException.class, () -> sender.sendRead("c", "a/b"));
    assertEquals("messageId must not contain '/'", slash.getMessage());
    assertEquals(0, api.requestCount());
  }

  @Test
  void retries503TwiceThenSucceedsAfterThreeAttempts() throws Exception {
    enqueue(Answer.error(503, "busy"), Answer.error(503, "busy"));
    AtomicInteger jitters = new AtomicInteger();
    ReceiptSender sender = track(builder().jitter(() -> {
      jitters.incrementAndGet();
      return 0.5;
    }).build());
    SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
    assertEquals(2, jitters.get());
    assertEquals(3, r.attempts());
    assertEquals(200, r.status());
    assertEquals(3, api.requestCount());
  }

  @Test
  void retriesEachRetryableStatus() throws Exception {
    enqueue(Answer.status(429), Answer.status(500), Answer.status(502), Answer.status(503));
    SendResult r = track(builder().build()).sendReadAndWait(MessageName.of("c", "m"));
    assertEquals(5, r.attempts());
  }

  @Test
  void waitsAtLeastRetryAfterSecondsOn429() throws Exception {
    enqueue(Answer.error(429, "slow down").withHeader("Retry-After", "1"));
    RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(1), 2, Duration.ofSeconds(5), Duration.ofMinutes(1));
    SendResult r = track(builder().retryPolicy(policy).build()).sendReadAndWait(MessageName.of("c", "m"));
    assertEquals(2, r.attempts());
    long waited = Duration.between(next().time(), next().time()).toMillis();
    assertTrue(waited >= 1000, "waited " + waited + " ms");
  }

  @Test
  void waitsUntilRetryAfterHttpDate() throws Exception {
    Instant now = Instant.parse("2026-01-02T03:04:05Z");
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(1).atOffset(ZoneOffset.UTC));
    enqueue(Answer.status(503).withHeader("Retry-After", date));
    RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(1), 2, Duration.ofSeconds(5), Duration.ofMinutes(1));
    ReceiptSender sender = track(builder().retryPolicy(policy).clock(new MutableClock(now)).build());
    assertEquals(2, sender.sendReadAndWait(MessageName.of("c", "m")).attempts());
    long waited = Duration.between(next().time(), next().time()).toMillis();
    assertTrue(waited >= 1000, "waited " + waited + " ms");
  }

  @Test
  void capsRetryAfterAtMaxBackoff() throws Exception {
    enqueue(Answer.status(503).withHeader("Retry-After", "3600"));
    SendResult r = track(builder().build()).sendReadAndWait(MessageName.of("c", "m"));
    assertEquals(2, r.attempts());
  }

  @Test
  void failsAtOnceOn400And403And404WithGooglesMessage() throws Exception {
    enqueue(
        Answer.error(400, "Invalid receipt type"),
        Answer.error(403, "The caller does not have permission"),
        Answer.error(404, "Conversation not found"));
    ReceiptSender sender = track(builder().build());
    String[] expected = {
        "400 INVALID_ARGUMENT: Invalid receipt type (1 attempt)",
        "403 PERMISSION_DENIED: The caller does not have permission (1 attempt)",
        "404 NOT_FOUND: Conversation not found (1 attempt)"};
    int[] statuses = {400, 403, 404};
    for (int i = 0; i < 3; i++) {
      ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m" + i)));
      ReceiptSendException.Rejected r = assertInstanceOf(ReceiptSendException.Rejected.class, e);
      assertEquals(expected[i], r.getMessage());
      assertEquals(statuses[i], r.status());
      assertEquals(1, r.attempts());
      assertEquals(MessageName.of("c", "m" + i), r.messageName());
      assertFalse(r.getMessage().contains(TOKEN));
    }
    assertEquals("Conversation not found",
        ((ReceiptSendException) failureOf(sender, 404)).apiMessage());
    assertEquals(4, api.requestCount());
  }

  private Throwable failureOf(ReceiptSender sender, int status) throws InterruptedException {
    enqueue(Answer.error(status, "Conversation not found"));
    return failure(sender.sendRead(MessageName.of("c", "again")));
  }

  @Test
  void rejectionWithoutGoogleBodyHasStatusAlone() throws Exception {
    enqueue(Answer.raw(409, "text/plain", ""));
    ReceiptSendException e = failure(track(builder().build()).sendRead(MessageName.of("c", "m")));
    assertEquals("409 (1 attempt)", e.getMessage());
    assertEquals("", e.apiStatus());
    assertEquals("", e.apiMessage());
  }

  @Test
  void sendReadAndWaitThrowsTheTypedException() {
    enqueue(Answer.error(404, "Conversation not found"));
    ReceiptSender sender = track(builder().build());
    ReceiptSendException.Rejected e = assertThrows(ReceiptSendException.Rejected.class,
        () -> sender.sendReadAndWait(MessageName.of("c", "m")));
    assertEquals("NOT_FOUND", e.apiStatus());
  }

  @Test
  void givesUpAfterMaxAttemptsWithLastStatus() throws Exception {
    enqueue(Answer.error(503, "down"), Answer.error(503, "down"),
        Answer.error(503, "down"), Answer.error(503, "down"));
    ReceiptSender sender = track(builder().retryPolicy(FAST.withMaxAttempts(3)).build());
    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertEquals("503 UNAVAILABLE: down (gave up after 3 attempts)", e.getMessage());
    assertEquals(503, e.status());
    assertEquals(3, e.attempts());
    assertEquals(3, api.requestCount());
  }

  @Test
  void noneMakesOneAttempt() throws Exception {
    enqueue(Answer.status(503));
    ReceiptSender sender = track(builder().retryPolicy(RetryPolicy.NONE).build());
    assertEquals(1, failure(sender.sendRead(MessageName.of("c", "m"))).attempts());
  }

  @Test
  void givesUpWhenTheNextAttemptWouldPassMaxTotalTime() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    answerWith(request -> {
      clock.advance(Duration.ofSeconds(50));
      return Answer.status(503);
    });
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ofMinutes(2));
    ReceiptSender sender = track(builder().retryPolicy(policy).clock(clock).build());
    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertEquals(3, e.attempts());
    assertEquals(3, api.requestCount());
  }

  @Test
  void retriesAConnectionClosedMidResponse() throws Exception {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger connections = new AtomicInteger();
    Thread t = new Thread(() -> serveRaw(socket, connections));
    t.start();
    try {
      ReceiptSender sender = track(ReceiptSender.builder()
          .apiRoot("http://127.0.0.1:" + socket.getLocalPort() + "/")
          .tokens(AccessTokenProvider.fixed(TOKEN)).httpClient(http11).retryPolicy(FAST).build());
      SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
      assertEquals(2, r.attempts());
      assertEquals("conversations/c/messages/m/receipt", r.receiptName());
      assertEquals(2, connections.get());
    } finally {
      socket.close();
      t.join(5000);
    }
  }

  /** First connection: half a response, then close. Later ones: a whole response. */
  private static void serveRaw(ServerSocket socket, AtomicInteger connections) {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        int n = connections.incrementAndGet();
        readRequest(s.getInputStream());
        OutputStream out = s.getOutputStream();
        String body = "{\"name\":\"conversations/c/messages/m/receipt\",\"receiptType\":\"READ\"}";
        if (n == 1) {
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
              + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return;
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    in.readNBytes(length);
  }

  @Test
  void retriesATimeout() throws Exception {
    enqueue(Answer.ok().withDelay(Duration.ofSeconds(5)));
    ReceiptSender sender = track(builder().requestTimeout(Duration.ofMillis(200)).build());
    SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
    assertEquals(2, r.attempts());
  }

  @Test
  void givesUpWithTheIoCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ReceiptSender sender = track(ReceiptSender.builder().apiRoot("http://127.0.0.1:" + port + "/")
        .tokens(AccessTokenProvider.fixed(TOKEN)).httpClient(http11).retryPolicy(FAST.withMaxAttempts(2)).build());
    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertEquals(0, e.status());
    assertEquals(2, e.attempts());
    assertInstanceOf(IOException.class, e.getCause());
    assertTrue(e.getMessage().endsWith("(gave up after 2 attempts)"), e.getMessage());
    // the cause's type always, its message only when it has one: never "null"
    String expected = e.getCause().getMessage() == null
        ? e.getCause().getClass().getSimpleName() + " (gave up after 2 attempts)"
        : e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + " (gave up after 2 attempts)";
    assertEquals(expected, e.getMessage());
    assertFalse(e.getMessage().contains("null"), e.getMessage());
  }

  @Test
  void unauthorizedThenOkFetchesAFreshToken() throws Exception {
    List<String> rejected = new CopyOnWriteArrayList<>();
    AccessTokenProvider tokens = new AccessTokenProvider() {
      @Override
      public String accessToken() {
        return "tok-old";
      }

      @Override
      public String refresh(String r) {
        rejected.add(r);
        return TOKEN;
      }
    };
    SendResult r = track(builder().tokens(tokens).retryPolicy(RetryPolicy.NONE).build())
        .sendReadAndWait(MessageName.of("c", "m"));
    assertEquals(2, r.attempts());
    assertEquals(List.of("tok-old"), rejected);
    RecordedRequest first = next();
    assertEquals("unknown", first.auth());
    assertEquals(401, first.status());
    assertEquals("fixed", next().auth());
  }

  @Test
  void unauthorizedTwiceIsRejected() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    AccessTokenProvider tokens = new AccessTokenProvider() {
      @Override
      public String accessToken() {
        return "tok-a";
      }

      @Override
      public String refresh(String r) {
        refreshes.incrementAndGet();
        return "tok-b";
      }
    };
    ReceiptSendException e = failure(track(builder().tokens(tokens).build()).sendRead(MessageName.of("c", "m")));
    assertEquals("401 UNAUTHENTICATED: " + INVALID_CREDENTIALS + " (2 attempts)", e.getMessage());
    assertEquals(1, refreshes.get());
    assertEquals(2, api.requestCount());
  }

  @Test
  void failsWithNoTokenBeforeAnyRequest() throws Exception {
    AccessTokenProvider tokens = new AccessTokenProvider() {
      @Override
      public String accessToken() throws IOException {
        throw new IOException("token endpoint unreachable");
      }

      @Override
      public String refresh(String r) throws IOException {
        throw new IOException("token endpoint unreachable");
      }
    };
    ReceiptSendException e = failure(track(builder().tokens(tokens).build()).sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.NoToken.class, e);
    assertEquals("no access token: IOException: token endpoint unreachable (0 attempts)", e.getMessage());
    assertEquals(0, api.requestCount());
  }

  @Test
  void neverHasMoreThanMaxInFlightUnder500ConcurrentSends() throws Exception {
    // the first eight calls wait until all eight are in: if the sender allowed more in flight, a
    // ninth would arrive meanwhile and raise the maximum above eight
    AtomicInteger current = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    CountDownLatch eight = new CountDownLatch(8);
    answerWith(request -> {
      maxConcurrent.accumulateAndGet(current.incrementAndGet(), Math::max);
      try {
        eight.countDown();
        eight.await(10, TimeUnit.SECONDS);
        return Answer.ok();
      } finally {
        current.decrementAndGet();
      }
    });
    ReceiptSender sender = track(builder().maxInFlight(8).build());
    List<MessageName> names = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      names.add(MessageName.of("c", "m" + i));
    }
    List<CompletableFuture<SendResult>> results = sender.sendReadAll(names);
    for (int i = 0; i < 500; i++) {
      SendResult r = results.get(i).get(30, TimeUnit.SECONDS);
      assertEquals(names.get(i), r.message());
      assertEquals("conversations/c/messages/m" + i + "/receipt", r.receiptName());
    }
    assertEquals(500, api.requestCount());
    assertEquals(0, eight.getCount(), "eight calls were in flight at once");
    assertEquals(8, maxConcurrent.get());
  }

  @Test
  void skipsAReadAlreadySent() throws Exception {
    ReceiptSender sender = track(builder().build());
    SendResult first = sender.sendReadAndWait(MessageName.of("c", "m"));
    SendResult second = sender.sendReadAndWait(MessageName.of("c", "m"));
    assertFalse(first.skipped());
    assertEquals(new SendResult(MessageName.of("c", "m"), "conversations/c/messages/m/receipt", 0, 0, true), second);
    assertEquals(1, api.requestCount());
  }

  @Test
  void sendsAgainAfterAFailure() throws Exception {
    enqueue(Answer.status(404));
    ReceiptSender sender = track(builder().build());
    failure(sender.sendRead(MessageName.of("c", "m")));
    assertFalse(sender.sendReadAndWait(MessageName.of("c", "m")).skipped());
    assertEquals(2, api.requestCount());
  }

  @Test
  void sendsRepeatsWhenSkipRepeatsIsOff() throws Exception {
    ReceiptSender sender = track(builder().skipRepeats(false).build());
    sender.sendReadAndWait(MessageName.of("c", "m"));
    assertFalse(sender.sendReadAndWait(MessageName.of("c", "m")).skipped());
    assertEquals(2, api.requestCount());
  }

  @Test
  void forgetsTheOldestBeyondRepeatMemory() throws Exception {
    ReceiptSender sender = track(builder().repeatMemory(1).build());
    sender.sendReadAndWait(MessageName.of("c", "a"));
    sender.sendReadAndWait(MessageName.of("c", "b"));
    assertTrue(sender.sendReadAndWait(MessageName.of("c", "b")).skipped());
    assertFalse(sender.sendReadAndWait(MessageName.of("c", "a")).skipped());
    assertEquals(3, api.requestCount());
  }

  @Test
  void closeDrainsSendsWaitingForARetry() throws Exception {
    enqueue(Answer.status(503));
    RetryPolicy slow = new RetryPolicy(3, Duration.ofMillis(200), 1, Duration.ofMillis(200), Duration.ofMinutes(1));
    ManualScheduler timer = new ManualScheduler();
    ReceiptSender sender = builder().retryPolicy(slow).jitter(() -> 0.99).scheduler(timer).build();
    CompletableFuture<SendResult> f = sender.sendRead(MessageName.of("c", "m"));
    // the 503 is in and the retry waits for its 198 ms, which pass only when the test says
    ManualScheduler.Task retry = timer.await(t -> t.delayMillis() == 198, Duration.ofSeconds(10));
    CompletableFuture<Void> closed = CompletableFuture.runAsync(sender::close);
    ((Engine) sender).closing().get(10, TimeUnit.SECONDS);
    assertFalse(closed.isDone(), "close waits for the send waiting for its retry");
    assertFalse(f.isDone());
    retry.run();
    closed.get(10, TimeUnit.SECONDS);
    assertTrue(f.isDone());
    assertEquals(2, f.get().attempts());
    assertTrue(timer.isShutdown());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> sender.sendRead(MessageName.of("c", "n")));
    assertEquals("the sender is closed", e.getMessage());
    sender.close();
  }

  @Test
  void defaultClientPrefersHttp2AndStillTalksHttp11() throws Exception {
    ReceiptSender sender = track(ReceiptSender.builder().apiRoot(api.uri())
        .tokens(AccessTokenProvider.fixed(TOKEN)).build());
    assertEquals(200, sender.sendReadAndWait(MessageName.of("c", "m")).status());
  }

  @Test
  void neverShowsTheTokenInToString() {
    ReceiptSender sender = track(builder().build());
    assertFalse(sender.toString().contains(TOKEN));
    assertNotNull(sender.toString());
  }

  @Test
  void builderNamesBadValues() {
    assertEquals("maxInFlight must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> ReceiptSender.builder().maxInFlight(0)).getMessage());
    assertEquals("apiRoot must be an absolute http or https URL without query or fragment, was ftp://x/",
        assertThrows(IllegalArgumentException.class, () -> ReceiptSender.builder().apiRoot("ftp://x/")).getMessage());
    assertEquals("tokens must be set, use AccessTokenProvider.fixed(token) or receipts-auth",
        assertThrows(NullPointerException.class, () -> ReceiptSender.builder().build()).getMessage());
  }
}
