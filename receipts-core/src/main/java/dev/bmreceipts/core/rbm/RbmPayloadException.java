// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import dev.bmreceipts.core.PayloadException;

/**
 * An RBM webhook body that cannot be accepted: malformed JSON, a wrong JSON type, {@code
 * message.data} that is not base64 or does not decode to a JSON object, a required member
 * missing, or a phone number that is not E.164. The message is one line, names the JSON path of
 * the offending member and never repeats the payload's values; a webhook answers it with
 * {@code 400} and the message as its reason. Paths into the decoded data start with
 * {@code message.data.}, e.g. {@code message.data.eventId}.
 *
 * <p>A subtype of {@link PayloadException}, Business Messages' counterpart, so that a host that
 * serves both catches one type.
 */
public final class RbmPayloadException extends PayloadException {
  private static final long serialVersionUID = 1L;

  RbmPayloadException(String path, String reason) {
    super(path, reason);
  }
}
