// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static dev.bmreceipts.core.rbm.RbmFixtures.OTHER_PHONE;
import static dev.bmreceipts.core.rbm.RbmFixtures.PHONE;
import static dev.bmreceipts.core.rbm.RbmFixtures.envelope;
import static dev.bmreceipts.core.rbm.RbmFixtures.userEvent;
import static dev.bmreceipts.core.rbm.RbmFixtures.userMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Dedupe keys: (eventId, phone) for events, (messageId, phone) for messages, never messageId alone. */
class RbmKeysTest {
  private static final PhoneNumber P = PhoneNumber.of(PHONE);
  private static final PhoneNumber Q = PhoneNumber.of(OTHER_PHONE);

  private static String keyOf(String data) {
    RbmParser parser = RbmParser.create();
    return parser.payload(parser.parse(envelope(data)).envelope().orElseThrow()).dedupeKey().orElseThrow();
  }

  @Test
  void keysHaveTheDocumentedForm() {
    assertEquals("rbm-event 5 evt-1 +447700900123", RbmKeys.eventKey("evt-1", P));
    assertEquals("rbm-message 8 MxABCDEF +447700900123", RbmKeys.messageKey("MxABCDEF", P));
  }

  @Test
  void theDeliveredAndReadOfOneMessageHaveDistinctKeys() {
    String delivered = keyOf(userEvent("DELIVERED", "evt-1", "msg-1", null));
    String read = keyOf(userEvent("READ", "evt-2", "msg-1", null));
    assertNotEquals(delivered, read);
    assertEquals(RbmKeys.eventKey("evt-1", P), delivered);
    assertEquals(RbmKeys.eventKey("evt-2", P), read);
    // neither is the key a message with that id would have
    assertNotEquals(RbmKeys.messageKey("msg-1", P), delivered);
    assertNotEquals(RbmKeys.messageKey("msg-1", P), read);
  }

  @Test
  void aRedeliveryHasTheSameKey() {
    String data = userEvent("READ", "evt-2", "msg-1", "2025-03-05T18:50:20Z");
    assertEquals(keyOf(data), keyOf(data));
  }

  @Test
  void theSameIdFromAnotherPhoneHasAnotherKey() {
    assertNotEquals(RbmKeys.eventKey("evt-1", P), RbmKeys.eventKey("evt-1", Q));
    assertNotEquals(RbmKeys.messageKey("m", P), RbmKeys.messageKey("m", Q));
    String fromP = keyOf(userMessage("\"text\":\"hi\""));
    String fromQ = keyOf(userMessage("\"text\":\"hi\"").replace(PHONE, OTHER_PHONE));
    assertNotEquals(fromP, fromQ);
  }

  @Test
  void anEventAndAMessageWithTheSameIdDiffer() {
    assertNotEquals(RbmKeys.eventKey("x", P), RbmKeys.messageKey("x", P));
  }

  @Test
  void idsThatHoldTheSeparatorCannotCollide() {
    // ids that hold spaces, digits and a whole phone number: every (kind, id, phone) triple has
    // its own key (a key that trimmed the id, dropped the phone or the kind would fail here)
    Set<String> keys = new HashSet<>();
    List<String> ids = List.of("a", "a ", " a", "a +447700900123", "1 a", "a 1", "");
    for (String id : ids) {
      if (id.isEmpty()) {
        continue;
      }
      for (PhoneNumber phone : List.of(P, Q)) {
        keys.add(RbmKeys.eventKey(id, phone));
        keys.add(RbmKeys.messageKey(id, phone));
      }
    }
    assertEquals((ids.size() - 1) * 2 * 2, keys.size());
  }

  @Test
  void noKeyLooksLikeABusinessMessagesKey() {
    for (String key : List.of(RbmKeys.eventKey("e", P), RbmKeys.messageKey("m", P))) {
      assertFalse(key.startsWith("request "), key);
      assertFalse(key.startsWith("receipt "), key);
    }
  }

  @Test
  void refusesEmptyIds() {
    assertEquals("eventId must not be empty",
        assertThrows(IllegalArgumentException.class, () -> RbmKeys.eventKey("", P)).getMessage());
    assertEquals("messageId must not be empty",
        assertThrows(IllegalArgumentException.class, () -> RbmKeys.messageKey("", P)).getMessage());
  }
}
