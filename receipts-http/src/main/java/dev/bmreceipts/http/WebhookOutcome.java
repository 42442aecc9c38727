// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.PayloadKind;

/**
 * The outcome of one webhook request, as told to a {@link WebhookObserver}.
 *
 * @param status the HTTP status answered
 * @param kind the payload's kind, {@code null} when the body was not parsed (405, 413, 415, 401,
 *     400); for an {@link RbmWebhook}, the nearest kind its class javadoc names
 * @param receipts receipts passed to the receipt listeners (duplicates not counted)
 * @param durationNanos time spent in {@link Webhook#process} or {@link RbmWebhook#process},
 *     reading the body included
 */
public record WebhookOutcome(int status, PayloadKind kind, int receipts, long durationNanos) {}
