// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@link ReceiptMetricsMXBean} over one {@link ReceiptMetrics}; one snapshot per read. */
final class MXBeanView implements ReceiptMetricsMXBean {
  private final ReceiptMetrics metrics;

  MXBeanView(ReceiptMetrics metrics) {
    this.metrics = metrics;
  }

  private MetricsSnapshot s() {
    return metrics.snapshot();
  }

  @Override
  public long getReceivedDelivered() {
    return s().received(ReceiptType.DELIVERED);
  }

  @Override
  public long getReceivedRead() {
    return s().received(ReceiptType.READ);
  }

  @Override
  public long getReceivedUnspecified() {
    return s().received(ReceiptType.RECEIPT_TYPE_UNSPECIFIED);
  }

  @Override
  public Map<String, Long> getReceivedByProtocol() {
    MetricsSnapshot s = s();
    Map<String, Long> out = new LinkedHashMap<>();
    for (Protocol p : Protocol.values()) {
      out.put(p.id(), s.receivedTotal(p));
    }
    return out;
  }

  @Override
  public Map<String, Long> getReceivedDeliveredByProtocol() {
    return byProtocol(ReceiptType.DELIVERED);
  }

  @Override
  public Map<String, Long> getReceivedReadByProtocol() {
    return byProtocol(ReceiptType.READ);
  }

  private Map<String, Long> byProtocol(ReceiptType type) {
    MetricsSnapshot s = s();
    Map<String, Long> out = new LinkedHashMap<>();
    for (Protocol p : Protocol.values()) {
      out.put(p.id(), s.received(p, type));
    }
    return out;
  }

  @Override
  public Map<String, Long> getReceivedByAgent() {
    return s().receivedByAgent();
  }

  @Override
  public long getMessagesDelivered() {
    return s().messagesDelivered();
  }

  @Override
  public long getMessagesRead() {
    return s().messagesRead();
  }

  @Override
  public long getMessagesSent() {
    return s().messagesSent();
  }

  @Override
  public double getReadRateLowerBound() {
    return s().readRate();
  }

  @Override
  public long getDeliveredToReadCount() {
    return s().deliveredToRead().count();
  }

  @Override
  public double getDeliveredToReadP50Seconds() {
    return s().deliveredToRead().p50();
  }

  @Override
  public double getDeliveredToReadP90Seconds() {
    return s().deliveredToRead().p90();
  }

  @Override
  public double getDeliveredToReadP99Seconds() {
    return s().deliveredToRead().p99();
  }

  @Override
  public long getSentToDeliveredCount() {
    return s().sentToDelivered().count();
  }

  @Override
  public double getSentToDeliveredP50Seconds() {
    return s().sentToDelivered().p50();
  }

  @Override
  public double getSentToDeliveredP99Seconds() {
    return s().sentToDelivered().p99();
  }

  @Override
  public long getSentToReadCount() {
    return s().sentToRead().count();
  }

  @Override
  public double getSentToReadP50Seconds() {
    return s().sentToRead().p50();
  }

  @Override
  public double getSentToReadP99Seconds() {
    return s().sentToRead().p99();
  }

  @Override
  public long getOverdueUndelivered() {
    return s().overdueUndelivered();
  }

  @Override
  public long getOverdueUnread() {
    return s().overdueUnread();
  }

  @Override
  public long getOutOfOrder() {
    return s().outOfOrder();
  }

  @Override
  public long getDuplicates() {
    return s().duplicates();
  }

  @Override
  public long getUnparsableTimestamps() {
    return s().unparsableTimestamps();
  }

  @Override
  public long getEvicted() {
    return s().evicted();
  }

  @Override
  public long getTrackedMessages() {
    return s().trackedMessages();
  }
}
