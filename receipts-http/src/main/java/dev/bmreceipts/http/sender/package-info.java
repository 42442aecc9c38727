// SPDX-License-Identifier: Apache-2.0
/**
 * The agent READ receipt sender of Business Messages
 * ({@link dev.bmreceipts.http.sender.ReceiptSender}) and the agent event sender of RCS Business
 * Messaging ({@link dev.bmreceipts.http.sender.RbmEventSender}), which share one engine and one
 * {@link dev.bmreceipts.http.sender.RetryPolicy}; their results and typed failures; and the
 * {@link dev.bmreceipts.http.sender.AccessTokenProvider} extension point for OAuth tokens.
 */
package dev.bmreceipts.http.sender;
