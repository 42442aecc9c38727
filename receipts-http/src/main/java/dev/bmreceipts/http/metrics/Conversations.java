// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.http.internal.LongHashTable;
import java.util.Arrays;
import java.util.function.ObjLongConsumer;

/**
 * The conversations of the messages {@link ReceiptMetrics} tracks, each under a small number that
 * a message entry stores instead of the id: its entry in a {@link LongHashTable} keyed by the id's
 * hash, holding a count of the tracked messages that refer to it (the entry is removed, and its
 * number reused, when that count drops to 0) and its unread count, plus the id itself, once. Not
 * thread-safe: the metrics' lock guards it.
 */
final class Conversations {
  private static final int REFS = 0;
  private static final int UNREAD = 1;

  private final LongHashTable table;
  /** Each live conversation's id, by number; null for a free number. */
  private String[] ids = new String[16];

  /** Conversations for at most about {@code expected} messages (which shapes the growth only). */
  Conversations(int expected) {
    table = new LongHashTable(2, expected);
  }

  /** The number of {@code conversationId}, held once more (see {@link #release}). */
  int acquire(String conversationId) {
    LongHashTable.Hash h = table.hash(conversationId);
    int n = table.find(h.k1(), h.k2());
    if (n == LongHashTable.NONE) {
      n = table.insert(h.k1(), h.k2());
      if (n >= ids.length) {
        ids = Arrays.copyOf(ids, Math.max(n + 1, ids.length * 2));
      }
      ids[n] = conversationId;
    }
    table.set(n, REFS, table.get(n, REFS) + 1);
    return n;
  }

  /** Lets go of one hold on conversation {@code n}; the last one frees it. */
  void release(int n) {
    long refs = table.get(n, REFS) - 1;
    if (refs > 0) {
      table.set(n, REFS, refs);
      return;
    }
    table.remove(n);
    ids[n] = null;
  }

  /** Adds {@code delta} to the unread count of conversation {@code n}, which stays at least 0. */
  void addUnread(int n, int delta) {
    table.set(n, UNREAD, Math.max(0, table.get(n, UNREAD) + delta));
  }

  /** Calls {@code action} with the id and unread count of each conversation with any unread. */
  void forEachUnread(ObjLongConsumer<String> action) {
    for (int n = 0; n < table.bound(); n++) {
      if (table.used(n) && table.get(n, UNREAD) > 0) {
        action.accept(ids[n], table.get(n, UNREAD));
      }
    }
  }

  /** The number of conversations held (for tests). */
  int size() {
    return table.size();
  }
}
