// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEventType;
import java.util.Objects;
import java.util.UUID;

/**
 * The outcome of one RBM agent event that the API accepted.
 *
 * <p>Not a {@link SendResult}: that names a Business Messages {@code MessageName} and a receipt
 * resource, neither of which an agent event has. {@link #toString()} shows the phone masked (see
 * {@link PhoneNumber#toString()}), so a result can be logged as it is. The API's answer, the created
 * event, is not kept: its {@code name} holds the whole phone number, and it says nothing the
 * request did not.
 *
 * @param phone the user's number
 * @param eventType {@link RbmEventType#READ} or {@link RbmEventType#IS_TYPING}
 * @param messageId the user message read, or, for {@code IS_TYPING}, the one being answered
 * @param eventId the event's {@code eventId}, from {@link dev.bmreceipts.core.rbm.AgentEventId}:
 *     the same for every attempt, and for every send of the same event
 * @param status the final HTTP status
 * @param attempts the HTTP requests made
 */
public record RbmEventResult(
    PhoneNumber phone, RbmEventType eventType, String messageId, UUID eventId, int status, int attempts) {
  /** Checks that every reference is present. */
  public RbmEventResult {
    Objects.requireNonNull(phone, "phone cannot be null");
    Objects.requireNonNull(eventType, "eventType cannot be null");
    Objects.requireNonNull(messageId, "messageId cannot be null");
    Objects.requireNonNull(eventId, "eventId cannot be null");
  }
}
