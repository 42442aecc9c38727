// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.UserReceipts;
import java.util.Objects;
import java.util.Optional;

/**
 * One receipt with the fields of the payload that carried it.
 *
 * @param receipt the receipt
 * @param agent {@code brands/{brandId}/agents/{agentId}}, {@code ""} when absent
 * @param conversationId {@code ""} when absent
 * @param customAgentId {@code ""} when absent
 * @param requestId the payload's request id, empty when absent
 * @param sendTime the payload's {@code sendTime}
 * @param createTime the receipts' {@code createTime}
 */
public record ReceiptEvent(
    Receipt receipt,
    String agent,
    String conversationId,
    String customAgentId,
    Optional<String> requestId,
    Timestamp sendTime,
    Timestamp createTime) {
  public ReceiptEvent {
    Objects.requireNonNull(receipt, "receipt cannot be null");
    Objects.requireNonNull(agent, "agent cannot be null, use \"\"");
    Objects.requireNonNull(conversationId, "conversationId cannot be null, use \"\"");
    Objects.requireNonNull(customAgentId, "customAgentId cannot be null, use \"\"");
    Objects.requireNonNull(requestId, "requestId cannot be null, use Optional.empty()");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(createTime, "createTime cannot be null, use Timestamp.ABSENT");
  }

  /** The event for one receipt of a payload. */
  public static ReceiptEvent of(UserReceipts payload, Receipt receipt) {
    return new ReceiptEvent(receipt, payload.agent(), payload.conversationId(),
        payload.customAgentId(), payload.requestId(), payload.sendTime(), payload.createTime());
  }

  /** The message the receipt is about. */
  public MessageName message() {
    return receipt.message();
  }

  /** The receipt's type. */
  public ReceiptType type() {
    return receipt.type();
  }
}
