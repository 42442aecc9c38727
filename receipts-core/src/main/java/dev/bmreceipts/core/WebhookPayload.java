// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed webhook body.
 *
 * <p>The common fields are typed. So are receipts ({@link #receipts()}), a user message's
 * id, name, text and time ({@link #message()}) and the handshake ({@link #verification()}).
 * Every other top-level member (the kind's own object such as {@code userStatus}, plus
 * {@code context}, {@code dialogflowResponse} and anything unknown) is in {@link #json()} as
 * parsed JSON. The {@code receipts} member itself is never built into a tree.
 *
 * @param kind what the body carries
 * @param agent {@code brands/{brandId}/agents/{agentId}}, {@code ""} when absent
 * @param conversationId {@code ""} when absent
 * @param customAgentId {@code ""} when absent
 * @param requestId empty when absent
 * @param sendTime when Google sent it
 * @param receipts present when {@code kind} is {@link PayloadKind#RECEIPTS}
 * @param message present when {@code kind} is {@link PayloadKind#MESSAGE}
 * @param verification present when {@code kind} is {@link PayloadKind#VERIFICATION}
 * @param json the top-level members not modelled above, in wire order
 */
public record WebhookPayload(
    PayloadKind kind,
    String agent,
    String conversationId,
    String customAgentId,
    Optional<String> requestId,
    Timestamp sendTime,
    Optional<UserReceipts> receipts,
    Optional<UserMessage> message,
    Optional<Verification> verification,
    JsonObject json) {
  public WebhookPayload {
    Objects.requireNonNull(kind, "kind cannot be null, use PayloadKind.UNKNOWN");
    Objects.requireNonNull(agent, "agent cannot be null, use \"\"");
    Objects.requireNonNull(conversationId, "conversationId cannot be null, use \"\"");
    Objects.requireNonNull(customAgentId, "customAgentId cannot be null, use \"\"");
    Objects.requireNonNull(requestId, "requestId cannot be null, use Optional.empty()");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(receipts, "receipts cannot be null, use Optional.empty()");
    Objects.requireNonNull(message, "message cannot be null, use Optional.empty()");
    Objects.requireNonNull(verification, "verification cannot be null, use Optional.empty()");
    Objects.requireNonNull(json, "json cannot be null, use JsonValue.EMPTY_JSON_OBJECT");
  }

  /**
   * The kind's own object ({@code userStatus}, {@code suggestionResponse}, …) as parsed JSON;
   * empty for receipts (use {@link #receipts()}), verification and unknown kinds.
   */
  public Optional<JsonObject> content() {
    return kind.member()
        .map(json::get)
        .filter(v -> v.getValueType() == JsonValue.ValueType.OBJECT)
        .map(JsonValue::asJsonObject);
  }

  @Override
  public String toString() {
    // no message text, no tokens: only what identifies the payload
    return "WebhookPayload[kind=" + kind + ", agent=" + agent + ", conversationId="
        + conversationId + ", requestId=" + requestId.orElse("") + ", receipts="
        + receipts.map(r -> r.receipts().size()).orElse(0) + "]";
  }
}
