// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.bmreceipts.core.ParserLimits;
import dev.bmreceipts.core.PayloadKind;
import dev.bmreceipts.core.Verification;
import dev.bmreceipts.core.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every webhook of this package does around its own parsing: the checks before it (method,
 * content type, size), the body read into a per-thread buffer, the observer, the dedupe batch
 * (claim, busy, commit or release), the fixed answers and the JDK server adapter. {@link Webhook}
 * (Business Messages) and {@link RbmWebhook} (RCS Business Messaging) each hold one and give it
 * their {@link Handler}, so that both keep the same guarantees from one copy of the code.
 *
 * <p>Immutable and thread-safe.
 */
final class Intake {
  /**
   * Buffers up to this size stay with their thread; larger bodies get a one-off buffer, so that a
   * rare large body does not pin its size to the thread for good.
   */
  private static final int CACHED_BUFFER_MAX = 64 * 1024;
  private static final int INITIAL_BUFFER = 8 * 1024;

  static final WebhookResponse OK = WebhookResponse.text(200, "ok");
  static final WebhookResponse METHOD_NOT_ALLOWED =
      WebhookResponse.text(405, "method not allowed: use POST", "Allow", "POST");
  static final WebhookResponse UNSUPPORTED_TYPE =
      WebhookResponse.text(415, "unsupported content type: use application/json");
  // RBM's header is the same: RbmSignature.HEADER
  static final WebhookResponse MISSING_SIGNATURE =
      WebhookResponse.text(401, "missing " + WebhookSignature.HEADER);
  static final WebhookResponse INVALID_SIGNATURE =
      WebhookResponse.text(401, "invalid " + WebhookSignature.HEADER);
  static final WebhookResponse TOKEN_MISMATCH =
      WebhookResponse.text(403, "client token does not match");
  static final WebhookResponse LISTENER_FAILED =
      WebhookResponse.text(500, "listener failed; retry later");
  static final WebhookResponse BUSY =
      WebhookResponse.text(503, "duplicate delivery in progress; retry later", "Retry-After", "1");
  static final WebhookResponse UNREADABLE = WebhookResponse.text(400, "could not read the body");
  static final WebhookResponse STORE_FAILED =
      WebhookResponse.text(503, "dedupe store unavailable; retry later", "Retry-After", "1");

  /** The batch of a request with no keys: nothing to claim, commit or release. */
  static final Deduplicator.Batch NO_KEYS = new Deduplicator.Batch() {
    @Override
    public Deduplicator.Claim claim(int i) {
      return null;
    }

    @Override
    public void commit() {}

    @Override
    public void release() {}
  };

  /** A webhook's own work on a body that passed the checks and was read whole. */
  @FunctionalInterface
  interface Handler {
    /**
     * The answer to {@code length} bytes of {@code bytes} (the thread's buffer: valid until this
     * returns). {@code outcome} is {@code null} when no observer is registered.
     */
    WebhookResponse handle(byte[] bytes, int length, HeaderLookup headers, Outcome outcome);
  }

  /** Calls one delivery's listeners; see {@link #once}. */
  @FunctionalInterface
  interface Delivery {
    void deliver() throws Exception;
  }

  private final int maxBodyBytes;
  private final WebhookResponse tooLarge;
  private final WebhookObserver observer;
  private final Deduplicator deduplicator;
  private final FailureLog failures;
  private final Handler handler;
  private final String name;
  private final System.Logger log;
  // a body buffer reused per thread spares an 8 KiB allocation per request (WebhookBenchmark, B/op with -prof gc)
  private final ThreadLocal<Body> bodies = ThreadLocal.withInitial(Body::new);

  /**
   * @param name the webhook's name in log lines, e.g. {@code webhook}
   * @param log the webhook's own logger, for an observer that threw and an unexpected failure
   * @param settings the builder's settings, read now (a builder may change them after)
   */
  Intake(String name, System.Logger log, Settings settings, Handler handler) {
    this.name = name;
    this.log = log;
    this.maxBodyBytes = settings.maxBodyBytes;
    this.tooLarge = WebhookResponse.text(413, "body larger than " + maxBodyBytes + " bytes");
    this.observer = settings.observer;
    this.deduplicator = settings.deduplicator != null
        ? settings.deduplicator
        : Deduplicator.inMemory(Deduplicator.DEFAULT_MAX_ENTRIES, Deduplicator.DEFAULT_MAX_AGE,
            settings.clock);
    this.failures = new FailureLog(settings.log);
    this.handler = handler;
  }

  /** Where failures are logged: one line each, the stack trace once per cause. */
  FailureLog failures() {
    return failures;
  }

  /** The webhooks' {@code process}: the checks, the read, the handler and the observer. */
  WebhookResponse process(String method, HeaderLookup headers, InputStream body) {
    Objects.requireNonNull(headers, "headers cannot be null");
    Objects.requireNonNull(body, "body cannot be null");
    if (observer == null) {
      return receive(method, headers, body, null);
    }
    long start = System.nanoTime();
    Outcome outcome = new Outcome();
    WebhookResponse response = receive(method, headers, body, outcome);
    try {
      observer.onRequest(new WebhookOutcome(
          response.status(), outcome.kind, outcome.receipts, System.nanoTime() - start));
    } catch (RuntimeException e) {
      log.log(Level.WARNING, name + " observer failed; the answer is unchanged", e);
    }
    return response;
  }

  /** The webhooks' {@code handler()}: answers the exchange with {@link #process} and closes it. */
  void exchange(HttpExchange exchange) throws IOException {
    try {
      Headers request = exchange.getRequestHeaders();
      WebhookResponse response;
      try {
        response = process(exchange.getRequestMethod(), request::getFirst, exchange.getRequestBody());
      } catch (RuntimeException e) {
        log.log(Level.ERROR, name + " failed unexpectedly", e);
        response = LISTENER_FAILED;
      }
      Headers out = exchange.getResponseHeaders();
      out.set("Content-Type", response.contentType());
      for (Map.Entry<String, String> h : response.headers().entrySet()) {
        out.set(h.getKey(), h.getValue());
      }
      int length = response.bodyLength();
      exchange.sendResponseHeaders(response.status(), length == 0 ? -1 : length);
      if (length > 0) {
        OutputStream os = exchange.getResponseBody();
        response.writeBody(os);
        os.close();
      }
    } finally {
      exchange.close();
    }
  }

  private WebhookResponse receive(String method, HeaderLookup headers, InputStream in, Outcome outcome) {
    if (!"POST".equals(method)) {
      return METHOD_NOT_ALLOWED;
    }
    if (!isJson(headers.first("Content-Type"))) {
      return UNSUPPORTED_TYPE;
    }
    long declared = contentLength(headers.first("Content-Length"));
    if (declared > maxBodyBytes) {
      return tooLarge;
    }
    Body body = bodies.get();
    byte[] bytes;
    int length;
    try {
      length = body.read(in, declared, maxBodyBytes);
    } catch (IOException e) {
      return UNREADABLE;
    } finally {
      bytes = body.bytes;
      body.release();
    }
    if (length < 0) {
      return tooLarge;
    }
    return handler.handle(bytes, length, headers, outcome);
  }

  /** The handshake's answer: {@code 200} with the secret when the token matches, else 403. */
  static WebhookResponse handshake(Verification v, String clientToken) {
    if (clientToken == null || !v.tokenMatches(clientToken)) {
      return TOKEN_MISMATCH;
    }
    return new WebhookResponse(
        200, WebhookResponse.TEXT_PLAIN, v.secret().getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /**
   * Passes one delivery on at most once: claims {@code key} (nothing when {@code null}), calls
   * {@code delivery} unless the key was delivered before, and commits the claim on {@link #OK} or
   * releases it otherwise. A throwing delivery is logged as {@code failure} says.
   *
   * @return {@link #OK}, {@link #BUSY}, {@link #LISTENER_FAILED} or {@link #STORE_FAILED}
   */
  WebhookResponse once(String key, boolean isRequest, Delivery delivery, Supplier<String> failure) {
    Deduplicator.Batch batch = key == null ? NO_KEYS : claimAll(List.of(key), isRequest);
    if (batch == null) {
      return STORE_FAILED;
    }
    WebhookResponse answer = LISTENER_FAILED;
    try {
      Deduplicator.Claim c = batch.claim(0);
      if (c == Deduplicator.Claim.BUSY) {
        answer = BUSY;
      } else {
        if (c != Deduplicator.Claim.DELIVERED) {
          delivery.deliver();
        }
        answer = OK;
      }
    } catch (Exception e) {
      failures.failed(failure.get(), e);
    } finally {
      answer = finish(batch, answer);
    }
    return answer;
  }

  /**
   * The request's keys claimed as one batch by the deduplicator, or {@code null} when the store
   * failed (it then holds none of them: see {@link Deduplicator#claimAll}).
   */
  Deduplicator.Batch claimAll(List<String> keys, boolean firstIsRequest) {
    try {
      return deduplicator.claimAll(keys, firstIsRequest);
    } catch (RuntimeException e) {
      failures.failed("dedupe store failed to claim " + keys.size() + " keys; answered 503", e);
      return null;
    }
  }

  /** Whether a claim of the batch's {@code count} keys answered BUSY (claiming stopped there). */
  static boolean busy(Deduplicator.Batch batch, int count) {
    for (int i = 0; i < count; i++) {
      Deduplicator.Claim c = batch.claim(i);
      if (c == null) {
        return false;
      }
      if (c == Deduplicator.Claim.BUSY) {
        return true;
      }
    }
    return false;
  }

  /**
   * Finishes the batch as the answer says: commits it for {@link #OK}, releases it for any other
   * answer. A failed commit answers {@link #STORE_FAILED}, so that Google retries; a failed
   * release keeps the answer.
   */
  WebhookResponse finish(Deduplicator.Batch batch, WebhookResponse answer) {
    boolean commit = answer == OK;
    try {
      if (commit) {
        batch.commit();
      } else {
        batch.release();
      }
      return answer;
    } catch (RuntimeException e) {
      failures.failed("dedupe store failed to " + (commit ? "commit" : "release")
          + " a request's keys; answered " + (commit ? STORE_FAILED : answer).status(), e);
      return commit ? STORE_FAILED : answer;
    }
  }

  /**
   * {@code application/json}, any case, parameters allowed; {@code null} (absent) counts as JSON.
   * Compared in place, with no lower-cased copy or split: it runs on every request (WebhookBenchmark).
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return true;
    }
    int end = contentType.indexOf(';');
    if (end < 0) {
      end = contentType.length();
    }
    int start = 0;
    while (start < end && contentType.charAt(start) == ' ') {
      start++;
    }
    while (end > start && (contentType.charAt(end - 1) == ' ' || contentType.charAt(end - 1) == '\t')) {
      end--;
    }
    String json = "application/json";
    return end - start == json.length() && contentType.regionMatches(true, start, json, 0, json.length());
  }

  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A parser's reason as one line. */
  static String oneLine(String s) {
    return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
  }

  /**
   * What both webhooks' builders configure alike, checked as it is set; each builder's public
   * setter hands its value here. Not thread-safe, as the builders.
   */
  static final class Settings {
    int maxBodyBytes = Webhook.DEFAULT_MAX_BODY_BYTES;
    ParserLimits parserLimits = ParserLimits.DEFAULTS;
    private final List<ReceiptListener> receiptListeners = new ArrayList<>();
    WebhookObserver observer;
    Deduplicator deduplicator;
    Clock clock = Clock.systemUTC();
    System.Logger log;

    /** @param log where failures are logged unless {@link #log} replaces it */
    Settings(System.Logger log) {
      this.log = log;
    }

    void log(System.Logger log) {
      this.log = Objects.requireNonNull(log);
    }

    void maxBodyBytes(int bytes) {
      if (bytes < 1 || bytes == Integer.MAX_VALUE) {
        throw new IllegalArgumentException("maxBodyBytes must be in 1.." + (Integer.MAX_VALUE - 1)
            + ", was " + bytes);
      }
      this.maxBodyBytes = bytes;
    }

    void parserLimits(ParserLimits limits) {
      this.parserLimits = Objects.requireNonNull(limits, "limits cannot be null, use ParserLimits.DEFAULTS");
    }

    void receiptListener(ReceiptListener listener) {
      receiptListeners.add(Objects.requireNonNull(listener, "receipt listener cannot be null"));
    }

    /** The receipt listeners so far, in the order added. */
    ReceiptListener[] receiptListeners() {
      return receiptListeners.toArray(new ReceiptListener[0]);
    }

    void observer(WebhookObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer cannot be null, leave it unset instead");
    }

    void deduplicator(Deduplicator deduplicator) {
      this.deduplicator = Objects.requireNonNull(deduplicator, "deduplicator cannot be null");
    }

    void clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null, use Clock.systemUTC()");
    }

    /**
     * {@code value} when it is neither {@code null} ({@code "<what> cannot be null<ifNull>"}) nor
     * empty ({@code "<what> must not be empty"}): a client token or a signing key.
     */
    static String nonEmpty(String value, String what, String ifNull) {
      Objects.requireNonNull(value, () -> what + " cannot be null" + ifNull);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return value;
    }
  }

  /** What an observer is told besides the status; allocated only when one is registered. */
  static final class Outcome {
    PayloadKind kind;
    int receipts;
  }

  /** A thread's body buffer: reused up to {@link #CACHED_BUFFER_MAX}. */
  private static final class Body {
    private byte[] cached = new byte[INITIAL_BUFFER];
    byte[] bytes;

    /** Reads into {@link #bytes}; the length, or {@code -1} past {@code max}. Never holds more than max + 1 bytes. */
    int read(InputStream in, long declared, int max) throws IOException {
      int limit = max + 1;
      byte[] b = cached;
      if (declared >= 0 && declared + 1 > b.length && declared < CACHED_BUFFER_MAX) {
        // the declared size while the buffer would stay with the thread; beyond that the buffer
        // grows as the bytes arrive, so a slow client declaring 1 MiB holds what it has sent
        b = new byte[(int) declared + 1];
      }
      bytes = b;
      int n = 0;
      while (true) {
        if (n == b.length) {
          if (n >= limit) {
            return -1;
          }
          b = Arrays.copyOf(b, (int) Math.min(limit, 2L * b.length));
          bytes = b;
        }
        int r = in.read(b, n, b.length - n);
        if (r < 0) {
          return n;
        }
        n += r;
        if (n > max) {
          return -1;
        }
      }
    }

    void release() {
      if (bytes != cached && bytes.length <= CACHED_BUFFER_MAX) {
        cached = bytes;
      }
    }
  }
}
