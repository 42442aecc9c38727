// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.util.Objects;

/**
 * The protocol a receipt came by, recorded with it in the journal, the shared store, the metrics
 * and the report, so that a team moving from Business Messages to RCS Business Messaging sees both
 * in one place.
 */
public enum Protocol {
  /** Google's Business Messages (shut down in July 2024): archives, the emulator, legacy hosts. */
  BUSINESS_MESSAGES("bm"),
  /** RCS Business Messaging, Business Messages' live successor. */
  RBM("rbm");

  private final String id;

  Protocol(String id) {
    this.id = id;
  }

  /** The short id written in journal lines and store rows: {@code bm} or {@code rbm}. */
  public String id() {
    return id;
  }

  /**
   * The protocol with this {@link #id()}. {@code ""} is {@link #BUSINESS_MESSAGES}: every line and
   * row written before RCS Business Messaging came has no protocol.
   *
   * @throws IllegalArgumentException for any other text; the message does not repeat it
   */
  public static Protocol fromId(String id) {
    Objects.requireNonNull(id, "protocol id cannot be null, use \"\" for Business Messages");
    switch (id) {
      case "":
      case "bm":
        return BUSINESS_MESSAGES;
      case "rbm":
        return RBM;
      default:
        throw new IllegalArgumentException("protocol must be bm or rbm");
    }
  }
}
