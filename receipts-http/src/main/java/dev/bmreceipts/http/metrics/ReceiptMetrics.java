// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.ReceiptListener;
import dev.bmreceipts.http.internal.LongHashTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Receipt metrics: a {@link ReceiptListener} that counts what the receipts say, in bounded
 * memory, and shows it as a {@link MetricsSnapshot}, as Prometheus text or as a JMX MXBean.
 *
 * <pre>{@code
 * ReceiptMetrics metrics = ReceiptMetrics.builder().build();
 * webhookBuilder.receiptListener(metrics);
 * metrics.register(ManagementFactory.getPlatformMBeanServer());
 * String scrape = metrics.toPrometheus();
 * }</pre>
 *
 * <p><b>What it counts.</b> Every receipt counts by type, by protocol
 * ({@link ReceiptEvent#protocol()}: Business Messages or RCS Business Messaging) and by agent.
 * DELIVERED and READ receipts also update the message they name: the first of each type counts
 * the message as delivered or read, a second one counts as a duplicate, and a READ before the
 * DELIVERED counts as out of order. When a message has both, the gap between their {@code createTime}s goes into the
 * DELIVERED→READ histogram (negative gaps count as 0). A receipt whose {@code createTime} is
 * missing or a placeholder counts as unparsable and gives no latency. Hosts that know when they
 * sent a message call {@link #messageSent} for send→DELIVERED and send→READ latencies and overdue
 * counts.
 *
 * <p><b>Both protocols, one model.</b> An RBM receipt (from
 * {@code ReceiptEvent.of(RbmEnvelope, RbmUserEvent)}) names its message
 * {@code conversations/{phone}/messages/{messageId}}, and no Business Messages conversation id
 * begins with {@code +}: the two protocols' messages never share an entry, and everything above
 * works for both alike. Its conversation is the user's phone number, which the top-unread list
 * may then hold (see {@link MetricsSnapshot.ConversationUnread}); no other output names a
 * conversation.
 *
 * <p><b>Missing READ means unknown.</b> Users can opt out of READ receipts, so the read rate is a
 * lower bound and "unread" means "no READ seen".
 *
 * <p><b>Bounded memory.</b> Per-message state lives in one table capped at {@code maxMessages}
 * entries and {@code maxAge}: on each update the entries first seen more than {@code maxAge} ago
 * are dropped, and a new message in a full table drops the oldest one. Each drop is counted. A
 * receipt for a dropped message counts as if it were new. Agents past {@code maxAgents} count
 * under {@code "other"}. A tracked message costs 64 bytes of primitive arrays plus 16 to 32 bytes
 * of index (about 85 bytes per message, 8.5 MB, in a full table of 100,000), keyed by a 128-bit
 * hash of its name (a false match is negligible), plus its conversation's id once per
 * conversation: no objects per message for the garbage collector to copy.
 *
 * <p><b>Time.</b> "Now" is the injected {@link Clock}, or with {@code timeFromReceipts(true)} the
 * latest {@code createTime} or send time seen, so that age eviction and overdue counts work when
 * replaying archived traffic.
 *
 * <p><b>Threading.</b> All methods are thread-safe. Updates take one lock for a few table
 * operations; {@link #snapshot()} takes it for one pass over the tracked messages (to count overdue
 * ones, only when sends were registered) and over the conversations with unread messages.
 */
public final class ReceiptMetrics implements ReceiptListener {
  static final long UNKNOWN = Long.MIN_VALUE;
  static final String NO_AGENT = "(none)";
  static final String OTHER_AGENT = "other";
  private static final Protocol[] PROTOCOLS = Protocol.values();
  private static final ReceiptType[] TYPES = ReceiptType.values();

  private final Clock clock;
  private final boolean timeFromReceipts;
  private final int maxMessages;
  private final long maxAgeMillis;
  private final int maxAgents;
  private final Duration overdueAfter;
  private final int topConversations;
  private final ObjectName objectName;

  private final ReentrantLock lock = new ReentrantLock();
  /**
   * Receipts by protocol and type, at {@link #slot}: plain longs, since {@link #count} runs under
   * the lock anyway, so a receipt costs one increment, as by type alone before (bench/README,
   * "Metrics by protocol"; WebhookBenchmark -p listeners=metrics).
   */
  private final long[] received = new long[PROTOCOLS.length * TYPES.length];
  private final Map<String, long[]> byAgent = new HashMap<>();
  /** Per message (by hash of the name), in the order first seen: the oldest is evicted first. */
  private final MessageTable messages;
  private final Conversations conversations;
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

  private ReceiptMetrics(Builder b) {
    this.clock = b.clock;
    this.timeFromReceipts = b.timeFromReceipts;
    this.maxMessages = b.maxMessages;
    this.maxAgeMillis = saturatedMillis(b.maxAge);
    this.maxAgents = b.maxAgents;
    this.overdueAfter = b.overdueAfter;
    this.topConversations = b.topConversations;
    this.objectName = b.objectName;
    this.messages = new MessageTable(maxMessages);
    this.conversations = new Conversations(maxMessages);
  }

  /** A builder with every default set (see each method). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Counts one receipt. Thread-safe, never throws for any well-formed event.
   *
   * @throws NullPointerException when {@code event} is null
   */
  @Override
  public void onReceipt(ReceiptEvent event) {
    Objects.requireNonNull(event, "event cannot be null");
    // hashed before the lock, to keep it short
    LongHashTable.Hash h = messages.hash(event.message());
    long created = created(event);
    lock.lock();
    try {
      count(event, created, h.k1(), h.k2());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts a payload's receipts, in order, under one lock (one lock a payload rather than one a
   * receipt: bench/README, webhook.sh change 10). Thread-safe, never throws for well-formed events.
   *
   * @throws NullPointerException when {@code events} or one of them is null
   */
  @Override
  public void onReceipts(List<ReceiptEvent> events) {
    int n = events.size();
    long[] keys = new long[3 * n];
    for (int i = 0; i < n; i++) {
      ReceiptEvent event = Objects.requireNonNull(events.get(i), "event cannot be null");
      LongHashTable.Hash h = messages.hash(event.message());
      keys[3 * i] = h.k1();
      keys[3 * i + 1] = h.k2();
      keys[3 * i + 2] = created(event);
    }
    lock.lock();
    try {
      // the payload's lookups and the oldest messages that new ones push past the cap each start
      // with a cache miss: reading them first overlaps the misses (bench/README, webhook.sh
      // change 12; WebhookBenchmark -p listeners=metrics)
      messages.prefetch(keys, 3, n, messages.size() + n - maxMessages);
      for (int i = 0; i < n; i++) {
        count(events.get(i), keys[3 * i + 2], keys[3 * i], keys[3 * i + 1]);
      }
    } finally {
      lock.unlock();
    }
  }

  private static long created(ReceiptEvent event) {
    Optional<Instant> t = event.createTime().instant();
    return t.isPresent() ? millis(t.get()) : UNKNOWN;
  }

  /** Counts one receipt whose name hashes to ({@code k1}, {@code k2}); the caller holds the lock. */
  private void count(ReceiptEvent event, long created, long k1, long k2) {
    ReceiptType type = event.type();
    received[slot(event.protocol(), type)]++;
    countAgent(event.agent().isEmpty() ? NO_AGENT : event.agent());
    if (created == UNKNOWN) {
      unparsable++;
    }
    advance(created);
    if (type == ReceiptType.RECEIPT_TYPE_UNSPECIFIED) {
      return;
    }
    long now = nowMillis();
    evictOld(now);
    int e = entry(event.message(), k1, k2, now);
    if (type == ReceiptType.DELIVERED) {
      delivered(e, created);
    } else {
      read(e, created);
    }
  }

  private void delivered(int e, long created) {
    if (messages.isDelivered(e)) {
      duplicates++;
      return;
    }
    messages.markDelivered(e, created);
    messagesDelivered++;
    if (messages.isRead(e)) {
      gap(deliveredToRead, created, messages.readAt(e));
    } else {
      conversations.addUnread(messages.conversation(e), 1);
    }
    if (messages.isSent(e)) {
      gap(sentToDelivered, messages.sentAt(e), created);
    }
  }

  private void read(int e, long created) {
    if (messages.isRead(e)) {
      duplicates++;
      return;
    }
    messages.markRead(e, created);
    messagesRead++;
    if (messages.isDelivered(e)) {
      conversations.addUnread(messages.conversation(e), -1);
      gap(deliveredToRead, messages.deliveredAt(e), created);
    } else {
      outOfOrder++;
    }
    if (messages.isSent(e)) {
      gap(sentToRead, messages.sentAt(e), created);
    }
  }

  /**
   * Registers that the host sent a message at {@code sentAt}, for send→DELIVERED and send→READ
   * latencies and the overdue counts. The first registration of a message wins; receipts that
   * arrived before it still give their latencies. An RBM message is named as its receipts name
   * it: {@code MessageName.of(phone.e164(), messageId)}.
   */
  public void messageSent(MessageName message, Instant sentAt) {
    Objects.requireNonNull(message, "message cannot be null");
    Objects.requireNonNull(sentAt, "sentAt cannot be null");
    long sent = millis(sentAt);
    LongHashTable.Hash h = messages.hash(message);
    lock.lock();
    try {
      advance(sent);
      long now = nowMillis();
      evictOld(now);
      int e = entry(message, h.k1(), h.k2(), now);
      if (messages.isSent(e)) {
        return;
      }
      messages.markSent(e, sent);
      messagesSent++;
      if (messages.isDelivered(e)) {
        gap(sentToDelivered, sent, messages.deliveredAt(e));
      }
      if (messages.isRead(e)) {
        gap(sentToRead, sent, messages.readAt(e));
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
        for (int e = 0; e < messages.bound(); e++) {
          if (messages.used(e) && messages.isSent(e) && !messages.isRead(e)
              && now - messages.sentAt(e) > limit) {
            if (messages.isDelivered(e)) {
              overdueUnread++;
            } else {
              overdueUndelivered++;
            }
          }
        }
      }
      EnumMap<ReceiptType, Long> types = new EnumMap<>(ReceiptType.class);
      EnumMap<Protocol, Map<ReceiptType, Long>> protocols = new EnumMap<>(Protocol.class);
      for (Protocol p : PROTOCOLS) {
        EnumMap<ReceiptType, Long> byType = new EnumMap<>(ReceiptType.class);
        for (ReceiptType t : TYPES) {
          byType.put(t, received[slot(p, t)]);
          types.merge(t, received[slot(p, t)], Long::sum);
        }
        protocols.put(p, byType);
      }
      Map<String, Long> agents = new HashMap<>();
      byAgent.forEach((k, v) -> agents.put(k, v[0]));
      return new MetricsSnapshot(
          now == UNKNOWN ? Instant.EPOCH : Instant.ofEpochMilli(now),
          types, agents, messagesDelivered, messagesRead, messagesSent,
          deliveredToRead.snapshot(), sentToDelivered.snapshot(), sentToRead.snapshot(),
          overdueUndelivered, overdueUnread, overdueAfter,
          outOfOrder, duplicates, unparsable, evictedByCap, evictedByAge, messages.size(),
          topUnread(), protocols);
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
    conversations.forEachUnread((id, unread) -> {
      worst.add(new MetricsSnapshot.ConversationUnread(id, unread));
      if (worst.size() > topConversations) {
        worst.poll();
      }
    });
    List<MetricsSnapshot.ConversationUnread> top = new ArrayList<>(worst);
    top.sort(order);
    return top;
  }

  /**
   * Writes the metrics in the Prometheus text format, version 0.0.4 (see {@link PrometheusText}
   * for the metric names).
   *
   * @throws IOException when {@code out} throws it
   */
  public void writePrometheus(Appendable out) throws IOException {
    PrometheusText.write(snapshot(), out);
  }

  /** The metrics in the Prometheus text format, version 0.0.4. */
  public String toPrometheus() {
    StringBuilder sb = new StringBuilder(8192);
    try {
      writePrometheus(sb);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder never throws
    }
    return sb.toString();
  }

  /** The name {@link #register} uses: {@code dev.bmreceipts:type=ReceiptMetrics,name=<name>}. */
  public ObjectName objectName() {
    return objectName;
  }

  /**
   * Registers a {@link ReceiptMetricsMXBean} view of these metrics under {@link #objectName()}.
   *
   * @return the name it was registered under
   * @throws IllegalStateException when that name is already registered, or the server refuses
   */
  public ObjectName register(MBeanServer server) {
    Objects.requireNonNull(server, "server cannot be null");
    try {
      return server.registerMBean(new MXBeanView(this), objectName).getObjectName();
    } catch (InstanceAlreadyExistsException e) {
      throw new IllegalStateException(
          objectName + " is already registered; give each ReceiptMetrics its own name()", e);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register " + objectName + ": " + e.getMessage(), e);
    }
  }

  /** Unregisters what {@link #register} registered; does nothing when it is not registered. */
  public void unregister(MBeanServer server) {
    Objects.requireNonNull(server, "server cannot be null");
    try {
      server.unregisterMBean(objectName);
    } catch (InstanceNotFoundException e) {
      // already gone: nothing to do
    } catch (JMException e) {
      throw new IllegalStateException("cannot unregister " + objectName + ": " + e.getMessage(), e);
    }
  }

  /** The number of conversations the tracked messages refer to (for tests). */
  int conversationsHeld() {
    lock.lock();
    try {
      return conversations.size();
    } finally {
      lock.unlock();
    }
  }

  // --- state updates; the caller holds the lock ---

  private void advance(long millis) {
    if (!timeFromReceipts || millis == UNKNOWN || millis <= latestMillis) {
      return;
    }
    if (latestMillis == UNKNOWN) {
      // messages seen before any time was known count as seen now
      for (int e = 0; e < messages.bound(); e++) {
        if (messages.used(e)) {
          messages.setSeenAt(e, millis);
        }
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

  /**
   * The entry of {@code name}, whose hash is ({@code k1}, {@code k2}), added (seen {@code now})
   * when new.
   */
  private int entry(MessageName name, long k1, long k2, long now) {
    int e = messages.find(k1, k2);
    if (e == MessageTable.NONE) {
      if (messages.size() >= maxMessages) {
        forget(messages.oldest());
        evictedByCap++;
      }
      e = messages.add(k1, k2, conversations.acquire(name.conversationId()), now);
    }
    return e;
  }

  private void evictOld(long now) {
    if (now == UNKNOWN) {
      return;
    }
    long cutoff = now - maxAgeMillis;
    int oldest;
    while ((oldest = messages.oldest()) != MessageTable.NONE
        && messages.seenAt(oldest) < cutoff) {
      forget(oldest);
      evictedByAge++;
    }
  }

  /** Removes entry {@code e}, with its unread count and its hold on the conversation. */
  private void forget(int e) {
    int conversation = messages.conversation(e);
    if (messages.isDelivered(e) && !messages.isRead(e)) {
      conversations.addUnread(conversation, -1);
    }
    conversations.release(conversation);
    messages.remove(e);
  }

  /** The index in {@link #received} of {@code protocol}'s receipts of {@code type}. */
  private static int slot(Protocol protocol, ReceiptType type) {
    return protocol.ordinal() * TYPES.length + type.ordinal();
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

  /** Configuration for {@link ReceiptMetrics}; every setting has a default. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private boolean timeFromReceipts;
    private int maxMessages = 100_000;
    private Duration maxAge = Duration.ofDays(7);
    private int maxAgents = 100;
    private Duration overdueAfter = Duration.ofHours(1);
    private int topConversations = 10;
    private String name = "default";
    private ObjectName objectName;

    private Builder() {}

    /** The clock for "now" (default {@link Clock#systemUTC()}); unused in replay mode. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
      return this;
    }

    /**
     * Replay mode (default {@code false}): "now" is the latest {@code createTime} or send time
     * seen instead of the clock, for archived traffic.
     */
    public Builder timeFromReceipts(boolean timeFromReceipts) {
      this.timeFromReceipts = timeFromReceipts;
      return this;
    }

    /** The most messages tracked at once (default 100 000); the oldest is dropped past it. */
    public Builder maxMessages(int maxMessages) {
      if (maxMessages < 1) {
        throw new IllegalArgumentException("maxMessages must be at least 1, got " + maxMessages);
      }
      this.maxMessages = maxMessages;
      return this;
    }

    /** How long a message stays tracked after it was first seen (default 7 days). */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge cannot be null");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /** The most agents counted by name (default 100); further agents count as {@code "other"}. */
    public Builder maxAgents(int maxAgents) {
      if (maxAgents < 1) {
        throw new IllegalArgumentException("maxAgents must be at least 1, got " + maxAgents);
      }
      this.maxAgents = maxAgents;
      return this;
    }

    /** The age since send past which a registered message is overdue (default 1 hour). */
    public Builder overdueAfter(Duration overdueAfter) {
      Objects.requireNonNull(overdueAfter, "overdueAfter cannot be null");
      if (overdueAfter.isNegative()) {
        throw new IllegalArgumentException(
            "overdueAfter must not be negative, got " + overdueAfter);
      }
      this.overdueAfter = overdueAfter;
      return this;
    }

    /** How many conversations the top-unread list holds (default 10). */
    public Builder topConversations(int topConversations) {
      if (topConversations < 0) {
        throw new IllegalArgumentException(
            "topConversations must not be negative, got " + topConversations);
      }
      this.topConversations = topConversations;
      return this;
    }

    /** The {@code name} key of the JMX ObjectName (default {@code "default"}). */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name cannot be null");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name must not be empty");
      }
      this.name = name;
      return this;
    }

    /** The metrics, empty. */
    public ReceiptMetrics build() {
      try {
        String value = name.matches("[A-Za-z0-9_.\\-]+") ? name : ObjectName.quote(name);
        objectName = new ObjectName("dev.bmreceipts:type=ReceiptMetrics,name=" + value);
      } catch (MalformedObjectNameException e) {
        throw new IllegalArgumentException("name does not fit in an ObjectName", e);
      }
      return new ReceiptMetrics(this);
    }
  }
}
