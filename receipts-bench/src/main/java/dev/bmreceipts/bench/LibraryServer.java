// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import com.sun.net.httpserver.HttpExchange;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.RbmWebhook;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import dev.bmreceipts.http.metrics.WebhookCounters;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Server (r) of the webhook benchmark: the library's two webhooks wired as the demo's {@code serve
 * --quiet} wires its Business Messages one, so that the RCS Business Messaging load meets the same
 * work. A {@link Webhook} (signing key) at {@code /callback} and an {@link RbmWebhook} (client
 * token) at {@code /rbm} on one {@link WebhookServer}, both with a {@link ReceiptMetrics} receipt
 * listener and a {@link WebhookCounters} observer, sharing one in-memory {@link Deduplicator}, on
 * {@code --threads} threads; {@code GET /metrics} answers the metrics' Prometheus text, so the
 * script can check that every receipt was counted.
 *
 * <p>Until the demo serves RBM itself this stands in for it; the script then measures the demo.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.bmreceipts.bench.LibraryServer --signing-key K
 * --rbm-client-token T [--port N] [--threads N]}. Prints one line {@code ready
 * http://127.0.0.1:PORT/rbm threads=N} when it accepts connections, and stops on SIGTERM or Ctrl-C.
 * Exit 2 on bad options.
 */
public final class LibraryServer {
  private static final Usage USAGE = new Usage("LibraryServer",
      "--signing-key K --rbm-client-token T [--port N] [--threads N]");

  private LibraryServer() {}

  /** Starts the server; see the class javadoc for the options. */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = USAGE.options(args, "--port", "--threads", "--signing-key",
        "--rbm-client-token");
    int port = USAGE.number(options, "--port", 0, 8080);
    int threads = USAGE.number(options, "--threads", 1, 2 * Runtime.getRuntime().availableProcessors());
    String signingKey = options.getOrDefault("--signing-key", "");
    String clientToken = options.getOrDefault("--rbm-client-token", "");
    if (signingKey.isEmpty() || clientToken.isEmpty()) {
      USAGE.fail("--signing-key and --rbm-client-token are required");
    }
    WebhookServer server = start(port, threads, signingKey, clientToken);
    Runtime.getRuntime().addShutdownHook(
        new Thread(() -> server.close(Duration.ofSeconds(1)), "library-server-stop"));
    System.out.println("ready http://127.0.0.1:" + server.port() + "/rbm threads=" + threads);
    System.out.flush();
  }

  /** Binds 127.0.0.1:{@code port} (0 picks one) and starts both webhooks and {@code /metrics}. */
  static WebhookServer start(int port, int threads, String signingKey, String clientToken)
      throws IOException {
    ReceiptMetrics metrics = ReceiptMetrics.builder().build();
    WebhookCounters requests = WebhookCounters.create();
    Deduplicator shared = Deduplicator.inMemory();
    Webhook bm = Webhook.builder().threads(threads).signingKey(signingKey).observer(requests)
        .deduplicator(shared).receiptListener(metrics).build();
    RbmWebhook rbm = RbmWebhook.builder().clientToken(clientToken).observer(requests)
        .deduplicator(shared).receiptListener(metrics).build();
    WebhookServer server = WebhookServer.builder(bm).host("127.0.0.1").port(port)
        .path("/callback").start();
    server.serve("/rbm", rbm.handler());
    server.serve("/metrics", exchange -> metrics(exchange, metrics));
    return server;
  }

  private static void metrics(HttpExchange exchange, ReceiptMetrics metrics) throws IOException {
    try (exchange) {
      byte[] body = metrics.toPrometheus().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
