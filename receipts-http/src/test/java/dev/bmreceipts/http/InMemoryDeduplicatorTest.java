// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bmreceipts.http.Deduplicator.Claim;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryDeduplicatorTest {
  private static InMemoryDeduplicator store(int maxEntries, MutableClock clock) {
    return (InMemoryDeduplicator) Deduplicator.inMemory(maxEntries, Duration.ofHours(1), clock);
  }

  @Test
  void atTheCapTheOldestCommitGoesAndKeysInFlightStay() {
    InMemoryDeduplicator d = store(3, new MutableClock());
    for (String k : List.of("a", "b", "c", "d", "e")) {
      assertEquals(Claim.CLAIMED, d.claim(k));
    }
    d.commit("a");
    d.commit("b");
    d.commit("c");
    assertEquals(Claim.BUSY, d.claim("d"));
    d.commit("d");
    // a, the oldest commit, went; e, in flight, stayed although more than 3 keys are held
    assertEquals(Claim.CLAIMED, d.claim("a"));
    for (String k : List.of("b", "c", "d")) {
      assertEquals(Claim.DELIVERED, d.claim(k), k);
    }
    assertEquals(Claim.BUSY, d.claim("e"));
    assertEquals(5, d.size());
  }

  @Test
  void evictionFollowsCommitOrderNotClaimOrder() {
    InMemoryDeduplicator d = store(2, new MutableClock());
    d.claim("first-claimed");
    d.claim("second-claimed");
    d.commit("second-claimed");
    d.commit("first-claimed");
    d.claim("third");
    d.commit("third");
    assertEquals(Claim.CLAIMED, d.claim("second-claimed"));
    assertEquals(Claim.DELIVERED, d.claim("first-claimed"));
    assertEquals(Claim.DELIVERED, d.claim("third"));
  }

  @Test
  void keysInFlightOutliveTheAgeAndAnExpiredKeyClaimedAgainIsNotEvicted() {
    MutableClock clock = new MutableClock();
    InMemoryDeduplicator d = store(2, clock);
    d.claim("old");
    d.commit("old");
    d.claim("held");
    clock.advance(Duration.ofHours(2));
    // "old" expired: claimed again, it is in flight and out of the commit order
    assertEquals(Claim.CLAIMED, d.claim("old"));
    for (String k : List.of("x", "y", "z")) {
      d.claim(k);
      d.commit(k);
    }
    assertEquals(Claim.BUSY, d.claim("old"));
    assertEquals(Claim.BUSY, d.claim("held"));
    assertEquals(Claim.CLAIMED, d.claim("x"));
    assertEquals(Claim.DELIVERED, d.claim("z"));
    d.commit("old");
    assertEquals(Claim.DELIVERED, d.claim("old"));
    assertEquals(Claim.CLAIMED, d.claim("y"));
  }

  @Test
  void releaseForgetsOnlyAClaimInFlight() {
    InMemoryDeduplicator d = store(10, new MutableClock());
    d.claim("done");
    d.commit("done");
    d.release("done");
    d.release("never-seen");
    assertEquals(Claim.DELIVERED, d.claim("done"));
    d.claim("held");
    d.release("held");
    assertEquals(1, d.size());
    assertEquals(Claim.CLAIMED, d.claim("held"));
  }

  @Test
  void manyKeysKeepExactlyTheNewestCommitsAndEveryKeyInFlight() {
    int cap = 1_000;
    InMemoryDeduplicator d = store(cap, new MutableClock());
    Random random = new Random(5);
    Deque<String> committed = new ArrayDeque<>();
    Set<String> inFlight = new HashSet<>();
    String firstCommitted = null;
    for (int i = 0; i < 20_000; i++) {
      String key = "conversations/c-" + (i % 13) + "/messages/m-" + i + "|DELIVERED";
      assertEquals(Claim.CLAIMED, d.claim(key));
      if (random.nextInt(50) == 0) {
        inFlight.add(key);
      } else {
        d.commit(key);
        firstCommitted = firstCommitted == null ? key : firstCommitted;
        committed.addLast(key);
        if (committed.size() > cap) {
          committed.removeFirst();
        }
      }
    }
    assertEquals(cap + inFlight.size(), d.size());
    for (String k : committed) {
      assertEquals(Claim.DELIVERED, d.claim(k), k);
    }
    for (String k : inFlight) {
      assertEquals(Claim.BUSY, d.claim(k), k);
    }
    assertEquals(Claim.CLAIMED, d.claim(firstCommitted));
  }

  /** A batch claimed and not yet finished: its keys, the batch and its claims. */
  private record Open(String[] keys, Deduplicator.Batch batch, Claim[] claims) {}

  /** The per-key protocol the batch path must match, on a second store. */
  private static Claim[] claimOneByOne(Deduplicator d, String[] keys, boolean firstStops) {
    Claim[] claims = new Claim[keys.length];
    for (int i = 0; i < keys.length; i++) {
      claims[i] = d.claim(keys[i]);
      if (claims[i] == Claim.BUSY || (i == 0 && firstStops && claims[i] == Claim.DELIVERED)) {
        break;
      }
    }
    return claims;
  }

  @Test
  void batchesAnswerAsTheSameKeysClaimedCommittedAndReleasedOneByOne() {
    MutableClock clock = new MutableClock();
    InMemoryDeduplicator batched =
        (InMemoryDeduplicator) Deduplicator.inMemory(40, Duration.ofMinutes(10), clock);
    InMemoryDeduplicator single =
        (InMemoryDeduplicator) Deduplicator.inMemory(40, Duration.ofMinutes(10), clock);
    Random random = new Random(17);
    List<Open> open = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      if (open.size() < 3 && random.nextBoolean()) {
        // a new request: 1 to 5 distinct keys from a pool of 90, its "request id" first
        Set<String> distinct = new LinkedHashSet<>();
        int size = 1 + random.nextInt(5);
        while (distinct.size() < size) {
          distinct.add("k" + random.nextInt(90));
        }
        String[] keys = distinct.toArray(new String[0]);
        boolean firstStops = random.nextBoolean();
        Deduplicator.Batch batch = batched.claimAll(Arrays.asList(keys), firstStops);
        Claim[] claims = new Claim[keys.length];
        for (int k = 0; k < keys.length; k++) {
          claims[k] = batch.claim(k);
        }
        Claim[] expected = claimOneByOne(single, keys, firstStops);
        assertEquals(Arrays.asList(expected), Arrays.asList(claims), "step " + step);
        open.add(new Open(keys, batch, claims));
      } else if (!open.isEmpty()) {
        Open b = open.remove(random.nextInt(open.size()));
        boolean commit = random.nextInt(4) != 0;
        if (commit) {
          b.batch().commit();
        } else {
          b.batch().release();
        }
        for (int k = 0; k < b.keys().length; k++) {
          if (b.claims()[k] == Claim.CLAIMED) {
            if (commit) {
              single.commit(b.keys()[k]);
            } else {
              single.release(b.keys()[k]);
            }
          }
        }
      }
      if (random.nextInt(50) == 0) {
        clock.advance(Duration.ofMinutes(1 + random.nextInt(4)));
      }
      assertEquals(single.size(), batched.size(), "size at step " + step);
    }
    for (int k = 0; k < 90; k++) {
      assertEquals(single.claim("k" + k), batched.claim("k" + k), "k" + k);
    }
  }

  @Test
  void aBatchIsFinishedOnce() {
    InMemoryDeduplicator d = store(10, new MutableClock());
    Deduplicator.Batch batch = d.claimAll(List.of("a", "b"), true);
    batch.commit();
    assertEquals("batch already committed or released",
        assertThrows(IllegalStateException.class, batch::release).getMessage());
    assertEquals(Claim.DELIVERED, d.claim("a"));
    assertEquals(Claim.DELIVERED, d.claim("b"));
  }

  @Test
  void seededKeysAreDeliveredUntilTheyExpireFromTheirOwnTime() {
    MutableClock clock = new MutableClock();
    java.time.Instant now = clock.instant();
    Deduplicator d = Deduplicator.inMemory(3, Duration.ofDays(7), clock, List.of(
        new Deduplicator.Delivered("six days ago", now.minus(Duration.ofDays(6))),
        new Deduplicator.Delivered("eight days ago", now.minus(Duration.ofDays(8))),
        new Deduplicator.Delivered("now", now),
        new Deduplicator.Delivered("in the future", now.plus(Duration.ofDays(30)))));
    assertEquals(Deduplicator.Claim.DELIVERED, d.claim("six days ago"));
    assertEquals(Deduplicator.Claim.DELIVERED, d.claim("now"));
    assertEquals(Deduplicator.Claim.DELIVERED, d.claim("in the future"));
    assertEquals(Deduplicator.Claim.CLAIMED, d.claim("eight days ago"));
    clock.advance(Duration.ofDays(2));
    // six days ago is now eight; a time ahead counted as now
    assertEquals(Deduplicator.Claim.CLAIMED, d.claim("six days ago"));
    assertEquals(Deduplicator.Claim.DELIVERED, d.claim("in the future"));
  }

  @Test
  void seedingPastTheCapKeepsTheNewest() {
    MutableClock clock = new MutableClock();
    java.time.Instant now = clock.instant();
    List<Deduplicator.Delivered> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // given out of order: the times decide
      keys.add(new Deduplicator.Delivered("k" + i, now.minusSeconds(100 - (i * 7 % 10))));
    }
    keys.add(new Deduplicator.Delivered("k0", now));
    Deduplicator d = Deduplicator.inMemory(4, Duration.ofDays(7), clock, keys);
    List<String> delivered = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (d.claim("k" + i) == Deduplicator.Claim.DELIVERED) {
        delivered.add("k" + i);
      }
    }
    // offsets i*7%10: k0 0 (then now), k1 7, k2 4, k3 1, k4 8, k5 5, k6 2, k7 9, k8 6, k9 3;
    // the newest four: k0 (now), k7 (-91 s), k4 (-92 s), k1 (-93 s)
    assertEquals(List.of("k0", "k1", "k4", "k7"), delivered);
  }
}
