package dev.bmreceipts.http.metrics;

import dev.bmreceipts.http.internal.LongHashTable;
import java.util.Arrays;
import java.util.function.ObjLongConsumer;

/**
 * The conversations of the messages {@link ReceiptMetrics} tracks, each under a small number that
 * a message entry stores instead of the id: one {@link String} per conversation, a count of the
 * tracked messages that refer to it (the number is freed, for reuse, when that count drops to 0)
 * and its unread count. Not thread-safe: the metrics' lock guards it.
 */
final class Conversations {
  private static final int NUMBER = 0;

  private final LongHashTable index = new LongHashTable(1);
  private String[] ids = new String[16];
  private int[] refs = new int[16];
  private long[] unread = new long[16];
  private int[] free = new int[16];
  private int freeCount;
  private int highWater;

  /** The number of {@code conversationId}, held once more (see {@link #release}). */
  int acquire(String conversationId) {
    long k1 = LongHashTable.hash1(conversationId);
    long k2 = LongHashTable.hash2(conversationId);
    int slot = index.find(k1, k2);
    if (slot != LongHashTable.NONE) {
      int n = (int) index.get(slot, NUMBER);
      refs[n]++;
      return n;
    }
    int n;
    if (freeCount > 0) {
      n = free[--freeCount];
    } else {
      if (highWater == ids.length) {
        int length = ids.length * 2;
        ids = Arrays.copyOf(ids, length);
        refs = Arrays.copyOf(refs, length);
        unread = Arrays.copyOf(unread, length);
        free = Arrays.copyOf(free, length);
      }
      n = highWater++;
    }
    ids[n] = conversationId;
    refs[n] = 1;
    unread[n] = 0;
    index.set(index.insert(k1, k2), NUMBER, n);
    return n;
  }

  /** Lets go of one hold on conversation {@code n}; the last one frees it. */
  void release(int n) {
    if (--refs[n] > 0) {
      return;
    }
    String id = ids[n];
    index.remove(index.find(LongHashTable.hash1(id), LongHashTable.hash2(id)));
    ids[n] = null;
    unread[n] = 0;
    free[freeCount++] = n;
  }

  /** Adds {@code delta} to the unread count of conversation {@code n}, which stays at least 0. */
  void addUnread(int n, int delta) {
    unread[n] = Math.max(0, unread[n] + delta);
  }

  /** Calls {@code action} with the id and unread count of each conversation with any unread. */
  void forEachUnread(ObjLongConsumer<String> action) {
    for (int n = 0; n < highWater; n++) {
      if (ids[n] != null && unread[n] > 0) {
        action.accept(ids[n], unread[n]);
      }
    }
  }

  /** The number of conversations held (for tests). */
  int size() {
    return index.size();
  }
}
