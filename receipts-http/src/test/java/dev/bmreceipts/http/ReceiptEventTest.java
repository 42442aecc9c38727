// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReceiptEventTest {
  private static final RbmEnvelope PUSH = new RbmEnvelope(Map.of(), new byte[0], "1",
      Timestamp.parse("2026-12-04T10:00:01Z"), "");

  private static RbmUserEvent event(RbmEventType type, String raw) {
    return new RbmUserEvent(PhoneNumber.of("+15551234567"), type, raw, "ev-1",
        type.namesAMessage() ? "msg-1" : "", Timestamp.parse("2026-12-04T10:00:00Z"), "agent-1");
  }

  @Test
  void theConstructorOfEarlierVersionsMakesABusinessMessagesReceipt() {
    ReceiptEvent e = new ReceiptEvent(Receipt.of(MessageName.of("c", "m"), ReceiptType.READ),
        "a", "c", "", Optional.empty(), Timestamp.ABSENT, Timestamp.ABSENT);
    assertEquals(Protocol.BUSINESS_MESSAGES, e.protocol());
  }

  @Test
  void anRbmReadMapsOntoTheSameFieldsWithThePhoneAsTheConversation() {
    ReceiptEvent e = ReceiptEvent.of(PUSH, event(RbmEventType.READ, "READ"));
    assertEquals(new ReceiptEvent(
        new Receipt(MessageName.of("+15551234567", "msg-1"), ReceiptType.READ, "READ"),
        "agent-1", "+15551234567", "", Optional.of("ev-1"),
        Timestamp.parse("2026-12-04T10:00:01Z"), Timestamp.parse("2026-12-04T10:00:00Z"),
        Protocol.RBM), e);
    assertEquals("conversations/+15551234567/messages/msg-1", e.message().toString());
    assertEquals(ReceiptType.DELIVERED,
        ReceiptEvent.of(PUSH, event(RbmEventType.DELIVERED, "DELIVERED")).type());
  }

  @Test
  void anRbmReceiptKnowsTheKeyItsWebhookClaimedAndABusinessMessagesOneHasNone() {
    assertEquals(Optional.of("rbm-event 4 ev-1 +15551234567"),
        ReceiptEvent.of(PUSH, event(RbmEventType.READ, "READ")).rbmEventKey());
    Receipt r = Receipt.of(MessageName.of("+15551234567", "m"), ReceiptType.READ);
    assertEquals(Optional.empty(), new ReceiptEvent(r, "a", "+15551234567", "",
        Optional.of("ev-1"), Timestamp.ABSENT, Timestamp.ABSENT).rbmEventKey());
    assertEquals(Optional.empty(), new ReceiptEvent(r, "a", "+15551234567", "",
        Optional.empty(), Timestamp.ABSENT, Timestamp.ABSENT, Protocol.RBM).rbmEventKey());
    assertEquals(Optional.empty(), new ReceiptEvent(r, "a", "not-a-phone", "",
        Optional.of("ev-1"), Timestamp.ABSENT, Timestamp.ABSENT, Protocol.RBM).rbmEventKey());
  }

  @Test
  void anRbmEventThatIsNotAReceiptIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReceiptEvent.of(PUSH, event(RbmEventType.IS_TYPING, "IS_TYPING")));
    assertEquals("a receipt is a DELIVERED or READ event, not IS_TYPING", e.getMessage());
  }

  @Test
  void protocolIdsReadBackAndAnAbsentOneIsBusinessMessages() {
    for (Protocol p : Protocol.values()) {
      assertEquals(p, Protocol.fromId(p.id()));
    }
    assertEquals(Protocol.BUSINESS_MESSAGES, Protocol.fromId(""));
    assertEquals("protocol must be bm or rbm",
        assertThrows(IllegalArgumentException.class, () -> Protocol.fromId("sms")).getMessage());
  }
}
