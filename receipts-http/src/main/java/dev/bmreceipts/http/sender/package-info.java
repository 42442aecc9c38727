// SPDX-License-Identifier: Apache-2.0
/**
 * The agent READ receipt sender ({@link dev.bmreceipts.http.sender.ReceiptSender}), its
 * {@link dev.bmreceipts.http.sender.RetryPolicy}, its results and typed failures, and the
 * {@link dev.bmreceipts.http.sender.AccessTokenProvider} extension point for OAuth tokens.
 */
package dev.bmreceipts.http.sender;
