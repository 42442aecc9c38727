// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.http.ReceiptEvent;
import java.time.Instant;
import java.util.Optional;

/** Hand-built receipt events for the tests. */
public final class Events {
  public static final Instant T0 = Instant.parse("2024-07-01T10:00:00Z");
  public static final String AGENT = "brands/acme/agents/sales";

  private Events() {}

  public static ReceiptEvent event(ReceiptType type, String conv, String msg, String createTime) {
    return event(AGENT, type, conv, msg, createTime);
  }

  public static ReceiptEvent event(
      String agent, ReceiptType type, String conv, String msg, String createTime) {
    return new ReceiptEvent(Receipt.of(MessageName.of(conv, msg), type), agent, conv, "",
        Optional.empty(), Timestamp.parse("2024-07-01T09:59:59Z"), Timestamp.parse(createTime));
  }

  public static ReceiptEvent delivered(String conv, String msg, Instant at) {
    return event(ReceiptType.DELIVERED, conv, msg, at.toString());
  }

  public static ReceiptEvent read(String conv, String msg, Instant at) {
    return event(ReceiptType.READ, conv, msg, at.toString());
  }

  /** T0 plus some seconds. */
  public static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }
}
