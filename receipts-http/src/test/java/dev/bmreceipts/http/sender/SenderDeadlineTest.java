// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every send ends, against servers that never finish their answer: a body that stalls after its
 * headers, a body that never ends, one that is far too long. Real loopback sockets throughout.
 */
class SenderDeadlineTest {
  private static final String TOKEN = "tok-deadline-1";
  private static final long MiB = 1024 * 1024;

  private final List<AutoCloseable> closeLast = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLast.size() - 1; i >= 0; i--) {
      closeLast.get(i).close();
    }
  }

  private RawServer server(RawServer.Handler handler) throws IOException {
    RawServer s = new RawServer(handler);
    closeLast.add(s);
    return s;
  }

  private ReceiptSender sender(ReceiptSender.Builder b) {
    ReceiptSender s = b.build();
    closeLast.add(s::close);
    return s;
  }

  private static ReceiptSender.Builder builder(RawServer server) {
    return ReceiptSender.builder().apiRoot(server.root()).tokens(AccessTokenProvider.fixed(TOKEN))
        .retryPolicy(RetryPolicy.NONE);
  }

  private static ReceiptSendException failure(CompletableFuture<SendResult> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
    return assertInstanceOf(ReceiptSendException.class, e.getCause());
  }

  @Test
  void aBodyThatStallsAfterItsHeadersFailsAtTheRequestTimeoutAndItsConnectionIsClosed() throws Exception {
    RawServer server = server((request, out, in) -> RawServer.stall(out, in));
    ReceiptSender sender = sender(builder(server).requestTimeout(Duration.ofMillis(300)));

    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertInstanceOf(HttpTimeoutException.class, e.getCause());
    assertEquals("HttpTimeoutException: no whole response within the request timeout of 300 ms"
        + " (gave up after 1 attempt)", e.getMessage());
    assertEquals(server.root() + "v1/conversations/c/messages/m/receipt", e.uri().orElseThrow().toString());
    assertTrue(server.awaitClientCloses(1, 20), "the stalled exchange's connection is closed");
  }

  @Test
  void aStalledAttemptIsRetriedAndTheRetryCanSucceed() throws Exception {
    AtomicInteger n = new AtomicInteger();
    RawServer server = server((request, out, in) -> {
      if (n.incrementAndGet() == 1) {
        RawServer.stall(out, in);
      } else {
        RawServer.ok(request, out);
      }
    });
    RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ofMinutes(1));
    ReceiptSender sender = sender(builder(server).retryPolicy(retry).requestTimeout(Duration.ofSeconds(1)));
    SendResult r = sender.sendRead(MessageName.of("c", "m")).get(20, TimeUnit.SECONDS);
    assertTrue(r.attempts() >= 2, "attempts: " + r.attempts());
    assertEquals("conversations/c/messages/m/receipt", r.receiptName());
  }

  @Test
  void aBodyFarOverTheCapIsCutThereAndTheReadStopsEarly() throws Exception {
    long total = 300 * MiB;
    CompletableFuture<Long> written = new CompletableFuture<>();
    RawServer server = server((request, out, in) -> {
      // chunked, so that only counting can tell it is too long
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = chunk(64 * 1024);
      long sent = 0;
      try {
        while (sent < total) {
          out.write(chunk);
          sent += 64 * 1024;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } finally {
        written.complete(sent);
      }
      in.read();
    });
    ReceiptSender sender = sender(builder(server));

    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertInstanceOf(IOException.class, e.getCause());
    assertEquals("response body over the 65536-byte limit (maxResponseBytes); read stopped there",
        e.getCause().getMessage());
    long sent = written.get(20, TimeUnit.SECONDS);
    // what the socket buffers held when the client closed; far from the 300 MiB offered
    assertTrue(sent < 32 * MiB, "the server wrote " + sent + " bytes before the client closed");
  }

  @Test
  void aContentLengthOverTheCapFailsBeforeTheBodyIsRead() throws Exception {
    RawServer server = server((request, out, in) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + 300 * MiB
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1024]);
      out.flush();
      in.read();
    });
    ReceiptSender sender = sender(builder(server).maxResponseBytes(4096));
    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertEquals("IOException: response body over the 4096-byte limit (maxResponseBytes); read stopped"
        + " there (gave up after 1 attempt)", e.getMessage());
    assertTrue(server.awaitClientCloses(1, 20), "the connection is closed, not read on");
  }

  @Test
  void theSendTimeoutEndsTheWholeSendAndCancelsTheAttemptInFlight() throws Exception {
    RawServer server = server((request, out, in) -> RawServer.stall(out, in));
    RetryPolicy many = new RetryPolicy(100, Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ofMinutes(5));
    ReceiptSender sender = sender(builder(server).retryPolicy(many)
        .requestTimeout(Duration.ofMinutes(5)).sendTimeout(Duration.ofMillis(400)));

    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertEquals("HttpTimeoutException: no READ receipt sent within the send timeout of 400 ms"
        + " (gave up after 1 attempt)", e.getMessage());
    assertTrue(server.awaitClientCloses(1, 20), "the attempt in flight is cancelled");
  }

  @Test
  void theSendTimeoutCountsRetries() throws Exception {
    RawServer server = server((request, out, in) -> {
      out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
    // without the send's deadline, this policy would retry for 5 minutes
    RetryPolicy many = new RetryPolicy(1_000_000, Duration.ofMillis(20), 1, Duration.ofMillis(20), Duration.ofMinutes(5));
    ReceiptSender sender = sender(builder(server).retryPolicy(many).jitter(() -> 0.5)
        .sendTimeout(Duration.ofMillis(500)));
    ReceiptSendException e = failure(sender.sendRead(MessageName.of("c", "m")));
    assertInstanceOf(ReceiptSendException.GaveUp.class, e);
    assertTrue(e.getMessage().matches("(HttpTimeoutException: no READ receipt sent within the send timeout of"
        + " 500 ms|503) \\(gave up after \\d+ attempts?\\)"), e.getMessage());
  }

  @Test
  void stalledAttemptsFreeTheirSlotsForLaterSends() throws Exception {
    int slots = 4;
    RawServer server = server((request, out, in) -> {
      if (request.path().contains("/messages/stalled")) {
        RawServer.stall(out, in);
      } else {
        RawServer.ok(request, out);
      }
    });
    // retries, so that a slow machine's late answer to "later" is not a failure
    RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ofMinutes(1));
    ReceiptSender sender = sender(builder(server).maxInFlight(slots).retryPolicy(retry)
        .requestTimeout(Duration.ofMillis(300)));
    List<CompletableFuture<SendResult>> stalled = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      stalled.add(sender.sendRead(MessageName.of("c", "stalled" + i)));
    }
    // queued behind the stalled ones: sent only once one of them has given its slot back
    CompletableFuture<SendResult> later = sender.sendRead(MessageName.of("c", "later"));

    assertEquals("conversations/c/messages/later/receipt", later.get(20, TimeUnit.SECONDS).receiptName());
    for (CompletableFuture<SendResult> f : stalled) {
      assertInstanceOf(HttpTimeoutException.class, failure(f).getCause());
    }
    assertTrue(server.awaitClientCloses(3 * slots, 20), "every stalled attempt's connection is closed");
  }

  @Test
  void anInterruptedWaitThrowsUncheckedAndKeepsTheInterruptFlag() throws Exception {
    RawServer server = server((request, out, in) -> RawServer.stall(out, in));
    ReceiptSender sender = sender(builder(server).requestTimeout(Duration.ofMillis(500)));
    Thread.currentThread().interrupt();
    ReceiptSendException.Interrupted e = assertThrows(ReceiptSendException.Interrupted.class,
        () -> sender.sendReadAndWait(MessageName.of("c", "m")));
    assertTrue(Thread.interrupted(), "the interrupt flag is set again (and cleared here)");
    assertInstanceOf(InterruptedException.class, e.getCause());
    assertEquals("interrupted while waiting for the READ receipt of conversations/c/messages/m;"
        + " the send goes on", e.getMessage());
    assertFalse(e.uri().isPresent());
  }

  private static byte[] chunk(int size) {
    String hex = Integer.toHexString(size);
    byte[] head = (hex + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[head.length + size + 2];
    System.arraycopy(head, 0, b, 0, head.length);
    java.util.Arrays.fill(b, head.length, head.length + size, (byte) ' ');
    b[b.length - 2] = '\r';
    b[b.length - 1] = '\n';
    return b;
  }
}
