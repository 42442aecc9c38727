// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.http.ReceiptEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Hand-built receipt events for the tests. */
public final class Events {
  public static final Instant T0 = Instant.parse("2024-07-01T10:00:00Z");
  public static final String AGENT = "brands/acme/agents/sales";
  /** An RBM agent id. */
  public static final String RBM_AGENT = "acme-sales";
  /** An RBM user's phone number: never to be seen whole in any output. */
  public static final String PHONE = "+15551234567";

  private static final RbmEnvelope PUSH = new RbmEnvelope(Map.of(), new byte[0], "push-1",
      Timestamp.parse("2024-07-01T09:59:59Z"), "");

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

  /**
   * An RBM DELIVERED or READ from {@code phone} about its message {@code messageId}, mapped as the
   * webhook maps it ({@link ReceiptEvent#of(RbmEnvelope, RbmUserEvent)}).
   */
  public static ReceiptEvent rbm(ReceiptType type, String phone, String messageId,
      String createTime) {
    RbmEventType t = type == ReceiptType.DELIVERED ? RbmEventType.DELIVERED : RbmEventType.READ;
    return ReceiptEvent.of(PUSH, new RbmUserEvent(PhoneNumber.of(phone), t, t.name(),
        "ev-" + t + "-" + messageId, messageId, Timestamp.parse(createTime), RBM_AGENT));
  }

  public static ReceiptEvent rbmDelivered(String phone, String messageId, Instant at) {
    return rbm(ReceiptType.DELIVERED, phone, messageId, at.toString());
  }

  public static ReceiptEvent rbmRead(String phone, String messageId, Instant at) {
    return rbm(ReceiptType.READ, phone, messageId, at.toString());
  }

  /** T0 plus some seconds. */
  public static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }
}
