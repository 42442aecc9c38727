// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import dev.bmreceipts.core.Timestamp;
import java.util.Objects;

/**
 * A user event: a receipt ({@code DELIVERED}, {@code READ}), typing, a subscription change, or a
 * type this version does not know. Its {@link #toString()} masks the phone number.
 *
 * @param senderPhoneNumber the user's number
 * @param eventType the type; {@link RbmEventType#UNKNOWN} for values this version does not know
 * @param rawEventType the {@code eventType} text exactly as received
 * @param eventId the platform's id of this event, never empty
 * @param messageId the agent message the event is about; never empty for {@code DELIVERED} and
 *     {@code READ}, {@code ""} when absent
 * @param sendTime when the event was sent; {@link Timestamp#ABSENT} when the wire has none
 * @param agentId the agent's id, {@code ""} when absent
 */
public record RbmUserEvent(
    PhoneNumber senderPhoneNumber,
    RbmEventType eventType,
    String rawEventType,
    String eventId,
    String messageId,
    Timestamp sendTime,
    String agentId) {
  /**
   * @throws IllegalArgumentException when {@code eventId} is empty, or {@code messageId} is empty
   *     for a type that {@linkplain RbmEventType#namesAMessage() names a message}
   */
  public RbmUserEvent {
    Objects.requireNonNull(senderPhoneNumber, "senderPhoneNumber cannot be null");
    Objects.requireNonNull(eventType, "eventType cannot be null, use RbmEventType.UNKNOWN");
    Objects.requireNonNull(rawEventType, "rawEventType cannot be null");
    Objects.requireNonNull(eventId, "eventId cannot be null");
    Objects.requireNonNull(messageId, "messageId cannot be null, use \"\"");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(agentId, "agentId cannot be null, use \"\"");
    if (eventId.isEmpty()) {
      throw new IllegalArgumentException("eventId must not be empty");
    }
    if (eventType.namesAMessage() && messageId.isEmpty()) {
      throw new IllegalArgumentException("messageId must not be empty for a " + eventType + " event");
    }
  }

  /** This event's dedupe key: {@link RbmKeys#eventKey(String, PhoneNumber)}. */
  public String dedupeKey() {
    return RbmKeys.eventKey(eventId, senderPhoneNumber);
  }
}
