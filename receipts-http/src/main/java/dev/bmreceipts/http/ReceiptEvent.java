// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.UserReceipts;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmKeys;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import java.util.Objects;
import java.util.Optional;

/**
 * One receipt with the fields of the payload that carried it, from Business Messages or from RCS
 * Business Messaging: listeners, the journal, the metrics and the report take both alike.
 *
 * <p>An RBM receipt ({@link #of(RbmEnvelope, RbmUserEvent)}) is mapped onto the same fields: its
 * conversation is the user's phone number in E.164 (a user talks to an agent in one thread, as in
 * a Business Messages conversation), so its message is named {@code
 * conversations/+15551234567/messages/{messageId}}; Business Messages conversation ids never begin
 * with {@code +}, so the two never share a name. The phone is personal data: the name and the
 * conversation id belong in stores, never in logs.
 *
 * @param receipt the receipt
 * @param agent {@code brands/{brandId}/agents/{agentId}}, or the RBM {@code agentId}; {@code ""}
 *     when absent
 * @param conversationId the conversation id, or the RBM user's phone number in E.164; {@code ""}
 *     when absent
 * @param customAgentId {@code ""} when absent (always for RBM)
 * @param requestId the payload's request id, or the RBM event's {@code eventId}; empty when absent
 * @param sendTime the payload's {@code sendTime}, or the RBM push's {@code publishTime}
 * @param createTime the receipts' {@code createTime}, or the RBM event's {@code sendTime} (when the
 *     user's device sent the receipt)
 * @param protocol the protocol the receipt came by
 */
public record ReceiptEvent(
    Receipt receipt,
    String agent,
    String conversationId,
    String customAgentId,
    Optional<String> requestId,
    Timestamp sendTime,
    Timestamp createTime,
    Protocol protocol) {
  public ReceiptEvent {
    Objects.requireNonNull(receipt, "receipt cannot be null");
    Objects.requireNonNull(agent, "agent cannot be null, use \"\"");
    Objects.requireNonNull(conversationId, "conversationId cannot be null, use \"\"");
    Objects.requireNonNull(customAgentId, "customAgentId cannot be null, use \"\"");
    Objects.requireNonNull(requestId, "requestId cannot be null, use Optional.empty()");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(createTime, "createTime cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(protocol, "protocol cannot be null, use Protocol.BUSINESS_MESSAGES");
  }

  /** A Business Messages receipt: the constructor of the versions before RCS Business Messaging. */
  public ReceiptEvent(Receipt receipt, String agent, String conversationId, String customAgentId,
      Optional<String> requestId, Timestamp sendTime, Timestamp createTime) {
    this(receipt, agent, conversationId, customAgentId, requestId, sendTime, createTime,
        Protocol.BUSINESS_MESSAGES);
  }

  /** The event for one receipt of a payload. */
  public static ReceiptEvent of(UserReceipts payload, Receipt receipt) {
    return new ReceiptEvent(receipt, payload.agent(), payload.conversationId(),
        payload.customAgentId(), payload.requestId(), payload.sendTime(), payload.createTime(),
        Protocol.BUSINESS_MESSAGES);
  }

  /**
   * The event for an RBM {@code DELIVERED} or {@code READ} user event, mapped as the class
   * describes.
   *
   * @param envelope the push that carried it, for its {@code publishTime}
   * @throws IllegalArgumentException when the event is of another type
   */
  public static ReceiptEvent of(RbmEnvelope envelope, RbmUserEvent event) {
    Objects.requireNonNull(envelope, "envelope cannot be null");
    Objects.requireNonNull(event, "event cannot be null");
    RbmEventType t = event.eventType();
    if (!t.namesAMessage()) {
      throw new IllegalArgumentException("a receipt is a DELIVERED or READ event, not " + t);
    }
    String phone = event.senderPhoneNumber().e164();
    Receipt receipt = new Receipt(MessageName.of(phone, event.messageId()),
        t == RbmEventType.DELIVERED ? ReceiptType.DELIVERED : ReceiptType.READ,
        event.rawEventType());
    return new ReceiptEvent(receipt, event.agentId(), phone, "", Optional.of(event.eventId()),
        envelope.publishTime(), event.sendTime(), Protocol.RBM);
  }

  /**
   * The key an {@link RbmWebhook} deduplicated this RBM receipt on:
   * {@link RbmKeys#eventKey}({@code requestId}, {@code conversationId}), the event id and the
   * phone, as {@link #of(RbmEnvelope, RbmUserEvent)} maps them. Empty for a Business Messages
   * receipt, and for an RBM one built by hand without an event id or with a conversation that is
   * not an E.164 number. For a journal or a store that must hold the webhook's own key.
   */
  public Optional<String> rbmEventKey() {
    if (protocol != Protocol.RBM || !PhoneNumber.isValid(conversationId)) {
      return Optional.empty();
    }
    return requestId.filter(id -> !id.isEmpty())
        .map(id -> RbmKeys.eventKey(id, PhoneNumber.of(conversationId)));
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
