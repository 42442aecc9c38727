// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Baseline (c) of the webhook benchmark: the JDK's {@link HttpServer} on 127.0.0.1 doing nothing
 * but what any webhook must do. Contexts at {@code /callback} (the Business Messages load) and
 * {@code /rbm} (the RCS Business Messaging load) read the whole body and answer {@code 200} with
 * the two-byte body {@code ok}; no parsing, no HMAC, no base64. It runs on a fixed pool of
 * {@code --threads} threads (default 2 × cores, as the demo's webhook) with
 * {@code sun.net.httpserver.nodelay=true}, as the demo sets.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.bmreceipts.bench.BareServer [--port N]
 * [--threads N] [--backlog N]}. Prints one line {@code ready http://127.0.0.1:PORT/callback
 * threads=N} when it accepts connections, and stops on SIGTERM or Ctrl-C. Exit 2 on bad options.
 */
public final class BareServer {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);

  private BareServer() {}

  /** Starts the server; see the class javadoc for the options. */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = USAGE.options(args, "--port", "--threads", "--backlog");
    int port = USAGE.number(options, "--port", 0, 8080);
    int threads = USAGE.number(options, "--threads", 1, 2 * Runtime.getRuntime().availableProcessors());
    int backlog = USAGE.number(options, "--backlog", 0, 0);

    HttpServer server = start(port, threads, backlog);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "bare-server-stop"));
    System.out.println("ready http://127.0.0.1:" + server.getAddress().getPort()
        + "/callback threads=" + threads);
    System.out.flush();
  }

  /** Binds 127.0.0.1:{@code port} (0 picks one) and starts serving on a fixed pool. */
  static HttpServer start(int port, int threads, int backlog) throws IOException {
    // read by the JDK server once, when its configuration class loads: set before create()
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    server.setExecutor(Executors.newFixedThreadPool(threads, new Named()));
    server.createContext("/callback", BareServer::handle);
    server.createContext("/rbm", BareServer::handle);
    server.start();
    return server;
  }

  /** Stops the server at once and its pool with it. */
  static void stop(HttpServer server) {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, OK.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(OK);
      }
    } finally {
      exchange.close();
    }
  }

  private static final Usage USAGE =
      new Usage("BareServer", "[--port N] [--threads N] [--backlog N]");

  /** Names the pool's threads, as daemons so that a lost shutdown hook cannot hang the JVM. */
  private static final class Named implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "bare-server-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
