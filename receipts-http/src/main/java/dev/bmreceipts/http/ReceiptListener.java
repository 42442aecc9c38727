// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import java.util.List;

/**
 * Called once per receipt the webhook accepts.
 *
 * <p><b>Threading:</b> called on the thread handling the HTTP request, so it may be called
 * concurrently for different requests; implementations must be thread-safe. <b>Ordering:</b>
 * the listeners run in registration order, each getting the payload's new receipts in wire order
 * ({@link #onReceipts}, which by default calls {@link #onReceipt} for each). <b>Exceptions:</b>
 * if it throws, the webhook stops calling listeners for that payload, answers {@code 500} so that Google redelivers, and remembers nothing of the
 * payload: the redelivery reaches every listener again, including those that already saw it. So
 * a listener must tolerate seeing a receipt again after any listener failed. A receipt from a
 * payload that was answered {@code 2xx} is never passed on again.
 */
@FunctionalInterface
public interface ReceiptListener {
  /**
   * Handles one receipt. Return normally only once the receipt is safe (written, queued): the
   * webhook acknowledges it to Google after every listener returned.
   *
   * @throws Exception to refuse the payload; Google will redeliver it
   */
  void onReceipt(ReceiptEvent event) throws Exception;

  /**
   * Handles the new receipts of one payload, in wire order, before the webhook answers. The
   * default calls {@link #onReceipt} for each; a listener that can do better per payload (a
   * journal writing one record instead of one per receipt) overrides it. The exception contract is
   * {@link #onReceipt}'s.
   *
   * @param events one payload's receipts that no earlier delivery passed on; never empty
   * @throws Exception to refuse the payload; Google will redeliver it
   */
  default void onReceipts(List<ReceiptEvent> events) throws Exception {
    for (ReceiptEvent event : events) {
      onReceipt(event);
    }
  }
}
