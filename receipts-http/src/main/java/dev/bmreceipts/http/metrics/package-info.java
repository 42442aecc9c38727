// SPDX-License-Identifier: Apache-2.0
/**
 * Receipt metrics: {@link dev.bmreceipts.http.metrics.ReceiptMetrics} (a receipt listener with
 * bounded memory, exposed as a {@link dev.bmreceipts.http.metrics.MetricsSnapshot}, as Prometheus
 * text and as a JMX MXBean), {@link dev.bmreceipts.http.metrics.WebhookCounters} (a webhook
 * observer that counts answers by HTTP status) and {@link dev.bmreceipts.http.metrics.MetricsReport}
 * for offline analysis of a replayed {@link dev.bmreceipts.http.journal.Journal}.
 *
 * <p>Users can opt out of READ receipts: a missing READ means unknown, and every read rate here
 * is a lower bound.
 */
package dev.bmreceipts.http.metrics;
