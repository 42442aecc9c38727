// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

/**
 * Told the outcome of every request the webhook answers, for metrics.
 *
 * <p>Called once per request, on the request's thread, after the answer is decided and before it
 * is written. It must be fast and thread-safe. If it throws, the exception is logged and the
 * answer is unchanged. When no observer is registered the webhook does not even read the clock.
 */
@FunctionalInterface
public interface WebhookObserver {
  /** One request's outcome. */
  void onRequest(WebhookOutcome outcome);
}
