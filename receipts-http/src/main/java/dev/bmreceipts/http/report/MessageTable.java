// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker's per-message state: an open-addressing table (linear probing) in {@value #SHARDS}
 * shards, each one {@code long[]} holding four longs per slot: the conversation id's hash (its low
 * bit replaced by the protocol, 1 for RCS Business Messaging, so that a message is its protocol
 * and its name), the message id's hash (low bit forced to 1, so that 0 marks an empty slot), the
 * earliest DELIVERED and the earliest READ {@code createTime} in epoch microseconds
 * ({@link #ABSENT} when none, {@link #NO_TIME} when present without a usable time).
 *
 * <p>The key is 126 bits of hash and the protocol: two distinct messages of one protocol share a
 * slot only if their conversation ids' 63-bit hashes and their message ids' 63-bit hashes both
 * collide; within one conversation that takes a 63-bit collision, about 1 in 10^19 per pair. A
 * slot is 32 bytes, a shard grows by half past a load of 3/4, so a message costs 43 to 64 bytes.
 * Shards let workers merge one shard at a time, and grow without copying the whole table. Not
 * thread-safe: one per worker.
 */
final class MessageTable {
  static final int SHARDS = 64;
  static final long ABSENT = Long.MAX_VALUE;
  static final long NO_TIME = Long.MAX_VALUE - 1;
  private static final int INITIAL = 256;

  private final long[][] shards = new long[SHARDS][];
  private final int[] sizes = new int[SHARDS];
  private final AtomicLong bytes;
  private final long budget;

  /**
   * @param bytes the table bytes of every worker, shared, checked against {@code budget}
   * @param budget the most bytes all tables may hold
   */
  MessageTable(AtomicLong bytes, long budget) {
    this.bytes = bytes;
    this.budget = budget;
    for (int s = 0; s < SHARDS; s++) {
      shards[s] = allocate(INITIAL);
    }
  }

  static int shardOf(long msg) {
    return (int) (msg >>> 1) & (SHARDS - 1);
  }

  private static int home(long msg, int capacity) {
    return (int) (((msg >>> 32) * capacity) >>> 32);
  }

  /**
   * Records one receipt: {@code delivered} or READ at {@code time} (micros or {@link #NO_TIME}).
   *
   * @return whether the message was new to this table
   */
  boolean record(long conv, long msg, boolean delivered, long time) {
    int s = shardOf(msg);
    long[] t = shards[s];
    int capacity = t.length >>> 2;
    int i = home(msg, capacity);
    while (true) {
      int p = i << 2;
      long k = t[p + 1];
      if (k == 0) {
        t[p] = conv;
        t[p + 1] = msg;
        t[p + 2] = delivered ? time : ABSENT;
        t[p + 3] = delivered ? ABSENT : time;
        if (++sizes[s] > capacity - (capacity >>> 2)) {
          grow(s);
        }
        return true;
      }
      if (k == msg && t[p] == conv) {
        int f = p + (delivered ? 2 : 3);
        if (time < t[f]) {
          t[f] = time;
        }
        return false;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
  }

  /** Merges one shard of another worker's table into this one's; the other shard is dropped. */
  void mergeShard(MessageTable other, int s) {
    long[] o = other.shards[s];
    other.shards[s] = null;
    for (int p = 0; p < o.length; p += 4) {
      if (o[p + 1] != 0) {
        put(s, o[p], o[p + 1], o[p + 2], o[p + 3]);
      }
    }
    other.bytes.addAndGet(-8L * o.length);
  }

  private void put(int s, long conv, long msg, long d, long r) {
    long[] t = shards[s];
    int capacity = t.length >>> 2;
    int i = home(msg, capacity);
    while (true) {
      int p = i << 2;
      long k = t[p + 1];
      if (k == 0) {
        t[p] = conv;
        t[p + 1] = msg;
        t[p + 2] = d;
        t[p + 3] = r;
        if (++sizes[s] > capacity - (capacity >>> 2)) {
          grow(s);
        }
        return;
      }
      if (k == msg && t[p] == conv) {
        t[p + 2] = Math.min(t[p + 2], d);
        t[p + 3] = Math.min(t[p + 3], r);
        return;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
  }

  private void grow(int s) {
    long[] old = shards[s];
    int capacity = old.length >>> 2;
    long[] t = allocate(capacity + (capacity >>> 1));
    int newCapacity = t.length >>> 2;
    for (int p = 0; p < old.length; p += 4) {
      long msg = old[p + 1];
      if (msg == 0) {
        continue;
      }
      int i = home(msg, newCapacity);
      while (t[(i << 2) + 1] != 0) {
        if (++i == newCapacity) {
          i = 0;
        }
      }
      int q = i << 2;
      t[q] = old[p];
      t[q + 1] = msg;
      t[q + 2] = old[p + 2];
      t[q + 3] = old[p + 3];
    }
    shards[s] = t;
    bytes.addAndGet(-8L * old.length);
  }

  private long[] allocate(int capacity) {
    long size = 32L * capacity;
    long now = bytes.addAndGet(size);
    if (now > budget) {
      bytes.addAndGet(-size);
      throw new ArchiveTooLargeException(budget);
    }
    return new long[capacity * 4];
  }

  /** Messages held. */
  long size() {
    long n = 0;
    for (int s : sizes) {
      n += s;
    }
    return n;
  }

  /** Calls {@code visitor} once per message, shard by shard. */
  void forEach(Visitor visitor) {
    for (long[] t : shards) {
      for (int p = 0; p < t.length; p += 4) {
        if (t[p + 1] != 0) {
          visitor.visit(t[p], t[p + 2], t[p + 3]);
        }
      }
    }
  }

  /** One message: its conversation's hash, DELIVERED and READ times. */
  interface Visitor {
    void visit(long conv, long delivered, long read);
  }
}
