// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.util.Objects;

/**
 * A READ receipt that could not be sent. Unchecked: {@link ReceiptSender#sendRead} fails its future
 * with one, and {@link ReceiptSender#sendReadAndWait} throws it.
 *
 * <p>Three kinds, so a caller can switch on them:
 *
 * <ul>
 *   <li>{@link Rejected}: the API answered a 4xx that is never retried (or {@code 401} twice).
 *   <li>{@link GaveUp}: IO errors, timeouts, {@code 429} or 5xx until the {@link RetryPolicy} ran out.
 *   <li>{@link NoToken}: the {@link AccessTokenProvider} had no token.
 * </ul>
 *
 * <p>The message is one line, for example {@code 404 NOT_FOUND: Conversation not found (1 attempt)}.
 * It never holds a token.
 */
public abstract sealed class ReceiptSendException extends RuntimeException
    permits ReceiptSendException.Rejected, ReceiptSendException.GaveUp, ReceiptSendException.NoToken {
  private static final long serialVersionUID = 1L;
  private static final int MAX_API_MESSAGE = 300;

  private final transient MessageName messageName;
  private final int status;
  private final String apiStatus;
  private final String apiMessage;
  private final int attempts;

  ReceiptSendException(
      String text, Throwable cause, MessageName messageName, int status, String apiStatus,
      String apiMessage, int attempts) {
    super(text, cause);
    this.messageName = Objects.requireNonNull(messageName, "messageName cannot be null");
    this.status = status;
    this.apiStatus = apiStatus;
    this.apiMessage = apiMessage;
    this.attempts = attempts;
  }

  /** The message whose READ receipt failed. */
  public MessageName messageName() {
    return messageName;
  }

  /** The last HTTP status, {@code 0} when there was none (IO error, no token). */
  public int status() {
    return status;
  }

  /** Google's {@code error.status} such as {@code NOT_FOUND}, {@code ""} when the body had none. */
  public String apiStatus() {
    return apiStatus;
  }

  /** Google's {@code error.message}, {@code ""} when the body had none. */
  public String apiMessage() {
    return apiMessage;
  }

  /** The HTTP requests made. */
  public int attempts() {
    return attempts;
  }

  static String attemptsText(int attempts) {
    return attempts + (attempts == 1 ? " attempt" : " attempts");
  }

  /** {@code 404 NOT_FOUND: Conversation not found}, or {@code 404} alone when Google said nothing. */
  static String statusText(int status, String apiStatus, String apiMessage) {
    StringBuilder b = new StringBuilder().append(status);
    if (!apiStatus.isEmpty()) {
      b.append(' ').append(apiStatus);
    }
    if (!apiMessage.isEmpty()) {
      b.append(": ").append(apiMessage);
    }
    return b.toString();
  }

  /** One line, at most a few hundred characters: control characters become spaces. */
  /** The cause's type, and its message when it has one (a refused connection often has none). */
  static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : oneLine(type + ": " + message);
  }

  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String t = text.length() > MAX_API_MESSAGE ? text.substring(0, MAX_API_MESSAGE) + "…" : text;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString().strip();
  }

  /** The API refused the receipt with a status that is not retried: {@code 400}, {@code 403}, {@code 404}, … */
  public static final class Rejected extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    Rejected(MessageName messageName, int status, String apiStatus, String apiMessage, int attempts) {
      super(statusText(status, apiStatus, apiMessage) + " (" + attemptsText(attempts) + ")", null,
          messageName, status, apiStatus, apiMessage, attempts);
    }
  }

  /**
   * Every attempt the {@link RetryPolicy} allowed failed with a retryable status or an IO error.
   * {@link #status()} is the last status, or {@code 0} when the last attempt failed with the IO
   * error that is this exception's cause.
   */
  public static final class GaveUp extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    GaveUp(MessageName messageName, int status, String apiStatus, String apiMessage, int attempts) {
      super(statusText(status, apiStatus, apiMessage) + " (gave up after " + attemptsText(attempts) + ")",
          null, messageName, status, apiStatus, apiMessage, attempts);
    }

    GaveUp(MessageName messageName, Throwable cause, int attempts) {
      super(describe(cause) + " (gave up after " + attemptsText(attempts) + ")",
          cause, messageName, 0, "", "", attempts);
    }
  }

  /** The {@link AccessTokenProvider} failed or gave an empty token; the cause says why. */
  public static final class NoToken extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    NoToken(MessageName messageName, Throwable cause, int attempts) {
      super("no access token: " + (cause == null ? "the provider returned none"
              : describe(cause))
              + " (" + attemptsText(attempts) + ")",
          cause, messageName, 0, "", "", attempts);
    }
  }
}
