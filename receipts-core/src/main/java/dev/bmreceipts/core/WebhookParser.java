// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import jakarta.json.Json;
import jakarta.json.stream.JsonParserFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Parses webhook bodies into {@link WebhookPayload}s.
 *
 * <p>Streaming: the {@code receipts} member is read into records, never into a JSON tree. A
 * body whose strings hold no escapes takes a strict byte scanner that allocates little more than
 * the result; every other body, and every body the scanner would reject, is read event by event
 * through JSON-P, which alone reports errors. The body must be UTF-8 (a leading byte-order mark is skipped). Unknown members and
 * unknown kinds are kept, never an error. Anything else wrong fails with one
 * {@link PayloadException}.
 *
 * <p>Instances are thread-safe; create one and share it. Their only state is two counters
 * ({@link #fallbacks()}, {@link #scannerFailures()}). The JSON-P provider is looked up once, at
 * {@link #create()}.
 */
public final class WebhookParser {
  private final JsonParserFactory factory;
  private final ParserLimits limits;
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder scannerFailures = new LongAdder();

  private WebhookParser(ParserLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits cannot be null, use ParserLimits.DEFAULTS");
    this.factory = Json.createParserFactory(Map.of());
  }

  /** A parser with {@link ParserLimits#DEFAULTS}. */
  public static WebhookParser create() {
    return new WebhookParser(ParserLimits.DEFAULTS);
  }

  /** A parser with the given limits. */
  public static WebhookParser create(ParserLimits limits) {
    return new WebhookParser(limits);
  }

  public ParserLimits limits() {
    return limits;
  }

  /**
   * Parses one body.
   *
   * @throws PayloadException when the body is not an acceptable payload
   */
  public WebhookPayload parse(byte[] body) {
    return parse(body, 0, body.length);
  }

  /**
   * Parses {@code length} bytes of {@code body} from {@code offset}.
   *
   * @throws PayloadException when the body is not an acceptable payload
   */
  public WebhookPayload parse(byte[] body, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, body.length);
    // the byte scanner builds the payload without JSON-P's events (ParserBenchmark: ours against jacksonTree)
    WebhookPayload fast;
    try {
      fast = FastPayloadReader.read(body, offset, length, limits);
    } catch (RuntimeException flaw) {
      // the scanner answers null for what it leaves to JSON-P; anything else is its own flaw,
      // counted so that it shows as a number rather than as silent slowness
      scannerFailures.increment();
      fast = null;
    }
    if (fast != null) {
      return fast;
    }
    fallbacks.increment();
    return new PayloadReader(factory, limits).read(body, offset, length);
  }

  /**
   * How many bodies this parser read through JSON-P because the byte scanner did not take them
   * (escaped strings, errors, and {@link #scannerFailures()}). A number that grows with ordinary
   * traffic means the traffic left the fast path: slower, never a different answer.
   */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /**
   * How many of {@link #fallbacks()} came from the scanner failing in a way it does not mean to
   * (an exception other than its own "not mine"): a flaw in the parser, worth a report. Should be
   * 0.
   */
  public long scannerFailures() {
    return scannerFailures.sum();
  }

  /** The JSON-P reader alone, without the fast path: for tests that compare the two. */
  WebhookPayload parseWithJsonP(byte[] body, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, body.length);
    return new PayloadReader(factory, limits).read(body, offset, length);
  }

  /**
   * Reads the stream to its end and parses it. The caller bounds the stream's size (the webhook
   * does, while reading).
   *
   * @throws PayloadException when the body is not an acceptable payload
   * @throws UncheckedIOException when the stream fails
   */
  public WebhookPayload parse(InputStream body) {
    try {
      return parse(body.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the webhook body", e);
    }
  }
}
