// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import dev.bmreceipts.core.Timestamp;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Objects;
import java.util.Optional;

/**
 * A user message: text, a file, a location or the answer to a suggestion. Its content stays JSON
 * as received. Its {@link #toString()} masks the phone number and leaves out the content, which is
 * the user's own words.
 *
 * @param senderPhoneNumber the user's number
 * @param messageId the message's id, never empty
 * @param sendTime when the user sent it; {@link Timestamp#ABSENT} when the wire has none
 * @param agentId the agent's id, {@code ""} when absent
 * @param contentKind which content member the message carries
 * @param content that member's value as received (a JSON string for {@code text}, an object for
 *     the others); {@link JsonValue#NULL} for {@link Content#UNKNOWN}
 */
public record RbmUserMessage(
    PhoneNumber senderPhoneNumber,
    String messageId,
    Timestamp sendTime,
    String agentId,
    Content contentKind,
    JsonValue content) {

  /** The content members of a user message, by their JSON name. */
  public enum Content {
    /** {@code text}: a JSON string. */
    TEXT("text"),
    /** {@code userFile}: an object with the file's payload and thumbnail. */
    USER_FILE("userFile"),
    /** {@code location}: an object with {@code latitude} and {@code longitude}. */
    LOCATION("location"),
    /** {@code suggestionResponse}: the suggested reply or action the user tapped. */
    SUGGESTION_RESPONSE("suggestionResponse"),
    /** None of the above: a kind this version does not know, kept in {@link RbmPayload#json()}. */
    UNKNOWN("");

    private final String member;

    Content(String member) {
      this.member = member;
    }

    /** The JSON member that carries this content; {@code ""} for {@link #UNKNOWN}. */
    public String member() {
      return member;
    }
  }

  /** @throws IllegalArgumentException when {@code messageId} is empty */
  public RbmUserMessage {
    Objects.requireNonNull(senderPhoneNumber, "senderPhoneNumber cannot be null");
    Objects.requireNonNull(messageId, "messageId cannot be null");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(agentId, "agentId cannot be null, use \"\"");
    Objects.requireNonNull(contentKind, "contentKind cannot be null, use Content.UNKNOWN");
    Objects.requireNonNull(content, "content cannot be null, use JsonValue.NULL");
    if (messageId.isEmpty()) {
      throw new IllegalArgumentException("messageId must not be empty");
    }
  }

  /** The text of a {@link Content#TEXT} message; empty for every other kind. */
  public Optional<String> text() {
    return contentKind == Content.TEXT && content instanceof JsonString
        ? Optional.of(((JsonString) content).getString())
        : Optional.empty();
  }

  /** This message's dedupe key: {@link RbmKeys#messageKey(String, PhoneNumber)}. */
  public String dedupeKey() {
    return RbmKeys.messageKey(messageId, senderPhoneNumber);
  }

  @Override
  public String toString() {
    // content is the user's own words or file: keep it out of logs that print records
    return "RbmUserMessage[senderPhoneNumber=" + senderPhoneNumber + ", messageId=" + messageId
        + ", sendTime=" + sendTime.raw() + ", agentId=" + agentId + ", contentKind=" + contentKind
        + "]";
  }
}
