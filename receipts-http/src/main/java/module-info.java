// SPDX-License-Identifier: Apache-2.0
/**
 * Receipts over HTTP: one package per need.
 *
 * <table>
 *   <caption>Which package answers which need</caption>
 *   <tr><th>need</th><th>package</th></tr>
 *   <tr><td>take Google's webhook calls: check, parse, deduplicate, dispatch to listeners</td>
 *       <td>{@link dev.bmreceipts.http} ({@code Webhook}, {@code ReceiptListener},
 *       {@code PayloadListener}, {@code Deduplicator}; for RCS Business Messaging
 *       {@code RbmWebhook} and {@code RbmPayloadListener})</td></tr>
 *   <tr><td>send agents' READ receipts (and RBM agent events), with retries and a token
 *       source</td>
 *       <td>{@link dev.bmreceipts.http.sender} ({@code ReceiptSender}, {@code RbmEventSender},
 *       {@code RetryPolicy}, {@code AccessTokenProvider})</td></tr>
 *   <tr><td>count what the receipts say: Prometheus text, JMX, reports</td>
 *       <td>{@link dev.bmreceipts.http.metrics} ({@code ReceiptMetrics}, {@code MetricsReport})</td></tr>
 *   <tr><td>keep every accepted receipt as a JSON line, and replay the lines</td>
 *       <td>{@link dev.bmreceipts.http.journal} ({@code Journal})</td></tr>
 *   <tr><td>exact figures over archives of any size: journals, raw payloads, gzip; text, JSON,
 *       CSV or an HTML page with charts</td>
 *       <td>{@link dev.bmreceipts.http.report} ({@code ArchiveAnalyser}, {@code ArchiveInput},
 *       {@code ArchiveReport}, {@code ArchiveFormat})</td></tr>
 * </table>
 *
 * <p>The package {@code dev.bmreceipts.http.internal} (the primitive-array table behind the
 * in-memory dedupe store and the metrics) is not exported.
 *
 * <pre>{@code
 * ReceiptMetrics metrics = ReceiptMetrics.builder().build();
 * try (Journal.Writer journal = Journal.open(Path.of("receipts.jsonl"));
 *      WebhookServer server = Webhook.builder()
 *         .signingKey(System.getenv("BM_SIGNING_KEY"))
 *         .receiptListener(metrics)
 *         .receiptListener(journal)
 *         .build()
 *         .start("127.0.0.1", 8080, "/callback")) {
 *   // serve until closed; metrics.toPrometheus() for a scrape
 * }
 * }</pre>
 */
module dev.bmreceipts.http {
  // transitive: ReceiptEvent, WebhookPayload and MessageName from core are in our signatures
  requires transitive dev.bmreceipts.core;
  // transitive: Webhook.handler() returns a com.sun.net.httpserver.HttpHandler
  requires transitive jdk.httpserver;
  // transitive: ReceiptSender.Builder takes a caller's java.net.http.HttpClient
  requires transitive java.net.http;

  // transitive: ReceiptMetrics.register takes a javax.management.MBeanServer
  requires transitive java.management;

  exports dev.bmreceipts.http;
  exports dev.bmreceipts.http.sender;
  exports dev.bmreceipts.http.metrics;
  exports dev.bmreceipts.http.journal;
  exports dev.bmreceipts.http.report;
}
