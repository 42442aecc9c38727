// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.rbm.PhoneNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything {@link ReceiptMetrics} knows at one moment, taken atomically: all numbers come from
 * the same state, none is half-updated.
 *
 * <p><b>Missing READ means unknown.</b> Users can opt out of sending READ receipts, so a message
 * with no READ may well have been read: {@link #readRate()} is a lower bound, and
 * {@link #topUnread()} lists messages with no READ seen, not messages known to be unread.
 *
 * <p><b>Both protocols.</b> Business Messages and RCS Business Messaging receipts are counted
 * alike; {@link #receivedByProtocol()} tells them apart. An RBM receipt's conversation is the
 * user's phone number, so {@link #topUnread()} can hold phone numbers: personal data, which
 * {@link ConversationUnread#toString()} and {@link MetricsReport} mask.
 *
 * @param at the time the snapshot describes (the clock, or in replay mode the latest
 *     {@code createTime} seen; {@link Instant#EPOCH} when none was seen yet)
 * @param receivedByType receipts received (duplicates included), one entry per {@link ReceiptType}:
 *     the sum over {@code receivedByProtocol}
 * @param receivedByAgent receipts received by agent name, sorted; {@code "(none)"} for receipts
 *     without an agent and {@code "other"} for agents past the cap
 * @param messagesDelivered distinct messages with a DELIVERED receipt
 * @param messagesRead distinct messages with a READ receipt
 * @param messagesSent messages registered with {@link ReceiptMetrics#messageSent}
 * @param deliveredToRead per message, READ {@code createTime} minus DELIVERED {@code createTime}
 * @param sentToDelivered per registered message, DELIVERED {@code createTime} minus send time
 * @param sentToRead per registered message, READ {@code createTime} minus send time
 * @param overdueUndelivered registered messages with no DELIVERED or READ, sent more than
 *     {@code overdueAfter} ago
 * @param overdueUnread registered messages delivered but with no READ, sent more than
 *     {@code overdueAfter} ago
 * @param overdueAfter the age past which a registered message counts as overdue
 * @param outOfOrder READ receipts that arrived before their message's DELIVERED
 * @param duplicates DELIVERED or READ receipts for a message that already had one of that type
 * @param unparsableTimestamps receipts whose {@code createTime} is missing or not RFC 3339
 * @param evictedByCap messages dropped from the tracking state because it was full
 * @param evictedByAge messages dropped from the tracking state because they were too old
 * @param trackedMessages messages in the tracking state now
 * @param topUnread the conversations with the most tracked messages delivered but with no READ,
 *     most first, then by conversation id
 * @param receivedByProtocol receipts received (duplicates included) by the protocol they came by
 *     ({@link dev.bmreceipts.http.ReceiptEvent#protocol()}) and type: one entry per
 *     {@link Protocol}, each with one entry per {@link ReceiptType}
 */
public record MetricsSnapshot(
    Instant at,
    Map<ReceiptType, Long> receivedByType,
    Map<String, Long> receivedByAgent,
    long messagesDelivered,
    long messagesRead,
    long messagesSent,
    HistogramSnapshot deliveredToRead,
    HistogramSnapshot sentToDelivered,
    HistogramSnapshot sentToRead,
    long overdueUndelivered,
    long overdueUnread,
    Duration overdueAfter,
    long outOfOrder,
    long duplicates,
    long unparsableTimestamps,
    long evictedByCap,
    long evictedByAge,
    long trackedMessages,
    List<ConversationUnread> topUnread,
    Map<Protocol, Map<ReceiptType, Long>> receivedByProtocol) {

  /**
   * A snapshot; the maps are copied with an entry for every protocol and type ({@code 0} where
   * none is given), the agents sorted.
   *
   * @throws IllegalArgumentException when {@code receivedByProtocol} does not add up to
   *     {@code receivedByType} for some type (a missing entry counts as 0)
   */
  public MetricsSnapshot {
    Objects.requireNonNull(at, "at cannot be null");
    Objects.requireNonNull(receivedByType, "receivedByType cannot be null");
    Objects.requireNonNull(receivedByAgent, "receivedByAgent cannot be null");
    Objects.requireNonNull(deliveredToRead, "deliveredToRead cannot be null");
    Objects.requireNonNull(sentToDelivered, "sentToDelivered cannot be null");
    Objects.requireNonNull(sentToRead, "sentToRead cannot be null");
    Objects.requireNonNull(overdueAfter, "overdueAfter cannot be null");
    Objects.requireNonNull(topUnread, "topUnread cannot be null, use List.of()");
    Objects.requireNonNull(receivedByProtocol,
        "receivedByProtocol cannot be null, use the constructor without it for Business Messages");
    receivedByType = allTypes(receivedByType);
    EnumMap<Protocol, Map<ReceiptType, Long>> protocols = new EnumMap<>(Protocol.class);
    for (Protocol p : Protocol.values()) {
      protocols.put(p, allTypes(receivedByProtocol.getOrDefault(p, Map.of())));
    }
    for (ReceiptType t : ReceiptType.values()) {
      long sum = 0;
      for (Map<ReceiptType, Long> byType : protocols.values()) {
        sum += byType.get(t);
      }
      if (sum != receivedByType.get(t)) {
        throw new IllegalArgumentException("receivedByProtocol must add up to receivedByType: "
            + t + " is " + receivedByType.get(t) + " by type and " + sum + " by protocol");
      }
    }
    receivedByProtocol = Collections.unmodifiableMap(protocols);
    receivedByAgent = Collections.unmodifiableMap(new TreeMap<>(receivedByAgent));
    topUnread = List.copyOf(topUnread);
  }

  /**
   * The snapshot of the versions before RCS Business Messaging: every receipt counts as
   * {@link Protocol#BUSINESS_MESSAGES}.
   */
  public MetricsSnapshot(Instant at, Map<ReceiptType, Long> receivedByType,
      Map<String, Long> receivedByAgent, long messagesDelivered, long messagesRead,
      long messagesSent, HistogramSnapshot deliveredToRead, HistogramSnapshot sentToDelivered,
      HistogramSnapshot sentToRead, long overdueUndelivered, long overdueUnread,
      Duration overdueAfter, long outOfOrder, long duplicates, long unparsableTimestamps,
      long evictedByCap, long evictedByAge, long trackedMessages,
      List<ConversationUnread> topUnread) {
    this(at, receivedByType, receivedByAgent, messagesDelivered, messagesRead, messagesSent,
        deliveredToRead, sentToDelivered, sentToRead, overdueUndelivered, overdueUnread,
        overdueAfter, outOfOrder, duplicates, unparsableTimestamps, evictedByCap, evictedByAge,
        trackedMessages, topUnread,
        Map.of(Protocol.BUSINESS_MESSAGES,
            Objects.requireNonNull(receivedByType, "receivedByType cannot be null")));
  }

  /** One entry per type, {@code 0} where {@code counts} has none; unmodifiable. */
  private static Map<ReceiptType, Long> allTypes(Map<ReceiptType, Long> counts) {
    EnumMap<ReceiptType, Long> types = new EnumMap<>(ReceiptType.class);
    for (ReceiptType t : ReceiptType.values()) {
      types.put(t, counts.getOrDefault(t, 0L));
    }
    return Collections.unmodifiableMap(types);
  }

  /** Receipts received of one type, duplicates included. */
  public long received(ReceiptType type) {
    return receivedByType.get(Objects.requireNonNull(type, "type cannot be null"));
  }

  /** Receipts received of all types, duplicates included. */
  public long receivedTotal() {
    return receivedByType.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Receipts received by one protocol of one type, duplicates included. */
  public long received(Protocol protocol, ReceiptType type) {
    Objects.requireNonNull(protocol, "protocol cannot be null");
    Objects.requireNonNull(type, "type cannot be null");
    return receivedByProtocol.get(protocol).get(type);
  }

  /** Receipts received by one protocol, of all types, duplicates included. */
  public long receivedTotal(Protocol protocol) {
    Objects.requireNonNull(protocol, "protocol cannot be null");
    return receivedByProtocol.get(protocol).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Distinct messages read ÷ distinct messages delivered, {@code NaN} when none was delivered.
   * A <b>lower bound</b> of the share of messages read: users who opted out of READ receipts read
   * without saying so.
   */
  public double readRate() {
    return messagesDelivered == 0 ? Double.NaN : (double) messagesRead / messagesDelivered;
  }

  /** Messages dropped from the tracking state, for either reason. */
  public long evicted() {
    return evictedByCap + evictedByAge;
  }

  /**
   * One line of the top-unread list.
   *
   * @param conversationId the conversation: a Business Messages conversation id, or the RBM
   *     user's phone number in E.164 (whole: personal data, for the host's own use, not for logs)
   * @param unread its tracked messages delivered but with no READ seen (unknown, not unread)
   */
  public record ConversationUnread(String conversationId, long unread) {
    public ConversationUnread {
      Objects.requireNonNull(conversationId, "conversationId cannot be null");
    }

    /**
     * The conversation for logs and reports: an RBM user's phone number masked as
     * {@link PhoneNumber#masked()} ({@code +****4567}), a Business Messages conversation id as it
     * is (those never begin with {@code +}).
     */
    public String printableConversationId() {
      return PhoneNumber.isValid(conversationId)
          ? PhoneNumber.of(conversationId).masked() : conversationId;
    }

    /**
     * {@code ConversationUnread[conversationId=…, unread=…]} with the
     * {@link #printableConversationId()}: never a whole phone number.
     */
    @Override
    public String toString() {
      return "ConversationUnread[conversationId=" + printableConversationId() + ", unread="
          + unread + "]";
    }
  }
}
