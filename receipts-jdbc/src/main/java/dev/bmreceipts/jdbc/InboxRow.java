// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmPayload;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.core.rbm.RbmUserMessage;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.ReceiptEvent;
import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * One inbox row, staged until its key is committed; the columns of {@code V1__receipts.sql} and
 * {@code V2__protocol.sql}. An RBM receipt's conversation id and message name hold the user's
 * phone number whole: a row's values go to PostgreSQL, never into a log line or a message.
 */
record InboxRow(String dedupeKey, String kind, String agent, String conversationId,
    String customAgentId, String requestId, String message, String receiptType, String createTime,
    String sendTime, String body, String protocol) {
  static final int COLUMNS = 12;

  /** The row of a receipt, under the webhook's own key for it ({@link #key}). */
  static InboxRow of(ReceiptEvent e) {
    String message = e.message().toString();
    String type = e.receipt().rawType();
    return new InboxRow(key(e), "RECEIPT", e.agent(),
        e.conversationId(),
        e.customAgentId(), e.requestId().orElse(null), message, type, e.createTime().raw(),
        e.sendTime().raw(), null, e.protocol().id());
  }

  /**
   * The key a webhook claims for the receipt, so that its batch's commit writes the row with that
   * key: for RBM, where a receipt is one user event, {@link ReceiptEvent#rbmEventKey()}; for
   * Business Messages (and an RBM event built by hand without the ids) {@link
   * Deduplicator#receiptKey}.
   */
  static String key(ReceiptEvent e) {
    return e.rbmEventKey().orElseGet(() -> Deduplicator.receiptKey(e.receipt()));
  }

  /** The row of another Business Messages payload, keyed by its request id when it has one. */
  static InboxRow of(WebhookPayload p) {
    String message = p.message().map(m -> m.name()).filter(n -> !n.isEmpty()).orElse(null);
    return new InboxRow(p.requestId().map(Deduplicator::requestKey).orElse(null), p.kind().name(),
        p.agent(), p.conversationId(), p.customAgentId(), p.requestId().orElse(null), message,
        null, null, p.sendTime().raw(), body(p), Protocol.BUSINESS_MESSAGES.id());
  }

  /**
   * The row of an RBM payload that is not a receipt (a user message, a typing or subscription
   * event, a server or agent launch event), keyed as the RBM webhook claims it ({@link
   * RbmPayload#dedupeKey()}: user events and messages; other kinds have no key). A user message is
   * named as receipts are, {@code conversations/{phone}/messages/{messageId}}; the request id is a
   * user event's {@code eventId}; the body is the decoded data.
   */
  static InboxRow of(RbmPayload p) {
    Optional<PhoneNumber> phone = p.userEvent().map(RbmUserEvent::senderPhoneNumber)
        .or(() -> p.userMessage().map(RbmUserMessage::senderPhoneNumber));
    String message = p.userMessage()
        .map(m -> MessageName.of(m.senderPhoneNumber().e164(), m.messageId()).toString())
        .orElse(null);
    String sendTime = p.userEvent().map(e -> e.sendTime().raw())
        .or(() -> p.userMessage().map(m -> m.sendTime().raw())).orElse(null);
    return new InboxRow(p.dedupeKey().orElse(null), p.kind().name(), p.agentId(),
        phone.map(PhoneNumber::e164).orElse(""), "", p.userEvent().map(RbmUserEvent::eventId).orElse(null),
        message, null, null, sendTime, p.json().toString(), Protocol.RBM.id());
  }

  /** The payload's own members: the user message's object, and every member not typed. */
  private static String body(WebhookPayload p) {
    JsonObject rest = p.json();
    if (p.message().isEmpty()) {
      return rest.toString();
    }
    String others = rest.toString();
    return "{\"message\":" + p.message().get().json()
        + (rest.isEmpty() ? "}" : "," + others.substring(1));
  }

  /** Column {@code c} (0 to 11) of this row. */
  String column(int c) {
    switch (c) {
      case 0: return dedupeKey;
      case 1: return kind;
      case 2: return agent;
      case 3: return conversationId;
      case 4: return customAgentId;
      case 5: return requestId;
      case 6: return message;
      case 7: return receiptType;
      case 8: return createTime;
      case 9: return sendTime;
      case 10: return body;
      default: return protocol;
    }
  }
}
