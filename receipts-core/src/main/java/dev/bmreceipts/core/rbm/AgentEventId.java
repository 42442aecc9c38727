// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@code eventId} of an agent event ({@code POST …/phones/{E.164}/agentEvents?eventId=…}),
 * deterministic per (agent, phone, message, event type).
 *
 * <p>The platform ignores an {@code eventId} the same agent already used, so a retry after a lost
 * response, even from another process, is ignored rather than sent twice; a random id per call
 * loses that protection. The id is a name-based (version 3) UUID, {@link
 * UUID#nameUUIDFromBytes}, over the UTF-8 bytes of
 *
 * <pre>{@code "rbm-agent-event/1" + (for each of agentId, phone.e164(), messageId, eventType:)
 *   " " + value.length() + ":" + value}</pre>
 *
 * <p>The lengths make the encoding unambiguous: no two different inputs give the same bytes. The
 * encoding is part of the contract, since changing it would give a retry another id; a test pins
 * it.
 *
 * <p>An {@code IS_TYPING} event names no message. Pass what the indicator answers (the user
 * message's id, say) as {@code messageId}, or every typing event for that phone would share one id
 * and all but the first would be ignored.
 */
public final class AgentEventId {
  private static final String VERSION = "rbm-agent-event/1";

  private AgentEventId() {}

  /**
   * The event id for one agent event.
   *
   * @param agentId the agent's id, not empty
   * @param phone the user's number
   * @param messageId the message the event is about ({@code ""} allowed, see above)
   * @param eventType the agent event's type as sent, e.g. {@code READ} or {@code IS_TYPING}; not
   *     empty
   */
  public static UUID of(String agentId, PhoneNumber phone, String messageId, String eventType) {
    Objects.requireNonNull(agentId, "agentId cannot be null");
    Objects.requireNonNull(phone, "phone cannot be null");
    Objects.requireNonNull(messageId, "messageId cannot be null, use \"\"");
    Objects.requireNonNull(eventType, "eventType cannot be null");
    if (agentId.isEmpty()) {
      throw new IllegalArgumentException("agentId must not be empty");
    }
    if (eventType.isEmpty()) {
      throw new IllegalArgumentException("eventType must not be empty");
    }
    StringBuilder name = new StringBuilder(VERSION);
    for (String value : new String[] {agentId, phone.e164(), messageId, eventType}) {
      name.append(' ').append(value.length()).append(':').append(value);
    }
    return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The event id of the agent's {@code READ} for the user message {@code messageId}. */
  public static UUID read(String agentId, PhoneNumber phone, String messageId) {
    if (messageId != null && messageId.isEmpty()) {
      throw new IllegalArgumentException("messageId must not be empty for a READ event");
    }
    return of(agentId, phone, messageId, "READ");
  }
}
