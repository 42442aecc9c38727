// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static dev.bmreceipts.http.WebhookFixture.KEY;
import static dev.bmreceipts.http.WebhookFixture.post;
import static dev.bmreceipts.http.WebhookFixture.receipt;
import static dev.bmreceipts.http.WebhookFixture.receipts;
import static dev.bmreceipts.http.WebhookFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.testsupport.SlowClients;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Slow clients, unknown paths and the backlog, against a real server on loopback. */
class SlowClientTest {
  private static final Duration TRICKLE = Duration.ofMillis(200);

  @TempDir Path dir;

  private static WebhookServer start(Webhook webhook, Duration readTimeout) throws IOException {
    return WebhookServer.builder(webhook).host("127.0.0.1").port(0).threads(4)
        .readTimeout(readTimeout).start();
  }

  private static InetSocketAddress address(WebhookServer server) {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @Test
  void aThousandSlowClientsLeaveASignedRequestAndHealthzAnsweredWithinASecond() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    Duration readTimeout = WebhookServer.DEFAULT_READ_TIMEOUT;
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(seen)
        .build(), readTimeout)) {
      server.serve("/healthz", exchange -> {
        try (exchange) {
          exchange.sendResponseHeaders(200, -1);
        }
      });
      // the client's first request sets it up (TLS context, threads): not the server's time
      assertEquals(200, post(server, receipts("R0", receipt("M0", "READ"))).statusCode());
      int before = threads.getThreadCount();
      threads.resetPeakThreadCount();
      try (SlowClients slow = SlowClients.open(address(server), "/callback", 250, TRICKLE)) {
        long start = System.nanoTime();
        HttpResponse<String> ok = post(server, receipts("R1", receipt("M1", "READ")));
        long signedNanos = System.nanoTime() - start;
        start = System.nanoTime();
        HttpResponse<String> health = send(server,
            HttpRequest.newBuilder(server.uri().resolve("/healthz")).GET());
        long healthNanos = System.nanoTime() - start;
        long firstOpened = slow.connections().get(0).openedNanos();

        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(List.of("M0|READ", "M1|READ"), seen.list());
        assertTrue(signedNanos < TimeUnit.SECONDS.toNanos(1),
            "signed request took " + millis(signedNanos) + " ms");
        assertEquals(200, health.statusCode());
        assertTrue(healthNanos < TimeUnit.SECONDS.toNanos(1),
            "healthz took " + millis(healthNanos) + " ms");
        assertTrue(System.nanoTime() - firstOpened < readTimeout.toNanos(),
            "the slow connections were not all open at once: opening them took too long");

        // every slow connection is closed once the read timeout has passed, none before it
        long last = slow.connections().get(slow.connections().size() - 1).openedNanos();
        long[] closedAfter = slow.awaitClosed(
            last + readTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5));
        for (int i = 0; i < closedAfter.length; i++) {
          SlowClients.Kind kind = slow.connections().get(i).kind();
          assertTrue(closedAfter[i] >= 0, kind + " connection " + i + " still open");
          assertTrue(closedAfter[i] >= readTimeout.toNanos() - TimeUnit.MILLISECONDS.toNanos(50),
              kind + " connection " + i + " closed early, after " + millis(closedAfter[i]) + " ms");
        }
      }
      // each connection held a thread, and no more than that
      int peak = threads.getPeakThreadCount() - before;
      assertTrue(peak >= 1_000 && peak <= 1_000 + 64, "peak extra threads " + peak);
      // no thread is still reading once the connections are closed
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (server.reading() > 0 && System.nanoTime() < deadline) {
        Thread.yield();
      }
      assertEquals(0, server.reading());
      assertEquals(List.of("M0|READ", "M1|READ"), seen.list());
    }
  }

  @ParameterizedTest
  @EnumSource(SlowClients.Kind.class)
  void closesAConnectionWhoseRequestIsNotWholeByTheReadTimeout(SlowClients.Kind kind)
      throws Exception {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    Duration readTimeout = Duration.ofMillis(500);
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(seen)
        .build(), readTimeout);
        SlowClients slow = SlowClients.open(address(server), "/callback", 1, TRICKLE)) {
      long[] closedAfter = slow.awaitClosed(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
      for (int i = 0; i < closedAfter.length; i++) {
        if (slow.connections().get(i).kind() == kind) {
          long after = closedAfter[i];
          assertTrue(after >= 0, kind + " still open after 5 s");
          assertTrue(after >= readTimeout.toNanos() - TimeUnit.MILLISECONDS.toNanos(50)
              && after < readTimeout.toNanos() + TimeUnit.SECONDS.toNanos(3),
              kind + " closed after " + millis(after) + " ms");
        }
      }
      assertEquals(List.of(), seen.list());
      // the server still works
      assertEquals(200, post(server, receipts(null, receipt("M1", "READ"))).statusCode());
    }
  }

  @Test
  void listenersMayRunLongerThanTheReadTimeoutAndAreNeverInterrupted() throws Exception {
    Path file = dir.resolve("listener.log");
    CountDownLatch never = new CountDownLatch(1);
    List<Boolean> interrupted = new ArrayList<>();
    ReceiptListener slowListener = e -> {
      try {
        // a listener slower than the read timeout
        interrupted.add(never.await(300, TimeUnit.MILLISECONDS));
        // an interrupt would close this channel
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
          ch.write(ByteBuffer.wrap((e.message() + "\n").getBytes(StandardCharsets.UTF_8)));
          ch.force(false);
        }
      } catch (InterruptedException | IOException ex) {
        throw new IllegalStateException(ex);
      }
    };
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .receiptListener(slowListener).build(), Duration.ofMillis(50))) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = post(server, receipts(null, receipt("M" + i, "READ")));
        assertEquals(200, r.statusCode(), r.body());
      }
      assertEquals(List.of(false, false, false), interrupted);
    }
  }

  @Test
  void answers404ForEveryPathButTheWebhooksOwnWithoutReadingTheBody() throws Exception {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(seen)
        .build(), Duration.ofSeconds(10))) {
      for (String path : List.of("/callbackXYZ", "/callback/", "/callback/x", "/", "/other")) {
        byte[] body = receipts(null, receipt("M1", "READ")).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = send(server, HttpRequest.newBuilder(server.uri().resolve(path))
            .header("Content-Type", "application/json")
            .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertEquals(404, r.statusCode(), path);
      }
      assertEquals(List.of(), seen.list());
      // a body that never comes is not waited for
      try (Socket s = new Socket()) {
        s.connect(address(server), 5_000);
        s.setSoTimeout(5_000);
        s.getOutputStream().write(("POST /callbackXYZ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String status = statusLine(s.getInputStream());
        assertEquals("HTTP/1.1 404 Not Found", status);
      }
      assertEquals(200, post(server, receipts(null, receipt("M1", "READ"))).statusCode());
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\r') {
      b.append((char) c);
    }
    return b.toString();
  }

  @Test
  void aBurstOf2000ConnectionsIsAcceptedWithoutARetransmittedSyn() throws Exception {
    // with the JDK's backlog of 50, the kernel drops SYNs while the queue is full: the client
    // sends them again after its first retransmission timeout, 1 s
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).build(),
        Duration.ofSeconds(10));
        Selector selector = Selector.open()) {
      List<SocketChannel> channels = new ArrayList<>();
      try {
        Map<SocketChannel, Long> started = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
          SocketChannel c = SocketChannel.open();
          channels.add(c);
          c.configureBlocking(false);
          started.put(c, System.nanoTime());
          c.connect(address(server));
        }
        // a handshake on loopback completes at once unless its SYN was dropped: those that have
        // not completed by now are timed (the loop itself may take a while on a loaded host)
        for (SocketChannel c : channels) {
          if (!c.finishConnect()) {
            c.register(selector, SelectionKey.OP_CONNECT);
          }
        }
        int retried = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
          selector.select(100);
          for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel c = (SocketChannel) key.channel();
            assertTrue(c.finishConnect());
            key.cancel();
            if (System.nanoTime() - started.get(c) >= TimeUnit.SECONDS.toNanos(1)) {
              retried++;
            }
          }
          selector.selectedKeys().clear();
          selector.selectNow();
        }
        assertEquals(0, selector.keys().size(), "connections still pending after 30 s");
        assertEquals(0, retried, "connections that took a SYN retransmission");
      } finally {
        for (SocketChannel c : channels) {
          c.close();
        }
      }
    }
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    Webhook webhook = Webhook.builder().build();
    WebhookServer.Builder b = WebhookServer.builder(webhook);
    assertEquals("read timeout must be from 1 ms to 1 hour, was PT0S",
        assertThrows(IllegalArgumentException.class, () -> b.readTimeout(Duration.ZERO))
            .getMessage());
    assertEquals("read timeout must be from 1 ms to 1 hour, was PT1H0.001S",
        assertThrows(IllegalArgumentException.class,
            () -> b.readTimeout(Duration.ofMillis(3_600_001))).getMessage());
    assertEquals("read timeout cannot be null, use DEFAULT_READ_TIMEOUT",
        assertThrows(NullPointerException.class, () -> b.readTimeout(null)).getMessage());
    assertEquals("backlog must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> b.backlog(0)).getMessage());
    assertEquals("maxThreads must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> b.maxThreads(0)).getMessage());
    assertEquals("threads must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> b.threads(0)).getMessage());
    assertEquals("maxThreads must be at least threads (8), was 4",
        assertThrows(IllegalArgumentException.class,
            () -> b.port(0).threads(8).maxThreads(4).start()).getMessage());
    assertEquals("port must be in 0..65535, was 65536",
        assertThrows(IllegalArgumentException.class, () -> b.port(65_536)).getMessage());
    assertEquals("path must start with '/', was callback",
        assertThrows(IllegalArgumentException.class, () -> b.path("callback")).getMessage());
  }
}
