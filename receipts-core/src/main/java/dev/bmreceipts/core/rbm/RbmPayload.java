// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import jakarta.json.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * The decoded {@code message.data} of one RBM push, classified. User events and user messages are
 * typed; every kind, those included, is in {@link #json()} as parsed JSON, so server events, agent
 * launch events and kinds this version does not know are passed on, never an error.
 *
 * @param kind what the data carries
 * @param agentId the data's {@code agentId}, {@code ""} when absent
 * @param userEvent present when {@code kind} is {@link RbmPayloadKind#USER_EVENT}
 * @param userMessage present when {@code kind} is {@link RbmPayloadKind#USER_MESSAGE}
 * @param json the whole decoded data as parsed
 */
public record RbmPayload(
    RbmPayloadKind kind,
    String agentId,
    Optional<RbmUserEvent> userEvent,
    Optional<RbmUserMessage> userMessage,
    JsonObject json) {
  /** @throws IllegalArgumentException when the typed parts do not match {@code kind} */
  public RbmPayload {
    Objects.requireNonNull(kind, "kind cannot be null, use RbmPayloadKind.UNKNOWN");
    Objects.requireNonNull(agentId, "agentId cannot be null, use \"\"");
    Objects.requireNonNull(userEvent, "userEvent cannot be null, use Optional.empty()");
    Objects.requireNonNull(userMessage, "userMessage cannot be null, use Optional.empty()");
    Objects.requireNonNull(json, "json cannot be null, use JsonValue.EMPTY_JSON_OBJECT");
    if (userEvent.isPresent() != (kind == RbmPayloadKind.USER_EVENT)) {
      throw new IllegalArgumentException("userEvent must be present exactly when kind is USER_EVENT");
    }
    if (userMessage.isPresent() != (kind == RbmPayloadKind.USER_MESSAGE)) {
      throw new IllegalArgumentException("userMessage must be present exactly when kind is USER_MESSAGE");
    }
  }

  /**
   * The dedupe key of a user event or user message ({@link RbmUserEvent#dedupeKey()},
   * {@link RbmUserMessage#dedupeKey()}); empty for every other kind.
   */
  public Optional<String> dedupeKey() {
    return userEvent.map(RbmUserEvent::dedupeKey).or(() -> userMessage.map(RbmUserMessage::dedupeKey));
  }

  @Override
  public String toString() {
    // the typed parts mask the phone and leave out message content; json is never printed
    return "RbmPayload[kind=" + kind + ", agentId=" + agentId
        + userEvent.map(e -> ", " + e).orElse("") + userMessage.map(m -> ", " + m).orElse("") + "]";
  }
}
