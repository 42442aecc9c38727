// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.ReceiptListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tracking state of {@link ReceiptMetrics} as it was with a {@code LinkedHashMap} of entry
 * objects: the model that the primitive-array version must match, snapshot for snapshot.
 */
final class LegacyReceiptMetrics implements ReceiptListener {
  static final long UNKNOWN = Long.MIN_VALUE;
  static final String NO_AGENT = "(none)";
  static final String OTHER_AGENT = "other";

  private static final byte SENT = 1;
  private static final byte DELIVERED = 2;
  private static final byte READ = 4;

  private final Clock clock;
  private final boolean timeFromReceipts;
  private final int maxMessages;
  private final long maxAgeMillis;
  private final int maxAgents;
  private final Duration overdueAfter;
  private final int topConversations;

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Protocol, EnumMap<ReceiptType, Long>> received = new EnumMap<>(Protocol.class);
  private final Map<String, long[]> byAgent = new HashMap<>();
  private final LinkedHashMap<MessageName, Entry> messages = new LinkedHashMap<>();
  private final Map<String, long[]> unreadByConversation = new HashMap<>();
  private final Histogram deliveredToRead = new Histogram();
  private final Histogram sentToDelivered = new Histogram();
  private final Histogram sentToRead = new Histogram();
  private long latestMillis = UNKNOWN;
  private long messagesDelivered;
  private long messagesRead;
  private long messagesSent;
  private long outOfOrder;
  private long duplicates;
  private long unparsable;
  private long evictedByCap;
  private long evictedByAge;

  private static final class Entry {
    long seenMillis;
    long sentMillis = UNKNOWN;
    long deliveredMillis = UNKNOWN;
    long readMillis = UNKNOWN;
    byte flags;

    Entry(long seenMillis) {
      this.seenMillis = seenMillis;
    }

    boolean has(byte flag) {
      return (flags & flag) != 0;
    }
  }

  LegacyReceiptMetrics(Clock clock, boolean timeFromReceipts, int maxMessages, Duration maxAge,
      Duration overdueAfter, int topConversations) {
    this.clock = clock;
    this.timeFromReceipts = timeFromReceipts;
    this.maxMessages = maxMessages;
    this.maxAgeMillis = saturatedMillis(maxAge);
    this.maxAgents = 100;
    this.overdueAfter = overdueAfter;
    this.topConversations = topConversations;
  }

  /**
   * Counts one receipt. Thread-safe, never throws for any well-formed event.
   *
   * @throws NullPointerException when {@code event} is null
   */
  @Override
  public void onReceipt(ReceiptEvent event) {
    Objects.requireNonNull(event, "event cannot be null");
    ReceiptType type = event.type();
    long created = event.createTime().instant().map(LegacyReceiptMetrics::millis).orElse(UNKNOWN);
    String agent = event.agent().isEmpty() ? NO_AGENT : event.agent();
    MessageName name = event.message();
    lock.lock();
    try {
      received.computeIfAbsent(event.protocol(), p -> new EnumMap<>(ReceiptType.class))
          .merge(type, 1L, Long::sum);
      countAgent(agent);
      if (created == UNKNOWN) {
        unparsable++;
      }
      advance(created);
      if (type == ReceiptType.RECEIPT_TYPE_UNSPECIFIED) {
        return;
      }
      long now = nowMillis();
      evictOld(now);
      Entry e = entry(name, now);
      if (type == ReceiptType.DELIVERED) {
        delivered(name, e, created);
      } else {
        read(name, e, created);
      }
    } finally {
      lock.unlock();
    }
  }

  private void delivered(MessageName name, Entry e, long created) {
    if (e.has(DELIVERED)) {
      duplicates++;
      return;
    }
    e.flags |= DELIVERED;
    e.deliveredMillis = created;
    messagesDelivered++;
    if (e.has(READ)) {
      gap(deliveredToRead, created, e.readMillis);
    } else {
      unread(name.conversationId(), 1);
    }
    if (e.has(SENT)) {
      gap(sentToDelivered, e.sentMillis, created);
    }
  }

  private void read(MessageName name, Entry e, long created) {
    if (e.has(READ)) {
      duplicates++;
      return;
    }
    e.flags |= READ;
    e.readMillis = created;
    messagesRead++;
    if (e.has(DELIVERED)) {
      unread(name.conversationId(), -1);
      gap(deliveredToRead, e.deliveredMillis, created);
    } else {
      outOfOrder++;
    }
    if (e.has(SENT)) {
      gap(sentToRead, e.sentMillis, created);
    }
  }

  /**
   * Registers that the host sent a message at {@code sentAt}, for send→DELIVERED and send→READ
   * latencies and the overdue counts. The first registration of a message wins; receipts that
   * arrived before it still give their latencies.
   */
  public void messageSent(MessageName message, Instant sentAt) {
    Objects.requireNonNull(message, "message cannot be null");
    Objects.requireNonNull(sentAt, "sentAt cannot be null");
    long sent = millis(sentAt);
    lock.lock();
    try {
      advance(sent);
      long now = nowMillis();
      evictOld(now);
      Entry e = entry(message, now);
      if (e.has(SENT)) {
        return;
      }
      e.flags |= SENT;
      e.sentMillis = sent;
      messagesSent++;
      if (e.has(DELIVERED)) {
        gap(sentToDelivered, sent, e.deliveredMillis);
      }
      if (e.has(READ)) {
        gap(sentToRead, sent, e.readMillis);
      }
    } finally {
      lock.unlock();
    }
  }

  /** All numbers at one moment; see {@link MetricsSnapshot}. */
  public MetricsSnapshot snapshot() {
    lock.lock();
    try {
      long now = nowMillis();
      evictOld(now);
      long overdueUndelivered = 0;
      long overdueUnread = 0;
      if (messagesSent > 0 && now != UNKNOWN) {
        long limit = saturatedMillis(overdueAfter);
        for (Entry e : messages.values()) {
          if (e.has(SENT) && !e.has(READ) && now - e.sentMillis > limit) {
            if (e.has(DELIVERED)) {
              overdueUnread++;
            } else {
              overdueUndelivered++;
            }
          }
        }
      }
      EnumMap<ReceiptType, Long> types = new EnumMap<>(ReceiptType.class);
      received.values().forEach(byType -> byType.forEach((t, n) -> types.merge(t, n, Long::sum)));
      Map<String, Long> agents = new HashMap<>();
      byAgent.forEach((k, v) -> agents.put(k, v[0]));
      return new MetricsSnapshot(
          now == UNKNOWN ? Instant.EPOCH : Instant.ofEpochMilli(now),
          types, agents, messagesDelivered, messagesRead, messagesSent,
          deliveredToRead.snapshot(), sentToDelivered.snapshot(), sentToRead.snapshot(),
          overdueUndelivered, overdueUnread, overdueAfter,
          outOfOrder, duplicates, unparsable, evictedByCap, evictedByAge, messages.size(),
          topUnread(), new EnumMap<>(received));
    } finally {
      lock.unlock();
    }
  }

  private List<MetricsSnapshot.ConversationUnread> topUnread() {
    Comparator<MetricsSnapshot.ConversationUnread> order =
        Comparator.comparingLong(MetricsSnapshot.ConversationUnread::unread).reversed()
            .thenComparing(MetricsSnapshot.ConversationUnread::conversationId);
    PriorityQueue<MetricsSnapshot.ConversationUnread> worst =
        new PriorityQueue<>(order.reversed());
    for (Map.Entry<String, long[]> c : unreadByConversation.entrySet()) {
      worst.add(new MetricsSnapshot.ConversationUnread(c.getKey(), c.getValue()[0]));
      if (worst.size() > topConversations) {
        worst.poll();
      }
    }
    List<MetricsSnapshot.ConversationUnread> top = new ArrayList<>(worst);
    top.sort(order);
    return top;
  }

  // --- state updates; the caller holds the lock ---

  private void advance(long millis) {
    if (!timeFromReceipts || millis == UNKNOWN || millis <= latestMillis) {
      return;
    }
    if (latestMillis == UNKNOWN) {
      // messages seen before any time was known count as seen now
      for (Entry e : messages.values()) {
        e.seenMillis = millis;
      }
    }
    latestMillis = millis;
  }

  private long nowMillis() {
    return timeFromReceipts ? latestMillis : clock.millis();
  }

  private void countAgent(String agent) {
    long[] n = byAgent.get(agent);
    if (n == null) {
      String key = byAgent.size() < maxAgents || OTHER_AGENT.equals(agent) ? agent : OTHER_AGENT;
      n = byAgent.computeIfAbsent(key, k -> new long[1]);
    }
    n[0]++;
  }

  private Entry entry(MessageName name, long now) {
    Entry e = messages.get(name);
    if (e == null) {
      if (messages.size() >= maxMessages) {
        Iterator<Map.Entry<MessageName, Entry>> it = messages.entrySet().iterator();
        Map.Entry<MessageName, Entry> oldest = it.next();
        it.remove();
        forget(oldest.getKey(), oldest.getValue());
        evictedByCap++;
      }
      e = new Entry(now);
      messages.put(name, e);
    }
    return e;
  }

  private void evictOld(long now) {
    if (now == UNKNOWN) {
      return;
    }
    long cutoff = now - maxAgeMillis;
    Iterator<Map.Entry<MessageName, Entry>> it = messages.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<MessageName, Entry> oldest = it.next();
      if (oldest.getValue().seenMillis >= cutoff) {
        return;
      }
      it.remove();
      forget(oldest.getKey(), oldest.getValue());
      evictedByAge++;
    }
  }

  private void forget(MessageName name, Entry e) {
    if (e.has(DELIVERED) && !e.has(READ)) {
      unread(name.conversationId(), -1);
    }
  }

  private void unread(String conversationId, int delta) {
    long[] n = unreadByConversation.computeIfAbsent(conversationId, k -> new long[1]);
    n[0] += delta;
    if (n[0] <= 0) {
      unreadByConversation.remove(conversationId);
    }
  }

  private static void gap(Histogram h, long from, long to) {
    if (from != UNKNOWN && to != UNKNOWN) {
      h.record(to - from);
    }
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2; // longer than any time we can tell apart
    }
  }

  private static long millis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return UNKNOWN; // beyond what millisecond time can hold: treated as unparsable
    }
  }

}
