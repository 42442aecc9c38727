// SPDX-License-Identifier: Apache-2.0
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
 * (32 bytes per key, plus a 2 MB index) and gives the garbage collector nothing to copy. A key is
 * known by its hash alone: see {@link LongHashTable#hash(String)} for the chance of a false match
 * (negligible).
 *
 * <p>One lock guards the table; the hashing is done before taking it. A request's batch
 * ({@link #claimAll}) takes it once to claim all its keys and once more to commit or release them.
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

  /** The batch path with one key: the per-key protocol is the batch's. */
  @Override
  public Claim claim(String key) {
    return claimAll(List.of(key), false).claim(0);
  }

  @Override
  public void commit(String key) {
    LongHashTable.Hash h = table.hash(key);
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
    LongHashTable.Hash h = table.hash(key);
    synchronized (table) {
      int e = table.find(h.k1(), h.k2());
      if (e != LongHashTable.NONE && table.get(e, AT) == IN_FLIGHT) {
        table.remove(e);
      }
    }
  }

  /**
   * Claims the keys as {@link #claim} would, one after another, under one lock, hashing each
   * once before it. The batch keeps each claimed key's entry number for its commit or release:
   * an entry in flight is neither evicted nor moved, so its number holds until then.
   */
  @Override
  public Batch claimAll(List<String> keys, boolean firstIsRequest) {
    int count = keys.size();
    long[] hashes = new long[2 * count];
    for (int i = 0; i < count; i++) {
      LongHashTable.Hash h = table.hash(keys.get(i));
      hashes[2 * i] = h.k1();
      hashes[2 * i + 1] = h.k2();
    }
    InMemoryBatch batch = new InMemoryBatch(count);
    synchronized (table) {
      // a request's lookups in a table larger than the cache each start with a miss: reading
      // their index words first overlaps those misses (bench/README, webhook.sh change 12)
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
              // expired: claimed again, and out of the commit order while in flight
              table.set(e, AT, IN_FLIGHT);
              table.unlink(e);
              c = Claim.CLAIMED;
            }
          }
        }
        batch.claims[i] = c;
        batch.entries[i] = e;
        if (c == Claim.BUSY || (i == 0 && firstIsRequest && c == Claim.DELIVERED)) {
          break;
        }
      }
    }
    return batch;
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
        LongHashTable.Hash h = table.hash(d.key());
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

  /** A request's claims and the entry number of each key it claimed. */
  private final class InMemoryBatch implements Batch {
    final Claim[] claims;
    final int[] entries;
    private boolean finished;

    InMemoryBatch(int count) {
      claims = new Claim[count];
      entries = new int[count];
    }

    @Override
    public Claim claim(int i) {
      return claims[i];
    }

    /** Commits, in order and under one lock, the keys answered CLAIMED. */
    @Override
    public void commit() {
      finish();
      long now = clock.millis();
      int committing = 0;
      for (Claim c : claims) {
        if (c == Claim.CLAIMED) {
          committing++;
        }
      }
      if (committing == 0) {
        return;
      }
      synchronized (table) {
        // the oldest commits that these push past the cap are evicted below: reading them first
        // overlaps their cache misses (bench/README, webhook.sh change 12)
        table.prefetchOldest(table.linked() + committing - maxEntries);
        for (int i = 0; i < claims.length; i++) {
          if (claims[i] == Claim.CLAIMED) {
            table.set(entries[i], AT, now);
            table.append(entries[i]);
          }
        }
        evict(now);
      }
    }

    /** Releases, under one lock, the keys answered CLAIMED. */
    @Override
    public void release() {
      finish();
      boolean any = false;
      for (Claim c : claims) {
        any |= c == Claim.CLAIMED;
      }
      if (!any) {
        return;
      }
      synchronized (table) {
        for (int i = 0; i < claims.length; i++) {
          if (claims[i] == Claim.CLAIMED && table.get(entries[i], AT) == IN_FLIGHT) {
            table.remove(entries[i]);
          }
        }
      }
    }

    /** Refuses a second finish: the entry numbers may belong to other keys by then. */
    private void finish() {
      if (finished) {
        throw new IllegalStateException("batch already committed or released");
      }
      finished = true;
    }
  }
}
