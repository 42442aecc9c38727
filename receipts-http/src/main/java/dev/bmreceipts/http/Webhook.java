// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import com.sun.net.httpserver.HttpHandler;
import dev.bmreceipts.core.ParserLimits;
import dev.bmreceipts.core.PayloadException;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.UserReceipts;
import dev.bmreceipts.core.WebhookParser;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Business Messages webhook: checks, parses, deduplicates and dispatches one request.
 *
 * <p>{@link #process} is transport-neutral (a servlet or any server can call it), {@link #handler()}
 * adapts it to the JDK's {@code HttpServer}, and {@link #start} runs a ready server. Answers are
 * one line of {@code text/plain; charset=utf-8}:
 *
 * <ul>
 *   <li>{@code 405 method not allowed: use POST} (with {@code Allow: POST})
 *   <li>{@code 415 unsupported content type: use application/json} ({@code application/json} in
 *       any case, with any parameters, is accepted; so is a request with no {@code Content-Type}
 *       at all, since it names no other type and its body must still parse as JSON or get 400)
 *   <li>{@code 413 body larger than N bytes}
 *   <li>{@code 401 missing X-Goog-Signature}, {@code 401 invalid X-Goog-Signature} (only when a
 *       signing key is configured; checked over the raw bytes before parsing. The one exception is
 *       an unsigned verification handshake while a client token is configured: the handshake
 *       carries its own proof, the client token, and answers {@code 200} or {@code 403} as below)
 *   <li>{@code 400} with the parser's one-line reason, e.g. {@code receipts.receipts[0].message: …}
 *   <li>the handshake: {@code 200} with the secret, or {@code 403 client token does not match}
 *   <li>{@code 200 ok} (also for unknown kinds and for deliveries seen before)
 *   <li>{@code 500 listener failed; retry later}
 *   <li>{@code 503 duplicate delivery in progress; retry later} (with {@code Retry-After: 1})
 *   <li>{@code 503 dedupe store unavailable; retry later} (with {@code Retry-After: 1}), when the
 *       {@link Deduplicator} threw while claiming or committing the request's keys
 * </ul>
 *
 * <p>Checks run in that order and each answers before any listener runs. Receipts and other
 * payloads are deduplicated through a {@link Deduplicator}: by {@code requestId} where present
 * and, for receipts, also by (message name, receipt type), so a receipt repeated in a later
 * payload is passed on once. Every store takes the same path: a request's keys are claimed as one
 * {@link Deduplicator#claimAll batch}, which is committed on {@code 200} and released otherwise.
 *
 * <p>Instances are immutable and thread-safe. {@link RbmWebhook} is the RCS Business Messaging
 * counterpart, with the same checks, answers and dedupe path.
 */
public final class Webhook {
  private static final System.Logger LOG = System.getLogger(Webhook.class.getName());

  /** Default {@link Builder#maxBodyBytes}: 1 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  private final String clientToken;
  private final WebhookSignature signature;
  private final WebhookParser parser;
  private final ReceiptListener[] receiptListeners;
  private final PayloadListener[] payloadListeners;
  private final int threads;
  private final Intake intake;

  private Webhook(Builder b) {
    this.clientToken = b.clientToken;
    this.signature = b.signingKey == null ? null : WebhookSignature.forKey(b.signingKey);
    this.parser = WebhookParser.create(b.settings.parserLimits);
    this.receiptListeners = b.settings.receiptListeners();
    this.payloadListeners = b.payloadListeners.toArray(new PayloadListener[0]);
    this.threads = b.threads;
    this.intake = new Intake("webhook", LOG, b.settings, this::handle);
  }

  /** A builder with the defaults: no client token, no signing key, 1 MiB, in-memory dedupe. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Processes one request. Never throws for bad input: every outcome is a response.
   *
   * @param method the HTTP method, e.g. {@code POST}
   * @param headers the request headers (case-insensitive lookup)
   * @param body the request body; read up to the limit, not closed
   */
  public WebhookResponse process(String method, HeaderLookup headers, InputStream body) {
    return intake.process(method, headers, body);
  }

  /**
   * This webhook as a JDK {@link HttpHandler}: it answers every exchange it gets (mount it on the
   * webhook's path) and closes the exchange.
   */
  public HttpHandler handler() {
    return intake::exchange;
  }

  /**
   * Starts a JDK {@code HttpServer} on {@code host:port} serving this webhook at {@code path},
   * on {@link Builder#threads} threads, with the other settings of {@link WebhookServer#builder}
   * (read timeout, backlog, most threads) at their defaults.
   *
   * <p>Sets the system property {@code sun.net.httpserver.nodelay} to {@code true} unless it is
   * already set: the JDK server writes a response's headers and body separately, and with Nagle's
   * algorithm a keep-alive client's delayed ACK then stalls each response by tens of
   * milliseconds. The JDK reads the property once, when its first server is created.
   *
   * @param port the port, {@code 0} for any free one (see {@link WebhookServer#port()})
   * @throws IOException when the address cannot be bound
   */
  public WebhookServer start(String host, int port, String path) throws IOException {
    return WebhookServer.builder(this).host(host).port(port).path(path).start();
  }

  /** The threads of the servers {@link #start} makes. */
  int threads() {
    return threads;
  }

  private WebhookResponse handle(byte[] bytes, int length, HeaderLookup headers, Intake.Outcome outcome) {
    if (signature != null) {
      String given = headers.first(WebhookSignature.HEADER);
      if (given == null || given.isBlank()) {
        return unsignedHandshake(bytes, length, outcome);
      }
      if (!signature.verify(bytes, 0, length, given)) {
        return Intake.INVALID_SIGNATURE;
      }
    }
    WebhookPayload payload;
    try {
      payload = parser.parse(bytes, 0, length);
    } catch (PayloadException e) {
      return WebhookResponse.text(400, Intake.oneLine(e.getMessage()));
    }
    if (outcome != null) {
      outcome.kind = payload.kind();
    }
    switch (payload.kind()) {
      case VERIFICATION:
        return Intake.handshake(payload.verification().orElseThrow(), clientToken);
      case UNKNOWN:
        return Intake.OK;
      case RECEIPTS:
        return receipts(payload.receipts().orElseThrow(), outcome);
      default:
        return payload(payload);
    }
  }

  /**
   * An unsigned request with a key configured: refused, unless it is the verification handshake.
   * Google's handshake proves itself with the client token in its body and is not documented as
   * signed, so when a client token is configured an unsigned body is parsed for that one purpose.
   * It can only ever get the handshake's answer; no listener sees it.
   */
  private WebhookResponse unsignedHandshake(byte[] bytes, int length, Intake.Outcome outcome) {
    if (clientToken == null) {
      return Intake.MISSING_SIGNATURE;
    }
    WebhookPayload payload;
    try {
      payload = parser.parse(bytes, 0, length);
    } catch (PayloadException e) {
      return Intake.MISSING_SIGNATURE;
    }
    if (payload.kind() != PayloadKind.VERIFICATION) {
      return Intake.MISSING_SIGNATURE;
    }
    if (outcome != null) {
      outcome.kind = payload.kind();
    }
    return Intake.handshake(payload.verification().orElseThrow(), clientToken);
  }

  private WebhookResponse receipts(UserReceipts payload, Intake.Outcome outcome) {
    List<Receipt> receipts = payload.receipts();
    int n = receipts.size();
    Optional<String> requestId = payload.requestId();
    boolean request = requestId.isPresent();
    // the request's distinct keys, its request id's first; keyOf[i] is receipt i's key, or -1 when
    // it repeats an earlier receipt of the payload (delivered once)
    String[] keys = new String[n + (request ? 1 : 0)];
    int[] keyOf = new int[n];
    int count = 0;
    if (request) {
      keys[count++] = Deduplicator.requestKey(requestId.get());
    }
    // most payloads carry 1-3 receipts: a scan of the few keys so far spares a set and its hashing (WebhookBenchmark)
    Set<String> seen = n > 8 ? new HashSet<>() : null;
    for (int i = 0; i < n; i++) {
      Receipt r = receipts.get(i);
      String key = Deduplicator.receiptKey(r);
      if (seen != null ? !seen.add(key) : contains(keys, count, key)) {
        keyOf[i] = -1;
      } else {
        keyOf[i] = count;
        keys[count++] = key;
      }
    }
    Deduplicator.Batch batch = count == 0 ? Intake.NO_KEYS
        : intake.claimAll(Arrays.asList(count == keys.length ? keys : Arrays.copyOf(keys, count)), request);
    if (batch == null) {
      return Intake.STORE_FAILED;
    }
    Receipt[] fresh = new Receipt[n];
    int freshCount = 0;
    WebhookResponse answer = Intake.LISTENER_FAILED;
    try {
      if (Intake.busy(batch, count)) {
        answer = Intake.BUSY;
      } else if (request && batch.claim(0) == Deduplicator.Claim.DELIVERED) {
        answer = Intake.OK;
      } else {
        for (int i = 0; i < n; i++) {
          int k = keyOf[i];
          if (k >= 0 && batch.claim(k) == Deduplicator.Claim.CLAIMED) {
            fresh[freshCount++] = receipts.get(i);
          }
        }
        if (freshCount > 0) {
          ReceiptEvent[] events = new ReceiptEvent[freshCount];
          for (int i = 0; i < freshCount; i++) {
            events[i] = ReceiptEvent.of(payload, fresh[i]);
          }
          List<ReceiptEvent> list = List.of(events);
          for (ReceiptListener l : receiptListeners) {
            l.onReceipts(list);
          }
        }
        answer = Intake.OK;
      }
    } catch (Exception e) {
      intake.failures().failed("receipt listener failed for " + names(fresh, freshCount) + " in conversation "
          + payload.conversationId() + "; answered 500", e);
    } finally {
      answer = intake.finish(batch, answer);
    }
    if (outcome != null && answer == Intake.OK) {
      outcome.receipts = freshCount;
    }
    return answer;
  }

  private WebhookResponse payload(WebhookPayload payload) {
    return intake.once(payload.requestId().map(Deduplicator::requestKey).orElse(null), true, () -> {
      for (PayloadListener l : payloadListeners) {
        l.onPayload(payload);
      }
    }, () -> "payload listener failed for " + payload.kind() + " "
        + payload.message().map(m -> m.toString()).orElse("") + " in conversation "
        + payload.conversationId() + "; answered 500");
  }

  private static boolean contains(String[] keys, int count, String key) {
    for (int i = 0; i < count; i++) {
      if (keys[i].equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static String names(Receipt[] receipts, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : ", ").append(receipts[i].message()).append(' ')
          .append(receipts[i].type());
    }
    return sb.length() == 0 ? "no new receipts" : sb.toString();
  }

  /** Configures a {@link Webhook}. Not thread-safe; {@link #build()} may be called more than once. */
  public static final class Builder {
    private final Intake.Settings settings = new Intake.Settings(LOG);
    private String clientToken;
    private String signingKey;
    private final List<PayloadListener> payloadListeners = new ArrayList<>();
    private int threads = 2 * Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /** Where failures are logged; for tests that count the lines. */
    Builder log(System.Logger log) {
      settings.log(log);
      return this;
    }

    /** The client token the verification handshake must carry; without one every handshake gets 403. */
    public Builder clientToken(String token) {
      this.clientToken = Intake.Settings.nonEmpty(token, "client token", ", leave it unset instead");
      return this;
    }

    /** The key {@code X-Goog-Signature} is checked with; without one, signatures are not checked. */
    public Builder signingKey(String key) {
      this.signingKey = Intake.Settings.nonEmpty(key, "signing key", ", leave it unset instead");
      return this;
    }

    /** The largest body accepted (default 1 MiB); larger ones get 413. */
    public Builder maxBodyBytes(int bytes) {
      settings.maxBodyBytes(bytes);
      return this;
    }

    /** The parser's limits (default {@link ParserLimits#DEFAULTS}). */
    public Builder parserLimits(ParserLimits limits) {
      settings.parserLimits(limits);
      return this;
    }

    /** Adds a receipt listener; listeners are called in the order added. */
    public Builder receiptListener(ReceiptListener listener) {
      settings.receiptListener(listener);
      return this;
    }

    /** Adds a listener for the other payload kinds; listeners are called in the order added. */
    public Builder payloadListener(PayloadListener listener) {
      payloadListeners.add(Objects.requireNonNull(listener, "payload listener cannot be null"));
      return this;
    }

    /** The observer told every request's outcome (default none). */
    public Builder observer(WebhookObserver observer) {
      settings.observer(observer);
      return this;
    }

    /** The dedupe store (default {@link Deduplicator#inMemory()} on this builder's clock). */
    public Builder deduplicator(Deduplicator deduplicator) {
      settings.deduplicator(deduplicator);
      return this;
    }

    /** The clock of the default dedupe store (default the system UTC clock). */
    public Builder clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    /** Threads of the server {@link Webhook#start} creates (default 2 × available processors). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** The webhook. Logs one warning when no signing key is set. */
    public Webhook build() {
      if (signingKey == null) {
        LOG.log(Level.WARNING, "no signing key configured: X-Goog-Signature is not checked and "
            + "unsigned requests are accepted");
      }
      return new Webhook(this);
    }
  }
}
