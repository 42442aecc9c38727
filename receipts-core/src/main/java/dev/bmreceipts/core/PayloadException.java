// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

/**
 * A webhook body that is not a payload we can accept: malformed JSON, a wrong JSON type, a bad
 * message name, or a limit passed. The message is one line, names the JSON path of the offending
 * member and never repeats the payload's values.
 *
 * <p>An RCS Business Messaging body fails with the subtype
 * {@link dev.bmreceipts.core.rbm.RbmPayloadException}, so a host that serves both catches one type.
 */
public sealed class PayloadException extends IllegalArgumentException
    permits dev.bmreceipts.core.rbm.RbmPayloadException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;

  /** For the parsers, and the one subtype: the class is sealed. */
  protected PayloadException(String path, String reason) {
    super(path.isEmpty() ? reason : path + ": " + reason);
    this.path = path;
    this.reason = reason;
  }

  /** The JSON path of the offending member, e.g. {@code receipts.receipts[2].message}; {@code ""} for the body itself. */
  public String path() {
    return path;
  }

  /** What was wrong, without the path. */
  public String reason() {
    return reason;
  }
}
