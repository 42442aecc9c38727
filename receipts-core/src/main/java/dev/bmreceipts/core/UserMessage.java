// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import jakarta.json.JsonObject;
import java.util.Objects;

/**
 * The typed part of a user {@code message} payload: what an agent needs to answer with a READ
 * receipt. Everything else the message carries stays in {@link #json()}.
 *
 * @param messageId the message's id, {@code ""} when absent
 * @param name the message's resource name, {@code ""} when absent
 * @param text the text, {@code ""} for a non-text message
 * @param createTime when the user created the message
 * @param json the whole {@code message} object as received
 */
public record UserMessage(
    String messageId, String name, String text, Timestamp createTime, JsonObject json) {
  public UserMessage {
    Objects.requireNonNull(messageId, "messageId cannot be null, use \"\"");
    Objects.requireNonNull(name, "name cannot be null, use \"\"");
    Objects.requireNonNull(text, "text cannot be null, use \"\"");
    Objects.requireNonNull(createTime, "createTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(json, "json cannot be null, use JsonValue.EMPTY_JSON_OBJECT");
  }

  @Override
  public String toString() {
    // message text is user content: keep it out of logs that print records
    return "UserMessage[messageId=" + messageId + ", name=" + name + ", createTime="
        + createTime.raw() + "]";
  }
}
