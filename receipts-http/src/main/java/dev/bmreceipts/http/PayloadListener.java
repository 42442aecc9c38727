// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.WebhookPayload;

/**
 * Called once per accepted payload that is not a receipts payload: a user message, user status,
 * suggestion response, authentication response or survey response. Handshakes and unknown kinds
 * are answered by the webhook and reach no listener.
 *
 * <p>The threading, ordering and exception contract is that of {@link ReceiptListener}: called on
 * the request's thread, in registration order; a throw answers {@code 500} and nothing is
 * remembered, so Google's redelivery calls every listener again.
 */
@FunctionalInterface
public interface PayloadListener {
  /**
   * Handles one payload.
   *
   * @throws Exception to refuse the payload; Google will redeliver it
   */
  void onPayload(WebhookPayload payload) throws Exception;
}
