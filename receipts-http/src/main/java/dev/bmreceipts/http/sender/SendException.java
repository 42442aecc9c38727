// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.net.URI;
import java.util.Optional;

/**
 * Something a sender could not send: a Business Messages READ receipt
 * ({@link ReceiptSendException}) or an RCS Business Messaging agent event
 * ({@link RbmEventSendException}). Both come from one engine, so both say the same things: where
 * the send went, the last status with Google's words for it, and how many requests were made. A
 * host that sends both catches this type. The message is one line and never holds a token.
 */
public abstract sealed class SendException extends RuntimeException
    permits ReceiptSendException, RbmEventSendException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_API_MESSAGE = 300;

  private final URI uri;
  private final int status;
  private final String apiStatus;
  private final String apiMessage;
  private final int attempts;

  SendException(String text, Throwable cause, URI uri, int status, String apiStatus,
      String apiMessage, int attempts) {
    super(text, cause);
    this.uri = uri;
    this.status = status;
    this.apiStatus = apiStatus;
    this.apiMessage = apiMessage;
    this.attempts = attempts;
  }

  /**
   * Where the send went (any user-info of the API root left out), for error lines that name it;
   * empty when the thread was interrupted while it waited. Each subtype says what more it hides.
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

  /** The message of a refusal that is not retried: {@code 404 NOT_FOUND: … (1 attempt)}. */
  static String rejected(int status, String apiStatus, String apiMessage, int attempts) {
    return statusText(status, apiStatus, apiMessage) + " (" + attemptsText(attempts) + ")";
  }

  /** The message of a send that ran out of retries on a status. */
  static String gaveUp(int status, String apiStatus, String apiMessage, int attempts) {
    return statusText(status, apiStatus, apiMessage) + " (gave up after " + attemptsText(attempts) + ")";
  }

  /** The message of a send that ran out of retries on an error. */
  static String gaveUp(Throwable cause, int attempts) {
    return describe(cause) + " (gave up after " + attemptsText(attempts) + ")";
  }

  /** The message of a send that had no token. */
  static String noToken(Throwable cause, int attempts) {
    return "no access token: " + (cause == null ? "the provider returned none" : describe(cause))
        + " (" + attemptsText(attempts) + ")";
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
}
