// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 server on a raw loopback socket, for what a JDK server hides or cannot do: the exact
 * request bytes, a body that stalls after its headers, a body that never ends. One thread per
 * connection; {@link #close()} closes every socket, which ends every handler.
 */
final class RawServer implements AutoCloseable {
  /** Answers one request whose head and body were read; may block until the client goes away. */
  interface Handler {
    void handle(Request request, OutputStream out, InputStream in) throws IOException;
  }

  /** One request as it arrived: the head (request line and headers, CRLF-separated) and the body. */
  record Request(String head, byte[] body) {
    String requestLine() {
      return head.substring(0, head.indexOf("\r\n"));
    }

    String path() {
      return requestLine().split(" ")[1];
    }

    /** The header lines after the request line, as sent. */
    List<String> headerLines() {
      return List.of(head.substring(head.indexOf("\r\n") + 2).split("\r\n"));
    }

    /** The first value of header {@code name}, any case; null when absent. */
    String header(String name) {
      for (String line : headerLines()) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }

  private final ServerSocket socket;
  private final Handler handler;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "raw-server");
    t.setDaemon(true);
    return t;
  });
  private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private int clientCloses;

  RawServer(Handler handler) throws IOException {
    this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.handler = handler;
    threads.execute(this::accept);
  }

  /** {@code http://127.0.0.1:PORT/}. */
  URI root() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
  }

  /**
   * Waits (at most {@code seconds}) until the client has closed {@code n} connections, at any
   * point of an exchange (this server closing them does not count); answers whether it did.
   */
  synchronized boolean awaitClientCloses(int n, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (clientCloses < n) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
    return true;
  }

  private synchronized void clientClosed() {
    clientCloses++;
    notifyAll();
  }

  /** Every request read so far, in arrival order. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      threads.execute(() -> serve(s));
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        Request r = read(in);
        if (r == null) {
          clientClosed();
          return;
        }
        requests.add(r);
        handler.handle(r, out, in);
        out.flush();
      }
    } catch (IOException e) {
      if (!socket.isClosed()) {
        clientClosed(); // a reset, or a write to a connection the client closed
      }
    } finally {
      open.remove(s);
    }
  }

  /** Reads one request, or null at the end of the stream. */
  static Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.write(c);
      matched = c == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    text = text.substring(0, text.length() - 4);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return new Request(text, in.readNBytes(length));
  }

  /** A whole {@code 200} with the receipt resource for {@code request}'s path. */
  static void ok(Request request, OutputStream out) throws IOException {
    String path = request.path();
    String name = path.substring(path.indexOf("/v1/") + 4);
    byte[] body = ("{\"name\":\"" + name + "\",\"receiptType\":\"READ\"}").getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /**
   * Headers for a body of {@code 1000} bytes, then 10 of them, then nothing: blocks until the
   * client closes the connection (or this server is closed).
   */
  static void stall(OutputStream out, InputStream in) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        + "{\"name\":\"c").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    while (in.read() >= 0) {
      // the client sends nothing more; a byte would not end the stall
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : open) {
      s.close();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
