// SPDX-License-Identifier: Apache-2.0
/**
 * Exact reports on archived receipt traffic: {@link dev.bmreceipts.http.report.ArchiveAnalyser}
 * reads journals and raw webhook payload archives, of Business Messages and of RCS Business
 * Messaging alike (files, gzip, streams; any order, any number), into an
 * {@link dev.bmreceipts.http.report.ArchiveReport} that counts both protocols together and apart,
 * and
 * {@link dev.bmreceipts.http.report.ArchiveFormat} prints it as text, JSON, a CSV time series or
 * a self-contained HTML page with SVG charts. Unlike the live, bounded
 * {@link dev.bmreceipts.http.metrics.ReceiptMetrics}, every figure is exact over the whole input.
 *
 * <p>Users can opt out of READ receipts: a missing READ means unknown, and every read rate here
 * is a lower bound. RBM users' phone numbers, which are their conversations' ids, are personal
 * data: a report shows them masked, never whole.
 */
package dev.bmreceipts.http.report;
