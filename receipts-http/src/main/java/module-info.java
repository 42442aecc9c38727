/**
 * The webhook, its listeners, the agent READ receipt sender and receipt metrics.
 *
 * <pre>{@code
 * try (WebhookServer server = Webhook.builder()
 *         .signingKey(System.getenv("BM_SIGNING_KEY"))
 *         .receiptListener(e -> System.out.println(e.type() + " " + e.message()))
 *         .build()
 *         .start("127.0.0.1", 8080, "/callback")) {
 *   // serve until closed
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
