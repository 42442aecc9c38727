// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report on a journal. */
class ReportTest {
  @TempDir Path dir;

  private static String line(String conversation, String message, String type, String time) {
    return "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"" + conversation
        + "\",\"customAgentId\":\"\",\"messageId\":\"" + message + "\",\"message\":\"conversations/"
        + conversation + "/messages/" + message + "\",\"receiptType\":\"" + type
        + "\",\"createTime\":\"" + time + "\",\"sendTime\":\"" + time + "\"}";
  }

  private Path journal() throws Exception {
    Path j = dir.resolve("receipts.jsonl");
    Files.write(j, List.of(
        line("c1", "m1", "DELIVERED", "2024-05-01T10:00:00Z"),
        line("c1", "m1", "READ", "2024-05-01T10:00:30Z"),
        line("c1", "m2", "DELIVERED", "2024-05-01T10:01:00Z"),
        line("c2", "m3", "DELIVERED", "2024-05-01T10:02:00Z"),
        "not a journal line"), StandardCharsets.UTF_8);
    return j;
  }

  @Test
  void textReportPrintsTheTable() throws Exception {
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", journal().toString()), t.err());
    String out = t.out();
    assertTrue(out.contains("Journal: 5 lines, 4 receipts, 0 blank, 1 bad"), out);
    assertTrue(out.matches("(?s).*\\n  DELIVERED +3\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  READ +1\\n.*"), out);
    assertTrue(out.matches("(?s).*\\nMessages delivered \\(distinct\\) +3\\n.*"), out);
    assertTrue(out.matches("(?s).*\\nRead rate \\(lower bound\\) +33\\.3%\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  c1 +1\\n.*"), out);
    assertEquals("", t.err());
  }

  @Test
  void jsonReportIsTheSnapshot() throws Exception {
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", journal().toString(), "--format", "json"),
        t.err());
    JsonObject o = Json.createReader(new StringReader(t.out())).readObject();
    assertEquals(3, o.getJsonNumber("messagesDelivered").intValue(), t.out());
    assertEquals(1, o.getJsonNumber("messagesRead").intValue(), t.out());
  }

  @Test
  void missingJournalExits2() {
    CliTest.assertUsage(new String[] {"report", "--journal", dir.resolve("none.jsonl").toString()},
        "report: --journal must be a readable file, got \"" + dir.resolve("none.jsonl") + "\"");
  }
}
