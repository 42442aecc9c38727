// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.AgentReceipts;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.PayloadException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link ReceiptSender}, and the engine under every sender of this package: one queue and one
 * counter bound the requests in flight; one {@link Scheduler} runs retry waits and deadlines. What
 * goes on the wire and how an outcome reads is a {@link Job}'s: {@link #sendRead} makes one for a
 * Business Messages receipt, {@link RbmEventSender} one for an RBM agent event, and both go through
 * {@link #send}, with the same retries, deadlines, token rules and in-flight bound.
 *
 * <p>A send's {@link Call} completes exactly once ({@link #finish}), whichever comes first: its
 * answer, its failure or its send deadline. Each attempt holds one slot, released exactly once when
 * its exchange completes, which every deadline forces by cancelling it.
 */
final class Engine implements ReceiptSender {
  private static final System.Logger LOG = System.getLogger(ReceiptSender.class.getName());
  private static final HttpRequest.BodyPublisher BODY =
      HttpRequest.BodyPublishers.ofByteArray(AgentReceipts.readRequestBody());
  private static final String USER_AGENT = Uris.userAgent();

  private final String apiRoot;
  private final boolean plainHttp;
  private final AccessTokenProvider tokens;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final Duration sendTimeout;
  private final HttpResponse.BodyHandler<byte[]> bodyHandler;
  private final RetryPolicy policy;
  private final int maxInFlight;
  private final Clock clock;
  private final DoubleSupplier jitter;
  private final SentMemory memory;
  private final Scheduler scheduler;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Queue<Call<?>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger open = new AtomicInteger();
  private final CompletableFuture<Void> closing = new CompletableFuture<>();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean closed;

  Engine(ReceiptSender.Builder b) {
    this.apiRoot = b.apiRoot;
    this.plainHttp = apiRoot.toLowerCase(Locale.ROOT).startsWith("http:");
    this.tokens = b.tokens;
    this.client = b.httpClient != null ? b.httpClient
        : HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(b.connectTimeout).build();
    this.requestTimeout = b.requestTimeout;
    this.sendTimeout = b.sendTimeout;
    this.bodyHandler = CappedBody.handler(b.maxResponseBytes);
    this.policy = b.retryPolicy;
    this.maxInFlight = b.maxInFlight;
    this.clock = b.clock;
    this.jitter = b.jitter;
    this.memory = b.skipRepeats ? new SentMemory(b.repeatMemory) : null;
    this.scheduler = b.scheduler != null ? b.scheduler : Scheduler.daemon();
  }

  /**
   * One kind of request, and how its outcomes read: the engine retries, times and authorises it
   * without knowing what it is. Called on the engine's threads; the methods must not block.
   *
   * @param <R> the result of a send that succeeded
   */
  interface Job<R> {
    /** The URL requested. */
    URI uri();

    /** {@code PATCH}, {@code POST}, … */
    String method();

    /** The request body, sent again as is by every attempt. */
    HttpRequest.BodyPublisher body();

    /** What is sent, for log lines and the send timeout's message: {@code READ receipt}. */
    String what();

    /** What it is for, in log lines; never personal data whole. */
    String subject();

    /** The result of a 2xx answer after {@code attempts} requests. */
    R success(int status, byte[] body, int attempts);

    /** A status that is not retried, or a 401 with no other token. */
    RuntimeException rejected(int status, String apiStatus, String apiMessage, int attempts);

    /** The last of the retryable statuses the policy allowed. */
    RuntimeException gaveUp(int status, String apiStatus, String apiMessage, int attempts);

    /** An IO error, a timeout or a failure of the request itself, after {@code attempts} requests. */
    RuntimeException gaveUp(Throwable cause, int attempts);

    /** The token provider failed ({@code cause}) or gave none ({@code null}). */
    RuntimeException noToken(Throwable cause, int attempts);
  }

  /** One send on its way, through all its attempts. */
  private static final class Call<R> {
    final Job<R> job;
    final CompletableFuture<R> result = new CompletableFuture<>();
    final long startMillis;
    volatile int attempts;
    volatile boolean refreshed;
    volatile String freshToken;
    /** The exchange in flight, cancelled when the send's deadline passes. */
    volatile CompletableFuture<?> exchange;
    volatile Future<?> deadline;

    Call(Job<R> job, long startMillis) {
      this.job = job;
      this.startMillis = startMillis;
    }
  }

  /** A Business Messages READ receipt. */
  private final class ReceiptJob implements Job<SendResult> {
    private final MessageName name;
    private final URI uri;
    private final URI shownUri;

    ReceiptJob(MessageName name) {
      this.name = name;
      this.uri = Uris.receiptUri(apiRoot, name);
      this.shownUri = Uris.withoutUserInfo(uri);
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public String method() {
      return "PATCH";
    }

    @Override
    public HttpRequest.BodyPublisher body() {
      return BODY;
    }

    @Override
    public String what() {
      return "READ receipt";
    }

    @Override
    public String subject() {
      return name.toString();
    }

    @Override
    public SendResult success(int status, byte[] body, int attempts) {
      String receiptName = receiptName(name, body);
      if (memory != null) {
        memory.remember(name, receiptName);
      }
      return new SendResult(name, receiptName, status, attempts, false);
    }

    @Override
    public RuntimeException rejected(int status, String apiStatus, String apiMessage, int attempts) {
      return new ReceiptSendException.Rejected(name, shownUri, status, apiStatus, apiMessage, attempts);
    }

    @Override
    public RuntimeException gaveUp(int status, String apiStatus, String apiMessage, int attempts) {
      return new ReceiptSendException.GaveUp(name, shownUri, status, apiStatus, apiMessage, attempts);
    }

    @Override
    public RuntimeException gaveUp(Throwable cause, int attempts) {
      return new ReceiptSendException.GaveUp(name, shownUri, cause, attempts);
    }

    @Override
    public RuntimeException noToken(Throwable cause, int attempts) {
      return new ReceiptSendException.NoToken(name, shownUri, cause, attempts);
    }
  }

  @Override
  public CompletableFuture<SendResult> sendRead(MessageName message) {
    Objects.requireNonNull(message, "message cannot be null");
    if (memory != null) {
      String done = memory.receiptName(message);
      if (done != null) {
        return CompletableFuture.completedFuture(new SendResult(message, done, 0, 0, true));
      }
    }
    return send(new ReceiptJob(message));
  }

  /**
   * Sends {@code job} with this engine's retries, deadlines, tokens and in-flight bound. The
   * future completes with the job's {@link Job#success} or fails with one of its exceptions.
   *
   * @throws IllegalStateException when the engine is closed
   */
  <R> CompletableFuture<R> send(Job<R> job) {
    open.incrementAndGet();
    if (closed) {
      finished();
      throw new IllegalStateException("the sender is closed");
    }
    Call<R> call = new Call<>(job, clock.millis());
    call.deadline = scheduler.schedule(() -> expire(call), sendTimeout.toMillis());
    submit(call);
    return call.result;
  }

  /** The send's deadline passed: fail it, and cancel its exchange so that its slot is freed. */
  private void expire(Call<?> call) {
    HttpTimeoutException timeout = new HttpTimeoutException(
        "no " + call.job.what() + " sent within the send timeout of " + seconds(sendTimeout));
    if (finish(call, null, call.job.gaveUp(timeout, call.attempts))) {
      CompletableFuture<?> exchange = call.exchange;
      if (exchange != null) {
        exchange.cancel(true);
      }
    }
  }

  private void submit(Call<?> call) {
    if (waiting.isEmpty() && tryAcquire()) {
      attempt(call);
      return;
    }
    waiting.add(call);
    drain();
  }

  private boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= maxInFlight) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private void drain() {
    while (!waiting.isEmpty() && tryAcquire()) {
      Call<?> next = waiting.poll();
      if (next == null) {
        inFlight.decrementAndGet();
      } else {
        attempt(next);
      }
    }
  }

  private void release() {
    inFlight.decrementAndGet();
    drain();
  }

  /** Runs one attempt; the caller holds a slot, which this releases when the attempt is over. */
  private <R> void attempt(Call<R> call) {
    if (call.result.isDone()) {
      // its deadline passed while it waited for a slot or a retry
      release();
      return;
    }
    String token = call.freshToken;
    call.freshToken = null;
    if (token == null) {
      try {
        token = tokens.accessToken();
      } catch (IOException | RuntimeException e) {
        release();
        fail(call, call.job.noToken(e, call.attempts));
        return;
      }
      if (token == null || token.isEmpty()) {
        release();
        fail(call, call.job.noToken(null, call.attempts));
        return;
      }
    }
    call.attempts++;
    String used = token;
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(call.job.uri())
          .method(call.job.method(), call.job.body())
          .timeout(requestTimeout)
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .header("User-Agent", USER_AGENT);
      if (plainHttp) {
        // no Upgrade: h2c offer, which no Google client makes and some servers take over
        request.version(HttpClient.Version.HTTP_1_1);
      }
      response = client.sendAsync(request.build(), bodyHandler);
    } catch (RuntimeException e) {
      release();
      fail(call, call.job.gaveUp(e, call.attempts));
      return;
    }
    // the request timeout covers the wait for headers only: this deadline covers the body too
    TimedOut timedOut = new TimedOut();
    Future<?> attemptDeadline = scheduler.schedule(() -> {
      timedOut.set = true;
      response.cancel(true);
    }, requestTimeout.toMillis());
    call.exchange = response;
    if (call.result.isDone()) {
      response.cancel(true);
    }
    response.whenComplete((r, err) -> {
      attemptDeadline.cancel(false);
      call.exchange = null;
      release();
      if (call.result.isDone()) {
        return;
      }
      try {
        if (err != null) {
          onError(call, timedOut.set ? new HttpTimeoutException("no whole response within the request"
              + " timeout of " + seconds(requestTimeout)) : err);
        } else {
          onResponse(call, used, r);
        }
      } catch (RuntimeException e) {
        fail(call, call.job.gaveUp(e, call.attempts));
      }
    });
  }

  /** Whether an attempt's own deadline cancelled it. */
  private static final class TimedOut {
    volatile boolean set;
  }

  private void onError(Call<?> call, Throwable err) {
    Throwable cause = (err instanceof CompletionException || err instanceof ExecutionException)
        && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof IOException) {
      retryOrGiveUp(call, OptionalLong.empty(), () -> call.job.gaveUp(cause, call.attempts));
    } else {
      fail(call, call.job.gaveUp(cause, call.attempts));
    }
  }

  private <R> void onResponse(Call<R> call, String token, HttpResponse<byte[]> r) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      succeed(call, call.job.success(status, r.body(), call.attempts));
      return;
    }
    Optional<AgentReceipts.ApiError> error = AgentReceipts.parseError(r.body());
    String apiStatus = error.map(e -> SendException.oneLine(e.status())).orElse("");
    String apiMessage = error.map(e -> SendException.oneLine(e.message())).orElse("");
    if (status == 401 && !call.refreshed) {
      call.refreshed = true;
      String fresh;
      try {
        fresh = tokens.refresh(token);
      } catch (IOException | RuntimeException e) {
        fail(call, call.job.noToken(e, call.attempts));
        return;
      }
      if (fresh == null || fresh.isEmpty()) {
        fail(call, call.job.noToken(null, call.attempts));
        return;
      }
      if (!fresh.equals(token)) {
        call.freshToken = fresh;
        LOG.log(Level.DEBUG, "401 for {0}: retrying once with a fresh token", call.job.subject());
        submit(call);
        return;
      }
      // the provider has no other token (a fixed one): sending it again would only be refused again
    }
    if (retryable(status)) {
      OptionalLong retryAfter =
          Backoff.parseRetryAfter(r.headers().firstValue("Retry-After").orElse(null), clock.instant());
      retryOrGiveUp(call, retryAfter,
          () -> call.job.gaveUp(status, apiStatus, apiMessage, call.attempts));
      return;
    }
    fail(call, call.job.rejected(status, apiStatus, apiMessage, call.attempts));
  }

  static boolean retryable(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  private static String receiptName(MessageName name, byte[] body) {
    try {
      return AgentReceipts.parseResponse(body).name();
    } catch (PayloadException e) {
      return name.receiptName();
    }
  }

  private void retryOrGiveUp(Call<?> call, OptionalLong retryAfter, Supplier<RuntimeException> giveUp) {
    if (call.attempts >= policy.maxAttempts()) {
      fail(call, giveUp.get());
      return;
    }
    long delay = Backoff.delayMillis(policy, call.attempts, retryAfter, jitter.getAsDouble());
    long elapsedAtNext = clock.millis() + delay - call.startMillis;
    if (elapsedAtNext > policy.maxTotalTime().toMillis() || elapsedAtNext >= sendTimeout.toMillis()) {
      fail(call, giveUp.get());
      return;
    }
    LOG.log(Level.DEBUG, "retrying {0} in {1} ms after attempt {2}", call.job.subject(), delay, call.attempts);
    if (delay <= 0) {
      submit(call);
    } else {
      scheduler.schedule(() -> submit(call), delay);
    }
  }

  private <R> void succeed(Call<R> call, R result) {
    finish(call, result, null);
  }

  private void fail(Call<?> call, RuntimeException e) {
    finish(call, null, e);
  }

  /** Completes the call unless something else already did; answers whether this did. */
  private <R> boolean finish(Call<R> call, R result, RuntimeException failure) {
    boolean first = failure == null ? call.result.complete(result) : call.result.completeExceptionally(failure);
    if (!first) {
      return false;
    }
    if (failure != null) {
      LOG.log(Level.DEBUG, "{0} for {1} failed: {2}", call.job.what(), call.job.subject(),
          failure.getMessage());
    }
    Future<?> deadline = call.deadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    finished();
    return true;
  }

  private void finished() {
    if (open.decrementAndGet() == 0 && closed) {
      drained.complete(null);
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  /** Completes when {@link #close()} has begun: no send starts after it. For tests. */
  CompletableFuture<Void> closing() {
    return closing;
  }

  @Override
  public void close() {
    closed = true;
    closing.complete(null);
    if (open.get() == 0) {
      drained.complete(null);
    }
    boolean interrupted = false;
    while (true) {
      try {
        drained.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break;
      }
    }
    scheduler.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ReceiptSender[apiRoot=" + Uris.withoutUserInfo(URI.create(apiRoot)) + ", maxInFlight="
        + maxInFlight + ", " + policy + "]";
  }

  /**
   * Waits for a send: its result, or the failure it ended with unwrapped and rethrown. An
   * interrupt sets the thread's flag again and throws what {@code interrupted} makes; the send goes on.
   */
  static <T> T await(CompletableFuture<T> result, Function<InterruptedException, RuntimeException> interrupted) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted.apply(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException("send failed", cause);
    }
  }
}
