// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.net.URI;
import java.util.Objects;

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
 * It never holds a token. {@link #uri()} is the receipt's URL, {@code PATCH}ed by the sender.
 */
public abstract sealed class ReceiptSendException extends SendException
    permits ReceiptSendException.Rejected, ReceiptSendException.GaveUp, ReceiptSendException.NoToken,
        ReceiptSendException.Interrupted {
  private static final long serialVersionUID = 1L;

  private final transient MessageName messageName;

  ReceiptSendException(
      String text, Throwable cause, MessageName messageName, URI uri, int status, String apiStatus,
      String apiMessage, int attempts) {
    super(text, cause, uri, status, apiStatus, apiMessage, attempts);
    this.messageName = Objects.requireNonNull(messageName, "messageName cannot be null");
  }

  /** The message whose READ receipt failed. */
  public MessageName messageName() {
    return messageName;
  }

  /** The API refused the receipt with a status that is not retried: {@code 400}, {@code 403}, {@code 404}, … */
  public static final class Rejected extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    Rejected(MessageName messageName, URI uri, int status, String apiStatus, String apiMessage,
        int attempts) {
      super(rejected(status, apiStatus, apiMessage, attempts), null, messageName, uri, status,
          apiStatus, apiMessage, attempts);
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
      super(gaveUp(status, apiStatus, apiMessage, attempts), null, messageName, uri, status,
          apiStatus, apiMessage, attempts);
    }

    GaveUp(MessageName messageName, URI uri, Throwable cause, int attempts) {
      super(gaveUp(cause, attempts), cause, messageName, uri, 0, "", "", attempts);
    }
  }

  /** The {@link AccessTokenProvider} failed or gave an empty token; the cause says why. */
  public static final class NoToken extends ReceiptSendException {
    private static final long serialVersionUID = 1L;

    NoToken(MessageName messageName, URI uri, Throwable cause, int attempts) {
      super(noToken(cause, attempts), cause, messageName, uri, 0, "", "", attempts);
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
