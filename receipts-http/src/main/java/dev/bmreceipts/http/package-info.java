/**
 * The webhook ({@link dev.bmreceipts.http.Webhook}), the callbacks it calls
 * ({@link dev.bmreceipts.http.ReceiptListener}, {@link dev.bmreceipts.http.PayloadListener}), and
 * the agent READ receipt sender ({@link dev.bmreceipts.http.ReceiptSender}) with its
 * {@link dev.bmreceipts.http.AccessTokenProvider} extension point.
 */
package dev.bmreceipts.http;
