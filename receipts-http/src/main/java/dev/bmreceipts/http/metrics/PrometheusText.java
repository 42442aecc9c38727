// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link MetricsSnapshot} in the Prometheus text format, version 0.0.4. Every family has
 * {@code # HELP} and {@code # TYPE} lines; counters end in {@code _total}; latencies are
 * histograms in seconds with the buckets of {@link HistogramSnapshot#BOUNDS_MILLIS}.
 *
 * <ul>
 *   <li>{@code bm_receipts_received_total{type="DELIVERED"|"READ"|"RECEIPT_TYPE_UNSPECIFIED"}}
 *       (both protocols together, as before RCS Business Messaging)
 *   <li>{@code bm_receipts_by_protocol_total{protocol="bm"|"rbm",type="…"}}: the same receipts by
 *       {@link Protocol#id()} too. A family of its own, not a label added to the one above, so
 *       that the series of {@code bm_receipts_received_total} and the queries over them keep
 *       their meaning; summed over {@code protocol} it gives them.
 *   <li>{@code bm_receipts_by_agent_total{agent="…"}}
 *   <li>{@code bm_messages_delivered_total}, {@code bm_messages_read_total},
 *       {@code bm_messages_sent_total}
 *   <li>{@code bm_read_rate} (gauge, a lower bound, {@code NaN} before any delivery)
 *   <li>{@code bm_delivered_to_read_seconds}, {@code bm_sent_to_delivered_seconds},
 *       {@code bm_sent_to_read_seconds} (histograms)
 *   <li>{@code bm_messages_overdue{stage="delivery"|"read"}} (gauge)
 *   <li>{@code bm_receipts_out_of_order_total}, {@code bm_receipts_duplicate_total},
 *       {@code bm_timestamps_unparsable_total}
 *   <li>{@code bm_pending_evicted_total{reason="cap"|"age"}}, {@code bm_messages_tracked} (gauge)
 * </ul>
 */
final class PrometheusText {
  private PrometheusText() {}

  static void write(MetricsSnapshot s, Appendable out) throws IOException {
    head(out, "bm_receipts_received_total", "counter",
        "Receipts received by receipt type, duplicates included.");
    for (ReceiptType t : ReceiptType.values()) {
      sample(out, "bm_receipts_received_total", "type", t.name(), s.received(t));
    }
    head(out, "bm_receipts_by_protocol_total", "counter",
        "Receipts received by protocol (bm: Business Messages, rbm: RCS Business Messaging) and"
            + " receipt type, duplicates included.");
    for (Protocol p : Protocol.values()) {
      for (ReceiptType t : ReceiptType.values()) {
        out.append("bm_receipts_by_protocol_total{protocol=\"").append(p.id())
            .append("\",type=\"").append(t.name()).append("\"} ")
            .append(Long.toString(s.received(p, t))).append('\n');
      }
    }
    head(out, "bm_receipts_by_agent_total", "counter",
        "Receipts received by agent; agents past the cap count as \"other\".");
    for (Map.Entry<String, Long> a : s.receivedByAgent().entrySet()) {
      sample(out, "bm_receipts_by_agent_total", "agent", a.getKey(), a.getValue());
    }
    counter(out, "bm_messages_delivered_total", "Distinct messages with a DELIVERED receipt.",
        s.messagesDelivered());
    counter(out, "bm_messages_read_total", "Distinct messages with a READ receipt.",
        s.messagesRead());
    counter(out, "bm_messages_sent_total", "Messages the host registered as sent.",
        s.messagesSent());
    head(out, "bm_read_rate", "gauge",
        "Messages read / messages delivered. A lower bound: users can opt out of READ receipts.");
    out.append("bm_read_rate ").append(number(s.readRate())).append('\n');
    histogram(out, "bm_delivered_to_read_seconds",
        "Per message, READ createTime minus DELIVERED createTime.", s.deliveredToRead());
    histogram(out, "bm_sent_to_delivered_seconds",
        "Per registered message, DELIVERED createTime minus send time.", s.sentToDelivered());
    histogram(out, "bm_sent_to_read_seconds",
        "Per registered message, READ createTime minus send time.", s.sentToRead());
    head(out, "bm_messages_overdue", "gauge",
        "Registered messages past the overdue age with no DELIVERED (delivery) or no READ (read).");
    sample(out, "bm_messages_overdue", "stage", "delivery", s.overdueUndelivered());
    sample(out, "bm_messages_overdue", "stage", "read", s.overdueUnread());
    counter(out, "bm_receipts_out_of_order_total",
        "READ receipts that arrived before their message's DELIVERED.", s.outOfOrder());
    counter(out, "bm_receipts_duplicate_total",
        "DELIVERED or READ receipts for a message that already had one.", s.duplicates());
    counter(out, "bm_timestamps_unparsable_total",
        "Receipts whose createTime is missing or not RFC 3339.", s.unparsableTimestamps());
    head(out, "bm_pending_evicted_total", "counter",
        "Messages dropped from the bounded tracking state, by reason.");
    sample(out, "bm_pending_evicted_total", "reason", "cap", s.evictedByCap());
    sample(out, "bm_pending_evicted_total", "reason", "age", s.evictedByAge());
    head(out, "bm_messages_tracked", "gauge", "Messages in the bounded tracking state.");
    out.append("bm_messages_tracked ").append(Long.toString(s.trackedMessages())).append('\n');
  }

  private static void head(Appendable out, String name, String type, String help)
      throws IOException {
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void counter(Appendable out, String name, String help, long value)
      throws IOException {
    head(out, name, "counter", help);
    out.append(name).append(' ').append(Long.toString(value)).append('\n');
  }

  private static void sample(Appendable out, String name, String label, String value, long n)
      throws IOException {
    out.append(name).append('{').append(label).append("=\"").append(escapeLabel(value))
        .append("\"} ").append(Long.toString(n)).append('\n');
  }

  private static void histogram(Appendable out, String name, String help, HistogramSnapshot h)
      throws IOException {
    head(out, name, "histogram", help);
    List<Long> bounds = HistogramSnapshot.BOUNDS_MILLIS;
    long cumulative = 0;
    for (int i = 0; i < bounds.size(); i++) {
      cumulative += h.counts().get(i);
      out.append(name).append("_bucket{le=\"").append(seconds(bounds.get(i))).append("\"} ")
          .append(Long.toString(cumulative)).append('\n');
    }
    out.append(name).append("_bucket{le=\"+Inf\"} ").append(Long.toString(h.count()))
        .append('\n');
    out.append(name).append("_sum ").append(seconds(h.sumMillis())).append('\n');
    out.append(name).append("_count ").append(Long.toString(h.count())).append('\n');
  }

  /** Milliseconds as exact decimal seconds: {@code 1414} gives {@code 1.414}. */
  static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(v);
  }

  static String escapeLabel(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
