// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four outputs of one report. */
public class ArchiveFormatTest {
  private static final long DAY = 86_400_000_000L;
  private static final long T0 = 1_714_521_600_000_000L; // 2024-05-01T00:00:00Z

  @TempDir Path dir;

  public static ArchiveReport report(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    // three days: 4, 2 and 1 messages delivered; read 3, 1, 0 of them
    int[][] days = {{4, 3}, {2, 1}, {1, 0}};
    int m = 0;
    for (int d = 0; d < days.length; d++) {
      for (int i = 0; i < days[d][0]; i++, m++) {
        long t = T0 + d * DAY + i * 60_000_000L;
        lines.add(ArchiveAnalyserTest.line("brands/b/agents/<a&b>", "c" + (m % 2), "m" + m,
            "DELIVERED", t));
        if (i < days[d][1]) {
          lines.add(ArchiveAnalyserTest.line("brands/b/agents/<a&b>", "c" + (m % 2), "m" + m,
              "READ", t + (i + 1) * 10_000_000L));
        }
      }
    }
    Path f = dir.resolve("j.jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return ArchiveAnalyser.builder().build().analyse(List.of(ArchiveInput.file(f)));
  }

  /** Business Messages and RBM receipts in one journal: c1 and an RBM user, by phone. */
  static ArchiveReport mixed(Path dir) throws Exception {
    String phone = "+15551234567";
    Path f = dir.resolve("mixed.jsonl");
    Files.write(f, List.of(
        ArchiveAnalyserTest.line("brands/b/agents/a", "c1", "m1", "DELIVERED", T0),
        ArchiveAnalyserTest.line("brands/b/agents/a", "c1", "m1", "READ", T0 + 10_000_000L),
        ArchiveAnalyserTest.line("brands/b/agents/a", "c1", "m2", "DELIVERED", T0),
        ArchiveAnalyserTest.rbmLine("agent-1", phone, "r1", "DELIVERED", T0),
        ArchiveAnalyserTest.rbmLine("agent-1", phone, "r1", "READ", T0 + 30_000_000L),
        ArchiveAnalyserTest.rbmLine("agent-1", phone, "r2", "DELIVERED", T0),
        ArchiveAnalyserTest.push("agent-1", phone, "r3", "DELIVERED", T0)), StandardCharsets.UTF_8);
    return ArchiveAnalyser.builder().build().analyse(List.of(ArchiveInput.file(f)));
  }

  @Test
  void everyFormatShowsBothProtocolsAndNoWholePhoneNumber() throws Exception {
    ArchiveReport r = mixed(dir);
    String text = ArchiveFormat.text(r);
    assertTrue(text.contains("\n\n"
        + "By protocol                     receipts  delivered       read  read rate\n"
        + "  Business Messages (bm)               3          2          1      50.0%\n"
        + "  RCS Business Messaging (rbm)         4          3          1      33.3%\n"
        + "  Delivered and read count distinct messages, as above.\n\n"), text);
    assertTrue(text.endsWith("Top 2 of 2 conversations by unread messages (no READ seen: unread"
        + " or opted out)\n"
        + "  +****4567                                         2\n"
        + "  c1                                                1\n"), text);
    JsonObject o = Json.createReader(new StringReader(ArchiveFormat.json(r))).readObject();
    assertEquals("{\"bm\":{\"receipts\":3,\"messagesDelivered\":2,\"messagesRead\":1,"
        + "\"messagesDeliveredAndRead\":1,\"readRate\":0.5},\"rbm\":{\"receipts\":4,"
        + "\"messagesDelivered\":3,\"messagesRead\":1,\"messagesDeliveredAndRead\":1,"
        + "\"readRate\":0.3333333333333333}}", o.getJsonObject("byProtocol").toString());
    assertEquals("+****4567", o.getJsonArray("topUnread").getJsonObject(0)
        .getString("conversationId"));
    String html = ArchiveFormat.html(r);
    assertTrue(html.contains("<h2>By protocol</h2>\n<table>\n<tr><th>Protocol</th>"
        + "<th class=\"n\">Receipts</th><th class=\"n\">Messages delivered</th>"
        + "<th class=\"n\">Messages read</th><th class=\"n\">Read rate (a lower bound)</th></tr>\n"
        + "<tr><td>Business Messages (bm)</td><td class=\"n\">3</td><td class=\"n\">2</td>"
        + "<td class=\"n\">1</td><td class=\"n\">50.0%</td></tr>\n"
        + "<tr><td>RCS Business Messaging (rbm)</td><td class=\"n\">4</td><td class=\"n\">3</td>"
        + "<td class=\"n\">1</td><td class=\"n\">33.3%</td></tr>\n</table>\n"), html);
    assertTrue(html.contains("<tr><td>+****4567</td><td class=\"n\">2</td></tr>"), html);
    for (String out : List.of(text, ArchiveFormat.json(r), html, ArchiveFormat.csv(r))) {
      assertFalse(out.contains("5551234567"), out);
    }
  }

  @Test
  void aBusinessMessagesArchiveShowsRbmAsNone() throws Exception {
    String text = ArchiveFormat.text(report(dir));
    assertTrue(text.contains("\n"
        + "  Business Messages (bm)              11          7          4      57.1%\n"
        + "  RCS Business Messaging (rbm)         0          0          0          -\n"), text);
    JsonObject o = Json.createReader(new StringReader(ArchiveFormat.json(report(dir))))
        .readObject();
    assertEquals("{\"receipts\":0,\"messagesDelivered\":0,\"messagesRead\":0,"
        + "\"messagesDeliveredAndRead\":0,\"readRate\":null}",
        o.getJsonObject("byProtocol").getJsonObject("rbm").toString());
  }

  @Test
  void csvIsTheDailySeries() throws Exception {
    assertEquals(String.join("\r\n",
        "bucket_start,receipts,delivered,read,read_rate,latency_count,p50_seconds,p90_seconds,p99_seconds",
        "2024-05-01T00:00:00Z,7,4,3,0.7500,3,20.000000,30.000000,30.000000",
        "2024-05-02T00:00:00Z,3,2,1,0.5000,1,10.000000,10.000000,10.000000",
        "2024-05-03T00:00:00Z,1,1,0,0.0000,0,,,") + "\r\n", ArchiveFormat.csv(report(dir)));
  }

  @Test
  void jsonAndTextCarryTheExactFigures() throws Exception {
    ArchiveReport r = report(dir);
    JsonObject o = Json.createReader(new StringReader(ArchiveFormat.json(r))).readObject();
    assertEquals(7, o.getInt("messagesDelivered"));
    assertEquals(4, o.getInt("messagesRead"));
    assertTrue(o.getBoolean("readRateIsLowerBound"));
    // latencies 10, 20, 30 s on the first day and 10 s on the second: nearest rank p50 is 10 s
    assertEquals("10.000000", o.getJsonObject("deliveredToRead").getJsonNumber("p50Seconds").toString());
    assertEquals(3, o.getJsonArray("series").size());
    String text = ArchiveFormat.text(r);
    assertTrue(text.matches("(?s).*\\nRead rate \\(lower bound\\) +57\\.1%\\n.*"), text);
    assertTrue(text.contains("  seconds                    4     10.000     10.000     30.000"), text);
    assertFalse(text.contains("estimated"), text);
  }
}
