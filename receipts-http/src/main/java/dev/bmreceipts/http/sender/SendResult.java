// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import dev.bmreceipts.core.MessageName;
import java.util.Objects;

/**
 * The outcome of one READ receipt that was sent, or skipped because it had already been sent.
 *
 * @param message the user's message the READ receipt is for
 * @param receiptName the receipt's resource name from the API's answer, for example
 *     {@code conversations/C/messages/M/receipt}; for a skipped send, the name the API gave before
 * @param status the final HTTP status; {@code 0} when skipped
 * @param attempts the HTTP requests made; {@code 0} when skipped
 * @param skipped {@code true} when no request was made because a READ for this message had already
 *     been sent successfully (see {@link ReceiptSender.Builder#skipRepeats(boolean)})
 */
public record SendResult(MessageName message, String receiptName, int status, int attempts, boolean skipped) {
  /** Checks that {@code message} and {@code receiptName} are present. */
  public SendResult {
    Objects.requireNonNull(message, "message cannot be null");
    Objects.requireNonNull(receiptName, "receiptName cannot be null");
  }
}
