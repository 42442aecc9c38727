// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the emulator answers one call: as the API does ({@link #ok()}), with Google's error body
 * ({@link #status(int)}, {@link #error(int, String)}), with any bytes ({@link #raw}), or not at all
 * ({@link #reset()}); optionally after a delay and with extra headers. Immutable.
 */
public final class Answer {
  enum Kind { OK, ERROR, RAW, RESET }

  private final Kind kind;
  private final int status;
  private final String message;
  private final String contentType;
  private final byte[] body;
  private final Map<String, String> headers;
  private final Duration delay;

  private Answer(Kind kind, int status, String message, String contentType, byte[] body,
      Map<String, String> headers, Duration delay) {
    this.kind = kind;
    this.status = status;
    this.message = message;
    this.contentType = contentType;
    this.body = body;
    this.headers = headers;
    this.delay = delay;
  }

  /**
   * Answer as the API does: {@code 200} with the receipt for a receipt call, a fresh access token
   * for a token request.
   */
  public static Answer ok() {
    return new Answer(Kind.OK, 200, null, null, null, Map.of(), Duration.ZERO);
  }

  /**
   * Google's error body for {@code code}, with the canonical status name ({@code 503} →
   * {@code UNAVAILABLE}) and Google's usual message for it; {@code 200} is {@link #ok()}.
   *
   * @throws IllegalArgumentException when {@code code} is not 200..599
   */
  public static Answer status(int code) {
    checkStatus(code);
    return code == 200 ? ok() : error(code, GoogleErrors.defaultMessage(code));
  }

  /**
   * Google's error body {@code {"error":{"code","message","status"}}} with this message.
   *
   * @throws IllegalArgumentException when {@code code} is not 400..599
   */
  public static Answer error(int code, String message) {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("an error status must be 400..599, was " + code);
    }
    Objects.requireNonNull(message, "message cannot be null, use status(code) for Google's own");
    return new Answer(Kind.ERROR, code, message, null, null, Map.of(), Duration.ZERO);
  }

  /**
   * Exactly this status, content type and body (UTF-8).
   *
   * @throws IllegalArgumentException when {@code code} is not 200..599
   */
  public static Answer raw(int code, String contentType, String body) {
    checkStatus(code);
    Objects.requireNonNull(contentType, "contentType cannot be null");
    Objects.requireNonNull(body, "body cannot be null, use \"\"");
    return new Answer(Kind.RAW, code, null, contentType, body.getBytes(StandardCharsets.UTF_8),
        Map.of(), Duration.ZERO);
  }

  /** No answer: the connection is closed once the request is read, as when a proxy drops it. */
  public static Answer reset() {
    return new Answer(Kind.RESET, 0, null, null, null, Map.of(), Duration.ZERO);
  }

  /** This answer with one more response header (replacing one of the same name). */
  public Answer withHeader(String name, String value) {
    Objects.requireNonNull(name, "name cannot be null");
    Objects.requireNonNull(value, "value cannot be null");
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Answer(kind, status, message, contentType, body, Map.copyOf(h), delay);
  }

  /** This answer, given only after {@code delay} (the emulator's thread waits). */
  public Answer withDelay(Duration delay) {
    Objects.requireNonNull(delay, "delay cannot be null, use Duration.ZERO");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return new Answer(kind, status, message, contentType, body, headers, delay);
  }

  /** The HTTP status; 0 for {@link #reset()}. */
  public int status() {
    return status;
  }

  /** How long the emulator waits before answering. */
  public Duration delay() {
    return delay;
  }

  /** The extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }

  Kind kind() {
    return kind;
  }

  String message() {
    return message;
  }

  String contentType() {
    return contentType;
  }

  byte[] body() {
    return body;
  }

  private static void checkStatus(int code) {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("status must be 200..599, was " + code);
    }
  }

  @Override
  public String toString() {
    return "Answer[" + (kind == Kind.RESET ? "reset" : String.valueOf(status))
        + (delay.isZero() ? "" : " after " + delay) + "]";
  }
}
