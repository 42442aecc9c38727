// SPDX-License-Identifier: Apache-2.0
/**
 * The inbound webhook ({@link dev.bmreceipts.http.Webhook}, {@link dev.bmreceipts.http.WebhookServer}),
 * the callbacks it calls ({@link dev.bmreceipts.http.ReceiptListener},
 * {@link dev.bmreceipts.http.PayloadListener}), and its redelivery filter
 * ({@link dev.bmreceipts.http.Deduplicator}); beside it the RCS Business Messaging webhook
 * ({@link dev.bmreceipts.http.RbmWebhook}, mounted with {@link dev.bmreceipts.http.WebhookServer#serve},
 * and {@link dev.bmreceipts.http.RbmPayloadListener}), which passes its receipts to the same
 * {@code ReceiptListener}s and may share the same {@code Deduplicator}.
 *
 * <p>The other concerns have packages of their own: {@link dev.bmreceipts.http.sender} sends agents'
 * READ receipts, {@link dev.bmreceipts.http.metrics} counts receipts, and
 * {@link dev.bmreceipts.http.journal} writes and replays them as JSON lines.
 */
package dev.bmreceipts.http;
