// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A READ receipt that could not be sent. Unchecked: {@link ReceiptSender#sendRead} fails its future
 * with one, and {@link ReceiptSender#sendReadAndWait} throws it.
 *
 * <p>Four kinds, so a caller can switch on them:
 *
 * <ul>
 *   <li>{@link Rejected}: the API answered a 4xx that is never retried ({@code 401} once a fresh
 *       token was refused too, or at once when the provider has no other token).
 *   <li>{@link GaveUp}: IO errors, timeouts, {@code 429} or 5xx until the {@link RetryPolicy} ran out,
 *       or the send's deadline ({@link ReceiptSender.Builder#sendTimeout}) passed.
 *   <li>{@link NoToken}: the {@link AccessTokenProvider} had no token.
 *   <li>{@link Interrupted}: {@link ReceiptSender#sendReadAndWait} was interrupted while it waited.
 * </ul>
 *
 * <p>The message is one line, for example {@code 404 NOT_FOUND: Conversation not found (1 attempt)}.
 * It never holds a token. {@link #uri()} is the receipt's URL, for error lines that name it.
 */
public abstract sealed class ReceiptSendException extends RuntimeException
    permits ReceiptSendException.Rejected, ReceiptSendException.GaveUp, ReceiptSendException.NoToken,
        ReceiptSendException.Interrupted {
  private static final long serialVersionUID = 1L;
  private static final int MAX_API_MESSAGE = 300;

  private final transient MessageName messageName;
  private final URI uri;
  private final int status;
  private final String apiStatus;
  private final String apiMessage;
  private final int attempts;

  ReceiptSendException(
      String text, Throwable cause, MessageName messageName, URI uri, int status, String apiStatus,
      String apiMessage, int attempts) {
    super(text, cause);
    this.messageName = Objects.requireNonNull(messageName, "messageName cannot be null");
    this.uri = uri;
    this.status = status;
    this.apiStatus = apiStatus;
    this.apiMessage = apiMessage;
    this.attempts = attempts;
  }

  /** The message whose READ receipt failed. */
  public MessageName messageName() {
    return messageName;
  }

  /**
   * The receipt's URL, {@code PATCH}ed by the sender (any user-info of the API root left out), for
   * error lines that say where the send went; empty for {@link Interrupted}.
   */
  public Optional<URI> uri() {
    return Optional.ofNullable(uri);
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

  /** The cause's type, and its message when it has one (a refused connection often has none). */
  static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : oneLine(type + ": " + message);
  }

  /** One line, at most a few hundred characters: control characters become spaces. */
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

    Rejected(MessageName messageName, URI uri, int status, String apiStatus, String apiMessage,
        int attempts) {
      super(statusText(status, apiStatus, apiMessage) + " (" + attemptsText(attempts) + ")", null,
          messageName, uri, status, apiStatus, apiMessage, attempts);
    }
  }

  /**
   * Every attempt the {@link RetryPolicy} allowed failed with a retryable status or an IO error
   * (a timed-out attempt and a response body over the cap count as IO errors), or the send's
   * deadline passed. {@link #status()} is the last status, or {@code 0} when the send ended with
   * the error that is this exception's cause: an {@link java.io.IOException}, or a
   * {@link java.net.http.HttpTimeoutException} naming the timeout that passed.
   */
  public static final class GaveUp extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    GaveUp(MessageName messageName, URI uri, int status, String apiStatus, String apiMessage,
        int attempts) {
      super(statusText(status, apiStatus, apiMessage) + " (gave up after " + attemptsText(attempts) + ")",
          null, messageName, uri, status, apiStatus, apiMessage, attempts);
    }

    GaveUp(MessageName messageName, URI uri, Throwable cause, int attempts) {
      super(describe(cause) + " (gave up after " + attemptsText(attempts) + ")",
          cause, messageName, uri, 0, "", "", attempts);
    }
  }

  /** The {@link AccessTokenProvider} failed or gave an empty token; the cause says why. */
  public static final class NoToken extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    NoToken(MessageName messageName, URI uri, Throwable cause, int attempts) {
      super("no access token: " + (cause == null ? "the provider returned none"
              : describe(cause))
              + " (" + attemptsText(attempts) + ")",
          cause, messageName, uri, 0, "", "", attempts);
    }
  }

  /**
   * The thread in {@link ReceiptSender#sendReadAndWait} was interrupted while it waited. The send
   * goes on; the thread's interrupt flag is set again before this is thrown, and the cause is the
   * {@link InterruptedException}.
   */
  public static final class Interrupted extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    Interrupted(MessageName messageName, InterruptedException cause) {
      super("interrupted while waiting for the READ receipt of " + messageName
              + "; the send goes on", cause, messageName, null, 0, "", "", 0);
    }
  }
}
