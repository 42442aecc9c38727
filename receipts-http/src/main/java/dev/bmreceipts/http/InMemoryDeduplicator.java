package dev.bmreceipts.http;

import dev.bmreceipts.http.internal.LongHashTable;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;

/**
 * {@link Deduplicator#inMemory}: a {@link LongHashTable} from the 128-bit hash of each key to its
 * commit time (or the in-flight marker), with committed keys linked in commit order so that the
 * oldest are evicted by age and by count. Keys in flight are not in that order and are never
 * evicted.
 *
 * <p>Entries are primitive array cells, not objects: a full table of 100,000 keys is about 5 MB
 * (32 bytes per key, plus a 2 MB index) and gives the garbage collector nothing to copy. A key is known by its hash alone: see
 * {@link LongHashTable#hash(String)} for the chance of a false match (negligible).
 *
 * <p>One lock guards the table; the hashing is done before taking it.
 */
final class InMemoryDeduplicator implements Deduplicator {
  /** The value of a key in flight; commit times are never this. */
  private static final long IN_FLIGHT = Long.MIN_VALUE;
  private static final int AT = 0;

  private final LongHashTable table;
  private final int maxEntries;
  private final long maxAgeMillis;
  private final Clock clock;

  InMemoryDeduplicator(int maxEntries, long maxAgeMillis, Clock clock) {
    this.table = new LongHashTable(1, maxEntries);
    this.maxEntries = maxEntries;
    this.maxAgeMillis = maxAgeMillis;
    this.clock = clock;
  }

  @Override
  public Claim claim(String key) {
    LongHashTable.Hash h = LongHashTable.hash(key);
    synchronized (table) {
      int e = table.find(h.k1(), h.k2());
      if (e == LongHashTable.NONE) {
        table.set(table.insert(h.k1(), h.k2()), AT, IN_FLIGHT);
        return Claim.CLAIMED;
      }
      long at = table.get(e, AT);
      if (at == IN_FLIGHT) {
        return Claim.BUSY;
      }
      if (clock.millis() - at < maxAgeMillis) {
        return Claim.DELIVERED;
      }
      // expired: claimed again, and out of the commit order while in flight
      table.set(e, AT, IN_FLIGHT);
      table.unlink(e);
      return Claim.CLAIMED;
    }
  }

  @Override
  public void commit(String key) {
    LongHashTable.Hash h = LongHashTable.hash(key);
    long now = clock.millis();
    synchronized (table) {
      int e = table.find(h.k1(), h.k2());
      if (e == LongHashTable.NONE) {
        e = table.insert(h.k1(), h.k2());
      }
      table.set(e, AT, now);
      table.append(e);
      evict(now);
    }
  }

  @Override
  public void release(String key) {
    LongHashTable.Hash h = LongHashTable.hash(key);
    synchronized (table) {
      int e = table.find(h.k1(), h.k2());
      if (e != LongHashTable.NONE && table.get(e, AT) == IN_FLIGHT) {
        table.remove(e);
      }
    }
  }

  /**
   * Claims {@code keys[0..count)}, which are distinct, in order under one lock, each as
   * {@link #claim} would: the webhook's path for a request's keys. It stops after the first
   * {@link Claim#BUSY}, and after the first key when {@code firstDeliveredStops} and that key is
   * {@link Claim#DELIVERED}. Each answer goes to {@code claims[i]} (keys not looked at keep
   * theirs, null), and the entry of each claimed key to {@code entries[i]} for
   * {@link #commitAll} or {@link #releaseAll}: an entry in flight is neither evicted nor moved,
   * so its number holds until then. The keys are hashed once, before the lock.
   *
   * @return how many keys were looked at
   */
  int claimAll(String[] keys, int count, boolean firstDeliveredStops, Claim[] claims,
      int[] entries) {
    long[] hashes = new long[2 * count];
    for (int i = 0; i < count; i++) {
      LongHashTable.Hash h = LongHashTable.hash(keys[i]);
      hashes[2 * i] = h.k1();
      hashes[2 * i + 1] = h.k2();
    }
    synchronized (table) {
      table.prefetch(hashes, 2, count);
      long now = Long.MIN_VALUE;
      for (int i = 0; i < count; i++) {
        long k1 = hashes[2 * i];
        long k2 = hashes[2 * i + 1];
        int e = table.find(k1, k2);
        Claim c;
        if (e == LongHashTable.NONE) {
          e = table.insert(k1, k2);
          table.set(e, AT, IN_FLIGHT);
          c = Claim.CLAIMED;
        } else {
          long at = table.get(e, AT);
          if (at == IN_FLIGHT) {
            c = Claim.BUSY;
          } else {
            if (now == Long.MIN_VALUE) {
              now = clock.millis();
            }
            if (now - at < maxAgeMillis) {
              c = Claim.DELIVERED;
            } else {
              table.set(e, AT, IN_FLIGHT);
              table.unlink(e);
              c = Claim.CLAIMED;
            }
          }
        }
        claims[i] = c;
        entries[i] = e;
        if (c == Claim.BUSY || (i == 0 && firstDeliveredStops && c == Claim.DELIVERED)) {
          return i + 1;
        }
      }
      return count;
    }
  }

  /** Commits, in order and under one lock, the keys {@link #claimAll} answered CLAIMED. */
  void commitAll(Claim[] claims, int[] entries, int count) {
    long now = clock.millis();
    int committing = 0;
    for (int i = 0; i < count; i++) {
      if (claims[i] == Claim.CLAIMED) {
        committing++;
      }
    }
    synchronized (table) {
      // the oldest commits that these push past the cap are evicted below
      table.prefetchOldest(table.linked() + committing - maxEntries);
      for (int i = 0; i < count; i++) {
        if (claims[i] == Claim.CLAIMED) {
          table.set(entries[i], AT, now);
          table.append(entries[i]);
        }
      }
      if (committing > 0) {
        evict(now);
      }
    }
  }

  /** Releases, under one lock, the keys {@link #claimAll} answered CLAIMED and still in flight. */
  void releaseAll(Claim[] claims, int[] entries, int count) {
    synchronized (table) {
      for (int i = 0; i < count; i++) {
        if (claims[i] == Claim.CLAIMED && table.get(entries[i], AT) == IN_FLIGHT) {
          table.remove(entries[i]);
        }
      }
    }
  }

  /**
   * Commits each key at its time, oldest first, so that the commit order (which eviction
   * follows) is the time order; a key given twice keeps its latest time. Then evicts as a commit
   * would.
   */
  void seed(List<Deduplicator.Delivered> delivered) {
    List<Deduplicator.Delivered> byTime = delivered.stream()
        .sorted(Comparator.comparing(Deduplicator.Delivered::at)).toList();
    long now = clock.millis();
    synchronized (table) {
      for (Deduplicator.Delivered d : byTime) {
        long at = Math.min(now, d.at().toEpochMilli());
        if (now - at >= maxAgeMillis) {
          continue;
        }
        LongHashTable.Hash h = LongHashTable.hash(d.key());
        int e = table.find(h.k1(), h.k2());
        if (e == LongHashTable.NONE) {
          e = table.insert(h.k1(), h.k2());
        }
        table.set(e, AT, at);
        table.append(e);
        // one at a time, so that the table never holds more than the cap
        evict(now);
      }
    }
  }

  /** Forgets the oldest commits past the cap or the age; the caller holds the lock. */
  private void evict(long now) {
    int oldest;
    while ((oldest = table.oldest()) != LongHashTable.NONE
        && (table.linked() > maxEntries || now - table.get(oldest, AT) >= maxAgeMillis)) {
      table.remove(oldest);
    }
  }

  /** Keys held, delivered or in flight (for tests). */
  int size() {
    synchronized (table) {
      return table.size();
    }
  }

  @Override
  public String toString() {
    return "Deduplicator.inMemory[maxEntries=" + maxEntries + ", maxAgeMillis=" + maxAgeMillis + "]";
  }
}
