// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.rbm.PhoneNumber;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/**
 * Sends RCS Business Messaging agent events, a {@code READ} for a user's message and an
 * {@code IS_TYPING} indicator: {@code POST {apiRoot}v1/phones/{E.164}/agentEvents?eventId={UUID}&agentId={agentId}}
 * with body {@code {"eventType":"READ","messageId":"…"}} or {@code {"eventType":"IS_TYPING"}}.
 *
 * <pre>{@code
 * try (RbmEventSender sender = RbmEventSender.builder()
 *         .agentId("my-agent")
 *         .tokens(myRbmTokens) // scoped to RbmEventSender.SCOPE
 *         .region(RbmEventSender.Region.EUROPE)
 *         .build()) {
 *   sender.sendReadAndWait(PhoneNumber.of("+447700900123"), "MxAbC123");
 * } catch (RbmEventSendException e) {
 *   System.err.println(e.uri().map(u -> "POST " + u + ": ").orElse("") + e.getMessage());
 * }
 * }</pre>
 *
 * <p>The {@code eventId} is {@link dev.bmreceipts.core.rbm.AgentEventId#of} over (agent, phone,
 * message, event type), not a random UUID as in Google's samples: every attempt of one event, and
 * every later send of the same event, even from another process, carries the same id, and the
 * platform ignores an id the agent already used. So a retry after a lost answer is not shown twice.
 *
 * <p>It runs on the engine of {@link ReceiptSender}, with the same rules: retries on IO errors,
 * {@code 429} and 5xx with exponential backoff and full jitter, {@code Retry-After} honoured, a
 * deadline per attempt covering the body, a response body read up to
 * {@link Builder#maxResponseBytes}, a deadline for the whole send, a bounded number of requests in
 * flight, and a {@code 401} retried once with a fresh token (at once final for a fixed token). Other
 * 4xx are final; {@code 404}, which means the user cannot be reached over RCS, fails at once with
 * Google's message in {@link RbmEventSendException#apiMessage()}.
 *
 * <p>On the wire: {@code POST} with {@code Content-Type: application/json},
 * {@code Accept: application/json}, {@code User-Agent: bm-receipts/VERSION} and the bearer token;
 * HTTP/1.1 to an {@code http://} root, HTTP/2 negotiated by TLS for {@code https://}. The phone's
 * {@code +} is sent percent-encoded, {@code %2B}: Google's generated clients expand the path
 * {@code v1/{+parent}/agentEvents} and so send it literally, which RFC 3986 allows in a path, but
 * a proxy or framework that decodes a path like a form would read a literal {@code +} as a space;
 * {@code %2B} means {@code +} to every decoder. (That the API decodes it is how Google's front end
 * treats every percent-encoded path; it is not confirmed against the live API by a test here.)
 *
 * <p>Phone numbers are personal data: they are never logged, and exceptions show them masked. The
 * results and exceptions print a {@link PhoneNumber}, whose {@code toString()} is masked.
 *
 * <p>Thread-safe. Futures complete on the {@link HttpClient}'s threads, the timer thread or the
 * calling thread; no thread blocks while waiting. Tokens are never logged.
 */
public interface RbmEventSender extends AutoCloseable {
  /** The OAuth scope the bearer tokens need. */
  String SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging";

  /** A builder with every default set; {@link Builder#agentId} and {@link Builder#tokens} are required. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Sends a {@code READ} for the user's message {@code messageId}: the user's device shows the
   * message as read by the agent.
   *
   * @throws IllegalArgumentException at once, before any request, when {@code messageId} is
   *     empty or holds a control character
   * @throws NullPointerException when an argument is null
   * @throws IllegalStateException when the sender is closed
   */
  CompletableFuture<RbmEventResult> sendRead(PhoneNumber phone, String messageId);

  /**
   * Same as {@link #sendRead(PhoneNumber, String)} with {@code phone} in E.164 form.
   *
   * @throws dev.bmreceipts.core.rbm.InvalidPhoneNumberException (an
   *     {@link IllegalArgumentException}) at once, before any request, when {@code phone} is not
   *     E.164; the message does not repeat it
   */
  default CompletableFuture<RbmEventResult> sendRead(String phone, String messageId) {
    return sendRead(PhoneNumber.of(phone), messageId);
  }

  /**
   * Sends an {@code IS_TYPING} indicator to the user while the agent prepares its answer to the
   * user's message {@code answeredMessageId}. That id is not sent (the body is
   * {@code {"eventType":"IS_TYPING"}}) but goes into the {@code eventId}: without it every typing
   * indicator to this user would share one id, and the platform would ignore all but the first.
   * The indicator for one answered message is therefore shown once.
   *
   * @throws IllegalArgumentException at once, before any request, when {@code answeredMessageId}
   *     is empty or holds a control character
   * @throws NullPointerException when an argument is null
   * @throws IllegalStateException when the sender is closed
   */
  CompletableFuture<RbmEventResult> sendIsTyping(PhoneNumber phone, String answeredMessageId);

  /**
   * Same as {@link #sendIsTyping(PhoneNumber, String)} with {@code phone} in E.164 form.
   *
   * @throws dev.bmreceipts.core.rbm.InvalidPhoneNumberException (an
   *     {@link IllegalArgumentException}) at once when {@code phone} is not E.164
   */
  default CompletableFuture<RbmEventResult> sendIsTyping(String phone, String answeredMessageId) {
    return sendIsTyping(PhoneNumber.of(phone), answeredMessageId);
  }

  /**
   * Sends a {@code READ} and waits for it, at most about {@link Builder#sendTimeout}. Throws
   * unchecked exceptions only.
   *
   * @throws RbmEventSendException when it could not be sent; its subtype
   *     {@link RbmEventSendException.Interrupted} when the thread was interrupted while waiting (the
   *     interrupt flag is set again, and the send goes on)
   * @throws IllegalArgumentException as {@link #sendRead(PhoneNumber, String)}
   * @throws IllegalStateException when the sender is closed
   */
  RbmEventResult sendReadAndWait(PhoneNumber phone, String messageId);

  /**
   * Sends an {@code IS_TYPING} and waits for it, as {@link #sendReadAndWait} does.
   *
   * @throws RbmEventSendException when it could not be sent
   * @throws IllegalArgumentException as {@link #sendIsTyping(PhoneNumber, String)}
   * @throws IllegalStateException when the sender is closed
   */
  RbmEventResult sendIsTypingAndWait(PhoneNumber phone, String answeredMessageId);

  /**
   * Stops taking new sends and waits until every send already started (including its retries)
   * has completed. Idempotent.
   */
  @Override
  void close();

  /** A regional endpoint of the RBM API, for agents whose traffic must stay in a region. */
  enum Region {
    /** {@code https://us-rcsbusinessmessaging.googleapis.com/} */
    US("us"),
    /** {@code https://europe-rcsbusinessmessaging.googleapis.com/} */
    EUROPE("europe"),
    /** {@code https://asia-rcsbusinessmessaging.googleapis.com/} */
    ASIA("asia");

    private final String prefix;

    Region(String prefix) {
      this.prefix = prefix;
    }

    /** This region's API root, e.g. {@code https://europe-rcsbusinessmessaging.googleapis.com/}. */
    public URI apiRoot() {
      return URI.create("https://" + prefix + "-rcsbusinessmessaging.googleapis.com/");
    }
  }

  /**
   * Configuration for an {@link RbmEventSender}. {@link #agentId} and {@link #tokens} are required;
   * every other setting has a default, the same as {@link ReceiptSender.Builder}'s except the API
   * root.
   */
  final class Builder {
    /** The global RBM API root. */
    public static final String DEFAULT_API_ROOT = "https://rcsbusinessmessaging.googleapis.com/";

    /** The shared engine's settings; repeats are never skipped (an event's eventId does that). */
    final ReceiptSender.Builder transport =
        ReceiptSender.builder().apiRoot(DEFAULT_API_ROOT).skipRepeats(false);
    String agentId;
    boolean hasTokens;

    Builder() {}

    /**
     * The agent's id, sent as the {@code agentId} query parameter and part of every
     * {@code eventId}. Required.
     *
     * @throws IllegalArgumentException when it is empty or holds whitespace or a control character
     */
    public Builder agentId(String agentId) {
      Objects.requireNonNull(agentId, "agentId cannot be null, set the agent's id from the RBM console");
      if (agentId.isEmpty()) {
        throw new IllegalArgumentException("agentId must not be empty");
      }
      if (agentId.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
        throw new IllegalArgumentException("agentId must not contain whitespace or control characters");
      }
      this.agentId = agentId;
      return this;
    }

    /** Where bearer tokens come from; they need the scope {@value RbmEventSender#SCOPE}. Required. */
    public Builder tokens(AccessTokenProvider tokens) {
      transport.tokens(tokens);
      hasTokens = true;
      return this;
    }

    /**
     * The API root, ending in {@code /} (one is added when missing); default
     * {@value #DEFAULT_API_ROOT}. The last of this and {@link #region} wins.
     *
     * @throws IllegalArgumentException when it is not an absolute http or https URL
     */
    public Builder apiRoot(URI apiRoot) {
      transport.apiRoot(apiRoot);
      return this;
    }

    /** Same as {@link #apiRoot(URI)}. */
    public Builder apiRoot(String apiRoot) {
      transport.apiRoot(apiRoot);
      return this;
    }

    /** Same as {@link #apiRoot(URI) apiRoot(region.apiRoot())}. */
    public Builder region(Region region) {
      Objects.requireNonNull(region, "region cannot be null, leave it unset for the global root");
      transport.apiRoot(region.apiRoot());
      return this;
    }

    /** As {@link ReceiptSender.Builder#httpClient}. */
    public Builder httpClient(HttpClient httpClient) {
      transport.httpClient(httpClient);
      return this;
    }

    /** As {@link ReceiptSender.Builder#connectTimeout}; default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      transport.connectTimeout(connectTimeout);
      return this;
    }

    /** As {@link ReceiptSender.Builder#requestTimeout}: each attempt, body included; default 30 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      transport.requestTimeout(requestTimeout);
      return this;
    }

    /**
     * As {@link ReceiptSender.Builder#sendTimeout}: the whole send, retries included; default
     * 3 minutes. Past it the future fails with {@link RbmEventSendException.GaveUp} whose cause is
     * an {@link java.net.http.HttpTimeoutException}.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      transport.sendTimeout(sendTimeout);
      return this;
    }

    /** As {@link ReceiptSender.Builder#maxResponseBytes}; default 65 536. */
    public Builder maxResponseBytes(int maxResponseBytes) {
      transport.maxResponseBytes(maxResponseBytes);
      return this;
    }

    /** Retries; default {@link RetryPolicy#DEFAULT}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      transport.retryPolicy(retryPolicy);
      return this;
    }

    /** The most requests in flight at once; default 64. Further sends queue. */
    public Builder maxInFlight(int maxInFlight) {
      transport.maxInFlight(maxInFlight);
      return this;
    }

    /** As {@link ReceiptSender.Builder#clock}. */
    public Builder clock(Clock clock) {
      transport.clock(clock);
      return this;
    }

    /** As {@link ReceiptSender.Builder#jitter}. */
    public Builder jitter(DoubleSupplier jitter) {
      transport.jitter(jitter);
      return this;
    }

    /** Where retry waits and deadlines run. For tests. */
    Builder scheduler(Scheduler scheduler) {
      transport.scheduler(scheduler);
      return this;
    }

    /**
     * A sender with this configuration.
     *
     * @throws NullPointerException when {@link #agentId} or {@link #tokens} was not set
     */
    public RbmEventSender build() {
      Objects.requireNonNull(agentId, "agentId must be set, the agent's id from the RBM console");
      if (!hasTokens) {
        throw new NullPointerException(
            "tokens must be set, use AccessTokenProvider.fixed(token) or a provider scoped to " + SCOPE);
      }
      return new RbmEvents(this);
    }
  }
}
