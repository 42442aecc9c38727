// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.http.MutableClock;

import static dev.bmreceipts.http.metrics.Events.T0;
import static dev.bmreceipts.http.metrics.Events.at;
import static dev.bmreceipts.http.metrics.Events.delivered;
import static dev.bmreceipts.http.metrics.Events.event;
import static dev.bmreceipts.http.metrics.Events.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.http.ReceiptEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReceiptMetricsTest {
  private final Clock fixed = Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);

  private ReceiptMetrics metrics() {
    return ReceiptMetrics.builder().clock(fixed).build();
  }

  /** The documented bound: the bucket width, at most 42% of the true value or 100 ms. */
  private static void assertWithinHistogramError(double expectedSeconds, double actualSeconds) {
    double allowed = Math.max(0.1, 0.42 * expectedSeconds);
    assertTrue(Math.abs(actualSeconds - expectedSeconds) <= allowed,
        "expected " + expectedSeconds + " s within " + allowed + ", got " + actualSeconds);
  }

  @Test
  void bucketBoundsAreTheDocumentedOnes() {
    List<Long> b = HistogramSnapshot.BOUNDS_MILLIS;
    assertEquals(47, b.size());
    assertEquals(List.of(100L, 141L, 200L, 283L, 400L, 566L, 800L), b.subList(0, 7));
    assertEquals(593_164_160L, b.get(45));
    assertEquals(604_800_000L, b.get(46));
    for (int i = 1; i < b.size(); i++) {
      double ratio = (double) b.get(i) / b.get(i - 1);
      assertTrue(ratio > 1 && ratio <= 1.42, "ratio at " + i + ": " + ratio);
    }
  }

  @Test
  void knownGapsGiveKnownPercentilesWithinTheDocumentedError() throws Exception {
    ReceiptMetrics m = metrics();
    // 100 messages read 1, 2, ..., 100 seconds after delivery
    for (int i = 1; i <= 100; i++) {
      m.onReceipt(delivered("c", "m" + i, at(i)));
      m.onReceipt(read("c", "m" + i, at(2 * i)));
    }
    HistogramSnapshot h = m.snapshot().deliveredToRead();
    assertEquals(100, h.count());
    assertEquals(5_050_000, h.sumMillis());
    assertEquals(1_000, h.minMillis());
    assertEquals(100_000, h.maxMillis());
    assertWithinHistogramError(50, h.p50());
    assertWithinHistogramError(90, h.p90());
    assertWithinHistogramError(99, h.p99());
    assertEquals(100.0, h.percentile(100), 0.0); // clamped to the largest value
    // the bucket (36.204 s, 51.2 s] holds 37..51: rank 50 is the 14th of 15
    assertEquals(36.204 + (51.2 - 36.204) * 13.5 / 15, h.p50(), 1e-9);
  }

  @Test
  void equalGapsGiveExactPercentiles() throws Exception {
    ReceiptMetrics m = metrics();
    for (int i = 0; i < 10; i++) {
      m.onReceipt(delivered("c", "m" + i, at(i)));
      m.onReceipt(read("c", "m" + i, at(i + 3)));
    }
    HistogramSnapshot h = m.snapshot().deliveredToRead();
    assertEquals(3.0, h.p50(), 0.0);
    assertEquals(3.0, h.p99(), 0.0);
    assertEquals(30.0, h.sumSeconds(), 0.0);
  }

  @Test
  void emptyHistogramHasNoPercentilesAndRejectsBadOnes() {
    HistogramSnapshot h = metrics().snapshot().deliveredToRead();
    assertTrue(Double.isNaN(h.p50()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> h.percentile(0));
    assertEquals("percentile must be in (0, 100], got 0.0", e.getMessage());
  }

  @Test
  void countsByTypeAgentAndDistinctMessages() throws Exception {
    ReceiptMetrics m = metrics();
    m.onReceipt(delivered("c1", "m1", at(0)));
    m.onReceipt(delivered("c1", "m2", at(1)));
    m.onReceipt(read("c1", "m1", at(5)));
    m.onReceipt(event("brands/b/agents/other", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "c1", "m3",
        at(6).toString()));
    m.onReceipt(event("", ReceiptType.DELIVERED, "c2", "m4", at(7).toString()));
    MetricsSnapshot s = m.snapshot();
    assertEquals(3, s.received(ReceiptType.DELIVERED));
    assertEquals(1, s.received(ReceiptType.READ));
    assertEquals(1, s.received(ReceiptType.RECEIPT_TYPE_UNSPECIFIED));
    assertEquals(5, s.receivedTotal());
    assertEquals(Map.of(Events.AGENT, 3L, "brands/b/agents/other", 1L, "(none)", 1L),
        s.receivedByAgent());
    assertEquals(3, s.messagesDelivered());
    assertEquals(1, s.messagesRead());
    assertEquals(1.0 / 3, s.readRate(), 1e-12);
    assertEquals(3, s.trackedMessages()); // UNSPECIFIED does not track its message
    assertEquals(List.of(new MetricsSnapshot.ConversationUnread("c1", 1),
        new MetricsSnapshot.ConversationUnread("c2", 1)), s.topUnread());
  }

  @Test
  void readBeforeDeliveredCountsAsOutOfOrderAndStillGivesTheLatency() throws Exception {
    ReceiptMetrics m = metrics();
    m.onReceipt(read("c", "m", at(20)));
    m.onReceipt(delivered("c", "m", at(5)));
    MetricsSnapshot s = m.snapshot();
    assertEquals(1, s.outOfOrder());
    assertEquals(1, s.messagesDelivered());
    assertEquals(1, s.messagesRead());
    assertEquals(1, s.deliveredToRead().count());
    assertEquals(15_000, s.deliveredToRead().sumMillis());
    assertEquals(List.of(), s.topUnread());
  }

  @Test
  void duplicatesCountAsReceivedButNotAsMessages() throws Exception {
    ReceiptMetrics m = metrics();
    m.onReceipt(delivered("c", "m", at(0)));
    m.onReceipt(delivered("c", "m", at(0)));
    m.onReceipt(read("c", "m", at(4)));
    m.onReceipt(read("c", "m", at(9)));
    MetricsSnapshot s = m.snapshot();
    assertEquals(2, s.duplicates());
    assertEquals(2, s.received(ReceiptType.DELIVERED));
    assertEquals(2, s.received(ReceiptType.READ));
    assertEquals(1, s.messagesDelivered());
    assertEquals(1, s.messagesRead());
    assertEquals(1, s.deliveredToRead().count());
    assertEquals(4_000, s.deliveredToRead().sumMillis());
    assertEquals(0, s.outOfOrder());
  }

  @Test
  void placeholderTimestampsCountAsUnparsableAndGiveNoLatency() throws Exception {
    ReceiptMetrics m = metrics();
    m.onReceipt(event(ReceiptType.DELIVERED, "c", "m", "SEND_TIME"));
    m.onReceipt(event(ReceiptType.READ, "c", "m", at(3).toString()));
    m.onReceipt(event(ReceiptType.READ, "c", "m2", ""));
    MetricsSnapshot s = m.snapshot();
    assertEquals(2, s.unparsableTimestamps());
    assertEquals(0, s.deliveredToRead().count());
    assertEquals(1, s.messagesDelivered());
    assertEquals(2, s.messagesRead());
  }

  @Test
  void evictsTheOldestAtTheCapAndForgetsIt() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed).maxMessages(3).build();
    for (int i = 1; i <= 5; i++) {
      m.onReceipt(delivered("c" + i, "m" + i, at(i)));
    }
    MetricsSnapshot s = m.snapshot();
    assertEquals(2, s.evictedByCap());
    assertEquals(0, s.evictedByAge());
    assertEquals(3, s.trackedMessages());
    assertEquals(List.of("c3", "c4", "c5"),
        s.topUnread().stream().map(MetricsSnapshot.ConversationUnread::conversationId).toList());
    // m1 was forgotten: its redelivered DELIVERED counts as new, not as a duplicate
    m.onReceipt(delivered("c1", "m1", at(1)));
    s = m.snapshot();
    assertEquals(0, s.duplicates());
    assertEquals(6, s.messagesDelivered());
    assertEquals(3, s.evictedByCap());
  }

  @Test
  void evictsByAgeOnTheClock() throws Exception {
    MutableClock clock = new MutableClock(T0);
    ReceiptMetrics m =
        ReceiptMetrics.builder().clock(clock).maxAge(Duration.ofHours(1)).build();
    m.onReceipt(delivered("old", "m1", T0));
    clock.advance(Duration.ofMinutes(30));
    m.onReceipt(delivered("new", "m2", at(1800)));
    clock.advance(Duration.ofMinutes(31));
    MetricsSnapshot s = m.snapshot();
    assertEquals(1, s.evictedByAge());
    assertEquals(1, s.trackedMessages());
    assertEquals(List.of(new MetricsSnapshot.ConversationUnread("new", 1)), s.topUnread());
  }

  @Test
  void replayModeTakesNowFromTheReceipts() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().timeFromReceipts(true)
        .maxAge(Duration.ofDays(1)).build();
    m.onReceipt(event(ReceiptType.DELIVERED, "c", "m0", "SEND_TIME")); // before any time
    m.onReceipt(delivered("c", "m1", T0));
    m.onReceipt(delivered("c", "m2", T0.plus(Duration.ofHours(12))));
    assertEquals(0, m.snapshot().evictedByAge());
    m.onReceipt(delivered("c", "m3", T0.plus(Duration.ofHours(30))));
    MetricsSnapshot s = m.snapshot();
    assertEquals(T0.plus(Duration.ofHours(30)), s.at());
    assertEquals(2, s.evictedByAge()); // m0 (seen at T0) and m1
    assertEquals(2, s.trackedMessages());
  }

  @Test
  void sendLatenciesAndOverdueMessages() throws Exception {
    MutableClock clock = new MutableClock(T0);
    ReceiptMetrics m = ReceiptMetrics.builder().clock(clock)
        .overdueAfter(Duration.ofMinutes(30)).build();
    m.messageSent(MessageName.of("c", "m1"), T0);
    m.messageSent(MessageName.of("c", "m2"), T0);
    m.messageSent(MessageName.of("c", "m3"), T0);
    m.messageSent(MessageName.of("c", "m3"), at(99)); // the first registration wins
    m.onReceipt(delivered("c", "m1", at(10)));
    m.onReceipt(read("c", "m1", at(70)));
    m.onReceipt(delivered("c", "m2", at(20)));
    m.onReceipt(read("c", "m4", at(30)));
    m.messageSent(MessageName.of("c", "m4"), at(25)); // registered after its READ
    clock.advance(Duration.ofMinutes(20));
    MetricsSnapshot s = m.snapshot();
    assertEquals(4, s.messagesSent());
    assertEquals(0, s.overdueUndelivered());
    assertEquals(0, s.overdueUnread());
    clock.advance(Duration.ofMinutes(20));
    s = m.snapshot();
    assertEquals(1, s.overdueUndelivered()); // m3
    assertEquals(1, s.overdueUnread()); // m2
    assertEquals(2, s.sentToDelivered().count());
    assertEquals(30_000, s.sentToDelivered().sumMillis());
    assertEquals(2, s.sentToRead().count());
    assertEquals(75_000, s.sentToRead().sumMillis());
  }

  @Test
  void hugeDurationsMeanNeverRatherThanOverflow() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed)
        .maxAge(Duration.ofSeconds(Long.MAX_VALUE))
        .overdueAfter(Duration.ofSeconds(Long.MAX_VALUE))
        .build();
    m.messageSent(MessageName.of("c", "m"), T0);
    m.onReceipt(delivered("c", "m", at(1)));
    MetricsSnapshot s = m.snapshot();
    assertEquals(0, s.evicted());
    assertEquals(0, s.overdueUnread());
    assertEquals(1, s.trackedMessages());
  }

  @Test
  void agentsPastTheCapCountAsOther() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed).maxAgents(2).build();
    for (String agent : List.of("a1", "a2", "a3", "a4", "a1")) {
      m.onReceipt(event(agent, ReceiptType.DELIVERED, "c", agent, at(1).toString()));
    }
    assertEquals(Map.of("a1", 2L, "a2", 1L, "other", 2L), m.snapshot().receivedByAgent());
  }

  @Test
  void topConversationsAreCappedAndOrdered() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().clock(fixed).topConversations(2).build();
    int n = 0;
    for (String conv : List.of("a", "b", "b", "c", "c", "c", "d", "d")) {
      m.onReceipt(delivered(conv, "m" + n++, at(n)));
    }
    assertEquals(List.of(new MetricsSnapshot.ConversationUnread("c", 3),
        new MetricsSnapshot.ConversationUnread("b", 2)), m.snapshot().topUnread());
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    assertEquals("maxMessages must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> ReceiptMetrics.builder().maxMessages(0))
        .getMessage());
    assertEquals("maxAge must be positive, got PT0S", assertThrows(
        IllegalArgumentException.class, () -> ReceiptMetrics.builder().maxAge(Duration.ZERO))
        .getMessage());
    assertEquals("clock cannot be null", assertThrows(
        NullPointerException.class, () -> ReceiptMetrics.builder().clock(null)).getMessage());
  }

  @Test
  void eightThreadsGiveTheSameTotalsAsOneThread() throws Exception {
    int threads = 8;
    List<List<ReceiptEvent>> slices = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      slices.add(new ArrayList<>());
    }
    for (int i = 0; i < 4_000; i++) {
      List<ReceiptEvent> slice = slices.get(i % threads); // one message stays on one thread
      String conv = "c" + (i % 37);
      if (i % 5 == 0) {
        slice.add(read(conv, "m" + i, at(i + 7)));
      }
      slice.add(delivered(conv, "m" + i, at(i)));
      if (i % 3 == 0) {
        slice.add(delivered(conv, "m" + i, at(i)));
      }
      if (i % 2 == 0) {
        slice.add(read(conv, "m" + i, at(i + (i % 100))));
      }
    }
    ReceiptMetrics sequential = metrics();
    for (List<ReceiptEvent> slice : slices) {
      for (ReceiptEvent e : slice) {
        sequential.onReceipt(e);
      }
    }
    ReceiptMetrics concurrent = metrics();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (List<ReceiptEvent> slice : slices) {
        done.add(pool.submit(() -> {
          start.await();
          for (ReceiptEvent e : slice) {
            concurrent.onReceipt(e);
            if (e.message().messageId().endsWith("00")) {
              concurrent.snapshot(); // snapshots under load must not disturb the counts
            }
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
    MetricsSnapshot expected = sequential.snapshot();
    assertEquals(expected, concurrent.snapshot());
    assertTrue(expected.duplicates() > 0 && expected.outOfOrder() > 0);
  }
}
