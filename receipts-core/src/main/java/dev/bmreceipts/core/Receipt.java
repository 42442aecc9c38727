// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.util.Objects;

/**
 * One receipt inside a receipts payload.
 *
 * @param message the message the receipt is about
 * @param type the receipt type; {@link ReceiptType#RECEIPT_TYPE_UNSPECIFIED} for unknown values
 * @param rawType the {@code receiptType} text exactly as received, {@code ""} when absent
 */
public record Receipt(MessageName message, ReceiptType type, String rawType) {
  public Receipt {
    Objects.requireNonNull(message, "message cannot be null");
    Objects.requireNonNull(type, "type cannot be null");
    Objects.requireNonNull(rawType, "rawType cannot be null, use \"\"");
  }

  /** A receipt whose raw type is the type's own name. */
  public static Receipt of(MessageName message, ReceiptType type) {
    return new Receipt(message, type, type.name());
  }
}
