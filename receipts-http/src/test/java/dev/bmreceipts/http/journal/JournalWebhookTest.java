// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal behind a real webhook on 127.0.0.1, called by a real client: a full disk, a hung
 * volume, a body that is not valid Unicode, and a restart.
 */
class JournalWebhookTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final String PAYLOAD = "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"C\","
      + "\"requestId\":\"R1\",\"sendTime\":\"2024-07-02T00:00:00Z\",\"receipts\":{\"receipts\":["
      + "{\"message\":\"conversations/C/messages/M1\",\"receiptType\":\"DELIVERED\"},"
      + "{\"message\":\"conversations/C/messages/M2\",\"receiptType\":\"READ\"}],"
      + "\"createTime\":\"2024-07-02T00:00:01Z\"}}";
  /** A day after the payload's sendTime: Google may still redeliver it. */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-07-03T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private static WebhookServer start(Webhook webhook) {
    try {
      return webhook.start("127.0.0.1", 0, "/callback");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(WebhookServer server,
      String body) {
    return CLIENT.sendAsync(HttpRequest.newBuilder(server.uri())
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(WebhookServer server, String body) throws Exception {
    return postAsync(server, body).get(30, TimeUnit.SECONDS);
  }

  private Journal.Writer faulty(Path file, AtomicReference<FaultyChannel> channel) {
    return Journal.builder(file).stallTimeout(Duration.ofMillis(200)).channels(c -> {
      FaultyChannel f = new FaultyChannel(c);
      channel.set(f);
      return f;
    }).open();
  }

  @Test
  void aFullDiskGives500AndGooglesRedeliveryIsJournaledWhole() throws Exception {
    Path file = dir.resolve("full.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    List<ReceiptEvent> after = new CopyOnWriteArrayList<>();
    try (Journal.Writer journal = faulty(file, ch);
        WebhookServer server = start(Webhook.builder().receiptListener(journal)
            .receiptListener(after::add).build())) {
      ch.get().failWriteAfter = 100;
      HttpResponse<String> failed = post(server, PAYLOAD);
      assertEquals(500, failed.statusCode());
      assertEquals("listener failed; retry later", failed.body());
      assertEquals(0, Files.size(file));
      assertEquals(List.of(), after, "a listener after the journal saw a receipt answered 500");
      assertEquals(200, post(server, PAYLOAD).statusCode());
      assertEquals(200, post(server, PAYLOAD).statusCode());
    }
    assertEquals(new Journal.Result(2, 2, 0, 0, 0, ""), Journal.replay(file, e -> { }));
  }

  /**
   * Two handler threads; one is stuck in a journal write that never returns. The other request
   * waits the stall timeout and gets 500, the next fails at once, and /healthz, which never
   * touches the journal, still answers. With a plain lock both threads would hang, and with them
   * /healthz.
   */
  @Test
  void healthzAnswersWhileAJournalWriteHangs() throws Exception {
    Path file = dir.resolve("hung.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    CountDownLatch gate = new CountDownLatch(1);
    try (Journal.Writer journal = faulty(file, ch);
        WebhookServer server = start(Webhook.builder().threads(2).receiptListener(journal)
            .build())) {
      server.serve("/healthz", exchange -> {
        try (exchange) {
          byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
        }
      });
      FaultyChannel f = ch.get();
      f.writeGate = gate;
      f.writeEntered = new CountDownLatch(1);
      CompletableFuture<HttpResponse<String>> hung = postAsync(server, PAYLOAD);
      assertTrue(f.writeEntered.await(20, TimeUnit.SECONDS));
      CompletableFuture<HttpResponse<String>> second =
          postAsync(server, PAYLOAD.replace("M1", "M3").replace("M2", "M4").replace("R1", "R2"));
      CompletableFuture<HttpResponse<String>> third =
          postAsync(server, PAYLOAD.replace("M1", "M5").replace("M2", "M6").replace("R1", "R3"));
      HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(
              URI.create(server.uri().resolve("/healthz").toString()))
          .timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertEquals(500, second.get(20, TimeUnit.SECONDS).statusCode());
      assertEquals(500, third.get(20, TimeUnit.SECONDS).statusCode());
      assertTrue(!hung.isDone(), "the hung write answered");
      gate.countDown();
      assertEquals(200, hung.get(20, TimeUnit.SECONDS).statusCode());
    } finally {
      gate.countDown();
    }
  }

  @Test
  void aLoneSurrogateIsA400WithItsPathAndNothingIsJournaled() throws Exception {
    Path file = dir.resolve("surrogate.jsonl");
    List<ReceiptEvent> seen = new CopyOnWriteArrayList<>();
    try (Journal.Writer journal = Journal.open(file);
        WebhookServer server = start(Webhook.builder().receiptListener(journal)
            .receiptListener(seen::add).build())) {
      for (String id : List.of("s\\ud800", "s\\udc00")) {
        HttpResponse<String> r = post(server, PAYLOAD.replace("M2", id));
        assertEquals(400, r.statusCode());
        assertEquals("receipts.receipts[1].message: string must not contain an unpaired surrogate"
            + " (not valid Unicode)", r.body());
      }
      // the same id as a pair is an ordinary id
      assertEquals(200, post(server, PAYLOAD.replace("M2", "s\\ud83d\\udc4b")).statusCode());
    }
    assertEquals(2, seen.size());
    assertEquals("s\ud83d\udc4b", seen.get(1).message().messageId());
    assertEquals(new Journal.Result(2, 2, 0, 0, 0, ""), Journal.replay(file, e -> { }));
  }

  /**
   * Accepted and journaled, then the process restarts: the new webhook's dedupe is seeded from
   * the journal, so Google's redelivery is answered 200 and reaches no listener, and no line.
   */
  @Test
  void aRestartSeededFromTheJournalAnswersRedeliveries200AndCallsNoListener() throws Exception {
    Path file = dir.resolve("restart.jsonl");
    List<ReceiptEvent> before = new CopyOnWriteArrayList<>();
    try (Journal.Writer journal = Journal.open(file);
        WebhookServer server = start(Webhook.builder().clock(CLOCK).receiptListener(journal)
            .receiptListener(before::add).build())) {
      assertEquals(200, post(server, PAYLOAD).statusCode());
    }
    assertEquals(2, before.size());
    String journaled = Files.readString(file);

    List<ReceiptEvent> after = new CopyOnWriteArrayList<>();
    Deduplicator seeded = Deduplicator.inMemory(Deduplicator.DEFAULT_MAX_ENTRIES,
        Deduplicator.DEFAULT_MAX_AGE, CLOCK, Journal.recentKeys(file,
            Deduplicator.DEFAULT_MAX_ENTRIES, Deduplicator.DEFAULT_MAX_AGE, CLOCK));
    try (Journal.Writer journal = Journal.open(file);
        WebhookServer server = start(Webhook.builder().deduplicator(seeded)
            .receiptListener(journal).receiptListener(after::add).build())) {
      // the same request, and the same receipts in another request
      assertEquals(200, post(server, PAYLOAD).statusCode());
      assertEquals(200, post(server, PAYLOAD.replace("\"R1\"", "\"R9\"")).statusCode());
      assertEquals(List.of(), after);
      assertEquals(journaled, Files.readString(file));
      // a receipt it has not seen still goes through
      assertEquals(200, post(server, PAYLOAD.replace("\"R1\"", "\"R10\"")
          .replace("M2", "M5")).statusCode());
    }
    assertEquals(List.of("M5"), after.stream().map(e -> e.message().messageId()).toList());
  }
}
