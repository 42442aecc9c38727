// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connections on raw sockets that send a webhook request slowly or never whole, as an attacker
 * does; a scheduler trickles their bytes. Closing closes every socket.
 */
public final class SlowClients implements AutoCloseable {
  /** How a connection fails to send its request. */
  public enum Kind {
    /** Headers one byte at a time, never ending. */
    SLOWLORIS("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n", "X"),
    /** A 1,000,000-byte body one byte at a time. */
    SLOW_BODY(head("Content-Length: 1000000") + "{", " "),
    /** A chunked body, one 1-byte chunk at a time, never the last chunk. */
    ENDLESS_CHUNKED(head("Transfer-Encoding: chunked"), "1\r\n \r\n"),
    /** {@code Content-Length: 1000} and 9 bytes of body, then nothing. */
    SHORT_BODY(head("Content-Length: 1000") + "{\"agent\":", null);

    private final String prefix;
    private final String trickle;

    Kind(String prefix, String trickle) {
      this.prefix = prefix;
      this.trickle = trickle;
    }

    private static String head(String length) {
      return "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "X-Goog-Signature: c2lnbmF0dXJl\r\n" + length + "\r\n\r\n";
    }
  }

  /**
   * One connection and when its first bytes were sent.
   *
   * @param kind how it fails to send its request
   * @param socket its socket
   * @param openedNanos {@link System#nanoTime()} when its first bytes were sent
   */
  public record Connection(Kind kind, Socket socket, long openedNanos) {}

  private final List<Connection> connections = new ArrayList<>();
  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  private SlowClients() {}

  /**
   * Opens {@code perKind} connections of each kind to {@code path} on {@code server}, sends each
   * one's first bytes, and from then on trickles more every {@code every}.
   */
  public static SlowClients open(InetSocketAddress server, String path, int perKind,
      Duration every) throws IOException {
    SlowClients clients = new SlowClients();
    try {
      for (int i = 0; i < perKind; i++) {
        for (Kind kind : Kind.values()) {
          Socket s = new Socket();
          s.connect(server, 5_000);
          s.getOutputStream().write(
              kind.prefix.formatted(path).getBytes(StandardCharsets.US_ASCII));
          clients.connections.add(new Connection(kind, s, System.nanoTime()));
        }
      }
    } catch (IOException | RuntimeException e) {
      clients.close();
      throw e;
    }
    clients.trickler.scheduleWithFixedDelay(clients::trickle, every.toNanos(), every.toNanos(),
        TimeUnit.NANOSECONDS);
    return clients;
  }

  /** The connections, {@code perKind} rounds of every {@link Kind} in order. */
  public List<Connection> connections() {
    return connections;
  }

  private void trickle() {
    for (Connection c : connections) {
      if (c.kind.trickle == null || c.socket.isOutputShutdown()) {
        continue;
      }
      try {
        OutputStream out = c.socket.getOutputStream();
        out.write(c.kind.trickle.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // closed by the server: stop sending on it
        try {
          c.socket.shutdownOutput();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }

  /**
   * Waits for the server to close each connection (end of stream or reset) and answers, per
   * connection, the nanoseconds from its first bytes to the close, or {@code -1} when it was still
   * open at {@code deadlineNanos} ({@link System#nanoTime()}). Whatever the server sends before it
   * closes is read and ignored.
   */
  public long[] awaitClosed(long deadlineNanos) throws IOException {
    long[] closedAfter = new long[connections.size()];
    byte[] buf = new byte[1024];
    for (int i = 0; i < closedAfter.length; i++) {
      Connection c = connections.get(i);
      closedAfter[i] = -1;
      InputStream in = c.socket.getInputStream();
      while (true) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          break;
        }
        c.socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        try {
          if (in.read(buf) < 0) {
            closedAfter[i] = System.nanoTime() - c.openedNanos;
            break;
          }
        } catch (SocketTimeoutException e) {
          break;
        } catch (IOException e) {
          // reset: the server closed with bytes of ours unread
          closedAfter[i] = System.nanoTime() - c.openedNanos;
          break;
        }
      }
    }
    return closedAfter;
  }

  @Override
  public void close() {
    trickler.shutdownNow();
    for (Connection c : connections) {
      try {
        c.socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
