// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmKeys;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.Deduplicator.Batch;
import dev.bmreceipts.http.Deduplicator.Claim;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JdbcDeduplicatorTest {
  private static final String M_READ = "receipt 4 READ conversations/C/messages/M";
  private final DataSource ds = TestPostgres.shared().dataSource();
  private final String prefix = Db.migrated(ds);

  private JdbcStore store(DataSource dataSource, MutableClock clock) {
    return JdbcStore.builder(dataSource).prefix(prefix).clock(clock)
        .lease(Duration.ofSeconds(30)).retention(Duration.ofDays(8)).build();
  }

  @Test
  void batchClaimsNewKeysDeliveredKeysAndKeysInFlight() {
    MutableClock clock = new MutableClock();
    Deduplicator d = store(ds, clock).deduplicator();
    Batch first = d.claimAll(List.of("request R1", "a", "b"), true);
    assertEquals(List.of(Claim.CLAIMED, Claim.CLAIMED, Claim.CLAIMED), claims(first, 3));

    // another request meanwhile: a is in flight, so claiming stops there
    Batch busy = d.claimAll(List.of("request R2", "a", "c"), true);
    assertEquals(Claim.CLAIMED, busy.claim(0));
    assertEquals(Claim.BUSY, busy.claim(1));
    assertNull(busy.claim(2));
    busy.release();
    first.commit();

    // a redelivery stops at its delivered request id
    Batch again = d.claimAll(List.of("request R1", "a", "b"), true);
    assertEquals(Claim.DELIVERED, again.claim(0));
    assertNull(again.claim(1));
    again.commit();
    // R2's release dropped both its claims, also c, claimed past the stop
    Batch next = d.claimAll(List.of("request R2", "a", "c"), true);
    assertEquals(List.of(Claim.CLAIMED, Claim.DELIVERED, Claim.CLAIMED), claims(next, 3));
    next.commit();
    assertEquals(List.of("a", "b", "c", "request R1", "request R2"),
        Db.column(ds, "SELECT key FROM " + prefix + "dedupe WHERE owner IS NULL ORDER BY key"));
    assertThrows(IllegalStateException.class, next::commit);
  }

  @Test
  void rbmKeysAreClaimedAndCommittedBesideBusinessMessagesKeysUnchanged() {
    Deduplicator d = store(ds, new MutableClock()).deduplicator();
    PhoneNumber phone = PhoneNumber.of("+15551234567");
    PhoneNumber other = PhoneNumber.of("+447700900123");
    // a DELIVERED and a READ of one RBM message: two events, two keys; the same event id from
    // another phone is another key; and a Business Messages receipt of a message of that id
    List<String> keys = List.of("request R1", M_READ, RbmKeys.eventKey("ev-1", phone),
        RbmKeys.eventKey("ev-2", phone), RbmKeys.eventKey("ev-1", other),
        RbmKeys.messageKey("M", phone));
    Batch first = d.claimAll(keys, true);
    assertEquals(Collections.nCopies(6, Claim.CLAIMED), claims(first, 6));
    first.commit();
    // stored as they were given: opaque strings, one per key
    assertEquals(List.of("rbm-event 4 ev-1 +15551234567", "rbm-event 4 ev-1 +447700900123",
        "rbm-event 4 ev-2 +15551234567", "rbm-message 1 M +15551234567", M_READ, "request R1"),
        Db.column(ds, "SELECT key FROM " + prefix + "dedupe WHERE owner IS NULL"
            + " ORDER BY key COLLATE \"C\""));
    // a redelivery of each, on any instance, finds it delivered
    Batch again = store(TestPostgres.shared().dataSource(), new MutableClock()).deduplicator()
        .claimAll(keys, false);
    assertEquals(Collections.nCopies(6, Claim.DELIVERED), claims(again, 6));
    again.commit();
    // the key-by-key path takes them too
    String next = RbmKeys.eventKey("ev-3", phone);
    assertEquals(Claim.CLAIMED, d.claim(next));
    assertEquals(Claim.BUSY, store(ds, new MutableClock()).deduplicator().claimAll(
        List.of(next), false).claim(0));
    d.commit(next);
    assertEquals(Claim.DELIVERED, d.claim(next));
  }

  @Test
  void keysPastTheStopAreDroppedByTheCommitNotKeptInFlight() {
    Deduplicator d = store(ds, new MutableClock()).deduplicator();
    Batch r = d.claimAll(List.of("request R1"), true);
    r.commit();
    Batch again = d.claimAll(List.of("request R1", "x"), true);
    assertEquals(Claim.DELIVERED, again.claim(0));
    again.commit();
    assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "dedupe WHERE key = 'x'"));
  }

  @Test
  void singleKeyClaimCommitAndReleaseWorkOnTheClaimingThread() {
    Deduplicator d = store(ds, new MutableClock()).deduplicator();
    assertEquals(Claim.CLAIMED, d.claim("k1"));
    assertEquals(Claim.CLAIMED, d.claim("k2"));
    assertEquals(Claim.BUSY, d.claim("k1"));
    d.commit("k1");
    d.release("k2");
    assertEquals(Claim.DELIVERED, d.claim("k1"));
    assertEquals(Claim.CLAIMED, d.claim("k2"));
    d.commit("k2");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.commit("k3"));
    assertEquals("key not claimed on this thread: commit or release a key on the thread that"
        + " claimed it", e.getMessage());
  }

  @Test
  void keysCommittedOneByOneAreWrittenTogetherSoAFailureRecordsNoneOfThem() {
    MutableClock clock = new MutableClock();
    JdbcStore slow = store(TestPostgres.shared().dataSource(), clock);
    JdbcStore other = store(TestPostgres.shared().dataSource(), clock);
    Deduplicator d = slow.deduplicator();
    // the webhook's key-by-key path: the request id first, then its receipt
    assertEquals(Claim.CLAIMED, d.claim("request R"));
    assertEquals(Claim.CLAIMED, d.claim(M_READ));
    stageOnThisThread(slow);
    clock.advance(Duration.ofSeconds(31));
    Batch taken = other.deduplicator().claimAll(List.of(M_READ), false);
    assertEquals(Claim.CLAIMED, taken.claim(0));
    d.commit("request R");
    assertThrows(StoreException.class, () -> d.commit(M_READ));
    d.release("request R");
    d.release(M_READ);
    // had the request id been committed alone, its redelivery would be answered 200 and the
    // receipt lost; it is not delivered, and nothing is in the inbox
    assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "inbox"));
    taken.release();
    assertEquals(List.of(Claim.CLAIMED, Claim.CLAIMED),
        claims(other.deduplicator().claimAll(List.of("request R", M_READ), true), 2));
  }

  @Test
  void exactlyOneWinnerPerKeyAcrossEightThreadsAndTwoDataSources() throws Exception {
    MutableClock clock = new MutableClock();
    JdbcStore[] instances = {store(TestPostgres.shared().dataSource(), clock),
        store(TestPostgres.shared().dataSource(), clock)};
    int keys = 300;
    int threads = 8;
    Map<String, AtomicInteger> wins = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> claimed = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Deduplicator d = instances[t % 2].deduplicator();
        Random random = new Random(t);
        claimed.add(pool.submit(() -> {
          List<String> all = new ArrayList<>();
          for (int k = 0; k < keys; k++) {
            all.add("key " + k);
          }
          Collections.shuffle(all, random);
          go.await();
          int n = 0;
          for (int from = 0; from < keys; from += 10) {
            List<String> batch = all.subList(from, from + 10);
            Batch b = d.claimAll(batch, false);
            for (int i = 0; i < batch.size() && b.claim(i) != null; i++) {
              if (b.claim(i) == Claim.CLAIMED) {
                wins.computeIfAbsent(batch.get(i), x -> new AtomicInteger()).incrementAndGet();
                n++;
              }
            }
            b.commit();
          }
          return n;
        }));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> f : claimed) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      // a key met in flight answers BUSY, never a second CLAIMED; every key is won exactly once
      assertEquals(keys, wins.size());
      assertTrue(wins.values().stream().allMatch(w -> w.get() == 1), wins.toString());
      assertEquals(keys, total);
      assertEquals(keys, Db.count(ds, "SELECT count(*) FROM " + prefix
          + "dedupe WHERE owner IS NULL"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDeadInstancesClaimIsTakenOverAfterItsLeaseAndItsLateCommitRecordsNothing() {
    MutableClock clock = new MutableClock();
    JdbcStore dead = store(TestPostgres.shared().dataSource(), clock);
    JdbcStore alive = store(TestPostgres.shared().dataSource(), clock);
    Batch held = dead.deduplicator().claimAll(List.of("request R", M_READ), true);
    assertEquals(Claim.CLAIMED, held.claim(1));

    Batch early = alive.deduplicator().claimAll(List.of("request R", M_READ), true);
    assertEquals(Claim.BUSY, early.claim(0));
    early.release();
    clock.advance(Duration.ofSeconds(29));
    Batch stillEarly = alive.deduplicator().claimAll(List.of("request R"), true);
    assertEquals(Claim.BUSY, stillEarly.claim(0));
    stillEarly.release();

    clock.advance(Duration.ofSeconds(1));
    Batch taken = alive.deduplicator().claimAll(List.of("request R", M_READ), true);
    assertEquals(List.of(Claim.CLAIMED, Claim.CLAIMED), claims(taken, 2));

    // the "dead" instance wakes up and commits with a receipt staged: refused, nothing written
    StoreException lost = assertThrows(StoreException.class, () -> {
      stageOnThisThread(dead);
      held.commit();
    });
    assertEquals("commit failed: the lease on a key ran out and another request took it over;"
        + " nothing was recorded", lost.getMessage());
    assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "inbox"));

    stageOnThisThread(alive);
    taken.commit();
    assertEquals(List.of("RECEIPT"), Db.column(ds, "SELECT kind FROM " + prefix + "inbox"));
    assertEquals(Claim.DELIVERED, alive.deduplicator().claimAll(List.of("request R"), true)
        .claim(0));
  }

  @Test
  void deliveredKeysAreKeptForTheRetentionThenPurgedInBoundedBatches() {
    MutableClock clock = new MutableClock();
    JdbcStore store = store(ds, clock);
    Batch b = store.deduplicator().claimAll(List.of("a", "b", "c", "d", "e"), false);
    b.commit();
    clock.advance(Duration.ofDays(8).minusSeconds(1));
    assertEquals(0, store.purgeExpired(2));
    assertEquals(Claim.DELIVERED, store.deduplicator().claimAll(List.of("a"), false).claim(0));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(2, store.purgeExpired(2));
    assertEquals(2, store.purgeExpired(2));
    assertEquals(1, store.purgeExpired(2));
    assertEquals(0, store.purgeExpired(2));
    assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "dedupe"));
  }

  @Test
  void anExpiredDeliveredKeyIsClaimedAgain() {
    MutableClock clock = new MutableClock();
    JdbcStore store = store(ds, clock);
    store.deduplicator().claimAll(List.of("a"), false).commit();
    clock.advance(Duration.ofDays(8));
    Batch b = store.deduplicator().claimAll(List.of("a"), false);
    assertEquals(Claim.CLAIMED, b.claim(0));
    b.release();
  }

  @Test
  void theClaimLooksKeysUpByThePrimaryKeyEvenInAGenericPlanMadeOnAnEmptyTable() throws Exception {
    // A pooled connection keeps the generic plan PostgreSQL made on its first executions, when
    // a new deployment's table is empty; a scan of the whole table there would grow with it.
    String claim = store(ds, new MutableClock()).sql().claim();
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : claim.toCharArray()) {
      if (ch == '?') {
        numbered.append('$').append(++n);
      } else {
        numbered.append(ch);
      }
    }
    assertEquals(4, n);
    List<String> plan = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE claim_plan(text[], bigint, timestamptz, timestamptz) AS " + numbered);
      try (ResultSet rs = st.executeQuery(
          "EXPLAIN EXECUTE claim_plan('{a,b}', 1, now(), now())")) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
    }
    assertTrue(plan.stream().anyMatch(l -> l.contains("Index Scan using " + prefix + "dedupe")),
        () -> String.join("\n", plan));
    assertTrue(plan.stream().noneMatch(l -> l.contains("Seq Scan on " + prefix + "dedupe")),
        () -> String.join("\n", plan));
  }

  /** Stages one receipt with key {@link #M_READ} into the open batch of this thread. */
  private static void stageOnThisThread(JdbcStore store) {
    MessageName m = MessageName.parse("conversations/C/messages/M");
    ReceiptEvent e = new ReceiptEvent(new Receipt(m, ReceiptType.READ, "READ"), "", "C", "",
        Optional.empty(), Timestamp.ABSENT, Timestamp.ABSENT);
    try {
      store.receiptListener().onReceipts(List.of(e));
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
  }

  private static List<Claim> claims(Batch b, int n) {
    List<Claim> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.claim(i));
    }
    return out;
  }
}
