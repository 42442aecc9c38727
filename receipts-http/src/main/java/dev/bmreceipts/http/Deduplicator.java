// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.Receipt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Remembers which deliveries the webhook already passed on, so that Google's redeliveries reach
 * no listener twice. The in-memory default suits one webhook instance; a host running several
 * instances behind a load balancer implements this over its shared store.
 *
 * <p>Keys are opaque strings, made by {@link #requestKey} for a payload with a request id and by
 * {@link #receiptKey} for each receipt; the webhook and the journal's
 * {@link dev.bmreceipts.http.journal.Journal#recentKeys seeding} both use them. For each request
 * with any keys the webhook claims them as one {@link #claimAll batch}, in that order, stopping at
 * a request id already {@link Claim#DELIVERED} (the whole request is a redelivery) or at the first
 * {@link Claim#BUSY}. Then it calls the listeners, then {@link Batch#commit() commits} the batch
 * when it answers {@code 200}, or {@link Batch#release() releases} it when it answers anything
 * else (a listener threw, a claim answered {@link Claim#BUSY}).
 *
 * <p>Implementations must be thread-safe and atomic per key: of two concurrent claims of a key
 * that is not delivered, exactly one gets {@link Claim#CLAIMED}. A store implements
 * {@link #claim}, {@link #commit} and {@link #release}; one that can claim many keys at once
 * (under one lock, in one round trip) also overrides {@link #claimAll}.
 */
public interface Deduplicator {
  /** Default entry bound of {@link #inMemory()}. */
  int DEFAULT_MAX_ENTRIES = 100_000;
  /** Default age bound of {@link #inMemory()}: Google retries for up to 7 days. */
  Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

  /**
   * The key of a payload's request id: {@code "request " + requestId}. No receipt key starts
   * with {@code "request "}.
   */
  static String requestKey(String requestId) {
    Objects.requireNonNull(requestId, "requestId cannot be null");
    return "request " + requestId;
  }

  /**
   * The key of one receipt: {@code "receipt " + type.length() + " " + type + " " + message name},
   * with the receipt's raw type. The length prefix makes it unambiguous: a message id may hold
   * any character but {@code /}, a raw type any at all, and no two (message, type) pairs share a
   * key (with a plain separator, {@code …/p|READ} with type {@code ""} and {@code …/p} with type
   * {@code READ|} would).
   */
  static String receiptKey(Receipt receipt) {
    String type = receipt.rawType();
    return "receipt " + type.length() + " " + type + " " + receipt.message();
  }

  /**
   * A key known delivered at a time: what {@link #inMemory(int, Duration, Clock, List)} starts
   * with.
   *
   * @param key a key from {@link #requestKey} or {@link #receiptKey}
   * @param at when it was delivered; it expires {@code maxAge} later
   */
  record Delivered(String key, Instant at) {
    public Delivered {
      Objects.requireNonNull(key, "key cannot be null");
      Objects.requireNonNull(at, "at cannot be null");
    }
  }

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

  /**
   * Claims a request's keys in order, as one batch, and answers the batch. Each key is claimed as
   * {@link #claim} would. Claiming stops after the first key when {@code firstIsRequest} and that
   * key is {@link Claim#DELIVERED} (the whole request is a redelivery), and after the first key
   * that is {@link Claim#BUSY}; the keys after a stop are not looked at.
   *
   * <p><b>Threading and count:</b> the webhook calls this once per request that has keys, on the
   * request's thread, and then calls exactly one of {@link Batch#commit()} or
   * {@link Batch#release()}, exactly once, on the same thread: {@code commit()} when it answers
   * {@code 200} (also for a redelivery, when nothing was claimed), {@code release()} otherwise,
   * even when a listener threw or a claim answered {@link Claim#BUSY}.
   *
   * <p><b>Exceptions:</b> if this method throws, the store must hold none of the batch's claims;
   * the webhook answers {@code 503} so that Google retries, and calls no listener. If
   * {@code commit()} throws, the webhook answers {@code 503} too (the listeners' work is redone on
   * the retry) and calls nothing else on the batch: the batch must not leave its keys in flight.
   * If {@code release()} throws, the webhook keeps its answer and logs the failure.
   *
   * <p>The default calls {@link #claim} once per key, and {@link #commit} or {@link #release}
   * once per key it claimed; when a call throws, it releases what it still holds and rethrows. A
   * store overrides it to claim the whole batch at once (one lock, one round trip).
   *
   * @param keys the request's distinct keys, its request id's first when it has one; not copied,
   *     and not changed by the caller until the batch is finished
   * @param firstIsRequest whether {@code keys.get(0)} is the request id's key
   */
  default Batch claimAll(List<String> keys, boolean firstIsRequest) {
    Claim[] claims = new Claim[keys.size()];
    try {
      for (int i = 0; i < claims.length; i++) {
        Claim c = claim(keys.get(i));
        claims[i] = c;
        if (c == Claim.BUSY || (i == 0 && firstIsRequest && c == Claim.DELIVERED)) {
          break;
        }
      }
    } catch (RuntimeException e) {
      releaseClaimed(keys, claims, 0, e);
      throw e;
    }
    return new Batch() {
      @Override
      public Claim claim(int i) {
        return claims[i];
      }

      @Override
      public void commit() {
        for (int i = 0; i < claims.length; i++) {
          if (claims[i] == Claim.CLAIMED) {
            try {
              Deduplicator.this.commit(keys.get(i));
            } catch (RuntimeException e) {
              releaseClaimed(keys, claims, i, e);
              throw e;
            }
          }
        }
      }

      @Override
      public void release() {
        releaseClaimed(keys, claims, 0, null);
      }
    };
  }

  /**
   * Releases the keys from {@code from} on that {@code claims} answered {@link Claim#CLAIMED}:
   * every one is tried; a failure is added to {@code failure} as suppressed, or thrown after the
   * others were tried when there is no {@code failure}.
   */
  private void releaseClaimed(List<String> keys, Claim[] claims, int from, RuntimeException failure) {
    RuntimeException first = failure;
    for (int i = from; i < claims.length; i++) {
      if (claims[i] == Claim.CLAIMED) {
        try {
          release(keys.get(i));
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
    }
    if (failure == null && first != null) {
      throw first;
    }
  }

  /**
   * A request's keys, claimed by {@link #claimAll}. Exactly one of {@link #commit()} and
   * {@link #release()} is called, exactly once, on the thread that claimed the batch; an
   * implementation need not be thread-safe.
   */
  interface Batch {
    /** The claim of key {@code i}, or {@code null} when claiming stopped before it. */
    Claim claim(int i);

    /** Records every key of the batch answered {@link Claim#CLAIMED} as delivered. */
    void commit();

    /** Forgets every claim of the batch answered {@link Claim#CLAIMED}. */
    void release();
  }

  /** {@link #inMemory(int, Duration, Clock)} with 100,000 entries, 7 days and the system clock. */
  static Deduplicator inMemory() {
    return inMemory(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /**
   * An in-memory store that forgets a delivered key after {@code maxAge}, and forgets the oldest
   * delivered keys when it holds more than {@code maxEntries}. Its {@link #claimAll} claims a
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

  /**
   * {@link #inMemory(int, Duration, Clock)}, starting with {@code delivered} committed at their
   * times (a restarted webhook seeded from its journal: see
   * {@link dev.bmreceipts.http.journal.Journal#recentKeys}). Keys older than {@code maxAge} are
   * left out; past {@code maxEntries}, the oldest are.
   */
  static Deduplicator inMemory(int maxEntries, Duration maxAge, Clock clock,
      List<Delivered> delivered) {
    Objects.requireNonNull(delivered, "delivered cannot be null, use List.of()");
    InMemoryDeduplicator d = (InMemoryDeduplicator) inMemory(maxEntries, maxAge, clock);
    d.seed(delivered);
    return d;
  }
}
