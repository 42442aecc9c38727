// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

/** What a receipt says about its message. */
public enum ReceiptType {
  /** The wire said {@code RECEIPT_TYPE_UNSPECIFIED}, said nothing, or said a value we don't know. */
  RECEIPT_TYPE_UNSPECIFIED,
  /** The message reached the user's device. */
  DELIVERED,
  /** The user opened the message (users can opt out of sending these). */
  READ;

  /** Maps a wire value; {@code null} and unknown values map to {@link #RECEIPT_TYPE_UNSPECIFIED}. */
  public static ReceiptType fromWire(String value) {
    if (value == null) {
      return RECEIPT_TYPE_UNSPECIFIED;
    }
    switch (value) {
      case "DELIVERED":
        return DELIVERED;
      case "READ":
        return READ;
      default:
        return RECEIPT_TYPE_UNSPECIFIED;
    }
  }
}
