package dev.bmreceipts.http.report;

/** Counts by a 64-bit key: open addressing, linear probing, about 24 bytes per key. */
final class LongCounts {
  private long[] keys = new long[1024];
  private int[] counts = new int[1024];
  private boolean[] used = new boolean[1024];
  private int size;

  void increment(long key) {
    int mask = keys.length - 1;
    int i = (int) Hashing.fmix(key) & mask;
    while (used[i]) {
      if (keys[i] == key) {
        counts[i]++;
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    keys[i] = key;
    counts[i] = 1;
    if (++size * 2 > keys.length) {
      long[] oldKeys = keys;
      int[] oldCounts = counts;
      boolean[] oldUsed = used;
      keys = new long[oldKeys.length * 2];
      counts = new int[oldKeys.length * 2];
      used = new boolean[oldKeys.length * 2];
      mask = keys.length - 1;
      for (int j = 0; j < oldKeys.length; j++) {
        if (oldUsed[j]) {
          int k = (int) Hashing.fmix(oldKeys[j]) & mask;
          while (used[k]) {
            k = (k + 1) & mask;
          }
          used[k] = true;
          keys[k] = oldKeys[j];
          counts[k] = oldCounts[j];
        }
      }
    }
  }

  int size() {
    return size;
  }

  /** Calls {@code visitor} once per key. */
  void forEach(Visitor visitor) {
    for (int i = 0; i < keys.length; i++) {
      if (used[i]) {
        visitor.visit(keys[i], counts[i]);
      }
    }
  }

  interface Visitor {
    void visit(long key, int count);
  }
}
