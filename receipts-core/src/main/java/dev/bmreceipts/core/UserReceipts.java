// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One receipts payload: the receipts a user's device sent, with the payload's common fields.
 *
 * @param agent {@code brands/{brandId}/agents/{agentId}}, {@code ""} when absent
 * @param conversationId the conversation, {@code ""} when absent
 * @param customAgentId the agent's custom id, {@code ""} when absent
 * @param requestId the delivery's id, empty when the payload carries none
 * @param sendTime when Google sent the payload
 * @param createTime when the receipts were created ({@code receipts.createTime})
 * @param receipts the receipts, in wire order, never {@code null}
 */
public record UserReceipts(
    String agent,
    String conversationId,
    String customAgentId,
    Optional<String> requestId,
    Timestamp sendTime,
    Timestamp createTime,
    List<Receipt> receipts) {
  public UserReceipts {
    Objects.requireNonNull(agent, "agent cannot be null, use \"\"");
    Objects.requireNonNull(conversationId, "conversationId cannot be null, use \"\"");
    Objects.requireNonNull(customAgentId, "customAgentId cannot be null, use \"\"");
    Objects.requireNonNull(requestId, "requestId cannot be null, use Optional.empty()");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(createTime, "createTime cannot be null, use Timestamp.ABSENT");
    receipts = List.copyOf(receipts);
  }
}
