// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.http.internal.Printable;
import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Human and machine summaries of a {@link MetricsSnapshot}, for {@code report --journal FILE}.
 * Both outputs end with a newline and depend only on the snapshot (and replay result), so the same
 * journal always gives the same report.
 *
 * <p>An RBM receipt's conversation is the user's phone number: both outputs name conversations by
 * {@link MetricsSnapshot.ConversationUnread#printableConversationId()}, so a phone number shows
 * as {@code +****4567}, never whole.
 */
public final class MetricsReport {
  private static final String ROW = "%-40s %10s%n";

  private MetricsReport() {}

  /**
   * A plain-text summary table: counts by type, protocol and agent, distinct messages delivered
   * and read, the read rate (marked as a lower bound), DELIVERED→READ percentiles (and send
   * latencies and overdue counts when sends were registered), the anomaly counters, and the top
   * conversations by messages with no READ seen.
   *
   * @param replay what the replay read, or {@code null} to leave the journal line out
   */
  public static String text(MetricsSnapshot s, Journal.Result replay) {
    Objects.requireNonNull(s, "snapshot cannot be null");
    StringBuilder sb = new StringBuilder(2048);
    sb.append("Receipt metrics at ").append(s.at()).append('\n');
    if (replay != null) {
      sb.append(String.format(Locale.ROOT, "Journal: %d lines, %d receipts, %d blank, %d bad",
          replay.lines(), replay.receipts(), replay.blank(), replay.bad()));
      if (replay.bad() > 0) {
        sb.append(String.format(Locale.ROOT, " (first bad: line %d, %s)",
            replay.firstBadLine(), replay.firstBadReason()));
      }
      sb.append('\n');
    }
    sb.append('\n');
    row(sb, "Receipts received", s.receivedTotal());
    for (ReceiptType t : ReceiptType.values()) {
      row(sb, "  " + t.name(), s.received(t));
    }
    sb.append("Receipts by protocol (bm: Business Messages, rbm: RCS Business Messaging)\n");
    for (Protocol p : Protocol.values()) {
      row(sb, "  " + p.id(), s.receivedTotal(p));
      for (ReceiptType t : ReceiptType.values()) {
        row(sb, "    " + t.name(), s.received(p, t));
      }
    }
    sb.append("Receipts by agent\n");
    for (Map.Entry<String, Long> a : s.receivedByAgent().entrySet()) {
      row(sb, "  " + Printable.escape(a.getKey()), a.getValue());
    }
    row(sb, "Messages delivered (distinct)", s.messagesDelivered());
    row(sb, "Messages read (distinct)", s.messagesRead());
    String rate = Double.isNaN(s.readRate())
        ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s.readRate());
    row(sb, "Read rate (lower bound)", rate);
    sb.append("  A missing READ means unknown: users can opt out of READ receipts.\n");
    if (s.messagesSent() > 0) {
      row(sb, "Messages sent (registered)", s.messagesSent());
      row(sb, "  overdue, not delivered after " + s.overdueAfter(), s.overdueUndelivered());
      row(sb, "  overdue, no READ after " + s.overdueAfter(), s.overdueUnread());
    }
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%-22s %8s %12s %12s %12s%n",
        "Latency (seconds)", "count", "p50", "p90", "p99"));
    latency(sb, "  DELIVERED -> READ", s.deliveredToRead());
    if (s.messagesSent() > 0) {
      latency(sb, "  sent -> DELIVERED", s.sentToDelivered());
      latency(sb, "  sent -> READ", s.sentToRead());
    }
    sb.append("  Percentiles are estimated from histogram buckets, within 42%.\n");
    sb.append('\n');
    row(sb, "Out of order (READ before DELIVERED)", s.outOfOrder());
    row(sb, "Duplicates", s.duplicates());
    row(sb, "Unparsable createTime", s.unparsableTimestamps());
    row(sb, "Evicted from tracking", s.evicted());
    sb.append('\n');
    sb.append("Top ").append(s.topUnread().size())
        .append(" conversations by unread messages (no READ seen: unread or opted out)\n");
    if (s.topUnread().isEmpty()) {
      sb.append("  (none)\n");
    }
    for (MetricsSnapshot.ConversationUnread c : s.topUnread()) {
      row(sb, "  " + Printable.escape(c.printableConversationId()), c.unread());
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String label, Object value) {
    sb.append(String.format(Locale.ROOT, ROW, label, value));
  }

  private static void latency(StringBuilder sb, String label, HistogramSnapshot h) {
    sb.append(String.format(Locale.ROOT, "%-22s %8d %12s %12s %12s%n",
        label, h.count(), sec(h.p50()), sec(h.p90()), sec(h.p99())));
  }

  private static String sec(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** The snapshot as one line of JSON; see {@link #json(MetricsSnapshot, Journal.Result)}. */
  public static String json(MetricsSnapshot s) {
    return json(s, null);
  }

  /**
   * The snapshot as one line of JSON, written with JSON-P: counts, {@code readRate} (with
   * {@code "readRateIsLowerBound":true}; {@code null} before any delivery), each latency histogram
   * as {@code count}, {@code sumSeconds}, {@code p50}, {@code p90}, {@code p99} (seconds,
   * {@code null} when empty), the anomaly counters and {@code topUnread}; plus a {@code journal}
   * object when {@code replay} is not {@code null}. Receipts by protocol are
   * {@code "receivedByProtocol":{"bm":{"DELIVERED":n,…},"rbm":{…}}}.
   */
  public static String json(MetricsSnapshot s, Journal.Result replay) {
    Objects.requireNonNull(s, "snapshot cannot be null");
    StringWriter out = new StringWriter(2048);
    try (JsonGenerator g = Json.createGenerator(out)) {
      g.writeStartObject();
      g.write("at", s.at().toString());
      if (replay != null) {
        g.writeStartObject("journal")
            .write("lines", replay.lines())
            .write("receipts", replay.receipts())
            .write("blank", replay.blank())
            .write("bad", replay.bad())
            .write("firstBadLine", replay.firstBadLine())
            .write("firstBadReason", replay.firstBadReason())
            .writeEnd();
      }
      g.writeStartObject("receivedByType");
      for (ReceiptType t : ReceiptType.values()) {
        g.write(t.name(), s.received(t));
      }
      g.writeEnd();
      g.writeStartObject("receivedByProtocol");
      for (Protocol p : Protocol.values()) {
        g.writeStartObject(p.id());
        for (ReceiptType t : ReceiptType.values()) {
          g.write(t.name(), s.received(p, t));
        }
        g.writeEnd();
      }
      g.writeEnd();
      g.writeStartObject("receivedByAgent");
      s.receivedByAgent().forEach(g::write);
      g.writeEnd();
      g.write("messagesDelivered", s.messagesDelivered());
      g.write("messagesRead", s.messagesRead());
      g.write("messagesSent", s.messagesSent());
      number(g, "readRate", s.readRate());
      g.write("readRateIsLowerBound", true);
      histogram(g, "deliveredToRead", s.deliveredToRead());
      histogram(g, "sentToDelivered", s.sentToDelivered());
      histogram(g, "sentToRead", s.sentToRead());
      g.write("overdueAfterSeconds", s.overdueAfter().toSeconds());
      g.writeStartObject("overdue")
          .write("delivery", s.overdueUndelivered())
          .write("read", s.overdueUnread())
          .writeEnd();
      g.write("outOfOrder", s.outOfOrder());
      g.write("duplicates", s.duplicates());
      g.write("unparsableTimestamps", s.unparsableTimestamps());
      g.writeStartObject("evicted")
          .write("cap", s.evictedByCap())
          .write("age", s.evictedByAge())
          .writeEnd();
      g.write("trackedMessages", s.trackedMessages());
      g.writeStartArray("topUnread");
      for (MetricsSnapshot.ConversationUnread c : s.topUnread()) {
        g.writeStartObject()
            .write("conversationId", c.printableConversationId())
            .write("unread", c.unread())
            .writeEnd();
      }
      g.writeEnd();
      g.writeEnd();
    }
    return out.append('\n').toString();
  }

  private static void histogram(JsonGenerator g, String name, HistogramSnapshot h) {
    g.writeStartObject(name);
    g.write("count", h.count());
    g.write("sumSeconds", h.sumSeconds());
    number(g, "p50", h.p50());
    number(g, "p90", h.p90());
    number(g, "p99", h.p99());
    g.writeEnd();
  }

  private static void number(JsonGenerator g, String name, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNull(name);
    } else {
      g.write(name, v);
    }
  }
}
