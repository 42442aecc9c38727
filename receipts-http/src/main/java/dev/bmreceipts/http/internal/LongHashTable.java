// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * An insertion-ordered hash table of 128-bit keys with a few {@code long} value columns per entry,
 * held in primitive arrays: its entries are no objects, so they cost the garbage collector
 * nothing to trace or copy however long they live. Not part of the API (the package is not
 * exported).
 *
 * <p><b>Keys</b> are two {@code long}s, normally the {@link #hash} of a string (or a pair of
 * strings); the first must not be 0. Two keys are the same entry exactly when both halves are
 * equal: the table never sees the strings. See {@link #hash(String)} for what that costs in false
 * matches.
 *
 * <p><b>Layout.</b> Entries are numbered and stored densely, one after another in one array (key,
 * order links, values), so that an operation on an entry touches one or two cache lines. A
 * separate index finds them: open addressing with linear probing over {@code long}s that each hold
 * the low half of the key's first {@code long} and the entry's number, with deletion by backward
 * shift (no tombstones). The index alone decides where its words go: a probe reads an entry only
 * when 32 bits of its key match, and a backward shift reads none. It is kept at most half full,
 * because linear probing's runs grow as 1/(1 - load)² (bench/README, webhook.sh change 3). Entries take {@code 8 × (3 + columns)} bytes each, plus 16 to 32 bytes of
 * index: about half of what slots in a half-full table of whole entries would take.
 *
 * <p><b>Growth.</b> Both arrays start small and grow only as far as the entries need. The entries
 * double until {@code expected}, the count their owner caps them at, then grow by an eighth, so
 * that a table at its owner's cap holds no doubling's worth of unused entries.
 *
 * <p><b>Entry numbers</b> stay valid until that entry is removed; a removed entry's number is
 * reused by a later {@link #insert}. Every entry number is below {@link #bound()}.
 *
 * <p><b>Order.</b> Entries can be linked into one list, oldest first ({@link #append},
 * {@link #unlink}, {@link #oldest}, {@link #newer}), for eviction in insertion or commit order. An
 * entry is unlinked when inserted. Only the order list's head has no valid back link.
 *
 * <p>Not thread-safe: its owner holds a lock around every call.
 */
public final class LongHashTable {
  /** The entry number that means "none". */
  public static final int NONE = -1;

  private static final int UNLINKED = -2;
  private static final int INITIAL = 16;
  private static final int MAX_INDEX = 1 << 30;

  /** Per entry: key1, key2, the order links (prev in the high half, next in the low), values. */
  private static final int KEY1 = 0;
  private static final int KEY2 = 1;
  private static final int LINKS = 2;
  private static final int VALUES = 3;

  private final int stride;
  private final int expected;
  /** Per index slot: the low half of key1 in the high half, entry number + 1 in the low; 0 = free. */
  private long[] index;
  private int mask;
  private int limit;
  private long[] data;
  private int capacity;
  private int bound;
  /** The first free entry below {@link #bound}, whose links field holds the next; or NONE. */
  private int free = NONE;
  private int size;
  private int linked;
  private int head = NONE;
  private int tail = NONE;
  /** What {@link #prefetch} and {@link #prefetchOldest} read, kept so that the reads stay. */
  private long prefetched;
  /** This table's own starting states of {@link #hash}'s two halves. */
  private final long seed1;
  private final long seed2;

  /**
   * An empty table whose entries carry {@code columns} values each, with no expected count: the
   * entries double as far as they need.
   *
   * @throws IllegalArgumentException when {@code columns} is negative
   */
  public LongHashTable(int columns) {
    this(columns, Integer.MAX_VALUE);
  }

  /**
   * An empty table as {@link #LongHashTable(int, int, long)}, with a seed from
   * {@link SecureRandom}: nobody outside the process can tell which keys share its index slots.
   */
  public LongHashTable(int columns, int expected) {
    this(columns, expected, SEEDS.nextLong());
  }

  /**
   * An empty table whose entries carry {@code columns} values each, and whose owner keeps about
   * {@code expected} entries at most: the entries double up to that count and then grow by an
   * eighth. More entries still fit; this only shapes the growth.
   *
   * <p>{@code seed} starts this table's {@link #hash}: tables with other seeds hash a key to other
   * values (tests pass a fixed one to be repeatable).
   *
   * @throws IllegalArgumentException when {@code columns} is negative or {@code expected} is not
   *     positive
   */
  public LongHashTable(int columns, int expected, long seed) {
    if (columns < 0) {
      throw new IllegalArgumentException("columns must not be negative, got " + columns);
    }
    if (expected < 1) {
      throw new IllegalArgumentException("expected must be positive, got " + expected);
    }
    this.stride = VALUES + columns;
    this.expected = expected;
    this.seed1 = fmix64(seed ^ 0x243F6A8885A308D3L);
    this.seed2 = fmix64(seed ^ 0x13198A2E03707344L);
    allocateIndex(INITIAL);
    this.capacity = Math.min(INITIAL, expected);
    this.data = new long[capacity * stride];
  }

  /** The number of entries. */
  public int size() {
    return size;
  }

  /** The number of entries in the order list. */
  public int linked() {
    return linked;
  }

  /** Every entry number is below this bound (for passes over all entries, with {@link #used}). */
  public int bound() {
    return bound;
  }

  /** The number of entries the table holds without growing (for tests). */
  int capacity() {
    return capacity;
  }

  /** The number of index slots (for tests). */
  int indexSlots() {
    return mask + 1;
  }

  /** Whether {@code entry}, below {@link #bound()}, holds an entry rather than a free place. */
  public boolean used(int entry) {
    return data[entry * stride + KEY1] != 0;
  }

  /** The number of the entry with key ({@code k1}, {@code k2}), or {@link #NONE}. */
  public int find(long k1, long k2) {
    int tag = (int) k1;
    for (int i = tag & mask; ; i = (i + 1) & mask) {
      long w = index[i];
      if (w == 0) {
        return NONE;
      }
      if ((int) (w >>> 32) == tag) {
        int at = ((int) w - 1) * stride;
        if (data[at + KEY1] == k1 && data[at + KEY2] == k2) {
          return (int) w - 1;
        }
      }
    }
  }

  /**
   * Reads the index words where lookups of {@code n} keys start, so that their cache misses
   * overlap: the first halves of the keys are {@code keys[0]}, {@code keys[stride]}, … A batch of
   * {@link #find}s and {@link #insert}s that follows then finds those words in cache instead of
   * waiting for each miss in turn. In a table far larger than the cache, each lookup's first read
   * is a miss, and a lookup cannot start before the one before it has ended. Measured with
   * {@code bench/webhook.sh} (bench/README, change 12: about 1.04 × req/s).
   */
  public void prefetch(long[] keys, int stride, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += index[(int) keys[i * stride] & mask];
    }
    prefetched = sum;
  }

  /**
   * Reads the {@code n} oldest linked entries and the index words where their keys' lookups
   * start, so that removing them in order (an eviction) finds them in cache: see
   * {@link #prefetch}.
   */
  public void prefetchOldest(int n) {
    long sum = 0;
    for (int e = head, i = 0; e != NONE && i < n; e = next(e), i++) {
      sum += index[(int) data[e * stride + KEY1] & mask];
    }
    prefetched = sum;
  }

  /**
   * Adds an entry with key ({@code k1}, {@code k2}), values all 0 and not linked, and returns its
   * number. The key must not be in the table (see {@link #find}).
   *
   * @throws IllegalArgumentException when {@code k1} is 0
   */
  public int insert(long k1, long k2) {
    if (k1 == 0) {
      throw new IllegalArgumentException("the first half of a key must not be 0");
    }
    if (size >= limit) {
      growIndex();
    }
    int e = newEntry();
    int at = e * stride;
    data[at + KEY1] = k1;
    data[at + KEY2] = k2;
    data[at + LINKS] = links(UNLINKED, UNLINKED);
    int i = (int) k1 & mask;
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = indexWord(k1, e);
    size++;
    return e;
  }

  /** Value {@code column} of {@code entry}. */
  public long get(int entry, int column) {
    return data[entry * stride + VALUES + column];
  }

  /** Sets value {@code column} of {@code entry}. */
  public void set(int entry, int column, long value) {
    data[entry * stride + VALUES + column] = value;
  }

  /** Removes {@code entry} (unlinking it first); its number may be reused by the next insert. */
  public void remove(int entry) {
    unlink(entry);
    int at = entry * stride;
    int i = (int) data[at + KEY1] & mask;
    while ((int) index[i] != entry + 1) {
      i = (i + 1) & mask;
    }
    int hole = i;
    for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
      int h = (int) (index[j] >>> 32) & mask;
      // the word at j may move back into the hole only if its home is not cyclically in (hole, j]
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = 0;
    Arrays.fill(data, at, at + stride, 0L);
    data[at + LINKS] = free;
    free = entry;
    size--;
  }

  /** Whether {@code entry} is in the order list. */
  public boolean isLinked(int entry) {
    return prev(entry) != UNLINKED;
  }

  /** Puts {@code entry} at the newest end of the order list (moving it if linked). */
  public void append(int entry) {
    unlink(entry);
    setLinks(entry, tail, NONE);
    if (tail == NONE) {
      head = entry;
    } else {
      setNext(tail, entry);
    }
    tail = entry;
    linked++;
  }

  /** Takes {@code entry} out of the order list; does nothing when it is not in it. */
  public void unlink(int entry) {
    long l = data[entry * stride + LINKS];
    int p = (int) (l >> 32);
    if (p == UNLINKED) {
      return;
    }
    int n = (int) l;
    if (entry == head) {
      // the new head's prev is left stale: a head's prev is never read, and not writing it spares
      // a cache miss on the entry after the oldest at every eviction
      head = n;
      if (n == NONE) {
        tail = NONE;
      }
    } else {
      setNext(p, n);
      if (n == NONE) {
        tail = p;
      } else {
        setPrev(n, p);
      }
    }
    setLinks(entry, UNLINKED, UNLINKED);
    linked--;
  }

  /** The oldest linked entry, or {@link #NONE}. */
  public int oldest() {
    return head;
  }

  /** The linked entry after {@code entry} in the order list, or {@link #NONE}. */
  public int newer(int entry) {
    return next(entry);
  }

  /**
   * A 128-bit key: two halves, the first never 0. {@link #hash} returns one; callers that read its
   * halves at once let the compiler keep them in registers (no object is allocated).
   */
  public record Hash(long k1, long k2) {}

  /**
   * The 128-bit hash of {@code s}.
   *
   * <p>The halves are two 64-bit hashes computed in one pass over the string's chars with
   * different constants (a multiply-rotate step per four chars, the length last, and the murmur3
   * {@code fmix64} finalizer), so that they behave as independent. A lookup of an absent key among
   * {@code n} entries then matches a wrong entry with a probability of about {@code n / 2^128}:
   * for 100,000 entries about 3e-34 per lookup, which is negligible even over 10^12 lookups. (64
   * bits would not be: about 5e-15 per lookup, and a false match means a receipt taken for
   * delivered.)
   *
   * <p>Each table starts both halves from its own seed, so the same string hashes differently in
   * two tables. Keys crafted to share index slots, and so to build long probe runs on a webhook
   * that anyone can reach, cannot be computed offline without the seed. These are not
   * cryptographic hashes: they guard against precomputed slot collisions, not against an
   * attacker who can observe the table's timings at length.
   */
  public Hash hash(String s) {
    return absorb(s, null);
  }

  /**
   * The 128-bit hash of the pair ({@code a}, {@code b}): each string's chars, then its length, so
   * that no two pairs give the same input. See {@link #hash(String)}.
   */
  public Hash hash(String a, String b) {
    return absorb(a, Objects.requireNonNull(b));
  }

  /** Hashes {@code a}, then {@code b} unless it is null: both halves in one pass. */
  private Hash absorb(String a, String b) {
    long h1 = seed1;
    long h2 = seed2;
    String s = a;
    for (int part = 0; ; part++) {
      int n = s.length();
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        long w = word(s, i);
        h1 = step1(h1, w);
        h2 = step2(h2, w);
      }
      if (i < n) {
        long w = tail(s, i);
        h1 = step1(h1, w);
        h2 = step2(h2, w);
      }
      h1 = step1(h1, n);
      h2 = step2(h2, n);
      if (part == 1 || b == null) {
        break;
      }
      s = b;
    }
    long k1 = fmix64(h1);
    return new Hash(k1 == 0 ? seed1 | 1 : k1, fmix64(h2));
  }

  // --- internals ---

  private static long indexWord(long k1, int entry) {
    return (long) (int) k1 << 32 | (entry + 1L);
  }

  private void allocateIndex(int slots) {
    mask = slots - 1;
    limit = slots / 2;
    index = new long[slots];
  }

  private int newEntry() {
    int e = free;
    if (e != NONE) {
      free = (int) data[e * stride + LINKS];
      return e;
    }
    if (bound == capacity) {
      growEntries();
    }
    return bound++;
  }

  private void growEntries() {
    long more = capacity < expected
        ? Math.min((long) capacity * 2, expected)
        : capacity + Math.max(INITIAL, capacity / 8);
    if (more * stride > Integer.MAX_VALUE - 8) {
      more = (Integer.MAX_VALUE - 8) / stride;
      if (more <= capacity) {
        throw new IllegalStateException("table full at " + size + " entries");
      }
    }
    capacity = (int) more;
    data = Arrays.copyOf(data, capacity * stride);
  }

  /** Doubles the index, placing every word again from the key bits it holds. */
  private void growIndex() {
    if (mask + 1 >= MAX_INDEX) {
      throw new IllegalStateException("table full at " + size + " entries");
    }
    long[] old = index;
    allocateIndex(old.length * 2);
    for (long w : old) {
      if (w != 0) {
        int i = (int) (w >>> 32) & mask;
        while (index[i] != 0) {
          i = (i + 1) & mask;
        }
        index[i] = w;
      }
    }
  }

  private static long links(int prev, int next) {
    return (long) prev << 32 | (next & 0xFFFF_FFFFL);
  }

  private int prev(int entry) {
    return (int) (data[entry * stride + LINKS] >> 32);
  }

  private int next(int entry) {
    return (int) data[entry * stride + LINKS];
  }

  private void setLinks(int entry, int prev, int next) {
    data[entry * stride + LINKS] = links(prev, next);
  }

  private void setPrev(int entry, int prev) {
    setLinks(entry, prev, next(entry));
  }

  private void setNext(int entry, int next) {
    setLinks(entry, prev(entry), next);
  }

  /** Seeds for tables made without one; one generator, seeded once, for all of them. */
  private static final SecureRandom SEEDS = new SecureRandom();

  private static long word(String s, int i) {
    return s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
        | (long) s.charAt(i + 3) << 48;
  }

  private static long tail(String s, int i) {
    long w = 0;
    for (int shift = 0; i < s.length(); i++, shift += 16) {
      w |= (long) s.charAt(i) << shift;
    }
    return w;
  }

  /** murmur3's x64 lane step: a bijection of {@code h} for each word, and of the word for each. */
  private static long step1(long h, long word) {
    long k = Long.rotateLeft(word * 0x87C37B91114253D5L, 31) * 0x4CF5AD432745937FL;
    return Long.rotateLeft(h ^ k, 27) * 5 + 0x52DCE729L;
  }

  /** The same shape as {@link #step1} with other constants and rotations. */
  private static long step2(long h, long word) {
    long k = Long.rotateLeft(word * 0x9E3779B97F4A7C15L, 29) * 0xBF58476D1CE4E5B9L;
    return Long.rotateLeft(h ^ k, 33) * 9 + 0x38495AB5L;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB9FE1A85EC53L;
    return k ^ (k >>> 33);
  }
}
