// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

import static dev.bmreceipts.http.metrics.Events.at;
import static dev.bmreceipts.http.metrics.Events.delivered;
import static dev.bmreceipts.http.metrics.Events.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.http.metrics.MetricsReportTest;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmKeys;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.http.ReceiptEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static Journal.Result replay(String text, List<ReceiptEvent> into) {
    return Journal.replay(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        into::add);
  }

  @Test
  void lineHasTheDesignShapeWithRawTextsEscaped() {
    ReceiptEvent e = new ReceiptEvent(
        new Receipt(MessageName.of("c\"1", "m\\1"), ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "NEW"),
        "brands/b/agents/a", "c\"1", "x\ty\u0001", Optional.of("req-1"),
        Timestamp.parse("SEND_TIME"), Timestamp.parse("2024-07-01T10:00:00.123456789Z"));
    assertEquals("{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c\\\"1\","
        + "\"customAgentId\":\"x\\ty\\u0001\",\"messageId\":\"m\\\\1\","
        + "\"message\":\"conversations/c\\\"1/messages/m\\\\1\",\"receiptType\":\"NEW\","
        + "\"createTime\":\"2024-07-01T10:00:00.123456789Z\",\"sendTime\":\"SEND_TIME\","
        + "\"requestId\":\"req-1\"}",
        Journal.line(e));
    List<ReceiptEvent> back = new ArrayList<>();
    replay(Journal.line(e) + "\n", back);
    assertEquals(List.of(e), back);
  }

  @Test
  void aLineWithoutRequestIdHasNoSuchMemberAndOldLinesReplay() {
    ReceiptEvent e = delivered("c", "m", at(0));
    String line = Journal.line(e);
    assertTrue(line.endsWith("\"sendTime\":\"2024-07-01T09:59:59Z\"}"), line);
    List<ReceiptEvent> back = new ArrayList<>();
    // a line as versions before requestId wrote it
    replay(line + "\n", back);
    assertEquals(List.of(e), back);
  }

  @Test
  void badAndBlankLinesAreSkippedAndCounted() {
    String good = Journal.line(delivered("c", "m", at(0)));
    String text = good + "\n\n[1,2]\n{\"message\":\"nope\"}\n{\"agent\":5,\"message\":"
        + "\"conversations/c/messages/m\"}\n" + good.replace("DELIVERED", "READ");
    List<ReceiptEvent> seen = new ArrayList<>();
    Journal.Result r = replay(text, seen);
    assertEquals(new Journal.Result(6, 2, 1, 3, 3, "not a JSON object"), r);
    assertEquals(4, r.skipped());
    assertEquals(ReceiptType.READ, seen.get(1).type()); // a last line without newline counts
  }

  @Test
  void aMessageNameFromIdsWhenMessageIsAbsent() {
    List<ReceiptEvent> seen = new ArrayList<>();
    replay("{\"conversationId\":\"c\",\"messageId\":\"m\",\"receiptType\":\"READ\"}\n", seen);
    assertEquals(MessageName.of("c", "m"), seen.get(0).message());
    assertEquals(Timestamp.ABSENT, seen.get(0).createTime());
  }

  @Test
  void aFailingListenerStopsTheReplayNamingTheLine() {
    String text = "\n" + Journal.line(delivered("c", "m", at(0))) + "\n";
    JournalException e = assertThrows(JournalException.class, () -> Journal.replay(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        ev -> {
          throw new IllegalStateException("full");
        }));
    assertEquals("the listener failed on journal line 2", e.getMessage());
    assertEquals("full", e.getCause().getMessage());
  }

  @Test
  void missingFileIsAJournalException() {
    Path missing = dir.resolve("missing.jsonl");
    JournalException e = assertThrows(JournalException.class,
        () -> Journal.replay(missing, ev -> { }));
    assertTrue(e.getMessage().startsWith("cannot read the journal " + missing), e.getMessage());
  }

  @Test
  void writerRoundTripGivesTheSameSnapshot() throws Exception {
    Path file = dir.resolve("j.jsonl");
    ReceiptMetrics direct = ReceiptMetrics.builder().timeFromReceipts(true).build();
    try (Journal.Writer w = Journal.open(file)) {
      Journal.replay(MetricsReportTest.FIXTURE, ev -> {
        direct.onReceipt(ev);
        w.onReceipt(ev);
      });
      w.flush();
    }
    ReceiptMetrics replayed = ReceiptMetrics.builder().timeFromReceipts(true).build();
    Journal.Result r = Journal.replay(file, replayed);
    assertEquals(new Journal.Result(20, 20, 0, 0, 0, ""), r);
    assertEquals(direct.snapshot(), replayed.snapshot());
    // appending again keeps what was there
    try (Journal.Writer w = Journal.open(file)) {
      w.onReceipt(read("c", "m", at(1)));
    }
    assertEquals(21, Files.readAllLines(file).size());
  }

  @Test
  void linesAreInTheFileWhenOnReceiptReturnsWithoutFlush() throws Exception {
    Path file = dir.resolve("nobuffer.jsonl");
    try (Journal.Writer w = Journal.open(file)) {
      w.onReceipt(delivered("c", "m", at(0)));
      // read through another handle before flush() or close()
      assertEquals(List.of(Journal.line(delivered("c", "m", at(0)))), Files.readAllLines(file));
    }
  }

  @Test
  void aPayloadsReceiptsAreOneLineEachFromOneCall() throws Exception {
    Path file = dir.resolve("batch.jsonl");
    List<ReceiptEvent> payload = List.of(delivered("c", "m1", at(0)), read("c", "m2", at(1)),
        delivered("c", "m3", at(2)));
    try (Journal.Writer w = Journal.open(file)) {
      w.onReceipts(payload);
      w.onReceipt(read("c", "m1", at(3)));
      List<String> expected = new ArrayList<>();
      for (ReceiptEvent e : payload) {
        expected.add(Journal.line(e));
      }
      expected.add(Journal.line(read("c", "m1", at(3))));
      // in the file as soon as the call returns, before flush() or close()
      assertEquals(expected, Files.readAllLines(file));
    }
  }

  @Test
  void closedWriterRefusesReceipts() {
    Journal.Writer w = Journal.open(dir.resolve("closed.jsonl"));
    w.close();
    w.close(); // idempotent
    JournalException e = assertThrows(JournalException.class,
        () -> w.onReceipt(delivered("c", "m", at(0))));
    assertTrue(e.getMessage().startsWith("cannot append to the journal "), e.getMessage());
  }

  @Test
  void concurrentWritersProduceWholeLines() throws Exception {
    Path file = dir.resolve("concurrent.jsonl");
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Journal.Writer w = Journal.open(file)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            // long ids so that lines are far bigger than any atomic-write accident
            w.onReceipt(delivered("conv-" + thread + "-" + "x".repeat(200), "m" + i, at(i)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Set<String> distinct = new HashSet<>(Files.readAllLines(file));
    assertEquals(threads * perThread, distinct.size());
    ReceiptMetrics m = ReceiptMetrics.builder().timeFromReceipts(true).build();
    Journal.Result r = Journal.replay(file, m);
    assertEquals(new Journal.Result(threads * perThread, threads * perThread, 0, 0, 0, ""), r);
    assertEquals(threads * perThread, m.snapshot().messagesDelivered());
  }

  @Test
  void recentKeysAreTheDedupeKeysOfRecentLinesOldestFirst() throws Exception {
    Path file = dir.resolve("keys.jsonl");
    java.time.Instant now = java.time.Instant.parse("2024-07-08T00:00:00Z");
    java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
    ReceiptEvent old = withRequest(delivered("c", "old", at(0)), "R0", "2024-06-30T00:00:00Z");
    ReceiptEvent a = withRequest(delivered("c", "a", at(0)), "R1", "2024-07-02T00:00:00Z");
    ReceiptEvent b = withRequest(read("c", "a", at(0)), "R1", "2024-07-02T00:00:00Z");
    ReceiptEvent placeholder = withRequest(read("c", "p", at(0)), null, "SEND_TIME");
    try (Journal.Writer w = Journal.open(file)) {
      w.onReceipt(old);
      w.onReceipts(List.of(a, b));
    }
    // a line as versions before requestId wrote it, and a bad one
    Files.writeString(file, Journal.line(placeholder) + "\nnot json\n",
        java.nio.file.StandardOpenOption.APPEND);
    java.time.Instant sent = java.time.Instant.parse("2024-07-02T00:00:00Z");
    assertEquals(List.of(
            new dev.bmreceipts.http.Deduplicator.Delivered(
                "receipt 9 DELIVERED conversations/c/messages/a", sent),
            // seen again on the next line of the same request: moved to the end as the newest
            new dev.bmreceipts.http.Deduplicator.Delivered("request R1", sent),
            new dev.bmreceipts.http.Deduplicator.Delivered(
                "receipt 4 READ conversations/c/messages/a", sent),
            new dev.bmreceipts.http.Deduplicator.Delivered(
                "receipt 4 READ conversations/c/messages/p", now)),
        Journal.recentKeys(file, 100, java.time.Duration.ofDays(7), clock));
    // the last two distinct keys
    assertEquals(List.of("receipt 4 READ conversations/c/messages/a",
            "receipt 4 READ conversations/c/messages/p"),
        Journal.recentKeys(file, 2, java.time.Duration.ofDays(7), clock).stream()
            .map(dev.bmreceipts.http.Deduplicator.Delivered::key).toList());
  }

  /** An RBM receipt as the RBM webhook maps it. */
  private static ReceiptEvent rbm(String phone, String messageId, String type, String eventId,
      String sendTime) {
    RbmEnvelope push = new RbmEnvelope(Map.of(), new byte[0], "p-" + eventId,
        Timestamp.parse(sendTime), "");
    return ReceiptEvent.of(push, new RbmUserEvent(PhoneNumber.of(phone),
        RbmEventType.fromWire(type), type, eventId, messageId,
        Timestamp.parse("2026-12-04T10:00:00Z"), "agent-1"));
  }

  @Test
  void anRbmLineIsTheSameMembersThenProtocolLastAndReplaysAsRbm() {
    ReceiptEvent e = rbm("+15551234567", "msg-1", "READ", "ev-1", "2026-12-04T10:00:01Z");
    assertEquals("{\"agent\":\"agent-1\",\"conversationId\":\"+15551234567\","
        + "\"customAgentId\":\"\",\"messageId\":\"msg-1\","
        + "\"message\":\"conversations/+15551234567/messages/msg-1\",\"receiptType\":\"READ\","
        + "\"createTime\":\"2026-12-04T10:00:00Z\",\"sendTime\":\"2026-12-04T10:00:01Z\","
        + "\"requestId\":\"ev-1\",\"protocol\":\"rbm\"}",
        Journal.line(e));
    // an RBM receipt made without a request id still says its protocol, last
    ReceiptEvent noId = new ReceiptEvent(e.receipt(), e.agent(), e.conversationId(), "",
        Optional.empty(), e.sendTime(), e.createTime(), Protocol.RBM);
    assertTrue(Journal.line(noId).endsWith(
        "\"sendTime\":\"2026-12-04T10:00:01Z\",\"protocol\":\"rbm\"}"), Journal.line(noId));
    List<ReceiptEvent> back = new ArrayList<>();
    ReceiptEvent bm = withRequest(delivered("c", "m", at(0)), "R1", "2024-07-01T10:00:00Z");
    Journal.Result r = replay(Journal.line(bm) + "\n" + Journal.line(e) + "\n"
        + Journal.line(noId) + "\n", back);
    assertEquals(new Journal.Result(3, 3, 0, 0, 0, ""), r);
    assertEquals(List.of(bm, e, noId), back);
    assertEquals(Protocol.BUSINESS_MESSAGES, back.get(0).protocol());
    assertEquals(Protocol.RBM, back.get(1).protocol());
  }

  @Test
  void aBusinessMessagesLineHasNoProtocolMemberAndAnExplicitBmReplaysAsOne() {
    ReceiptEvent e = withRequest(read("c", "m", at(0)), "R1", "2024-07-01T10:00:00Z");
    String line = Journal.line(e);
    assertFalse(line.contains("protocol"), line);
    List<ReceiptEvent> back = new ArrayList<>();
    String explicit = line.substring(0, line.length() - 1) + ",\"protocol\":\"bm\"}";
    String empty = line.substring(0, line.length() - 1) + ",\"protocol\":\"\"}";
    String nul = line.substring(0, line.length() - 1) + ",\"protocol\":null}";
    assertEquals(new Journal.Result(3, 3, 0, 0, 0, ""),
        replay(explicit + "\n" + empty + "\n" + nul + "\n", back));
    assertEquals(List.of(e, e, e), back);
  }

  @Test
  void anUnknownProtocolIsABadLineSkippedAndCounted() {
    String good = Journal.line(rbm("+15551234567", "msg-1", "DELIVERED", "ev-1",
        "2026-12-04T10:00:01Z"));
    String sms = good.replace("\"protocol\":\"rbm\"", "\"protocol\":\"sms\"");
    String upper = good.replace("\"protocol\":\"rbm\"", "\"protocol\":\"RBM\"");
    String number = good.replace("\"protocol\":\"rbm\"", "\"protocol\":2");
    List<ReceiptEvent> seen = new ArrayList<>();
    Journal.Result r = replay(sms + "\n" + good + "\n" + upper + "\n" + number + "\n", seen);
    assertEquals(new Journal.Result(4, 1, 0, 3, 1, "protocol is not bm or rbm"), r);
    assertEquals(Protocol.RBM, seen.get(0).protocol());
    List<ReceiptEvent> none = new ArrayList<>();
    assertEquals(new Journal.Result(1, 0, 0, 1, 1, "protocol is not a string"),
        replay(number + "\n", none));
  }

  @Test
  void recentKeysOfRbmLinesAreTheRbmWebhooksEventKeysBesideTheBusinessMessagesKeys()
      throws Exception {
    Path file = dir.resolve("mixed.jsonl");
    java.time.Instant now = java.time.Instant.parse("2026-12-08T00:00:00Z");
    java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
    ReceiptEvent bm = withRequest(delivered("c", "a", at(0)), "R1", "2026-12-04T09:00:00Z");
    ReceiptEvent delivered = rbm("+15551234567", "msg-1", "DELIVERED", "ev-1",
        "2026-12-04T10:00:01Z");
    ReceiptEvent readOne = rbm("+15551234567", "msg-1", "READ", "ev-2", "2026-12-04T10:00:02Z");
    // another user's event with the same id: a key of its own
    ReceiptEvent other = rbm("+447700900123", "msg-1", "READ", "ev-2", "2026-12-04T10:00:03Z");
    // too old: RBM retries for 7 days too
    ReceiptEvent old = rbm("+15551234567", "msg-0", "READ", "ev-0", "2026-11-30T00:00:00Z");
    ReceiptEvent noId = new ReceiptEvent(readOne.receipt(), "agent-1", "+15551234567", "",
        Optional.empty(), readOne.sendTime(), readOne.createTime(), Protocol.RBM);
    ReceiptEvent notAPhone = new ReceiptEvent(
        Receipt.of(MessageName.of("c", "m"), ReceiptType.READ), "agent-1", "c", "",
        Optional.of("ev-9"), readOne.sendTime(), readOne.createTime(), Protocol.RBM);
    try (Journal.Writer w = Journal.open(file)) {
      w.onReceipts(List.of(old, bm, delivered, readOne, other, noId, notAPhone));
      // the RBM webhook's redelivery of ev-1, journaled again: its key moves to the end
      w.onReceipt(delivered);
    }
    java.time.Instant at1 = java.time.Instant.parse("2026-12-04T10:00:01Z");
    assertEquals(List.of(
            new dev.bmreceipts.http.Deduplicator.Delivered("request R1",
                java.time.Instant.parse("2026-12-04T09:00:00Z")),
            new dev.bmreceipts.http.Deduplicator.Delivered(
                "receipt 9 DELIVERED conversations/c/messages/a",
                java.time.Instant.parse("2026-12-04T09:00:00Z")),
            new dev.bmreceipts.http.Deduplicator.Delivered("rbm-event 4 ev-2 +15551234567",
                java.time.Instant.parse("2026-12-04T10:00:02Z")),
            new dev.bmreceipts.http.Deduplicator.Delivered("rbm-event 4 ev-2 +447700900123",
                java.time.Instant.parse("2026-12-04T10:00:03Z")),
            new dev.bmreceipts.http.Deduplicator.Delivered("rbm-event 4 ev-1 +15551234567", at1)),
        Journal.recentKeys(file, 100, java.time.Duration.ofDays(7), clock));
    assertEquals(RbmKeys.eventKey("ev-1", PhoneNumber.of("+15551234567")),
        "rbm-event 4 ev-1 +15551234567");
  }

  private static ReceiptEvent withRequest(ReceiptEvent e, String requestId, String sendTime) {
    return new ReceiptEvent(e.receipt(), e.agent(), e.conversationId(), e.customAgentId(),
        Optional.ofNullable(requestId), Timestamp.parse(sendTime), e.createTime());
  }
}
