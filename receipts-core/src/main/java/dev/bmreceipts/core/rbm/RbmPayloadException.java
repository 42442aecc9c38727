// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

/**
 * An RBM webhook body that cannot be accepted: malformed JSON, a wrong JSON type, {@code
 * message.data} that is not base64 or does not decode to a JSON object, a required member
 * missing, or a phone number that is not E.164. The message is one line, names the JSON path of
 * the offending member and never repeats the payload's values; a webhook answers it with
 * {@code 400} and the message as its reason. Paths into the decoded data start with
 * {@code message.data.}, e.g. {@code message.data.eventId}.
 *
 * <p>The RBM counterpart of {@link dev.bmreceipts.core.PayloadException}.
 */
public final class RbmPayloadException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;

  RbmPayloadException(String path, String reason) {
    super(path.isEmpty() ? reason : path + ": " + reason);
    this.path = path;
    this.reason = reason;
  }

  /** The JSON path of the offending member, e.g. {@code message.data}; {@code ""} for the body itself. */
  public String path() {
    return path;
  }

  /** What was wrong, without the path. */
  public String reason() {
    return reason;
  }
}
