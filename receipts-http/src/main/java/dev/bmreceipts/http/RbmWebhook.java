// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import com.sun.net.httpserver.HttpHandler;
import dev.bmreceipts.core.InvalidMessageNameException;
import dev.bmreceipts.core.ParserLimits;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.rbm.RbmBody;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmKeys;
import dev.bmreceipts.core.rbm.RbmParser;
import dev.bmreceipts.core.rbm.RbmPayload;
import dev.bmreceipts.core.rbm.RbmPayloadException;
import dev.bmreceipts.core.rbm.RbmPayloadKind;
import dev.bmreceipts.core.rbm.RbmSignature;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.core.rbm.RbmUserMessage;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The RCS Business Messaging webhook: checks, parses, deduplicates and dispatches one Pub/Sub push,
 * with the guarantees of the Business Messages {@link Webhook}.
 *
 * <p>{@link #process} is transport-neutral, and {@link #handler()} adapts it to the JDK's
 * {@code HttpServer}: mount it with {@link WebhookServer#serve}, beside a Business Messages
 * webhook or alone. Answers are one line of {@code text/plain; charset=utf-8}:
 *
 * <ul>
 *   <li>{@code 405 method not allowed: use POST} (with {@code Allow: POST})
 *   <li>{@code 415 unsupported content type: use application/json} (as {@link Webhook}: any case,
 *       any parameters, or no {@code Content-Type} at all)
 *   <li>{@code 413 body larger than N bytes}
 *   <li>{@code 400} with the parser's one-line reason when the body is not JSON, not an object,
 *       or an envelope without {@code message}, with {@code message.data} missing or not base64
 *       (e.g. {@code message.data: not valid base64}); checked before the signature, which is over
 *       the decoded data
 *   <li>the handshake {@code {"clientToken","secret"}}: {@code 200} with the secret as the body when
 *       the client token matches (compared in constant time), else {@code 403 client token does not
 *       match}; it needs no signature (it carries its own proof, the token)
 *   <li>{@code 401 missing X-Goog-Signature}, {@code 401 invalid X-Goog-Signature}: an envelope's
 *       signature is base64 HMAC-SHA512, keyed with the client token, over the <b>base64-decoded
 *       bytes of {@code message.data}</b> ({@link RbmSignature}), not over the body as in Business
 *       Messages
 *   <li>{@code 400} with the parser's one-line reason when the signed data is not a JSON object, or
 *       a user event or user message misses a required member or has one of the wrong type
 *       (e.g. {@code message.data.eventId: missing}); and {@code 400 message.data.messageId must
 *       not contain '/'} (or control characters) for a receipt whose {@code messageId} no
 *       {@link dev.bmreceipts.core.MessageName} can hold
 *   <li>{@code 200 ok}, exactly {@code 200} (RBM retries any other status, {@code 2xx} included,
 *       for 7 days): also for deliveries seen before
 *   <li>{@code 500 listener failed; retry later}
 *   <li>{@code 503 duplicate delivery in progress; retry later} (with {@code Retry-After: 1})
 *   <li>{@code 503 dedupe store unavailable; retry later} (with {@code Retry-After: 1}), when the
 *       {@link Deduplicator} threw while claiming or committing the push's key
 * </ul>
 *
 * <p>Checks run in that order and each answers before any listener runs. {@code DELIVERED} and
 * {@code READ} user events go to the {@link ReceiptListener}s as
 * {@link ReceiptEvent#of(RbmEnvelope, RbmUserEvent)} (protocol {@code RBM}); everything else (user
 * messages, the other user events, server events, agent launch events, unknown kinds) goes to the
 * {@link RbmPayloadListener}s. A user event is deduplicated on ({@code eventId},
 * {@code senderPhoneNumber}) ({@link RbmKeys#eventKey}) and a user message on ({@code messageId},
 * {@code senderPhoneNumber}) ({@link RbmKeys#messageKey}), never on {@code messageId} alone: a
 * message's {@code DELIVERED} and {@code READ} share it and both are passed on. Other kinds carry no
 * such key and are passed on every time. The key is claimed through
 * {@link Deduplicator#claimAll} as a batch of one, committed on {@code 200} and released otherwise,
 * as {@link Webhook} does; RBM keys never equal Business Messages keys, so both webhooks may share
 * one store.
 *
 * <p>A {@link WebhookObserver} is told each request's outcome with the nearest
 * {@link PayloadKind}: {@link PayloadKind#VERIFICATION} for the handshake, {@link
 * PayloadKind#RECEIPTS} for {@code DELIVERED} and {@code READ} (with the count passed on: 1, or 0
 * for a redelivery), {@link PayloadKind#MESSAGE} for a user message, and {@link
 * PayloadKind#UNKNOWN} for every other kind; {@code null} when the body was not parsed or its data
 * not classified (405, 415, 413, 400, 401).
 *
 * <p>Failures are logged one line each, naming the kind, the event or message id and the phone
 * number {@linkplain dev.bmreceipts.core.rbm.PhoneNumber#masked() masked}; never a whole number,
 * the token or the data. Instances are immutable and thread-safe.
 */
public final class RbmWebhook {
  private static final System.Logger LOG = System.getLogger(RbmWebhook.class.getName());

  private final String clientToken;
  private final RbmSignature signature;
  private final RbmParser parser;
  private final ReceiptListener[] receiptListeners;
  private final RbmPayloadListener[] payloadListeners;
  private final Intake intake;

  private RbmWebhook(Builder b) {
    this.clientToken = b.clientToken;
    this.signature = RbmSignature.forClientToken(b.clientToken);
    this.parser = RbmParser.create(b.settings.parserLimits);
    this.receiptListeners = b.settings.receiptListeners();
    this.payloadListeners = b.payloadListeners.toArray(new RbmPayloadListener[0]);
    this.intake = new Intake("RBM webhook", LOG, b.settings, this::handle);
  }

  /** A builder with the defaults: 1 MiB, in-memory dedupe; the client token must be set. */
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
   * This webhook as a JDK {@link HttpHandler}: it answers every exchange it gets and closes it.
   * Mount it with {@link WebhookServer#serve}, e.g. {@code server.serve("/rbm", rbm.handler())}.
   */
  public HttpHandler handler() {
    return intake::exchange;
  }

  private WebhookResponse handle(byte[] bytes, int length, HeaderLookup headers, Intake.Outcome outcome) {
    RbmBody body;
    try {
      body = parser.parse(bytes, 0, length);
    } catch (RbmPayloadException e) {
      return WebhookResponse.text(400, Intake.oneLine(e.getMessage()));
    }
    if (body.isHandshake()) {
      if (outcome != null) {
        outcome.kind = PayloadKind.VERIFICATION;
      }
      return Intake.handshake(body.handshake().orElseThrow(), clientToken);
    }
    RbmEnvelope envelope = body.envelope().orElseThrow();
    String given = headers.first(RbmSignature.HEADER);
    if (given == null || given.isBlank()) {
      return Intake.MISSING_SIGNATURE;
    }
    if (!signature.verify(envelope.data(), given)) {
      return Intake.INVALID_SIGNATURE;
    }
    RbmPayload payload;
    try {
      payload = parser.payload(envelope);
    } catch (RbmPayloadException e) {
      return WebhookResponse.text(400, Intake.oneLine(e.getMessage()));
    }
    if (payload.kind() == RbmPayloadKind.USER_EVENT) {
      RbmUserEvent event = payload.userEvent().orElseThrow();
      if (event.eventType().namesAMessage()) {
        return receipt(envelope, event, outcome);
      }
    }
    if (outcome != null) {
      outcome.kind = payload.kind() == RbmPayloadKind.USER_MESSAGE
          ? PayloadKind.MESSAGE : PayloadKind.UNKNOWN;
    }
    return payload(payload);
  }

  private WebhookResponse receipt(RbmEnvelope envelope, RbmUserEvent event, Intake.Outcome outcome) {
    if (outcome != null) {
      outcome.kind = PayloadKind.RECEIPTS;
    }
    List<ReceiptEvent> events;
    try {
      events = List.of(ReceiptEvent.of(envelope, event));
    } catch (InvalidMessageNameException e) {
      // the receipt model names a message conversations/{phone}/messages/{messageId}: an id with
      // '/' or a control character cannot be named, and is refused before any key is claimed
      return WebhookResponse.text(400, "message.data." + e.getMessage());
    }
    WebhookResponse answer = intake.once(event.dedupeKey(), false, () -> {
      for (ReceiptListener l : receiptListeners) {
        l.onReceipts(events);
      }
      if (outcome != null) {
        outcome.receipts = 1;
      }
    }, () -> "receipt listener failed for RBM " + event.rawEventType() + " of message "
        + event.messageId() + " from " + event.senderPhoneNumber().masked() + " (event "
        + event.eventId() + "); answered 500");
    if (outcome != null && answer != Intake.OK) {
      outcome.receipts = 0;
    }
    return answer;
  }

  private WebhookResponse payload(RbmPayload payload) {
    return intake.once(payload.dedupeKey().orElse(null), false, () -> {
      for (RbmPayloadListener l : payloadListeners) {
        l.onPayload(payload);
      }
    }, () -> "payload listener failed for RBM " + describe(payload) + "; answered 500");
  }

  /** The kind and ids for a log line, the phone masked; never the data. */
  private static String describe(RbmPayload payload) {
    if (payload.userEvent().isPresent()) {
      RbmUserEvent e = payload.userEvent().get();
      return "user event " + e.rawEventType() + " from " + e.senderPhoneNumber().masked()
          + " (event " + e.eventId() + ")";
    }
    if (payload.userMessage().isPresent()) {
      RbmUserMessage m = payload.userMessage().get();
      return "user message " + m.messageId() + " from " + m.senderPhoneNumber().masked();
    }
    return payload.kind() + (payload.agentId().isEmpty() ? "" : " for agent " + payload.agentId());
  }

  /** Configures an {@link RbmWebhook}. Not thread-safe; {@link #build()} may be called more than once. */
  public static final class Builder {
    private final Intake.Settings settings = new Intake.Settings(LOG);
    private String clientToken;
    private final List<RbmPayloadListener> payloadListeners = new ArrayList<>();

    private Builder() {}

    /** Where failures are logged; for tests that read the lines. */
    Builder log(System.Logger log) {
      settings.log(log);
      return this;
    }

    /**
     * The agent's client token (required): the handshake must carry it, and it keys
     * {@code X-Goog-Signature} (UTF-8).
     */
    public Builder clientToken(String token) {
      this.clientToken = Intake.Settings.nonEmpty(token, "client token", "");
      return this;
    }

    /** The largest body accepted (default {@link Webhook#DEFAULT_MAX_BODY_BYTES}); larger ones get 413. */
    public Builder maxBodyBytes(int bytes) {
      settings.maxBodyBytes(bytes);
      return this;
    }

    /** The parser's limits (default {@link ParserLimits#DEFAULTS}; only the depth applies). */
    public Builder parserLimits(ParserLimits limits) {
      settings.parserLimits(limits);
      return this;
    }

    /**
     * Adds a listener for {@code DELIVERED} and {@code READ} user events, each passed as one
     * {@link ReceiptEvent} of protocol {@code RBM}; listeners are called in the order added.
     */
    public Builder receiptListener(ReceiptListener listener) {
      settings.receiptListener(listener);
      return this;
    }

    /** Adds a listener for every other kind (see {@link RbmPayloadListener}); called in the order added. */
    public Builder payloadListener(RbmPayloadListener listener) {
      payloadListeners.add(Objects.requireNonNull(listener, "payload listener cannot be null"));
      return this;
    }

    /** The observer told every request's outcome (default none). */
    public Builder observer(WebhookObserver observer) {
      settings.observer(observer);
      return this;
    }

    /**
     * The dedupe store (default {@link Deduplicator#inMemory()} on this builder's clock). The store
     * a Business Messages {@link Webhook} uses may be shared: the keys never collide.
     */
    public Builder deduplicator(Deduplicator deduplicator) {
      settings.deduplicator(deduplicator);
      return this;
    }

    /** The clock of the default dedupe store (default the system UTC clock). */
    public Builder clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    /**
     * The webhook.
     *
     * @throws IllegalStateException when no {@link #clientToken} is set
     */
    public RbmWebhook build() {
      if (clientToken == null) {
        throw new IllegalStateException("clientToken is required: it checks the handshake and keys "
            + "X-Goog-Signature");
      }
      return new RbmWebhook(this);
    }
  }
}
