// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.journal;

import static dev.bmreceipts.http.metrics.Events.at;
import static dev.bmreceipts.http.metrics.Events.delivered;
import static dev.bmreceipts.http.metrics.Events.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.http.ReceiptEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer on a real file whose channel fails or blocks as a full, broken or hung disk does:
 * a failed append leaves the file as it was, forces are shared and come before the return.
 */
class JournalFailureTest {
  @TempDir Path dir;

  private Journal.Writer open(Path file, AtomicReference<FaultyChannel> channel, boolean sync) {
    return Journal.builder(file).sync(sync).stallTimeout(Duration.ofMillis(200))
        .channels(c -> {
          FaultyChannel f = new FaultyChannel(c);
          channel.set(f);
          return f;
        }).open();
  }

  private static String lines(ReceiptEvent... events) {
    StringBuilder sb = new StringBuilder();
    for (ReceiptEvent e : events) {
      sb.append(Journal.line(e)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void aWriteFailingPartWayLeavesTheFileAsItWasAndTheRedeliveryIsWhole() throws Exception {
    Path file = dir.resolve("full.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    ReceiptEvent first = delivered("c", "m1", at(0));
    ReceiptEvent second = read("c", "m2", at(1));
    try (Journal.Writer w = open(file, ch, false)) {
      w.onReceipt(first);
      ch.get().failWriteAfter = 17;
      JournalException e = assertThrows(JournalException.class, () -> w.onReceipt(second));
      assertEquals("cannot append to the journal " + file + ": java.io.IOException: No space left"
          + " on device; nothing written", e.getMessage());
      assertEquals(lines(first), Files.readString(file));
      // Google's redelivery
      w.onReceipt(second);
    }
    assertEquals(lines(first, second), Files.readString(file));
    Journal.Result r = Journal.replay(file, ev -> { });
    assertEquals(new Journal.Result(2, 2, 0, 0, 0, ""), r);
  }

  @Test
  void whenEvenTheTruncationFailsTheNextAppendTruncatesFirst() throws Exception {
    Path file = dir.resolve("broken.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    ReceiptEvent first = delivered("c", "m1", at(0));
    ReceiptEvent second = read("c", "m2", at(1));
    try (Journal.Writer w = open(file, ch, false)) {
      w.onReceipt(first);
      ch.get().failWriteAfter = 5;
      ch.get().failTruncates.set(2);
      JournalException e = assertThrows(JournalException.class, () -> w.onReceipt(second));
      assertTrue(e.getMessage().endsWith("; the next append truncates it back first"),
          e.getMessage());
      // the fragment is there, and the next append cannot truncate it either: it writes nothing
      assertEquals(lines(first).length() + 5, Files.size(file));
      assertThrows(JournalException.class, () -> w.onReceipt(second));
      assertEquals(lines(first).length() + 5, Files.size(file));
      w.onReceipt(second);
    }
    assertEquals(lines(first, second), Files.readString(file));
  }

  @Test
  void aFileEndingPartWayThroughALineIsEndedAtOpen() throws Exception {
    Path file = dir.resolve("fragment.jsonl");
    ReceiptEvent first = delivered("c", "m1", at(0));
    Files.writeString(file, lines(first) + "{\"agent\":\"a");
    try (Journal.Writer w = Journal.open(file)) {
      w.onReceipt(read("c", "m2", at(1)));
    }
    Journal.Result r = Journal.replay(file, ev -> { });
    assertEquals(new Journal.Result(3, 2, 0, 1, 2, "not a JSON object"), r);
  }

  @Test
  void aStringThatIsNotValidUnicodeIsRefusedNeverWrittenAsAQuestionMark() throws Exception {
    Path file = dir.resolve("surrogate.jsonl");
    ReceiptEvent lone = new ReceiptEvent(Receipt.of(MessageName.of("c", "m"), ReceiptType.READ),
        "brands/b/agents/a\ud800", "c", "", Optional.empty(), Timestamp.ABSENT, Timestamp.ABSENT);
    try (Journal.Writer w = Journal.open(file)) {
      JournalException e = assertThrows(JournalException.class, () -> w.onReceipt(lone));
      assertEquals("a receipt field is not valid Unicode (an unpaired surrogate); nothing written",
          e.getMessage());
      // a pair is text like any other
      w.onReceipt(new ReceiptEvent(lone.receipt(), "brands/b/agents/\ud83d\udc4b", "c", "",
          Optional.empty(), Timestamp.ABSENT, Timestamp.ABSENT));
    }
    List<ReceiptEvent> back = new ArrayList<>();
    Journal.replay(file, back::add);
    assertEquals(List.of("brands/b/agents/\ud83d\udc4b"), back.stream().map(ReceiptEvent::agent).toList());
    assertTrue(Files.readString(file, StandardCharsets.UTF_8).indexOf('?') < 0);
  }

  @Test
  void withSyncTheLineIsForcedBeforeTheCallReturns() throws Exception {
    Path file = dir.resolve("sync.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    try (Journal.Writer w = open(file, ch, true)) {
      for (int i = 0; i < 3; i++) {
        w.onReceipt(delivered("c", "m" + i, at(i)));
        assertEquals(Files.size(file), ch.get().forcedSize, "append " + i + " returned unforced");
      }
      assertEquals(3, ch.get().forces.get());
    }
  }

  @Test
  void withoutSyncNothingIsForcedPerLine() throws Exception {
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    try (Journal.Writer w = open(dir.resolve("nosync.jsonl"), ch, false)) {
      w.onReceipt(delivered("c", "m", at(0)));
      assertEquals(0, ch.get().forces.get());
    }
  }

  /**
   * The first two writers' forces (one per syncer) are held until six more writers have written:
   * they all wait, and one force covers the six. Without group commit each would force: 8
   * forces, not 3.
   */
  @Test
  void concurrentWritersShareOneForce() throws Exception {
    Path file = dir.resolve("group.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (Journal.Writer w = Journal.builder(file).sync(true).stallTimeout(Duration.ofSeconds(30))
        .channels(c -> {
          FaultyChannel f = new FaultyChannel(c);
          ch.set(f);
          return f;
        }).open()) {
      FaultyChannel f = ch.get();
      CountDownLatch gate = new CountDownLatch(1);
      f.forceGate = gate;
      f.forceEntered = new CountDownLatch(1);
      List<Future<Long>> done = new ArrayList<>();
      done.add(pool.submit(() -> {
        w.onReceipt(delivered("c", "m0", at(0)));
        return f.forcedSize;
      }));
      assertTrue(f.forceEntered.await(10, TimeUnit.SECONDS));
      // the second syncer takes the next line alone, and is held too
      f.forceEntered = new CountDownLatch(1);
      done.add(pool.submit(() -> {
        w.onReceipt(delivered("c", "m1", at(1)));
        return f.forcedSize;
      }));
      assertTrue(f.forceEntered.await(10, TimeUnit.SECONDS));
      f.writeReturned = new CountDownLatch(writers - 2);
      for (int i = 2; i < writers; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          w.onReceipt(delivered("c", "m" + n, at(n)));
          return f.forcedSize;
        }));
      }
      assertTrue(f.writeReturned.await(10, TimeUnit.SECONDS));
      // the six lines are written (a write and its joining the next force are one step)
      gate.countDown();
      for (Future<Long> d : done) {
        d.get(10, TimeUnit.SECONDS);
      }
      assertEquals(3, f.forces.get());
      assertEquals(Files.size(file), f.forcedSize);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(new Journal.Result(writers, writers, 0, 0, 0, ""),
        Journal.replay(file, ev -> { }));
  }

  @Test
  void aFailedForceFailsEveryLineItCoveredEvenIfALaterForceSucceeds() throws Exception {
    Path file = dir.resolve("forcefail.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (Journal.Writer w = Journal.builder(file).sync(true).stallTimeout(Duration.ofSeconds(30))
        .channels(c -> {
          FaultyChannel f = new FaultyChannel(c);
          ch.set(f);
          return f;
        }).open()) {
      FaultyChannel f = ch.get();
      w.onReceipt(delivered("c", "before", at(0)));
      CountDownLatch gate = new CountDownLatch(1);
      f.forceGate = gate;
      f.forceEntered = new CountDownLatch(1);
      // two lines, one per syncer, each forced alone and held; one of those forces fails
      f.failForces.set(1);
      List<Future<?>> done = new ArrayList<>();
      done.add(pool.submit(() -> {
        w.onReceipt(delivered("c", "m0", at(0)));
        return null;
      }));
      assertTrue(f.forceEntered.await(10, TimeUnit.SECONDS));
      f.forceEntered = new CountDownLatch(1);
      done.add(pool.submit(() -> {
        w.onReceipt(delivered("c", "m1", at(1)));
        return null;
      }));
      assertTrue(f.forceEntered.await(10, TimeUnit.SECONDS));
      f.writeReturned = new CountDownLatch(writers - 2);
      for (int i = 2; i < writers; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          w.onReceipt(delivered("c", "m" + n, at(n)));
          return null;
        }));
      }
      assertTrue(f.writeReturned.await(10, TimeUnit.SECONDS));
      // the first of the two held forces to go on fails; the other, and the one for the rest,
      // succeed
      gate.countDown();
      int failed = 0;
      for (Future<?> d : done) {
        try {
          d.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(e.getCause() instanceof JournalException, e.toString());
          failed++;
        }
      }
      assertEquals(1, failed, "only the line the failed force covered");
      // later lines sync again
      w.onReceipt(delivered("c", "after", at(9)));
      assertEquals(Files.size(file), f.forcedSize);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStalledWriteFailsTheOthersAtOnceInsteadOfHoldingTheirThreads() throws Exception {
    Path file = dir.resolve("hung.jsonl");
    AtomicReference<FaultyChannel> ch = new AtomicReference<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Journal.Writer w = open(file, ch, false)) {
      FaultyChannel f = ch.get();
      CountDownLatch gate = new CountDownLatch(1);
      f.writeGate = gate;
      f.writeEntered = new CountDownLatch(1);
      Future<?> hung = pool.submit(() -> w.onReceipt(delivered("c", "m0", at(0))));
      assertTrue(f.writeEntered.await(10, TimeUnit.SECONDS));
      // waits up to the stall timeout (200 ms), then fails
      JournalException e = assertThrows(JournalException.class,
          () -> w.onReceipt(delivered("c", "m1", at(1))));
      assertEquals("the journal " + file + " is stalled: a write has not returned for over 200 ms",
          e.getMessage());
      // now the write is known stalled: the next append fails without waiting for the lock (an
      // interrupted thread that waited would fail with "interrupted while waiting" instead)
      Thread.currentThread().interrupt();
      try {
        assertEquals(e.getMessage(), assertThrows(JournalException.class,
            () -> w.onReceipt(delivered("c", "m2", at(2)))).getMessage());
      } finally {
        Thread.interrupted();
      }
      gate.countDown();
      hung.get(10, TimeUnit.SECONDS);
      w.onReceipt(delivered("c", "m1", at(1)));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(new Journal.Result(2, 2, 0, 0, 0, ""), Journal.replay(file, ev -> { }));
  }
}
