// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The agent event's eventId: the same for the same event, different for any other. */
class AgentEventIdTest {
  private static final String AGENT = "welcome-bot@rbm.goog";
  private static final PhoneNumber PHONE = PhoneNumber.of("+447700900123");

  /**
   * Pins the encoding, which a retry relies on. Computed with Python, independently of the JDK:
   * {@code uuid.UUID(bytes=hashlib.md5(b"rbm-agent-event/1 20:welcome-bot@rbm.goog
   * 13:+447700900123 5:msg-1 4:READ").digest(), version=3)}.
   */
  @Test
  void matchesTheDocumentedEncoding() {
    UUID id = AgentEventId.of(AGENT, PHONE, "msg-1", "READ");
    assertEquals(UUID.fromString("4fa622dd-f7bc-3511-9fe3-c1dca9f7c2f1"), id);
    assertEquals(3, id.version());
    assertEquals(2, id.variant());
  }

  @Test
  void isTheSameForTheSameEvent() {
    assertEquals(AgentEventId.of(AGENT, PHONE, "msg-1", "READ"),
        AgentEventId.of(new String(AGENT), PhoneNumber.of("+447700900123"), "msg-1", "READ"));
    assertEquals(AgentEventId.of(AGENT, PHONE, "msg-1", "READ"), AgentEventId.read(AGENT, PHONE, "msg-1"));
  }

  @Test
  void differsWhenAnyInputDiffers() {
    Set<UUID> ids = new HashSet<>(List.of(
        AgentEventId.of(AGENT, PHONE, "msg-1", "READ"),
        AgentEventId.of("other-bot@rbm.goog", PHONE, "msg-1", "READ"),
        AgentEventId.of(AGENT, PhoneNumber.of("+447700900124"), "msg-1", "READ"),
        AgentEventId.of(AGENT, PHONE, "msg-2", "READ"),
        AgentEventId.of(AGENT, PHONE, "msg-1", "IS_TYPING"),
        AgentEventId.of(AGENT, PHONE, "", "IS_TYPING")));
    assertEquals(6, ids.size());
  }

  @Test
  void charactersMovedBetweenInputsGiveAnotherId() {
    // a plain concatenation would give "msg-1READ" for both
    assertNotEquals(AgentEventId.of(AGENT, PHONE, "msg-1", "READ"), AgentEventId.of(AGENT, PHONE, "msg-1R", "EAD"));
    assertNotEquals(AgentEventId.of(AGENT, PHONE, "a 4:READ", "READ"), AgentEventId.of(AGENT, PHONE, "a", "READ 4:READ"));
  }

  @Test
  void refusesWhatCannotNameAnEvent() {
    assertEquals("agentId must not be empty",
        assertThrows(IllegalArgumentException.class, () -> AgentEventId.of("", PHONE, "m", "READ")).getMessage());
    assertEquals("eventType must not be empty",
        assertThrows(IllegalArgumentException.class, () -> AgentEventId.of(AGENT, PHONE, "m", "")).getMessage());
    assertEquals("messageId must not be empty for a READ event",
        assertThrows(IllegalArgumentException.class, () -> AgentEventId.read(AGENT, PHONE, "")).getMessage());
    assertThrows(NullPointerException.class, () -> AgentEventId.of(AGENT, null, "m", "READ"));
  }
}
