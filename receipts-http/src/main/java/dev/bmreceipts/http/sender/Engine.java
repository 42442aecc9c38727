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
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/** The {@link ReceiptSender}: one queue and one counter bound the requests in flight. */
final class Engine implements ReceiptSender {
  private static final System.Logger LOG = System.getLogger(ReceiptSender.class.getName());
  private static final HttpRequest.BodyPublisher BODY =
      HttpRequest.BodyPublishers.ofByteArray(AgentReceipts.readRequestBody());
  private static final String USER_AGENT = Uris.userAgent();

  private final String apiRoot;
  private final AccessTokenProvider tokens;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final RetryPolicy policy;
  private final int maxInFlight;
  private final Clock clock;
  private final DoubleSupplier jitter;
  private final SentMemory memory;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Queue<Call> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger open = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;

  Engine(ReceiptSender.Builder b) {
    this.apiRoot = b.apiRoot;
    this.tokens = b.tokens;
    this.client = b.httpClient != null ? b.httpClient
        : HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(b.connectTimeout).build();
    this.requestTimeout = b.requestTimeout;
    this.policy = b.retryPolicy;
    this.maxInFlight = b.maxInFlight;
    this.clock = b.clock;
    this.jitter = b.jitter;
    this.memory = b.skipRepeats ? new SentMemory(b.repeatMemory) : null;
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bm-receipts-sender-backoff");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    this.scheduler = s;
  }

  /** One receipt on its way, through all its attempts. */
  private static final class Call {
    final MessageName name;
    final URI uri;
    final CompletableFuture<SendResult> result = new CompletableFuture<>();
    final long startMillis;
    int attempts;
    boolean refreshed;
    String freshToken;

    Call(MessageName name, URI uri, long startMillis) {
      this.name = name;
      this.uri = uri;
      this.startMillis = startMillis;
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
    open.incrementAndGet();
    if (closed) {
      finished();
      throw new IllegalStateException("the sender is closed");
    }
    Call call = new Call(message, Uris.receiptUri(apiRoot, message), clock.millis());
    submit(call);
    return call.result;
  }

  private void submit(Call call) {
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
      Call next = waiting.poll();
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
  private void attempt(Call call) {
    String token = call.freshToken;
    call.freshToken = null;
    if (token == null) {
      try {
        token = tokens.accessToken();
      } catch (IOException | RuntimeException e) {
        release();
        fail(call, new ReceiptSendException.NoToken(call.name, e, call.attempts));
        return;
      }
      if (token == null || token.isEmpty()) {
        release();
        fail(call, new ReceiptSendException.NoToken(call.name, null, call.attempts));
        return;
      }
    }
    call.attempts++;
    String used = token;
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      HttpRequest request = HttpRequest.newBuilder(call.uri)
          .method("PATCH", BODY)
          .timeout(requestTimeout)
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .header("User-Agent", USER_AGENT)
          .build();
      response = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      release();
      fail(call, new ReceiptSendException.GaveUp(call.name, e, call.attempts));
      return;
    }
    response.whenComplete((r, err) -> {
      release();
      try {
        if (err != null) {
          onError(call, err);
        } else {
          onResponse(call, used, r);
        }
      } catch (RuntimeException e) {
        fail(call, new ReceiptSendException.GaveUp(call.name, e, call.attempts));
      }
    });
  }

  private void onError(Call call, Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof IOException) {
      retryOrGiveUp(call, OptionalLong.empty(), () -> new ReceiptSendException.GaveUp(call.name, cause, call.attempts));
    } else {
      fail(call, new ReceiptSendException.GaveUp(call.name, cause, call.attempts));
    }
  }

  private void onResponse(Call call, String token, HttpResponse<byte[]> r) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      String receiptName = receiptName(call.name, r.body());
      if (memory != null) {
        memory.remember(call.name, receiptName);
      }
      succeed(call, new SendResult(call.name, receiptName, status, call.attempts, false));
      return;
    }
    Optional<AgentReceipts.ApiError> error = AgentReceipts.parseError(r.body());
    String apiStatus = error.map(e -> ReceiptSendException.oneLine(e.status())).orElse("");
    String apiMessage = error.map(e -> ReceiptSendException.oneLine(e.message())).orElse("");
    if (status == 401 && !call.refreshed) {
      call.refreshed = true;
      try {
        String fresh = tokens.refresh(token);
        if (fresh == null || fresh.isEmpty()) {
          fail(call, new ReceiptSendException.NoToken(call.name, null, call.attempts));
          return;
        }
        call.freshToken = fresh;
      } catch (IOException | RuntimeException e) {
        fail(call, new ReceiptSendException.NoToken(call.name, e, call.attempts));
        return;
      }
      LOG.log(Level.DEBUG, "401 for {0}: retrying once with a fresh token", call.name);
      submit(call);
      return;
    }
    if (retryable(status)) {
      OptionalLong retryAfter =
          Backoff.parseRetryAfter(r.headers().firstValue("Retry-After").orElse(null), clock.instant());
      retryOrGiveUp(call, retryAfter,
          () -> new ReceiptSendException.GaveUp(call.name, status, apiStatus, apiMessage, call.attempts));
      return;
    }
    fail(call, new ReceiptSendException.Rejected(call.name, status, apiStatus, apiMessage, call.attempts));
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

  private void retryOrGiveUp(
      Call call, OptionalLong retryAfter, java.util.function.Supplier<ReceiptSendException> giveUp) {
    if (call.attempts >= policy.maxAttempts()) {
      fail(call, giveUp.get());
      return;
    }
    long delay = Backoff.delayMillis(policy, call.attempts, retryAfter, jitter.getAsDouble());
    long elapsedAtNext = clock.millis() + delay - call.startMillis;
    if (elapsedAtNext > policy.maxTotalTime().toMillis()) {
      fail(call, giveUp.get());
      return;
    }
    LOG.log(Level.DEBUG, "retrying {0} in {1} ms after attempt {2}", call.name, delay, call.attempts);
    if (delay <= 0) {
      submit(call);
    } else {
      scheduler.schedule(() -> submit(call), delay, TimeUnit.MILLISECONDS);
    }
  }

  private void succeed(Call call, SendResult result) {
    call.result.complete(result);
    finished();
  }

  private void fail(Call call, ReceiptSendException e) {
    LOG.log(Level.DEBUG, "READ receipt for {0} failed: {1}", call.name, e.getMessage());
    call.result.completeExceptionally(e);
    finished();
  }

  private void finished() {
    if (open.decrementAndGet() == 0 && closed) {
      drained.complete(null);
    }
  }

  @Override
  public void close() {
    closed = true;
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
      } catch (java.util.concurrent.ExecutionException e) {
        break;
      }
    }
    scheduler.shutdownNow();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ReceiptSender[apiRoot=" + apiRoot + ", maxInFlight=" + maxInFlight + ", " + policy + "]";
  }
}
