package dev.bmreceipts.http;

import dev.bmreceipts.http.internal.LongHashTable;
import java.time.Clock;

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
      int oldest;
      while ((oldest = table.oldest()) != LongHashTable.NONE
          && (table.linked() > maxEntries || now - table.get(oldest, AT) >= maxAgeMillis)) {
        table.remove(oldest);
      }
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
