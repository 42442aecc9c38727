// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.http.internal.Printable;
import dev.bmreceipts.http.metrics.MetricsSnapshot.ConversationUnread;
import dev.bmreceipts.http.report.ArchiveReport.BadLine;
import dev.bmreceipts.http.report.ArchiveReport.Bin;
import dev.bmreceipts.http.report.ArchiveReport.Latency;
import dev.bmreceipts.http.report.ArchiveReport.ProtocolFigures;
import dev.bmreceipts.http.report.ArchiveReport.Row;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ArchiveReport} as text (a table), JSON (one object), CSV (the time series) or HTML
 * (one self-contained page: inline CSS and SVG, nothing fetched, no script). Every output ends
 * with a newline and depends only on the report, so the same archive always prints the same.
 */
public final class ArchiveFormat {
  private static final String ROW = "%-40s %12s%n";

  private ArchiveFormat() {}

  // ---- text ----

  /**
   * A plain-text table: inputs and lines, receipts by type and agent, distinct messages, the read
   * rate (a lower bound), the same per protocol (Business Messages and RCS Business Messaging,
   * both always shown), exact DELIVERED→READ latency figures, anomalies and the conversations
   * with the most unread messages (phone numbers masked, as in every format). An archive with no
   * receipt says so in one line instead.
   */
  public static String text(ArchiveReport r) {
    Objects.requireNonNull(r, "report cannot be null");
    StringBuilder sb = new StringBuilder(2048);
    String input = String.format(Locale.ROOT, "%d lines, %d receipts, %d blank, %d bad%s",
        r.lines(), r.receipts(), r.blankLines(), r.badLines(), firstBad(r));
    if (r.empty()) {
      sb.append("No receipts in ").append(inputs(r)).append(": ").append(input);
      if (r.outsideWindow() > 0) {
        sb.append(", ").append(r.outsideWindow()).append(" outside --since/--until");
      }
      return sb.append('\n').toString();
    }
    sb.append("Receipt report on ").append(inputs(r)).append(", ")
        .append(r.firstReceipt().map(Instant::toString).orElse("-")).append(" to ")
        .append(r.lastReceipt().map(Instant::toString).orElse("-")).append('\n');
    sb.append("Input: ").append(input).append('\n');
    if (r.payloadsWithoutReceipts() > 0 || r.outsideWindow() > 0) {
      sb.append(String.format(Locale.ROOT, "  %d payloads of other kinds, %d receipts outside"
          + " --since/--until%n", r.payloadsWithoutReceipts(), r.outsideWindow()));
    }
    sb.append('\n');
    row(sb, "Receipts", r.receipts());
    for (ReceiptType t : ReceiptType.values()) {
      row(sb, "  " + t.name(), r.receipts(t));
    }
    row(sb, "  without a usable createTime", r.receiptsWithoutTime());
    sb.append("Receipts by agent\n");
    for (Map.Entry<String, Long> a : r.receiptsByAgent().entrySet()) {
      row(sb, "  " + Printable.escape(a.getKey()), a.getValue());
    }
    row(sb, "Messages delivered (distinct)", r.messagesDelivered());
    row(sb, "Messages read (distinct)", r.messagesRead());
    row(sb, "Messages delivered and read", r.messagesDeliveredAndRead());
    row(sb, "Read rate (lower bound)", percent(r.readRate()));
    sb.append("  A missing READ means unknown: users can opt out of READ receipts.\n\n");
    sb.append(String.format(Locale.ROOT, PROTOCOL_ROW, "By protocol", "receipts", "delivered",
        "read", "read rate"));
    for (Map.Entry<Protocol, ProtocolFigures> e : r.byProtocol().entrySet()) {
      ProtocolFigures f = e.getValue();
      sb.append(String.format(Locale.ROOT, PROTOCOL_ROW, "  " + name(e.getKey()), f.receipts(),
          f.messagesDelivered(), f.messagesRead(), percent(f.readRate())));
    }
    sb.append("  Delivered and read count distinct messages, as above.\n\n");
    Latency l = r.deliveredToRead();
    sb.append(String.format(Locale.ROOT, "%-20s %9s %10s %10s %10s %10s %10s %10s%n",
        "DELIVERED -> READ", "count", "min", "p50", "p90", "p99", "p99.9", "max"));
    sb.append(String.format(Locale.ROOT, "%-20s %9d %10s %10s %10s %10s %10s %10s%n",
        "  seconds", l.count(), sec(l, l.min()), sec(l, l.p50()), sec(l, l.p90()),
        sec(l, l.p99()), sec(l, l.p999()), sec(l, l.max())));
    sb.append("  Exact: nearest-rank percentiles over every message with both receipts.\n\n");
    row(sb, "READ with no DELIVERED", r.readWithoutDelivered());
    row(sb, "READ before DELIVERED (clock skew)", r.readBeforeDelivered());
    row(sb, "Duplicates", r.duplicates());
    if (r.nameCollisions() > 0) {
      row(sb, "Conversation id hash collisions", r.nameCollisions());
    }
    sb.append('\n');
    sb.append("Top ").append(r.topUnread().size()).append(" of ")
        .append(r.conversationsWithUnread())
        .append(" conversations by unread messages (no READ seen: unread or opted out)\n");
    if (r.topUnread().isEmpty()) {
      sb.append("  (none)\n");
    }
    for (ConversationUnread c : r.topUnread()) {
      row(sb, "  " + Printable.escape(c.conversationId()), c.unread());
    }
    return sb.toString();
  }

  private static final String PROTOCOL_ROW = "%-30s %9s %10s %10s %10s%n";

  /** How the outputs name a protocol: its name and, in brackets, the journal's id for it. */
  private static String name(Protocol p) {
    return (p == Protocol.RBM ? "RCS Business Messaging" : "Business Messages") + " (" + p.id()
        + ")";
  }

  private static String inputs(ArchiveReport r) {
    return r.inputs().size() == 1 ? r.inputs().get(0) : r.inputs().size() + " inputs";
  }

  private static String firstBad(ArchiveReport r) {
    if (r.firstBadLines().isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (first bad: ");
    for (int i = 0; i < r.firstBadLines().size(); i++) {
      BadLine b = r.firstBadLines().get(i);
      sb.append(i == 0 ? "" : "; ").append(Printable.escape(b.input())).append(':')
          .append(b.line()).append(' ').append(Printable.escape(b.reason()));
    }
    return sb.append(')').toString();
  }

  private static void row(StringBuilder sb, String label, Object value) {
    sb.append(String.format(Locale.ROOT, ROW, label, value));
  }

  private static String percent(double rate) {
    return Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * rate);
  }

  private static String sec(Latency l, long micros) {
    return l.count() == 0 ? "-" : seconds(micros).setScale(3, java.math.RoundingMode.HALF_EVEN)
        .toPlainString();
  }

  private static BigDecimal seconds(long micros) {
    return BigDecimal.valueOf(micros, 6);
  }

  // ---- json ----

  /**
   * The report as one line of JSON. Latencies are in seconds, exact to the microsecond; the read
   * rates are {@code null} when nothing was delivered, and {@code readRateIsLowerBound} is true.
   * {@code byProtocol} holds one object per protocol, keyed by its journal id ({@code bm},
   * {@code rbm}): {@code receipts}, {@code messagesDelivered}, {@code messagesRead},
   * {@code messagesDeliveredAndRead} and {@code readRate}.
   */
  public static String json(ArchiveReport r) {
    Objects.requireNonNull(r, "report cannot be null");
    StringWriter out = new StringWriter(4096);
    try (JsonGenerator g = Json.createGenerator(out)) {
      g.writeStartObject();
      g.writeStartArray("inputs");
      r.inputs().forEach(g::write);
      g.writeEnd();
      g.write("lines", r.lines()).write("blankLines", r.blankLines())
          .write("badLines", r.badLines());
      g.writeStartArray("firstBadLines");
      for (BadLine b : r.firstBadLines()) {
        g.writeStartObject().write("input", b.input()).write("line", b.line())
            .write("reason", b.reason()).writeEnd();
      }
      g.writeEnd();
      g.write("payloadsWithoutReceipts", r.payloadsWithoutReceipts());
      instant(g, "since", r.since());
      instant(g, "until", r.until());
      g.write("outsideWindow", r.outsideWindow());
      instant(g, "firstReceipt", r.firstReceipt());
      instant(g, "lastReceipt", r.lastReceipt());
      g.write("receipts", r.receipts());
      g.writeStartObject("receiptsByType");
      for (ReceiptType t : ReceiptType.values()) {
        g.write(t.name(), r.receipts(t));
      }
      g.writeEnd();
      g.writeStartObject("receiptsByAgent");
      r.receiptsByAgent().forEach(g::write);
      g.writeEnd();
      g.writeStartObject("byProtocol");
      for (Map.Entry<Protocol, ProtocolFigures> e : r.byProtocol().entrySet()) {
        ProtocolFigures f = e.getValue();
        g.writeStartObject(e.getKey().id()).write("receipts", f.receipts())
            .write("messagesDelivered", f.messagesDelivered())
            .write("messagesRead", f.messagesRead())
            .write("messagesDeliveredAndRead", f.messagesDeliveredAndRead());
        rate(g, "readRate", f.readRate());
        g.writeEnd();
      }
      g.writeEnd();
      g.write("receiptsWithoutTime", r.receiptsWithoutTime());
      g.write("messagesDelivered", r.messagesDelivered());
      g.write("messagesRead", r.messagesRead());
      g.write("messagesDeliveredAndRead", r.messagesDeliveredAndRead());
      rate(g, "readRate", r.readRate());
      g.write("readRateIsLowerBound", true);
      g.write("readWithoutDelivered", r.readWithoutDelivered());
      g.write("readBeforeDelivered", r.readBeforeDelivered());
      g.write("duplicates", r.duplicates());
      latency(g, "deliveredToRead", r.deliveredToRead(), true);
      g.writeStartArray("latencyBins");
      for (Bin b : r.latencyBins()) {
        g.writeStartObject().write("label", b.label());
        if (b.upTo() == Long.MAX_VALUE) {
          g.writeNull("upToSeconds");
        } else {
          g.write("upToSeconds", seconds(b.upTo()));
        }
        g.write("count", b.count()).writeEnd();
      }
      g.writeEnd();
      g.write("conversationsWithUnread", r.conversationsWithUnread());
      g.writeStartArray("topUnread");
      for (ConversationUnread c : r.topUnread()) {
        g.writeStartObject().write("conversationId", c.conversationId())
            .write("unread", c.unread()).writeEnd();
      }
      g.writeEnd();
      g.write("by", r.by().name().toLowerCase(Locale.ROOT));
      g.writeStartArray("series");
      for (Row row : r.series()) {
        g.writeStartObject().write("start", row.start().toString())
            .write("receipts", row.receipts()).write("delivered", row.delivered())
            .write("read", row.read());
        rate(g, "readRate", row.readRate());
        latency(g, "deliveredToRead", row.deliveredToRead(), false);
        g.writeEnd();
      }
      g.writeEnd();
      g.write("nameCollisions", r.nameCollisions());
      g.writeEnd();
    }
    return out.append('\n').toString();
  }

  private static void instant(JsonGenerator g, String name, Optional<Instant> t) {
    if (t.isPresent()) {
      g.write(name, t.get().toString());
    } else {
      g.writeNull(name);
    }
  }

  private static void rate(JsonGenerator g, String name, double v) {
    if (Double.isNaN(v)) {
      g.writeNull(name);
    } else {
      g.write(name, v);
    }
  }

  private static void latency(JsonGenerator g, String name, Latency l, boolean all) {
    g.writeStartObject(name).write("count", l.count());
    if (l.count() == 0) {
      g.writeEnd();
      return;
    }
    if (all) {
      g.write("minSeconds", seconds(l.min()));
    }
    g.write("p50Seconds", seconds(l.p50())).write("p90Seconds", seconds(l.p90()))
        .write("p99Seconds", seconds(l.p99()));
    if (all) {
      g.write("p999Seconds", seconds(l.p999())).write("maxSeconds", seconds(l.max()))
          .write("sumSeconds", seconds(l.sum()));
    }
    g.writeEnd();
  }

  // ---- csv ----

  /**
   * The time series as RFC 4180 CSV with a header: {@code bucket_start} (ISO-8601 UTC),
   * {@code receipts}, {@code delivered}, {@code read}, {@code read_rate} (a lower bound, 4
   * decimals), {@code latency_count}, {@code p50_seconds}, {@code p90_seconds},
   * {@code p99_seconds} (empty when no latency).
   */
  public static String csv(ArchiveReport r) {
    Objects.requireNonNull(r, "report cannot be null");
    StringBuilder sb = new StringBuilder(64 * (r.series().size() + 1));
    sb.append("bucket_start,receipts,delivered,read,read_rate,latency_count,p50_seconds,"
        + "p90_seconds,p99_seconds\r\n");
    for (Row row : r.series()) {
      Latency l = row.deliveredToRead();
      sb.append(row.start()).append(',').append(row.receipts()).append(',')
          .append(row.delivered()).append(',').append(row.read()).append(',')
          .append(Double.isNaN(row.readRate()) ? ""
              : String.format(Locale.ROOT, "%.4f", row.readRate()))
          .append(',').append(l.count()).append(',')
          .append(l.count() == 0 ? "" : seconds(l.p50()).toPlainString()).append(',')
          .append(l.count() == 0 ? "" : seconds(l.p90()).toPlainString()).append(',')
          .append(l.count() == 0 ? "" : seconds(l.p99()).toPlainString()).append("\r\n");
    }
    return sb.toString();
  }

  // ---- html ----

  private static final int W = 760;
  private static final int H = 200;
  private static final int PAD = 40;

  /**
   * One self-contained page, well-formed XHTML: the text report's figures as tables (one of them
   * per protocol, conversation ids that are phone numbers masked), and three inline SVG charts:
   * receipts per bucket (bars, {@code data-series="receipts"}), the read rate per bucket (a line,
   * {@code data-series="read-rate"}), and the DELIVERED→READ latency
   * distribution (bars, {@code data-series="latency"}). Every bar and point carries a
   * {@code <title>} with its value. No script, font, image or style sheet is fetched.
   */
  public static String html(ArchiveReport r) {
    Objects.requireNonNull(r, "report cannot be null");
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        .append("<meta charset=\"utf-8\"/>\n<title>Receipt report</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}\n")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 10px;text-align:left}\n")
        .append("td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append("svg{display:block;margin:0.5em 0 1.5em}.bar{fill:#3b6ea5}.lat{fill:#8a5aa8}\n")
        .append(".line{fill:none;stroke:#2a8a4a;stroke-width:2}.dot{fill:#2a8a4a}\n")
        .append(".axis{stroke:#999;stroke-width:1}text{font-size:11px;fill:#555}\n")
        .append("</style>\n</head>\n<body>\n<h1>Receipt report</h1>\n");
    sb.append("<p>").append(esc(inputs(r))).append(": ")
        .append(r.firstReceipt().map(Instant::toString).orElse("-")).append(" to ")
        .append(r.lastReceipt().map(Instant::toString).orElse("-")).append(". ")
        .append(r.lines()).append(" lines, ").append(r.receipts()).append(" receipts, ")
        .append(r.badLines()).append(" bad lines.</p>\n");
    if (r.empty()) {
      sb.append("<p>No receipts in the input.</p>\n</body>\n</html>\n");
      return sb.toString();
    }
    sb.append("<table>\n");
    tr(sb, "Messages delivered (distinct)", String.valueOf(r.messagesDelivered()));
    tr(sb, "Messages read (distinct)", String.valueOf(r.messagesRead()));
    tr(sb, "Read rate (a lower bound: users can opt out of READ)", percent(r.readRate()));
    Latency l = r.deliveredToRead();
    tr(sb, "DELIVERED → READ p50 / p90 / p99 (s)", sec(l, l.p50()) + " / " + sec(l, l.p90())
        + " / " + sec(l, l.p99()));
    tr(sb, "READ with no DELIVERED", String.valueOf(r.readWithoutDelivered()));
    tr(sb, "READ before DELIVERED (clock skew)", String.valueOf(r.readBeforeDelivered()));
    tr(sb, "Duplicates", String.valueOf(r.duplicates()));
    sb.append("</table>\n<h2>By protocol</h2>\n<table>\n<tr><th>Protocol</th>"
        + "<th class=\"n\">Receipts</th><th class=\"n\">Messages delivered</th>"
        + "<th class=\"n\">Messages read</th><th class=\"n\">Read rate (a lower bound)</th></tr>\n");
    for (Map.Entry<Protocol, ProtocolFigures> e : r.byProtocol().entrySet()) {
      ProtocolFigures f = e.getValue();
      sb.append("<tr><td>").append(esc(name(e.getKey()))).append("</td><td class=\"n\">")
          .append(f.receipts()).append("</td><td class=\"n\">").append(f.messagesDelivered())
          .append("</td><td class=\"n\">").append(f.messagesRead())
          .append("</td><td class=\"n\">").append(esc(percent(f.readRate())))
          .append("</td></tr>\n");
    }
    sb.append("</table>\n");
    String unit = r.by().name().toLowerCase(Locale.ROOT);
    sb.append("<h2>Receipts per ").append(unit).append("</h2>\n");
    List<Row> s = r.series();
    long max = 1;
    for (Row row : s) {
      max = Math.max(max, row.receipts());
    }
    svgStart(sb, "receipts", "Receipts per " + unit);
    double bw = (double) (W - 2 * PAD) / Math.max(1, s.size());
    for (int i = 0; i < s.size(); i++) {
      Row row = s.get(i);
      double h = (double) row.receipts() / max * (H - 2 * PAD);
      sb.append(String.format(Locale.ROOT,
          "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>%s: %d"
          + " receipts</title></rect>%n", PAD + i * bw, H - PAD - h, Math.max(bw * 0.9, 0.5), h,
          row.start(), row.receipts()));
    }
    axes(sb, String.valueOf(max), "0", s.isEmpty() ? "" : s.get(0).start().toString(),
        s.isEmpty() ? "" : s.get(s.size() - 1).start().toString());
    sb.append("</svg>\n");
    sb.append("<h2>Read rate per ").append(unit)
        .append(" (of messages delivered in it; a lower bound)</h2>\n");
    svgStart(sb, "read-rate", "Read rate per " + unit);
    StringBuilder points = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (int i = 0; i < s.size(); i++) {
      Row row = s.get(i);
      if (Double.isNaN(row.readRate())) {
        continue;
      }
      double x = PAD + (i + 0.5) * bw;
      double y = H - PAD - row.readRate() * (H - 2 * PAD);
      points.append(String.format(Locale.ROOT, "%.2f,%.2f ", x, y));
      dots.append(String.format(Locale.ROOT, "<circle class=\"dot\" cx=\"%.2f\" cy=\"%.2f\""
          + " r=\"2\"><title>%s: %s of %d</title></circle>%n", x, y, row.start(),
          percent(row.readRate()), row.delivered()));
    }
    sb.append("<polyline class=\"line\" points=\"").append(points.toString().strip())
        .append("\"/>\n").append(dots);
    axes(sb, "100%", "0%", s.isEmpty() ? "" : s.get(0).start().toString(),
        s.isEmpty() ? "" : s.get(s.size() - 1).start().toString());
    sb.append("</svg>\n");
    sb.append("<h2>DELIVERED → READ latency</h2>\n");
    svgStart(sb, "latency", "DELIVERED to READ latency distribution");
    List<Bin> bins = r.latencyBins();
    long bmax = 1;
    for (Bin b : bins) {
      bmax = Math.max(bmax, b.count());
    }
    double lw = (double) (W - 2 * PAD) / bins.size();
    for (int i = 0; i < bins.size(); i++) {
      Bin b = bins.get(i);
      double h = (double) b.count() / bmax * (H - 2 * PAD);
      sb.append(String.format(Locale.ROOT,
          "<rect class=\"lat\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>%s: %d"
          + " messages</title></rect>%n", PAD + i * lw, H - PAD - h, lw * 0.85, h,
          esc(b.label()), b.count()));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\">%s</text>%n",
          PAD + i * lw, H - PAD + 14, esc(b.label())));
    }
    axes(sb, String.valueOf(bmax), "0", "", "");
    sb.append("</svg>\n");
    sb.append("<h2>Receipts by agent</h2>\n<table>\n");
    r.receiptsByAgent().forEach((a, n) -> tr(sb, a, String.valueOf(n)));
    sb.append("</table>\n<h2>Top conversations by unread messages</h2>\n")
        .append("<p>No READ seen: unread, or read by a user who opted out.</p>\n<table>\n");
    for (ConversationUnread c : r.topUnread()) {
      tr(sb, c.conversationId(), String.valueOf(c.unread()));
    }
    sb.append("</table>\n</body>\n</html>\n");
    return sb.toString();
  }

  private static void svgStart(StringBuilder sb, String series, String label) {
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-series=\"")
        .append(series).append("\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">\n");
  }

  private static void axes(StringBuilder sb, String top, String bottom, String left,
      String right) {
    sb.append(String.format(Locale.ROOT,
        "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n"
        + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n"
        + "<text x=\"2\" y=\"%d\">%s</text>%n<text x=\"2\" y=\"%d\">%s</text>%n",
        PAD, H - PAD, W - PAD, H - PAD, PAD, PAD, PAD, H - PAD,
        PAD + 4, esc(top), H - PAD, esc(bottom)));
    if (!left.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n"
          + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
          PAD, H - PAD + 14, esc(left), W - PAD, H - PAD + 14, esc(right)));
    }
  }

  private static void tr(StringBuilder sb, String label, String value) {
    sb.append("<tr><td>").append(esc(label)).append("</td><td class=\"n\">").append(esc(value))
        .append("</td></tr>\n");
  }

  /** Text made safe for XHTML content and attribute values; controls become U+FFFD. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    s.codePoints().forEach(c -> {
      switch (c) {
        case '&':
          b.append("&amp;");
          break;
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        default:
          b.appendCodePoint(c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0xD800 && c <= 0xDFFF)
              || c == 0xFFFE || c == 0xFFFF
              ? 0xFFFD : c);
      }
    });
    return b.toString();
  }
}
