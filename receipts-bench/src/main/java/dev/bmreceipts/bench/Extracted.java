// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.WebhookPayload;
import java.util.List;
import java.util.Objects;

/**
 * The fields every parser in the benchmark must pull out of a body; absent values are
 * {@code ""}. The correctness test compares these across parsers.
 *
 * @param agent {@code agent}
 * @param conversationId {@code conversationId}
 * @param requestId {@code requestId}
 * @param sendTime {@code sendTime} as text
 * @param createTime {@code receipts.createTime} or {@code message.createTime} as text
 * @param receipts each receipt's validated message name and type, in wire order
 * @param messageId {@code message.messageId}
 * @param messageName {@code message.name}
 * @param text {@code message.text}
 */
public record Extracted(
    String agent,
    String conversationId,
    String requestId,
    String sendTime,
    String createTime,
    List<Receipt> receipts,
    String messageId,
    String messageName,
    String text) {
  public Extracted {
    Objects.requireNonNull(agent, "agent cannot be null, use \"\"");
    Objects.requireNonNull(conversationId, "conversationId cannot be null, use \"\"");
    Objects.requireNonNull(requestId, "requestId cannot be null, use \"\"");
    Objects.requireNonNull(sendTime, "sendTime cannot be null, use \"\"");
    Objects.requireNonNull(createTime, "createTime cannot be null, use \"\"");
    receipts = List.copyOf(receipts);
    Objects.requireNonNull(messageId, "messageId cannot be null, use \"\"");
    Objects.requireNonNull(messageName, "messageName cannot be null, use \"\"");
    Objects.requireNonNull(text, "text cannot be null, use \"\"");
  }

  /** The same fields, taken from our parser's result. */
  public static Extracted of(WebhookPayload p) {
    String createTime = p.receipts().map(r -> r.createTime().raw())
        .or(() -> p.message().map(m -> m.createTime().raw()))
        .orElse("");
    return new Extracted(
        p.agent(),
        p.conversationId(),
        p.requestId().orElse(""),
        p.sendTime().raw(),
        createTime,
        p.receipts().map(r -> r.receipts()).orElse(List.of()),
        p.message().map(m -> m.messageId()).orElse(""),
        p.message().map(m -> m.name()).orElse(""),
        p.message().map(m -> m.text()).orElse(""));
  }
}
