// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.http.MutableClock;
import dev.bmreceipts.http.ReceiptEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-message state in primitive arrays gives, snapshot for snapshot, what the former
 * {@code LinkedHashMap} of entry objects gave ({@link LegacyReceiptMetrics}), for Business
 * Messages and RBM receipts mixed, and frees the conversations of the messages it forgets.
 */
class CompactStateTest {
  private static final String[] TYPES = {"DELIVERED", "DELIVERED", "READ", "READ",
      "RECEIPT_TYPE_UNSPECIFIED"};

  /**
   * Replays random traffic into both; with {@code batched}, receipts that arrive at the same
   * instant reach the compact one as one {@link ReceiptMetrics#onReceipts} call, as a payload's
   * receipts do, while the legacy one gets them one by one.
   */
  private static void replay(long seed, boolean timeFromReceipts, boolean batched) {
    Random random = new Random(seed);
    MutableClock clock = new MutableClock(Events.T0);
    int maxMessages = 60;
    Duration maxAge = Duration.ofMinutes(10);
    Duration overdueAfter = Duration.ofMinutes(5);
    ReceiptMetrics compact = ReceiptMetrics.builder().clock(clock)
        .timeFromReceipts(timeFromReceipts).maxMessages(maxMessages).maxAge(maxAge)
        .overdueAfter(overdueAfter).topConversations(4).build();
    LegacyReceiptMetrics legacy = new LegacyReceiptMetrics(
        clock, timeFromReceipts, maxMessages, maxAge, overdueAfter, 4);
    Instant time = Events.T0;
    long overdueUnread = 0;
    List<ReceiptEvent> pending = new ArrayList<>();
    int batches = 0;
    for (int op = 0; op < 6_000; op++) {
      // a third of the conversations are RBM users, whose receipts come by RBM
      int c = random.nextInt(9);
      boolean rbm = c >= 6;
      String conv = rbm ? "+1555000000" + c : "c" + c;
      String msg = "m" + random.nextInt(40);
      // slow phases evict by the cap, fast ones by age
      int step = (op / 1_000) % 2 == 0 ? 3 : 60;
      time = time.plusSeconds(random.nextInt(step));
      int advance = random.nextInt(step);
      if (advance > 0) {
        batches += flush(compact, pending);
      }
      clock.advance(Duration.ofSeconds(advance));
      if (random.nextInt(6) == 0) {
        batches += flush(compact, pending);
        MessageName name = MessageName.of(conv, msg);
        Instant sent = time.minusSeconds(random.nextInt(600));
        compact.messageSent(name, sent);
        legacy.messageSent(name, sent);
      } else {
        ReceiptType type = ReceiptType.valueOf(TYPES[random.nextInt(TYPES.length)]);
        String created = random.nextInt(20) == 0 ? "SEND_TIME" : time.toString();
        // RBM has no receipt of an unspecified type
        ReceiptEvent e = rbm && type != ReceiptType.RECEIPT_TYPE_UNSPECIFIED
            ? Events.rbm(type, conv, msg, created) : Events.event(type, conv, msg, created);
        if (batched) {
          pending.add(e);
        } else {
          compact.onReceipt(e);
        }
        legacy.onReceipt(e);
      }
      if (op % 50 == 0) {
        batches += flush(compact, pending);
        MetricsSnapshot s = compact.snapshot();
        assertEquals(legacy.snapshot(), s, "at op " + op);
        overdueUnread += s.overdueUnread();
      }
    }
    batches += flush(compact, pending);
    assertTrue(!batched || batches > 100, "batches of more than one receipt: " + batches);
    MetricsSnapshot last = compact.snapshot();
    assertEquals(legacy.snapshot(), last);
    assertTrue(last.evictedByCap() > 0 && last.evictedByAge() > 0 && last.outOfOrder() > 0
        && last.duplicates() > 0 && !last.topUnread().isEmpty() && overdueUnread > 0
        && last.receivedTotal(Protocol.RBM) > 0
        && last.receivedTotal(Protocol.BUSINESS_MESSAGES) > 0,
        "the run must reach every path: " + last);
  }

  /** Passes the pending receipts as one batch; answers 1 when it held more than one. */
  private static int flush(ReceiptMetrics compact, List<ReceiptEvent> pending) {
    if (pending.isEmpty()) {
      return 0;
    }
    compact.onReceipts(List.copyOf(pending));
    int many = pending.size() > 1 ? 1 : 0;
    pending.clear();
    return many;
  }

  @Test
  void givesTheSameSnapshotsAsTheMapOfEntriesOnTheClock() {
    replay(1, false, false);
    replay(2, false, false);
  }

  @Test
  void givesTheSameSnapshotsAsTheMapOfEntriesInReplayMode() {
    replay(3, true, false);
    replay(4, true, false);
  }

  @Test
  void aPayloadsReceiptsInOneCallCountAsTheSameReceiptsOneByOne() {
    replay(5, false, true);
    replay(6, true, true);
  }

  @Test
  void forgottenMessagesLetGoOfTheirConversations() throws Exception {
    MutableClock clock = new MutableClock(Events.T0);
    ReceiptMetrics m = ReceiptMetrics.builder().clock(clock).maxMessages(10)
        .maxAge(Duration.ofHours(1)).build();
    for (int i = 0; i < 1_000; i++) {
      m.onReceipt(Events.delivered("c" + i, "m", Events.at(i)));
    }
    // 10 messages tracked, each in its own conversation
    assertEquals(10, m.conversationsHeld());
    assertEquals(10, m.snapshot().topUnread().size());
    clock.advance(Duration.ofHours(2));
    assertEquals(0, m.snapshot().trackedMessages());
    assertEquals(0, m.conversationsHeld());
    m.onReceipt(Events.read("again", "m", Events.at(1)));
    assertEquals(1, m.conversationsHeld());
  }
}
