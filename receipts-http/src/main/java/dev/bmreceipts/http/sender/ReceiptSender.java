// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Sends agent READ receipts to the Business Messages API:
 * {@code PATCH {apiRoot}v1/conversations/{c}/messages/{m}/receipt} with body
 * {@code {"receiptType":"READ"}}, retrying as its {@link RetryPolicy} says.
 *
 * <pre>{@code
 * try (ReceiptSender sender = ReceiptSender.builder()
 *         .tokens(ServiceAccountTokens.fromKeyFile(Path.of("key.json"))) // receipts-auth
 *         .build()) {
 *   SendResult r = sender.sendReadAndWait(MessageName.of("C", "M"));
 * } catch (ReceiptSendException e) {
 *   System.err.println(e.uri().map(u -> "PATCH " + u + ": ").orElse("") + e.getMessage());
 * }
 * }</pre>
 *
 * <p>On the wire: {@code PATCH} with {@code Content-Type: application/json},
 * {@code Accept: application/json}, {@code User-Agent: bm-receipts/VERSION} and the bearer token;
 * HTTP/1.1 to an {@code http://} root (no {@code Upgrade: h2c}), HTTP/2 negotiated by TLS for
 * {@code https://}.
 *
 * <p>Every send ends: each attempt has a deadline for the whole response, body included
 * ({@link Builder#requestTimeout}), a response body is read up to {@link Builder#maxResponseBytes}
 * and no further, and the whole send, queueing and retries included, has a deadline
 * ({@link Builder#sendTimeout}). An attempt that fails for any reason frees its in-flight slot.
 *
 * <p>Thread-safe. At most {@link Builder#maxInFlight(int)} requests are in flight; further sends
 * queue and never fail for lack of room. Waits between retries and deadlines run on one timer
 * thread; no thread blocks while waiting. Futures complete on the {@link HttpClient}'s threads, the
 * timer thread or the calling thread. Tokens are never logged and never appear in exceptions.
 */
public interface ReceiptSender extends AutoCloseable {

  /** A builder with every default set. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Sends a READ receipt for {@code message}. The future completes with the result, or fails
   * with a {@link ReceiptSendException}. When {@code skipRepeats} is on and a READ for this message
   * was already sent successfully, it completes at once with {@link SendResult#skipped()} true.
   * When a slot is free the request starts on the calling thread, which may then wait while the
   * {@link AccessTokenProvider} fetches a token (once, for a caching provider).
   *
   * @throws IllegalStateException when the sender is closed
   */
  CompletableFuture<SendResult> sendRead(MessageName message);

  /**
   * Sends a READ receipt for message {@code messageId} of conversation {@code conversationId}.
   *
   * @throws dev.bmreceipts.core.InvalidMessageNameException (an {@link IllegalArgumentException})
   *     at once, before any request, when an id is empty or holds {@code /} or a control character
   * @throws IllegalStateException when the sender is closed
   */
  default CompletableFuture<SendResult> sendRead(String conversationId, String messageId) {
    return sendRead(MessageName.of(conversationId, messageId));
  }

  /**
   * Sends READ receipts for all of {@code messages} at once. The futures are in the order of
   * {@code messages}; each completes or fails on its own, like {@link #sendRead(MessageName)}.
   * A {@code null} element fails the call before anything is sent.
   *
   * @throws IllegalStateException when the sender is closed
   */
  default List<CompletableFuture<SendResult>> sendReadAll(List<MessageName> messages) {
    Objects.requireNonNull(messages, "messages cannot be null");
    for (MessageName m : messages) {
      Objects.requireNonNull(m, "messages cannot hold null");
    }
    List<CompletableFuture<SendResult>> results = new ArrayList<>(messages.size());
    for (MessageName m : messages) {
      results.add(sendRead(m));
    }
    return results;
  }

  /**
   * Sends a READ receipt and waits for it, at most about {@link Builder#sendTimeout}. It throws
   * unchecked exceptions only, so it needs no {@code catch} of {@link InterruptedException} or
   * {@link java.util.concurrent.ExecutionException}.
   *
   * @throws ReceiptSendException when it could not be sent; its subtype
   *     {@link ReceiptSendException.Interrupted} when the thread was interrupted while waiting (the
   *     thread's interrupt flag is set again, and the send goes on)
   * @throws IllegalStateException when the sender is closed
   */
  default SendResult sendReadAndWait(MessageName message) {
    CompletableFuture<SendResult> result = sendRead(message);
    return Engine.await(result, e -> new ReceiptSendException.Interrupted(message, e));
  }

  /**
   * Stops taking new sends and waits until every send already started (including its retries)
   * has completed. Idempotent.
   */
  @Override
  void close();

  /** Configuration for a {@link ReceiptSender}; every setting has a default except {@link #tokens}. */
  final class Builder {
    /** The Business Messages API root. */
    public static final String DEFAULT_API_ROOT = "https://businessmessages.googleapis.com/";

    String apiRoot = DEFAULT_API_ROOT;
    AccessTokenProvider tokens;
    HttpClient httpClient;
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration requestTimeout = Duration.ofSeconds(30);
    Duration sendTimeout = Duration.ofMinutes(3);
    int maxResponseBytes = 64 * 1024;
    Scheduler scheduler;
    RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    int maxInFlight = 64;
    Clock clock = Clock.systemUTC();
    DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    boolean skipRepeats = true;
    int repeatMemory = 10_000;

    Builder() {}

    /**
     * The API root, ending in {@code /} (one is added when missing); default
     * {@value #DEFAULT_API_ROOT}.
     *
     * @throws IllegalArgumentException when it is not an absolute http or https URL
     */
    public Builder apiRoot(URI apiRoot) {
      Objects.requireNonNull(apiRoot, "apiRoot cannot be null, leave it unset for the default");
      String scheme = apiRoot.getScheme() == null ? "" : apiRoot.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || apiRoot.getRawAuthority() == null
          || apiRoot.getRawQuery() != null || apiRoot.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "apiRoot must be an absolute http or https URL without query or fragment, was " + apiRoot);
      }
      String s = apiRoot.toString();
      this.apiRoot = s.endsWith("/") ? s : s + "/";
      return this;
    }

    /** Same as {@link #apiRoot(URI)}. */
    public Builder apiRoot(String apiRoot) {
      Objects.requireNonNull(apiRoot, "apiRoot cannot be null, leave it unset for the default");
      try {
        return apiRoot(new URI(apiRoot));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("apiRoot is not a URL: " + e.getReason());
      }
    }

    /** Where bearer tokens come from. Required. */
    public Builder tokens(AccessTokenProvider tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens cannot be null, use AccessTokenProvider.fixed(token)");
      return this;
    }

    /**
     * The client to send with. Default: a client of its own that negotiates HTTP/2 over TLS and has
     * a {@link #connectTimeout(Duration)}. Either way each request to an {@code http://} root is
     * sent as HTTP/1.1, without an {@code Upgrade: h2c} offer. A caller's client is not closed by
     * {@link #close()}.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient cannot be null, leave it unset for the default");
      return this;
    }

    /** The connect timeout of the default client; default 10 s. Ignored with {@link #httpClient}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * The deadline of each attempt, from sending the request until the whole response, body
     * included, is in; default 30 s. Past it the exchange is cancelled (its connection closed), its
     * in-flight slot freed, and the attempt counts as an IO error, which is retried.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive("requestTimeout", requestTimeout);
      return this;
    }

    /**
     * The deadline of a whole send, from {@link ReceiptSender#sendRead} until its future completes,
     * waiting for a slot, token fetches, attempts and the waits between them included; default
     * 3 minutes. Past it the future fails with {@link ReceiptSendException.GaveUp} whose cause is an
     * {@link java.net.http.HttpTimeoutException}, and the attempt in flight, if any, is cancelled.
     * (A token fetch that blocks is not interrupted; the future fails on time all the same.)
     */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = positive("sendTimeout", sendTimeout);
      return this;
    }

    /**
     * The most bytes of a response body read; default 65 536 (Google's answers to a receipt are a
     * few hundred bytes). A longer body is not read past the cap: the attempt fails with an
     * {@link java.io.IOException} saying so, and is retried like any IO error.
     */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024, was " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /** Where retry waits and deadlines run; default one daemon timer thread per sender. For tests. */
    Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler cannot be null");
      return this;
    }

    /** Retries; default {@link RetryPolicy#DEFAULT}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy cannot be null, use RetryPolicy.NONE");
      return this;
    }

    /** The most requests in flight at once; default 64. Further sends queue. */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** The clock for {@link RetryPolicy#maxTotalTime()} and {@code Retry-After} dates; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
      return this;
    }

    /**
     * The jitter source: values in {@code [0, 1)}, called from many threads; default
     * {@link ThreadLocalRandom}. Values outside the range count as 0.
     */
    public Builder jitter(DoubleSupplier jitter) {
      this.jitter = Objects.requireNonNull(jitter, "jitter cannot be null");
      return this;
    }

    /**
     * Whether a READ already sent successfully for the same message is skipped (one agent READ
     * means "at least one agent read it"); default {@code true}.
     */
    public Builder skipRepeats(boolean skipRepeats) {
      this.skipRepeats = skipRepeats;
      return this;
    }

    /** How many sent messages {@link #skipRepeats} remembers, oldest forgotten first; default 10 000. */
    public Builder repeatMemory(int repeatMemory) {
      if (repeatMemory < 1) {
        throw new IllegalArgumentException("repeatMemory must be at least 1, was " + repeatMemory);
      }
      this.repeatMemory = repeatMemory;
      return this;
    }

    /**
     * A sender with this configuration.
     *
     * @throws NullPointerException when {@link #tokens} was not set
     */
    public ReceiptSender build() {
      Objects.requireNonNull(tokens, "tokens must be set, use AccessTokenProvider.fixed(token) or receipts-auth");
      return new Engine(this);
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what + " cannot be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
