// SPDX-License-Identifier: Apache-2.0
/**
 * Business Messages receipts: values ({@link dev.bmreceipts.core.MessageName},
 * {@link dev.bmreceipts.core.Receipt}, {@link dev.bmreceipts.core.UserReceipts},
 * {@link dev.bmreceipts.core.WebhookPayload}), the streaming
 * {@link dev.bmreceipts.core.WebhookParser}, {@link dev.bmreceipts.core.WebhookSignature} for
 * {@code X-Goog-Signature}, and {@link dev.bmreceipts.core.AgentReceipts} for the agent READ
 * receipt's JSON.
 */
package dev.bmreceipts.core;
