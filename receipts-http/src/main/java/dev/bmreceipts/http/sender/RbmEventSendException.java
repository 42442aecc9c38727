// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEventType;
import java.net.URI;
import java.util.Objects;
import java.util.UUID;

/**
 * An RBM agent event that could not be sent. Unchecked: {@link RbmEventSender}'s futures fail with
 * one, and its {@code …AndWait} methods throw it. The same four kinds as
 * {@link ReceiptSendException}, which cannot serve here since it names a Business Messages message:
 *
 * <ul>
 *   <li>{@link Rejected}: the API answered a 4xx that is never retried, among them {@code 404} when
 *       the user cannot be reached over RCS ({@link #apiMessage()} has Google's words), and
 *       {@code 401} once a fresh token was refused too, or at once when the provider has no other.
 *   <li>{@link GaveUp}: IO errors, timeouts, {@code 429} or 5xx until the {@link RetryPolicy} ran
 *       out, or the send's deadline passed.
 *   <li>{@link NoToken}: the {@link AccessTokenProvider} had no token.
 *   <li>{@link Interrupted}: an {@code …AndWait} method was interrupted while it waited.
 * </ul>
 *
 * <p>The message is one line, for example
 * {@code 404 NOT_FOUND: Requested entity was not found. (1 attempt)}. It never holds a token nor
 * the whole phone number: {@link #uri()} is the event's URL with the phone masked
 * ({@code …/phones/%2B****0123/…}), not the URL requested, and {@link #phone()} prints masked too.
 */
public abstract sealed class RbmEventSendException extends SendException
    permits RbmEventSendException.Rejected, RbmEventSendException.GaveUp,
        RbmEventSendException.NoToken, RbmEventSendException.Interrupted {
  private static final long serialVersionUID = 1L;

  private final transient PhoneNumber phone;
  private final RbmEventType eventType;
  private final String messageId;
  private final UUID eventId;

  RbmEventSendException(String text, Throwable cause, RbmEvents.Event event, URI uri, int status,
      String apiStatus, String apiMessage, int attempts) {
    super(text, cause, uri, status, apiStatus, apiMessage, attempts);
    Objects.requireNonNull(event, "event cannot be null");
    this.phone = event.phone();
    this.eventType = event.type();
    this.messageId = event.messageId();
    this.eventId = event.eventId();
  }

  /** The user's number; its {@code toString()} is masked. */
  public PhoneNumber phone() {
    return phone;
  }

  /** {@link RbmEventType#READ} or {@link RbmEventType#IS_TYPING}. */
  public RbmEventType eventType() {
    return eventType;
  }

  /** The user message the event is about (read, or answered by the typing indicator). */
  public String messageId() {
    return messageId;
  }

  /** The event's deterministic {@code eventId}: sending the same event again reuses it. */
  public UUID eventId() {
    return eventId;
  }

  /** The API refused the event with a status that is not retried: {@code 400}, {@code 403}, {@code 404}, … */
  public static final class Rejected extends RbmEventSendException {
    private static final long serialVersionUID = 1L;

    Rejected(RbmEvents.Event event, URI uri, int status, String apiStatus, String apiMessage, int attempts) {
      super(rejected(status, apiStatus, apiMessage, attempts), null, event, uri, status, apiStatus,
          apiMessage, attempts);
    }
  }

  /**
   * Every attempt the {@link RetryPolicy} allowed failed with a retryable status or an IO error,
   * or the send's deadline passed. {@link #status()} is the last status, or {@code 0} when the send
   * ended with the error that is this exception's cause: an {@link java.io.IOException}, or a
   * {@link java.net.http.HttpTimeoutException} naming the timeout that passed.
   */
  public static final class GaveUp extends RbmEventSendException {
    private static final long serialVersionUID = 1L;

    GaveUp(RbmEvents.Event event, URI uri, int status, String apiStatus, String apiMessage, int attempts) {
      super(gaveUp(status, apiStatus, apiMessage, attempts), null, event, uri, status, apiStatus,
          apiMessage, attempts);
    }

    GaveUp(RbmEvents.Event event, URI uri, Throwable cause, int attempts) {
      super(gaveUp(cause, attempts), cause, event, uri, 0, "", "", attempts);
    }
  }

  /** The {@link AccessTokenProvider} failed or gave an empty token; the cause says why. */
  public static final class NoToken extends RbmEventSendException {
    private static final long serialVersionUID = 1L;

    NoToken(RbmEvents.Event event, URI uri, Throwable cause, int attempts) {
      super(noToken(cause, attempts), cause, event, uri, 0, "", "", attempts);
    }
  }

  /**
   * A thread in an {@code …AndWait} method was interrupted while it waited. The send goes on; the
   * thread's interrupt flag is set again before this is thrown, and the cause is the
   * {@link InterruptedException}.
   */
  public static final class Interrupted extends RbmEventSendException {
    private static final long serialVersionUID = 1L;

    Interrupted(RbmEvents.Event event, InterruptedException cause) {
      super("interrupted while waiting for the " + event.type() + " event to " + event.phone().masked()
              + "; the send goes on", cause, event, null, 0, "", "", 0);
    }
  }
}
