// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.http.journal.Journal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

public class MetricsReportTest {
  public static final Path FIXTURE = Path.of("src/test/resources/metrics/journal.jsonl");
  private static final Path EXPECTED = Path.of("src/test/resources/metrics/report.txt");

  @Test
  void fixtureJournalGivesTheExpectedTable() throws Exception {
    ReceiptMetrics m = ReceiptMetrics.builder().timeFromReceipts(true).build();
    Journal.Result r = Journal.replay(FIXTURE, m);
    assertEquals(new Journal.Result(22, 20, 1, 1, 7, "not a JSON object"), r);
    String text = MetricsReport.text(m.snapshot(), r);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/report-actual.txt"), text, StandardCharsets.UTF_8);
    assertEquals(Files.readString(EXPECTED, StandardCharsets.UTF_8), text);
  }

  @Test
  void fixtureJournalAsJson() {
    ReceiptMetrics m = ReceiptMetrics.builder().timeFromReceipts(true).build();
    Journal.replay(FIXTURE, m);
    String json = MetricsReport.json(m.snapshot());
    assertTrue(json.endsWith("}\n"));
    JsonObject o;
    try (JsonReader r = Json.createReader(new StringReader(json))) {
      o = r.readObject();
    }
    assertEquals("2024-07-01T10:22:01.500Z", o.getString("at"));
    assertEquals(12, o.getJsonObject("receivedByType").getInt("DELIVERED"));
    assertEquals(7, o.getJsonObject("receivedByType").getInt("READ"));
    assertEquals(1, o.getJsonObject("receivedByType").getInt("RECEIPT_TYPE_UNSPECIFIED"));
    assertEquals(11, o.getInt("messagesDelivered"));
    assertEquals(7, o.getInt("messagesRead"));
    assertEquals(7.0 / 11, o.getJsonNumber("readRate").doubleValue(), 1e-12);
    assertTrue(o.getBoolean("readRateIsLowerBound"));
    assertEquals(6, o.getJsonObject("deliveredToRead").getInt("count"));
    assertEquals(JsonValue.NULL, o.getJsonObject("sentToRead").get("p50"));
    assertEquals(1, o.getInt("outOfOrder"));
    assertEquals(1, o.getInt("duplicates"));
    assertEquals(1, o.getInt("unparsableTimestamps"));
    JsonObject worst = o.getJsonArray("topUnread").getJsonObject(0);
    assertEquals("conv-d", worst.getString("conversationId"));
    assertEquals(2, worst.getInt("unread"));
    assertEquals(3, o.getJsonArray("topUnread").size());
  }

  @Test
  void emptySnapshotReportsNoRateRatherThanZero() {
    String text = MetricsReport.text(ReceiptMetrics.builder().build().snapshot(), null);
    assertTrue(text.contains(String.format("%-40s %10s%n", "Read rate (lower bound)", "-")), text);
    assertTrue(text.contains("  (none)\n"));
    String json = MetricsReport.json(ReceiptMetrics.builder().build().snapshot());
    assertTrue(json.contains("\"readRate\":null"), json);
  }
}
