package dev.bmreceipts.http;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Deduplicator#inMemory}: a {@link ConcurrentHashMap} from key to commit time (or the
 * in-flight marker), plus a commit-ordered queue that evicts by age and by count.
 */
final class InMemoryDeduplicator implements Deduplicator {
  /** The in-flight marker; compared by identity. */
  private static final Long IN_FLIGHT = Long.valueOf(Long.MIN_VALUE);

  private record Committed(String key, Long at) {}

  private final ConcurrentHashMap<String, Long> entries = new ConcurrentHashMap<>();
  private final ArrayDeque<Committed> order = new ArrayDeque<>();
  private final int maxEntries;
  private final long maxAgeMillis;
  private final Clock clock;

  InMemoryDeduplicator(int maxEntries, long maxAgeMillis, Clock clock) {
    this.maxEntries = maxEntries;
    this.maxAgeMillis = maxAgeMillis;
    this.clock = clock;
  }

  @Override
  public Claim claim(String key) {
    while (true) {
      Long previous = entries.putIfAbsent(key, IN_FLIGHT);
      if (previous == null) {
        return Claim.CLAIMED;
      }
      if (previous == IN_FLIGHT) {
        return Claim.BUSY;
      }
      if (clock.millis() - previous < maxAgeMillis) {
        return Claim.DELIVERED;
      }
      if (entries.replace(key, previous, IN_FLIGHT)) {
        return Claim.CLAIMED;
      }
    }
  }

  @Override
  public void commit(String key) {
    long now = clock.millis();
    Long at = Long.valueOf(now);
    entries.put(key, at);
    // one short lock for the commit order: the queue's head is only ever taken under it, so an
    // eviction never races another one for the same entry (claims stay lock-free in the map)
    synchronized (order) {
      order.addLast(new Committed(key, at));
      Committed oldest;
      while ((oldest = order.peekFirst()) != null
          && (order.size() > maxEntries || now - oldest.at() >= maxAgeMillis)) {
        order.pollFirst();
        // only if not re-claimed or re-committed since
        entries.remove(oldest.key(), oldest.at());
      }
    }
  }

  @Override
  public void release(String key) {
    entries.remove(key, IN_FLIGHT);
  }

  /** Keys held, delivered or in flight (for tests). */
  int size() {
    return entries.size();
  }

  @Override
  public String toString() {
    return "Deduplicator.inMemory[maxEntries=" + maxEntries + ", maxAgeMillis=" + maxAgeMillis + "]";
  }
}
