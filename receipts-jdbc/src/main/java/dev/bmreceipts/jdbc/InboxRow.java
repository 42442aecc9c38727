// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.ReceiptEvent;
import jakarta.json.JsonObject;

/** One inbox row, staged until its key is committed; the columns of {@code V1__receipts.sql}. */
record InboxRow(String dedupeKey, String kind, String agent, String conversationId,
    String customAgentId, String requestId, String message, String receiptType, String createTime,
    String sendTime, String body) {
  static final int COLUMNS = 11;

  /** The row of a receipt, under the webhook's own key for it ({@link Deduplicator#receiptKey}). */
  static InboxRow of(ReceiptEvent e) {
    String message = e.message().toString();
    String type = e.receipt().rawType();
    return new InboxRow(Deduplicator.receiptKey(e.receipt()), "RECEIPT", e.agent(),
        e.conversationId(),
        e.customAgentId(), e.requestId().orElse(null), message, type, e.createTime().raw(),
        e.sendTime().raw(), null);
  }

  /** The row of another payload, keyed by its request id when it has one. */
  static InboxRow of(WebhookPayload p) {
    String message = p.message().map(m -> m.name()).filter(n -> !n.isEmpty()).orElse(null);
    return new InboxRow(p.requestId().map(Deduplicator::requestKey).orElse(null), p.kind().name(),
        p.agent(), p.conversationId(), p.customAgentId(), p.requestId().orElse(null), message,
        null, null, p.sendTime().raw(), body(p));
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

  /** Column {@code c} (0 to 10) of this row. */
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
      default: return body;
    }
  }
}
