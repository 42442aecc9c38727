// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.AgentReceipts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A loopback stand-in for the receipt endpoint: records every request, answers as scripted. */
final class ApiStandIn implements AutoCloseable {
  /** One request as received. */
  record Seen(String method, String rawPath, Map<String, List<String>> headers, byte[] body, long nanos) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One scripted answer. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply of(int status) {
      return new Reply(status, Map.of(), new byte[0]);
    }

    static Reply error(int status, String apiStatus, String message) {
      return new Reply(status, Map.of("Content-Type", "application/json"),
          AgentReceipts.errorBody(status, apiStatus, message));
    }

    Reply withHeader(String name, String value) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Reply(status, Map.copyOf(h), body);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(32);
  private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private volatile Consumer<Seen> onRequest = s -> {};

  ApiStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The API root to give the sender: {@code http://127.0.0.1:PORT/}. */
  URI root() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Answers the next requests with these, in order; after them, 200 with the receipt name. */
  ApiStandIn script(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Runs for every request before it is answered, on the server's thread. */
  ApiStandIn onRequest(Consumer<Seen> hook) {
    this.onRequest = hook;
    return this;
  }

  List<Seen> requests() {
    return new ArrayList<>(seen);
  }

  int maxConcurrent() {
    return maxConcurrent.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = current.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    boolean counted = true;
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          Map.copyOf(ex.getRequestHeaders()), body, System.nanoTime());
      seen.add(s);
      onRequest.accept(s);
      Reply reply = script.poll();
      if (reply == null) {
        String name = s.rawPath().startsWith("/v1/") ? s.rawPath().substring(4) : s.rawPath();
        reply = new Reply(200, Map.of("Content-Type", "application/json"),
            ("{\"name\":\"" + name + "\",\"receiptType\":\"READ\"}").getBytes(StandardCharsets.UTF_8));
      }
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      // a request stops counting before its answer leaves: once the client has the answer it may
      // start the next request at once, possibly before this thread gets to run again
      current.decrementAndGet();
      counted = false;
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        ex.getResponseBody().write(reply.body());
      }
    } finally {
      if (counted) {
        current.decrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
