// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import java.util.Map;

/**
 * The JMX view of {@link ReceiptMetrics}, registered by {@link ReceiptMetrics#register}. Each
 * attribute reads a fresh {@link MetricsSnapshot}; see it for what each number means. Latencies
 * are in seconds, {@code NaN} when there is none yet.
 */
public interface ReceiptMetricsMXBean {
  /** DELIVERED receipts received, duplicates included. */
  long getReceivedDelivered();

  /** READ receipts received, duplicates included. */
  long getReceivedRead();

  /** RECEIPT_TYPE_UNSPECIFIED (or unknown-type) receipts received. */
  long getReceivedUnspecified();

  /**
   * Receipts received by protocol, of all types, duplicates included: keyed {@code bm} (Business
   * Messages) and {@code rbm} (RCS Business Messaging), both always present.
   */
  Map<String, Long> getReceivedByProtocol();

  /** DELIVERED receipts received by protocol ({@code bm}, {@code rbm}), duplicates included. */
  Map<String, Long> getReceivedDeliveredByProtocol();

  /** READ receipts received by protocol ({@code bm}, {@code rbm}), duplicates included. */
  Map<String, Long> getReceivedReadByProtocol();

  /** Receipts received by agent name. */
  Map<String, Long> getReceivedByAgent();

  /** Distinct messages delivered. */
  long getMessagesDelivered();

  /** Distinct messages read. */
  long getMessagesRead();

  /** Messages registered as sent. */
  long getMessagesSent();

  /** Read ÷ delivered: a lower bound, since users can opt out of READ receipts. */
  double getReadRateLowerBound();

  /** DELIVERED→READ latencies recorded. */
  long getDeliveredToReadCount();

  /** DELIVERED→READ median, seconds. */
  double getDeliveredToReadP50Seconds();

  /** DELIVERED→READ 90th percentile, seconds. */
  double getDeliveredToReadP90Seconds();

  /** DELIVERED→READ 99th percentile, seconds. */
  double getDeliveredToReadP99Seconds();

  /** send→DELIVERED latencies recorded. */
  long getSentToDeliveredCount();

  /** send→DELIVERED median, seconds. */
  double getSentToDeliveredP50Seconds();

  /** send→DELIVERED 99th percentile, seconds. */
  double getSentToDeliveredP99Seconds();

  /** send→READ latencies recorded. */
  long getSentToReadCount();

  /** send→READ median, seconds. */
  double getSentToReadP50Seconds();

  /** send→READ 99th percentile, seconds. */
  double getSentToReadP99Seconds();

  /** Registered messages still undelivered past the overdue age. */
  long getOverdueUndelivered();

  /** Registered messages delivered but with no READ past the overdue age. */
  long getOverdueUnread();

  /** READ receipts that arrived before their DELIVERED. */
  long getOutOfOrder();

  /** Duplicate DELIVERED or READ receipts. */
  long getDuplicates();

  /** Receipts whose createTime is missing or not RFC 3339. */
  long getUnparsableTimestamps();

  /** Messages dropped from the tracking state (cap or age). */
  long getEvicted();

  /** Messages in the tracking state now. */
  long getTrackedMessages();
}
