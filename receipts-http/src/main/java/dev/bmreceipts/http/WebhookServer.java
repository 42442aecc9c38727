// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running JDK {@code HttpServer} serving a {@link Webhook}, from {@link Webhook#start}.
 *
 * <p>{@link #close()} stops accepting connections, lets requests in flight finish (up to
 * {@link #DEFAULT_DRAIN}), then stops the server and its threads. Thread-safe; closing twice is
 * harmless.
 */
public final class WebhookServer implements AutoCloseable {
  /** How long {@link #close()} waits for requests in flight. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final URI uri;
  private final Object closeLock = new Object();
  private boolean closed;
  private volatile boolean closing;

  private WebhookServer(HttpServer server, ExecutorService executor, String host, String path) {
    this.server = server;
    this.executor = executor;
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    this.uri = URI.create("http://" + h + ":" + server.getAddress().getPort() + path);
  }

  static WebhookServer start(Webhook webhook, String host, int port, String path, int threads)
      throws IOException {
    Objects.requireNonNull(host, "host cannot be null, use \"0.0.0.0\" for every interface");
    Objects.requireNonNull(path, "path cannot be null, use \"/\"");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was " + path);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    AtomicInteger ids = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> new Thread(r, "bm-webhook-" + ids.incrementAndGet()));
    WebhookServer handle = new WebhookServer(server, executor, host, path);
    handle.serve(path, webhook.handler());
    server.setExecutor(executor);
    server.start();
    return handle;
  }

  /**
   * Serves {@code handler} on this server too, at {@code path} (a prefix, as the JDK's contexts
   * match): a health check or a metrics page next to the webhook. Its requests run on the same
   * executor and count in {@link #close(Duration)}'s drain.
   *
   * @throws IllegalArgumentException when {@code path} does not start with '/' or is taken
   */
  public void serve(String path, HttpHandler handler) {
    Objects.requireNonNull(path, "path cannot be null");
    Objects.requireNonNull(handler, "handler cannot be null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was " + path);
    }
    server.createContext(path, exchange -> {
      inFlight.incrementAndGet();
      try {
        handler.handle(exchange);
      } finally {
        if (inFlight.decrementAndGet() == 0 && closing) {
          synchronized (closeLock) {
            closeLock.notifyAll();
          }
        }
      }
    });
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
      if (!executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
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
}
