package dev.bmreceipts.http.internal;

import java.util.Arrays;

/**
 * An insertion-ordered hash table of 128-bit keys with a few {@code long} value columns per entry,
 * held in primitive arrays: its entries are no objects, so they cost the garbage collector
 * nothing to trace or copy however long they live. Not part of the API (the package is not
 * exported).
 *
 * <p><b>Keys</b> are two {@code long}s, normally {@link #hash1} and {@link #hash2} of a string (or
 * a pair of strings); the first must not be 0, which marks a free slot. Two keys are the same entry
 * exactly when both halves are equal: the table never sees the strings. See {@link #hash1} for
 * what that costs in false matches.
 *
 * <p><b>Layout.</b> Open addressing with linear probing on the low bits of the first half, and
 * deletion by backward shift (no tombstones). The table starts at 16 slots and doubles when more
 * than half of them are used, so it is only as big as the entries it holds; its owner bounds them.
 * Half, not more: linear probing's runs, and so lookups and backward shifts, grow as
 * 1/(1 - load)², which at 13/16 made {@link #remove} the webhook's costliest call.
 *
 * <p><b>Order.</b> Entries can be linked into one list, oldest first ({@link #append},
 * {@link #unlink}, {@link #oldest}, {@link #newer}), for eviction in insertion or commit order. An
 * entry is unlinked when inserted.
 *
 * <p><b>Slots.</b> An entry is addressed by its slot number, which stays valid only until the
 * next {@link #insert} or {@link #remove} (both can move entries).
 *
 * <p>Not thread-safe: its owner holds a lock around every call.
 */
public final class LongHashTable {
  /** The slot number that means "none". */
  public static final int NONE = -1;

  private static final int UNLINKED = -2;
  private static final int INITIAL_SLOTS = 16;

  /** Per slot: key1, key2, the order links (prev in the high half, next in the low), values. */
  private static final int KEY1 = 0;
  private static final int KEY2 = 1;
  private static final int LINKS = 2;
  private static final int VALUES = 3;

  private final int columns;
  private final int stride;
  private int mask;
  private int limit;
  // one array, one slot after another: an operation on a slot touches one or two cache lines
  // rather than one per field
  private long[] data;
  private int size;
  private int linked;
  private int head = NONE;
  private int tail = NONE;

  /**
   * An empty table whose entries carry {@code columns} values each.
   *
   * @throws IllegalArgumentException when {@code columns} is negative
   */
  public LongHashTable(int columns) {
    if (columns < 0) {
      throw new IllegalArgumentException("columns must not be negative, got " + columns);
    }
    this.columns = columns;
    this.stride = VALUES + columns;
    allocate(INITIAL_SLOTS);
  }

  /** The number of entries. */
  public int size() {
    return size;
  }

  /** The number of entries in the order list. */
  public int linked() {
    return linked;
  }

  /** The number of slots; every slot number is below it. */
  public int slots() {
    return mask + 1;
  }

  /** Whether {@code slot} holds an entry. */
  public boolean used(int slot) {
    return data[slot * stride + KEY1] != 0;
  }

  /** The slot of the entry with key ({@code k1}, {@code k2}), or {@link #NONE}. */
  public int find(long k1, long k2) {
    for (int i = home(k1); ; i = (i + 1) & mask) {
      int at = i * stride;
      long k = data[at + KEY1];
      if (k == 0) {
        return NONE;
      }
      if (k == k1 && data[at + KEY2] == k2) {
        return i;
      }
    }
  }

  /**
   * Adds an entry with key ({@code k1}, {@code k2}), values all 0 and not linked, and returns its
   * slot. The key must not be in the table (see {@link #find}).
   *
   * @throws IllegalArgumentException when {@code k1} is 0
   */
  public int insert(long k1, long k2) {
    if (k1 == 0) {
      throw new IllegalArgumentException("the first half of a key must not be 0");
    }
    if (size >= limit) {
      grow();
    }
    int i = home(k1);
    while (data[i * stride + KEY1] != 0) {
      i = (i + 1) & mask;
    }
    int at = i * stride;
    data[at + KEY1] = k1;
    data[at + KEY2] = k2;
    data[at + LINKS] = links(UNLINKED, UNLINKED);
    size++;
    return i;
  }

  /** Value {@code column} of the entry at {@code slot}. */
  public long get(int slot, int column) {
    return data[slot * stride + VALUES + column];
  }

  /** Sets value {@code column} of the entry at {@code slot}. */
  public void set(int slot, int column, long value) {
    data[slot * stride + VALUES + column] = value;
  }

  /**
   * Removes the entry at {@code slot} (unlinking it first). Later entries of its probe run shift
   * back, so other slot numbers may change.
   */
  public void remove(int slot) {
    unlink(slot);
    size--;
    int hole = slot;
    for (int j = (slot + 1) & mask; data[j * stride + KEY1] != 0; j = (j + 1) & mask) {
      int h = home(data[j * stride + KEY1]);
      // the entry at j may move back into the hole only if its home is not cyclically in (hole, j]
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        move(j, hole);
        hole = j;
      }
    }
    Arrays.fill(data, hole * stride, hole * stride + stride, 0L);
  }

  /** Whether the entry at {@code slot} is in the order list. */
  public boolean isLinked(int slot) {
    return prev(slot) != UNLINKED;
  }

  /** Puts the entry at {@code slot} at the newest end of the order list (moving it if linked). */
  public void append(int slot) {
    unlink(slot);
    setLinks(slot, tail, NONE);
    if (tail == NONE) {
      head = slot;
    } else {
      setNext(tail, slot);
    }
    tail = slot;
    linked++;
  }

  /** Takes the entry at {@code slot} out of the order list; does nothing when it is not in it. */
  public void unlink(int slot) {
    int p = prev(slot);
    if (p == UNLINKED) {
      return;
    }
    int n = next(slot);
    if (p == NONE) {
      head = n;
    } else {
      setNext(p, n);
    }
    if (n == NONE) {
      tail = p;
    } else {
      setPrev(n, p);
    }
    setLinks(slot, UNLINKED, UNLINKED);
    linked--;
  }

  /** The slot of the oldest linked entry, or {@link #NONE}. */
  public int oldest() {
    return head;
  }

  /** The slot of the linked entry after {@code slot} in the order list, or {@link #NONE}. */
  public int newer(int slot) {
    return next(slot);
  }

  /**
   * The first half of the 128-bit hash of {@code s}; never 0.
   *
   * <p>{@code hash1} and {@code hash2} are two 64-bit hashes computed over the string's chars
   * with different constants (a multiply-rotate step per four chars, the length last, and the
   * murmur3 {@code fmix64} finalizer), so that they behave as independent. A lookup of an absent
   * key among {@code n} entries then matches a wrong entry with a probability of about
   * {@code n / 2^128}: for 100,000 entries about 3e-34 per lookup, which is negligible even over
   * 10^12 lookups. (64 bits would not be: about 5e-15 per lookup, and a false match means a
   * receipt taken for delivered.) These are not cryptographic hashes: keys crafted to collide
   * could be found, but only by a sender whose payloads the webhook accepts, and such a sender can
   * already send the key itself.
   */
  public static long hash1(String s) {
    return nonZero(fmix64(step1(chars1(SEED1, s), s.length())));
  }

  /** The second half of the 128-bit hash of {@code s}; see {@link #hash1}. */
  public static long hash2(String s) {
    return fmix64(step2(chars2(SEED2, s), s.length()));
  }

  /**
   * The first half of the 128-bit hash of the pair ({@code a}, {@code b}), never 0: each string's
   * chars, then its length, so that no two pairs give the same input. See {@link #hash1}.
   */
  public static long hash1(String a, String b) {
    long h = step1(chars1(SEED1, a), a.length());
    return nonZero(fmix64(step1(chars1(h, b), b.length())));
  }

  /** The second half of the 128-bit hash of the pair ({@code a}, {@code b}); see {@link #hash1}. */
  public static long hash2(String a, String b) {
    long h = step2(chars2(SEED2, a), a.length());
    return fmix64(step2(chars2(h, b), b.length()));
  }

  // --- internals ---

  private int home(long k1) {
    return (int) k1 & mask;
  }

  private void allocate(int slots) {
    mask = slots - 1;
    limit = slots / 2;
    data = new long[slots * stride];
  }

  private static long links(int prev, int next) {
    return (long) prev << 32 | (next & 0xFFFF_FFFFL);
  }

  private int prev(int slot) {
    return (int) (data[slot * stride + LINKS] >> 32);
  }

  private int next(int slot) {
    return (int) data[slot * stride + LINKS];
  }

  private void setLinks(int slot, int prev, int next) {
    data[slot * stride + LINKS] = links(prev, next);
  }

  private void setPrev(int slot, int prev) {
    setLinks(slot, prev, next(slot));
  }

  private void setNext(int slot, int next) {
    setLinks(slot, prev(slot), next);
  }

  /** Moves the entry at {@code from} to the free slot {@code to}, keeping its place in order. */
  private void move(int from, int to) {
    System.arraycopy(data, from * stride, data, to * stride, stride);
    int p = prev(to);
    int n = next(to);
    if (p != UNLINKED) {
      if (p == NONE) {
        head = to;
      } else {
        setNext(p, to);
      }
      if (n == NONE) {
        tail = to;
      } else {
        setPrev(n, to);
      }
    }
  }

  private void grow() {
    if (mask + 1 >= 1 << 30 || (long) (mask + 1) * 2 * stride > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("table full at " + size + " entries");
    }
    long[] old = data;
    int oldSlots = mask + 1;
    allocate(oldSlots * 2);
    int[] moved = new int[oldSlots];
    for (int s = 0; s < oldSlots; s++) {
      long k1 = old[s * stride + KEY1];
      if (k1 == 0) {
        continue;
      }
      int i = home(k1);
      while (data[i * stride + KEY1] != 0) {
        i = (i + 1) & mask;
      }
      System.arraycopy(old, s * stride, data, i * stride, stride);
      moved[s] = i;
    }
    for (int s = 0; s < oldSlots; s++) {
      if (old[s * stride + KEY1] != 0) {
        long l = old[s * stride + LINKS];
        int p = (int) (l >> 32);
        int n = (int) l;
        setLinks(moved[s], p < 0 ? p : moved[p], n < 0 ? n : moved[n]);
      }
    }
    head = head < 0 ? head : moved[head];
    tail = tail < 0 ? tail : moved[tail];
  }

  private static final long SEED1 = 0x243F6A8885A308D3L;
  private static final long SEED2 = 0x13198A2E03707344L;

  private static long chars1(long h, String s) {
    int n = s.length();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      h = step1(h, word(s, i));
    }
    return i < n ? step1(h, tail(s, i)) : h;
  }

  private static long chars2(long h, String s) {
    int n = s.length();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      h = step2(h, word(s, i));
    }
    return i < n ? step2(h, tail(s, i)) : h;
  }

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

  private static long nonZero(long h) {
    return h == 0 ? SEED1 : h;
  }
}
