// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.http.internal.LongHashTable;

/**
 * The messages {@link ReceiptMetrics} tracks, by entry number, in the order first seen: a view of
 * a {@link LongHashTable} that names its columns, so that the metrics read {@code isRead(e)} and
 * {@code deliveredAt(e)} where the table holds a flag bit and a value column. The entries stay
 * primitive array cells (no object per message). Times are epoch milliseconds or
 * {@link ReceiptMetrics#UNKNOWN}. Not thread-safe: the metrics' lock guards it.
 */
final class MessageTable {
  /** Entry numbers: {@link LongHashTable#NONE} means none. */
  static final int NONE = LongHashTable.NONE;

  // the value columns of an entry
  private static final int SEEN_AT = 0;
  private static final int SENT_AT = 1;
  private static final int DELIVERED_AT = 2;
  private static final int READ_AT = 3;
  /** The flags below in the low 32 bits, the conversation's number above. */
  private static final int META = 4;
  private static final int COLUMNS = 5;

  private static final long SENT = 1;
  private static final long DELIVERED = 2;
  private static final long READ = 4;

  private final LongHashTable table;

  /** A table for at most about {@code expected} messages (which shapes the growth only). */
  MessageTable(int expected) {
    table = new LongHashTable(COLUMNS, expected);
  }

  /** The key of {@code name} in this table. */
  LongHashTable.Hash hash(MessageName name) {
    return table.hash(name.conversationId(), name.messageId());
  }

  /** The entry with key ({@code k1}, {@code k2}), or {@link #NONE}. */
  int find(long k1, long k2) {
    return table.find(k1, k2);
  }

  /**
   * Adds the message with key ({@code k1}, {@code k2}), in conversation number
   * {@code conversation}, seen at {@code seenAt}, with nothing else known, as the newest entry.
   */
  int add(long k1, long k2, int conversation, long seenAt) {
    int e = table.insert(k1, k2);
    table.set(e, SEEN_AT, seenAt);
    table.set(e, SENT_AT, ReceiptMetrics.UNKNOWN);
    table.set(e, DELIVERED_AT, ReceiptMetrics.UNKNOWN);
    table.set(e, READ_AT, ReceiptMetrics.UNKNOWN);
    table.set(e, META, (long) conversation << 32);
    table.append(e);
    return e;
  }

  /** Removes entry {@code e}; its number may be reused. */
  void remove(int e) {
    table.remove(e);
  }

  /** The entry first seen longest ago, or {@link #NONE}. */
  int oldest() {
    return table.oldest();
  }

  /** The number of messages held. */
  int size() {
    return table.size();
  }

  /** Every entry number is below this (for passes over all entries, with {@link #used}). */
  int bound() {
    return table.bound();
  }

  /** Whether {@code e}, below {@link #bound()}, is a message rather than a free place. */
  boolean used(int e) {
    return table.used(e);
  }

  /**
   * Reads ahead the index words of a batch of keys and the {@code evictions} oldest entries, so
   * that their cache misses overlap: see {@link LongHashTable#prefetch}.
   */
  void prefetch(long[] keys, int stride, int n, int evictions) {
    table.prefetch(keys, stride, n);
    table.prefetchOldest(evictions);
  }

  long seenAt(int e) {
    return table.get(e, SEEN_AT);
  }

  void setSeenAt(int e, long at) {
    table.set(e, SEEN_AT, at);
  }

  long sentAt(int e) {
    return table.get(e, SENT_AT);
  }

  long deliveredAt(int e) {
    return table.get(e, DELIVERED_AT);
  }

  long readAt(int e) {
    return table.get(e, READ_AT);
  }

  boolean isSent(int e) {
    return has(e, SENT);
  }

  boolean isDelivered(int e) {
    return has(e, DELIVERED);
  }

  boolean isRead(int e) {
    return has(e, READ);
  }

  /** Records that the host sent message {@code e} at {@code at}. */
  void markSent(int e, long at) {
    mark(e, SENT, SENT_AT, at);
  }

  /** Records a DELIVERED receipt for message {@code e}, created at {@code at}. */
  void markDelivered(int e, long at) {
    mark(e, DELIVERED, DELIVERED_AT, at);
  }

  /** Records a READ receipt for message {@code e}, created at {@code at}. */
  void markRead(int e, long at) {
    mark(e, READ, READ_AT, at);
  }

  /** The number of the conversation of message {@code e}, in {@link Conversations}. */
  int conversation(int e) {
    return (int) (table.get(e, META) >>> 32);
  }

  private boolean has(int e, long flag) {
    return (table.get(e, META) & flag) != 0;
  }

  private void mark(int e, long flag, int column, long at) {
    table.set(e, META, table.get(e, META) | flag);
    table.set(e, column, at);
  }
}
