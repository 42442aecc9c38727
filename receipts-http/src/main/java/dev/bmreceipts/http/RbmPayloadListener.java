// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.rbm.RbmPayload;

/**
 * Called once per accepted RCS Business Messaging push that is not a receipt: a user message, a
 * user event other than {@code DELIVERED} and {@code READ} ({@code IS_TYPING}, {@code SUBSCRIBE},
 * {@code UNSUBSCRIBE}, {@code EVENT_TYPE_UNSPECIFIED} or a type this version does not know), a
 * server event, an agent launch event, or a kind this version does not know
 * ({@link RbmPayload#kind()} tells which; {@link RbmPayload#json()} holds it all). Handshakes are
 * answered by the {@link RbmWebhook} and reach no listener; receipts go to its
 * {@link ReceiptListener}s.
 *
 * <p>User events and user messages are deduplicated (a redelivery reaches no listener); server
 * events, agent launch events and unknown kinds carry no key the webhook could use and are passed
 * on each time they arrive.
 *
 * <p>The threading, ordering and exception contract is that of {@link ReceiptListener}: called on
 * the request's thread, possibly concurrently for different requests, in registration order; a
 * throw answers {@code 500} and nothing is remembered, so the platform's redelivery calls every
 * listener again. A payload's {@code toString()} masks the phone number; its JSON holds it whole.
 */
@FunctionalInterface
public interface RbmPayloadListener {
  /**
   * Handles one payload.
   *
   * @throws Exception to refuse the payload; RBM will redeliver it
   */
  void onPayload(RbmPayload payload) throws Exception;
}
