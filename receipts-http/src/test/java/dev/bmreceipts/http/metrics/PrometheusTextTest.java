// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import static dev.bmreceipts.http.metrics.Events.T0;
import static dev.bmreceipts.http.metrics.Events.at;
import static dev.bmreceipts.http.metrics.Events.delivered;
import static dev.bmreceipts.http.metrics.Events.event;
import static dev.bmreceipts.http.metrics.Events.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.ReceiptType;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Checks the exposition line by line against the text format 0.0.4 grammar. */
class PrometheusTextTest {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL_VALUE = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE;
  private static final String VALUE =
      "(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]Inf|NaN)";
  private static final Pattern HELP =
      Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(" + LABEL
      + "(?:," + LABEL + ")*,?)?\\})? (" + VALUE + ")(?: -?[0-9]+)?");
  private static final Pattern ONE_LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=(" + LABEL_VALUE + ")");

  /** One parsed sample. */
  record Sample(String family, String name, Map<String, String> labels, String value) {}

  static List<Sample> parse(String text) {
    assertTrue(text.endsWith("\n"), "the exposition ends with a newline");
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> finished = new HashSet<>();
    List<Sample> samples = new ArrayList<>();
    String current = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty() && lineNo == text.split("\n", -1).length) {
        break;
      }
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        assertTrue(helped.add(m.group(1)), "one HELP per family: " + line);
        continue;
      }
      if ((m = TYPE.matcher(line)).matches()) {
        String family = m.group(1);
        assertTrue(types.put(family, m.group(2)) == null, "one TYPE per family: " + line);
        assertTrue(helped.contains(family), "HELP before TYPE: " + line);
        if (current != null) {
          finished.add(current);
        }
        assertFalse(finished.contains(family), "families are not split: " + line);
        current = family;
        if (m.group(2).equals("counter")) {
          assertTrue(family.endsWith("_total"), "counters end in _total: " + family);
        }
        continue;
      }
      if (line.startsWith("#")) {
        fail("unknown comment line " + lineNo + ": " + line);
      }
      m = SAMPLE.matcher(line);
      if (!m.matches()) {
        fail("line " + lineNo + " is not a sample: " + line);
      }
      String name = m.group(1);
      assertTrue(current != null, "sample before any TYPE: " + line);
      boolean ok = name.equals(current) || types.get(current).equals("histogram")
          && (name.equals(current + "_bucket") || name.equals(current + "_sum")
              || name.equals(current + "_count"));
      assertTrue(ok, "sample " + name + " outside its family " + current);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = ONE_LABEL.matcher(m.group(2));
        while (l.find()) {
          String raw = l.group(2);
          labels.put(l.group(1), unescape(raw.substring(1, raw.length() - 1)));
        }
      }
      samples.add(new Sample(current, name, labels, m.group(3)));
    }
    checkHistograms(samples, types);
    return samples;
  }

  private static String unescape(String v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\') {
        char n = v.charAt(++i);
        sb.append(n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static void checkHistograms(List<Sample> samples, Map<String, String> types) {
    for (Map.Entry<String, String> t : types.entrySet()) {
      if (!t.getValue().equals("histogram")) {
        continue;
      }
      String family = t.getKey();
      double previousLe = Double.NEGATIVE_INFINITY;
      long previousCount = -1;
      String inf = null;
      String count = null;
      for (Sample s : samples) {
        if (s.name().equals(family + "_bucket")) {
          String le = s.labels().get("le");
          double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
          assertTrue(bound > previousLe, family + " le ascending at " + le);
          long c = Long.parseLong(s.value());
          assertTrue(c >= previousCount, family + " buckets cumulative at " + le);
          previousLe = bound;
          previousCount = c;
          if (le.equals("+Inf")) {
            inf = s.value();
          }
        } else if (s.name().equals(family + "_count")) {
          count = s.value();
        }
      }
      assertEquals(HistogramSnapshot.BOUNDS_MILLIS.size() + 1,
          samples.stream().filter(s -> s.name().equals(family + "_bucket")).count());
      assertEquals(count, inf, family + ": +Inf bucket equals _count");
      assertTrue(samples.stream().anyMatch(s -> s.name().equals(family + "_sum")));
    }
  }

  private static String value(List<Sample> samples, String name, String label, String value) {
    return samples.stream()
        .filter(s -> s.name().equals(name)
            && (label == null ? s.labels().isEmpty() : value.equals(s.labels().get(label))))
        .map(Sample::value).findFirst().orElseThrow(() -> new AssertionError("no " + name));
  }

  @Test
  void exposesEveryMetricInValidTextFormat() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder()
        .clock(Clock.fixed(T0.plusSeconds(7200), ZoneOffset.UTC)).build();
    m.messageSent(MessageName.of("c", "m1"), T0);
    m.onReceipt(delivered("c", "m1", at(2)));
    m.onReceipt(read("c", "m1", at(3.5)));
    m.onReceipt(read("c", "m2", at(4)));
    m.onReceipt(delivered("c", "m2", at(1)));
    m.onReceipt(delivered("c", "m3", at(1)));
    m.onReceipt(delivered("c", "m3", at(1)));
    m.onReceipt(event("brands/x\"y\\z\nw", ReceiptType.RECEIPT_TYPE_UNSPECIFIED, "c", "m4",
        "BOOLEAN"));
    String text = m.toPrometheus();
    List<Sample> s = parse(text);

    assertTrue(text.contains("\nbm_receipts_received_total{type=\"DELIVERED\"} 4\n"), text);
    assertTrue(text.contains("\nbm_receipts_received_total{type=\"READ\"} 2\n"));
    assertTrue(
        text.contains("\nbm_receipts_received_total{type=\"RECEIPT_TYPE_UNSPECIFIED\"} 1\n"));
    assertEquals("1", value(s, "bm_receipts_by_agent_total", "agent", "brands/x\"y\\z\nw"));
    assertEquals("6", value(s, "bm_receipts_by_agent_total", "agent", Events.AGENT));
    assertEquals("3", value(s, "bm_messages_delivered_total", null, null));
    assertEquals("2", value(s, "bm_messages_read_total", null, null));
    assertEquals("1", value(s, "bm_messages_sent_total", null, null));
    assertEquals(2.0 / 3, Double.parseDouble(value(s, "bm_read_rate", null, null)), 1e-12);
    assertEquals("2", value(s, "bm_delivered_to_read_seconds_count", null, null));
    assertEquals("4.5", value(s, "bm_delivered_to_read_seconds_sum", null, null));
    assertEquals("0", value(s, "bm_delivered_to_read_seconds_bucket", "le", "1.131"));
    assertEquals("1", value(s, "bm_delivered_to_read_seconds_bucket", "le", "1.6"));
    assertEquals("2", value(s, "bm_delivered_to_read_seconds_bucket", "le", "3.2"));
    assertEquals("0", value(s, "bm_delivered_to_read_seconds_bucket", "le", "0.1"));
    assertEquals("2", value(s, "bm_delivered_to_read_seconds_bucket", "le", "604800"));
    assertEquals("2", value(s, "bm_sent_to_delivered_seconds_sum", null, null));
    assertEquals("3.5", value(s, "bm_sent_to_read_seconds_sum", null, null));
    assertEquals("0", value(s, "bm_messages_overdue", "stage", "delivery"));
    assertEquals("0", value(s, "bm_messages_overdue", "stage", "read"));
    assertEquals("1", value(s, "bm_receipts_out_of_order_total", null, null));
    assertEquals("1", value(s, "bm_receipts_duplicate_total", null, null));
    assertEquals("1", value(s, "bm_timestamps_unparsable_total", null, null));
    assertEquals("0", value(s, "bm_pending_evicted_total", "reason", "cap"));
    assertEquals("3", value(s, "bm_messages_tracked", null, null));
    assertTrue(s.stream().allMatch(x -> x.family().startsWith("bm_")));
  }

  @Test
  void emptyMetricsStillParseWithNaNReadRate() {
    String text = ReceiptMetrics.builder().build().toPrometheus();
    List<Sample> s = parse(text);
    assertEquals("NaN", value(s, "bm_read_rate", null, null));
    assertEquals("0", value(s, "bm_delivered_to_read_seconds_bucket", "le", "+Inf"));
  }

  @Test
  void writesToAnyAppendable() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().build();
    StringBuilder sb = new StringBuilder("# prefix from the host\n");
    m.writePrometheus(sb);
    assertTrue(sb.toString()
        .startsWith("# prefix from the host\n# HELP bm_receipts_received_total "));
  }
}
