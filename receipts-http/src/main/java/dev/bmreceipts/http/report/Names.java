// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Byte strings by their 64-bit {@link Hashing} hash: an open-addressing table of hashes pointing
 * at ordinals, each ordinal's bytes kept once in an arena. Adding a string whose hash is known
 * compares the bytes, so a collision between two names is counted ({@link #collisions()}), never
 * silently merged. About 20 bytes plus the name per entry, counted against the analysis's memory
 * budget with the message tables. Not thread-safe: one per worker.
 */
final class Names {
  private long[] keys = new long[1024];
  private int[] ordinals = new int[1024];
  private int[] offsets = new int[256];
  private int[] lengths = new int[256];
  private byte[] arena = new byte[4096];
  private int size;
  private int used;
  private long collisions;
  /** The analysis's state in bytes, shared with the message tables, and its budget. */
  private final AtomicLong bytes;
  private final long budget;

  /** Names whose growth counts against {@code budget} in {@code bytes}. */
  Names(AtomicLong bytes, long budget) {
    this.bytes = bytes;
    this.budget = budget;
    charge(12L * keys.length + 8L * offsets.length + arena.length);
  }

  /** Counts {@code more} bytes of growth; past the budget, the analysis stops. */
  private void charge(long more) {
    if (bytes.addAndGet(more) > budget) {
      bytes.addAndGet(-more);
      throw new ArchiveTooLargeException(budget);
    }
  }

  /** The ordinal of the string, added if new. */
  int add(long hash, byte[] b, int off, int len) {
    int mask = keys.length - 1;
    int i = (int) Hashing.fmix(hash) & mask;
    while (true) {
      int o = ordinals[i];
      if (o == 0) {
        break;
      }
      if (keys[i] == hash) {
        int ord = o - 1;
        if (!Arrays.equals(arena, offsets[ord], offsets[ord] + lengths[ord], b, off, off + len)) {
          collisions++;
        }
        return ord;
      }
      i = (i + 1) & mask;
    }
    int ord = size++;
    if (ord == offsets.length) {
      charge(8L * ord);
      offsets = Arrays.copyOf(offsets, ord * 2);
      lengths = Arrays.copyOf(lengths, ord * 2);
    }
    if (used + len > arena.length) {
      int grown = Math.max(arena.length * 2, used + len);
      charge(grown - arena.length);
      arena = Arrays.copyOf(arena, grown);
    }
    System.arraycopy(b, off, arena, used, len);
    offsets[ord] = used;
    lengths[ord] = len;
    used += len;
    keys[i] = hash;
    ordinals[i] = ord + 1;
    if (size * 2 > keys.length) {
      rehash();
    }
    return ord;
  }

  private void rehash() {
    charge(12L * keys.length);
    long[] oldKeys = keys;
    int[] oldOrdinals = ordinals;
    keys = new long[oldKeys.length * 2];
    ordinals = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldOrdinals[j] != 0) {
        int i = (int) Hashing.fmix(oldKeys[j]) & mask;
        while (ordinals[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        ordinals[i] = oldOrdinals[j];
      }
    }
  }

  /** The ordinal of a hash, -1 when absent. */
  int find(long hash) {
    int mask = keys.length - 1;
    int i = (int) Hashing.fmix(hash) & mask;
    while (ordinals[i] != 0) {
      if (keys[i] == hash) {
        return ordinals[i] - 1;
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  int size() {
    return size;
  }

  long collisions() {
    return collisions;
  }

  String string(int ordinal) {
    return new String(arena, offsets[ordinal], lengths[ordinal], StandardCharsets.UTF_8);
  }

  /** Adds every string of {@code other}, returning the ordinal here of each of its ordinals. */
  int[] addAll(Names other) {
    int[] map = new int[other.size];
    for (int j = 0; j < other.keys.length; j++) {
      int o = other.ordinals[j];
      if (o != 0) {
        map[o - 1] = add(other.keys[j], other.arena, other.offsets[o - 1], other.lengths[o - 1]);
      }
    }
    collisions += other.collisions;
    return map;
  }

  /** Compares two ordinals' bytes as unsigned bytes (UTF-8 order, which is code point order). */
  int compare(int a, int b) {
    return Arrays.compareUnsigned(arena, offsets[a], offsets[a] + lengths[a],
        arena, offsets[b], offsets[b] + lengths[b]);
  }
}
