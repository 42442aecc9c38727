// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running JDK {@code HttpServer} serving a {@link Webhook}, from {@link Webhook#start} or
 * {@link #builder(Webhook)}.
 *
 * <p>The webhook answers at its path only: any other path gets {@code 404 not found} (the JDK's
 * contexts match by prefix, so {@code /callbackXYZ} would otherwise reach a webhook at
 * {@code /callback}). {@link #serve} adds handlers at further paths, such as an
 * {@link RbmWebhook#handler()}.
 *
 * <p><b>Slow clients.</b> The JDK server reads a request on a thread of its executor, line and
 * headers before any handler runs and the body when the handler reads it, and each read blocks
 * until the client sends. So that slow clients cannot hold every thread:
 *
 * <ul>
 *   <li>A request that has not arrived whole (line, headers and body) within the
 *       {@linkplain Builder#readTimeout read timeout} (default {@link #DEFAULT_READ_TIMEOUT}) has its
 *       connection closed, and the thread reading it is free at once. The timeout covers reading
 *       only: once the body has been read to its end, listeners take the time they need. A handler
 *       added with {@link #serve} is covered until it has read its request's body to its end (at
 *       once when there is none): a handler that leaves a body unread runs under the deadline.
 *   <li>The server keeps {@linkplain Builder#threads threads} threads while they keep up. When a
 *       request has waited about 50 ms while a thread has been reading one request as long (a slow
 *       client holds it), it starts more, up to {@linkplain Builder#maxThreads maxThreads} (default
 *       {@link #DEFAULT_MAX_THREADS}), the newest waiting request first; those end after 5 s without
 *       work. So each connection that is sending slowly holds one thread for at most the read
 *       timeout, and a normal request still finds one, as long as fewer than {@code maxThreads}
 *       requests are being read at once. Beyond that, requests wait for a thread. Memory grows with
 *       the connections being read: a thread, the JDK's buffers and what the client has sent (up
 *       to the body limit), about 180 KB each for slow senders on JDK 17.
 *   <li>The listen backlog is {@link #DEFAULT_BACKLOG} (the JDK's is 50), so that a burst of
 *       connections is not refused while the server accepts them.
 * </ul>
 *
 * <p><b>JVM-wide settings.</b> The JDK server reads its settings from system properties once, when
 * the JVM creates its first server; none of the above needs one. Starting a server sets
 * {@code sun.net.httpserver.nodelay} to {@code true} unless the host has set it (see
 * {@link Webhook#start}), and changes no other. The size of a request's headers is bounded by the
 * JDK's {@code sun.net.httpserver.maxReqHeaders} (200 lines) and
 * {@code sun.net.httpserver.maxReqHeaderSize} (380 KiB on JDK 17.0.15 and later); a host that wants
 * tighter bounds sets those before it starts its first server.
 *
 * <p>{@link #close()} stops accepting connections, lets requests in flight finish (up to
 * {@link #DEFAULT_DRAIN}), then stops the server and its threads. Thread-safe; closing twice is
 * harmless.
 */
public final class WebhookServer implements AutoCloseable {
  /** How long {@link #close()} waits for requests in flight. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);
  /** Default {@link Builder#readTimeout}: 10 s. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link Builder#backlog}: 4,096 (Linux caps it at {@code net.core.somaxconn}). */
  public static final int DEFAULT_BACKLOG = 4_096;
  /** Default {@link Builder#maxThreads}: 2,048. */
  public static final int DEFAULT_MAX_THREADS = 2_048;

  private static final System.Logger LOG = System.getLogger(WebhookServer.class.getName());
  private static final byte[] NOT_FOUND = "not found".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final Workers executor;
  private final Duration readTimeout;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final URI uri;
  private final Object closeLock = new Object();
  private boolean closed;
  private volatile boolean closing;

  private WebhookServer(HttpServer server, Workers executor, Duration readTimeout, String host,
      String path) {
    this.server = server;
    this.executor = executor;
    this.readTimeout = readTimeout;
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    this.uri = URI.create("http://" + h + ":" + server.getAddress().getPort() + path);
  }

  /**
   * A builder for a server running {@code webhook}, with the defaults: {@code 127.0.0.1}, port
   * 8080, path {@code /callback}, the webhook's {@link Webhook.Builder#threads} threads.
   */
  public static Builder builder(Webhook webhook) {
    return new Builder(Objects.requireNonNull(webhook, "webhook cannot be null"));
  }

  private static WebhookServer start(Builder b) throws IOException {
    if (b.maxThreads < b.threads) {
      throw new IllegalArgumentException("maxThreads must be at least threads (" + b.threads
          + "), was " + b.maxThreads);
    }
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(b.host, b.port), b.backlog);
    Workers executor = new Workers("bm-webhook", b.threads, b.maxThreads, b.readTimeout);
    try {
      WebhookServer handle = new WebhookServer(server, executor, b.readTimeout, b.host, b.path);
      handle.context(b.path, true, b.webhook.handler());
      server.setExecutor(executor);
      server.start();
      return handle;
    } catch (RuntimeException e) {
      server.stop(0);
      executor.shutdownNow();
      throw e;
    }
  }

  /**
   * Serves {@code handler} on this server too, at {@code path} (a prefix, as the JDK's contexts
   * match): a health check or a metrics page next to the webhook. Its requests run on the same
   * threads, under the same read timeout (see above), and count in {@link #close(Duration)}'s drain.
   *
   * @throws IllegalArgumentException when {@code path} does not start with '/' or is taken
   */
  public void serve(String path, HttpHandler handler) {
    Objects.requireNonNull(path, "path cannot be null");
    Objects.requireNonNull(handler, "handler cannot be null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was " + path);
    }
    context(path, false, handler);
  }

  private void context(String path, boolean exact, HttpHandler handler) {
    server.createContext(path, exchange -> {
      inFlight.incrementAndGet();
      try {
        if (exact && !path.equals(exchange.getRequestURI().getPath())) {
          // its body stays unread: the JDK drains at most 64 KiB of it, under the read deadline
          notFound(exchange);
        } else {
          watchArrival(exchange);
          handler.handle(exchange);
        }
      } finally {
        if (inFlight.decrementAndGet() == 0 && closing) {
          synchronized (closeLock) {
            closeLock.notifyAll();
          }
        }
      }
    });
  }

  /**
   * Ends the read deadline of the thread running {@code exchange} once the request has arrived
   * whole: now when it has no body, else when its body has been read to its end.
   */
  private void watchArrival(HttpExchange exchange) throws IOException {
    Workers.Worker worker = Workers.current();
    if (worker == null) {
      return;
    }
    Headers request = exchange.getRequestHeaders();
    String length = request.getFirst("Content-Length");
    if (request.getFirst("Transfer-Encoding") == null && (length == null || "0".equals(length))) {
      if (!worker.arrived()) {
        throw timedOut();
      }
    } else {
      exchange.setStreams(new WholeBody(exchange, worker), null);
    }
  }

  private IOException timedOut() {
    LOG.log(System.Logger.Level.DEBUG, () -> "closed a connection whose request was not read "
        + "whole within " + readTimeout.toMillis() + " ms");
    return new IOException("request not read whole within " + readTimeout.toMillis() + " ms");
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", WebhookResponse.TEXT_PLAIN);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(404, head ? -1 : NOT_FOUND.length);
      if (!head) {
        // closing the body stream sends the answer before the JDK drains the request's body;
        // closing only the exchange drains first (on JDK 25), waiting for a body that may not come
        OutputStream body = exchange.getResponseBody();
        body.write(NOT_FOUND);
        body.close();
      }
    }
  }

  /** How many requests are being read and have not arrived whole yet (for tests). */
  int reading() {
    return executor.reading();
  }

  /** The port the server listens on (the real one when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The webhook's URL, e.g. {@code http://127.0.0.1:8080/callback}. */
  public URI uri() {
    return uri;
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_DRAIN}. */
  @Override
  public void close() {
    close(DEFAULT_DRAIN);
  }

  /**
   * Stops accepting connections, waits up to {@code drain} for requests in flight to finish,
   * then closes every connection and stops the server's threads. A request that arrives while
   * the server stops may fail with a connection error; Google redelivers it.
   */
  public void close(Duration drain) {
    Objects.requireNonNull(drain, "drain cannot be null, use Duration.ZERO");
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closing = true;
    long deadline = System.nanoTime() + drain.toNanos();
    if (inFlight.get() > 0) {
      // stop(delay) closes the listening socket at once and then waits; on some JDKs it waits
      // out the whole delay, so it runs aside while this thread waits for our own count
      long seconds = Math.max(1, (drain.toMillis() + 999) / 1000);
      Thread stopper = new Thread(
          () -> server.stop((int) Math.min(Integer.MAX_VALUE, seconds)), "bm-webhook-stop");
      stopper.start();
      awaitIdle(deadline);
      server.stop(0); // ends the first stop's wait and closes what is left
      joinQuietly(stopper, deadline);
    } else {
      server.stop(0);
    }
    executor.shutdown();
    try {
      long left = deadline - System.nanoTime();
      if (!executor.awaitTermination(Math.max(0, left))) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitIdle(long deadline) {
    synchronized (closeLock) {
      long left;
      while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(closeLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void joinQuietly(Thread thread, long deadline) {
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "WebhookServer[" + uri + "]";
  }

  /** Configures a {@link WebhookServer}. Not thread-safe; {@link #start()} may be called again. */
  public static final class Builder {
    private final Webhook webhook;
    private String host = "127.0.0.1";
    private int port = 8080;
    private String path = "/callback";
    private int threads;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private int backlog = DEFAULT_BACKLOG;

    private Builder(Webhook webhook) {
      this.webhook = webhook;
      this.threads = webhook.threads();
    }

    /** The address to listen on (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host,
          "host cannot be null, use \"0.0.0.0\" for every interface");
      return this;
    }

    /** The port (default 8080), {@code 0} for any free one (see {@link WebhookServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** The webhook's path (default {@code /callback}); every other path gets 404. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path cannot be null, use \"/\"");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/', was " + path);
      }
      this.path = path;
      return this;
    }

    /** The threads kept while they keep up (default the webhook's {@link Webhook.Builder#threads}). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * The most threads while slow clients hold them (default {@link #DEFAULT_MAX_THREADS}): about
     * the number of requests that can be read at once before a normal one waits.
     */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 1) {
        throw new IllegalArgumentException("maxThreads must be at least 1, was " + maxThreads);
      }
      this.maxThreads = maxThreads;
      return this;
    }

    /**
     * How long a request may take to arrive whole, from its first byte to the end of its body
     * (default {@link #DEFAULT_READ_TIMEOUT}); its connection is closed after that. Checked about
     * every 100 ms.
     */
    public Builder readTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "read timeout cannot be null, use DEFAULT_READ_TIMEOUT");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("read timeout must be from 1 ms to 1 hour, was "
            + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    /**
     * How many connections the operating system may queue before the server accepts them (default
     * {@link #DEFAULT_BACKLOG}; the system may cap it).
     */
    public Builder backlog(int backlog) {
      if (backlog < 1) {
        throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalArgumentException when {@code maxThreads} is below {@code threads}
     */
    public WebhookServer start() throws IOException {
      return WebhookServer.start(this);
    }
  }

  /**
   * A request body that ends its thread's read deadline when read to its end. When the deadline
   * passed first, its reads fail, the answer asks for the connection to be closed, and the thread
   * leaves with its interrupt cleared.
   */
  private final class WholeBody extends InputStream {
    private final HttpExchange exchange;
    private final InputStream in;
    private final Workers.Worker worker;
    private boolean done;

    WholeBody(HttpExchange exchange, Workers.Worker worker) {
      this.exchange = exchange;
      this.in = exchange.getRequestBody();
      this.worker = worker;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        throw failed(e);
      }
      if (b < 0) {
        ended();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw failed(e);
      }
      if (n < 0) {
        ended();
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    private void ended() throws IOException {
      if (!done) {
        done = true;
        if (!worker.arrived()) {
          throw expired();
        }
      }
    }

    private IOException failed(IOException e) {
      if (!done) {
        done = true;
        if (!worker.arrived()) {
          return expired();
        }
      }
      return e;
    }

    private IOException expired() {
      Thread.interrupted();
      exchange.getResponseHeaders().set("Connection", "close");
      return timedOut();
    }
  }
}
