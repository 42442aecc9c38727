package dev.bmreceipts.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Remembers which deliveries the webhook already passed on, so that Google's redeliveries reach
 * no listener twice. The in-memory default suits one webhook instance; a host running several
 * instances behind a load balancer implements this over its shared store.
 *
 * <p>Keys are opaque strings: {@code "request " + requestId} for a payload with a request id, and
 * {@code message name + "|" + receipt type} for each receipt. For each request the webhook claims
 * its keys first, in that order, stopping at a request id already {@link Claim#DELIVERED} (the
 * whole request is a redelivery) or at the first {@link Claim#BUSY}. Then it calls the listeners,
 * then commits every key it claimed when all returned normally, or releases them when one threw
 * or a claim answered {@link Claim#BUSY}.
 *
 * <p>Implementations must be thread-safe and atomic per key: of two concurrent claims of a key
 * that is not delivered, exactly one gets {@link Claim#CLAIMED}.
 */
public interface Deduplicator {
  /** Default entry bound of {@link #inMemory()}. */
  int DEFAULT_MAX_ENTRIES = 100_000;
  /** Default age bound of {@link #inMemory()}: Google retries for up to 7 days. */
  Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

  /** The answer to {@link #claim}. */
  enum Claim {
    /** The key is new (or expired): it is now held in flight by the caller. */
    CLAIMED,
    /** The key was delivered and committed: skip it. */
    DELIVERED,
    /** Another request holds the key in flight: answer {@code 503} so Google retries. */
    BUSY
  }

  /** Tries to take {@code key} for delivery. */
  Claim claim(String key);

  /** Records {@code key}, which the caller claimed, as delivered. */
  void commit(String key);

  /** Forgets the caller's in-flight claim of {@code key}; a later claim gets {@link Claim#CLAIMED}. */
  void release(String key);

  /** {@link #inMemory(int, Duration, Clock)} with 100,000 entries, 7 days and the system clock. */
  static Deduplicator inMemory() {
    return inMemory(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /**
   * An in-memory store that forgets a delivered key after {@code maxAge}, and forgets the oldest
   * delivered keys when it holds more than {@code maxEntries}. A webhook using it claims a
   * request's keys under one lock and commits them under one more, instead of one per key.
   */
  static Deduplicator inMemory(int maxEntries, Duration maxAge, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
    }
    Objects.requireNonNull(maxAge, "maxAge cannot be null");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
    Objects.requireNonNull(clock, "clock cannot be null, use Clock.systemUTC()");
    return new InMemoryDeduplicator(maxEntries, maxAge.toMillis(), clock);
  }
}
