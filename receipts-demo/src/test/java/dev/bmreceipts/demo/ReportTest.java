// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report on journals and payload archives, in every input form. */
class ReportTest {
  @TempDir Path dir;

  private static String line(String conversation, String message, String type, String time) {
    return "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"" + conversation
        + "\",\"customAgentId\":\"\",\"messageId\":\"" + message + "\",\"message\":\"conversations/"
        + conversation + "/messages/" + message + "\",\"receiptType\":\"" + type
        + "\",\"createTime\":\"" + time + "\",\"sendTime\":\"" + time + "\"}";
  }

  private static final List<String> LINES = List.of(
      line("c1", "m1", "DELIVERED", "2024-05-01T10:00:00Z"),
      line("c1", "m1", "READ", "2024-05-01T10:00:30Z"),
      line("c1", "m2", "DELIVERED", "2024-05-01T10:01:00Z"),
      line("c2", "m3", "DELIVERED", "2024-05-01T10:02:00Z"),
      "not a journal line");

  private Path journal() throws Exception {
    Path j = dir.resolve("receipts.jsonl");
    Files.write(j, LINES, StandardCharsets.UTF_8);
    return j;
  }

  private static JsonObject json(TestIo t) {
    return Json.createReader(new StringReader(t.out())).readObject();
  }

  @Test
  void textReportPrintsTheExactTable() throws Exception {
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", journal().toString()), t.err());
    String out = t.out();
    assertTrue(out.contains("Input: 5 lines, 4 receipts, 0 blank, 1 bad (first bad: "
        + journal() + ":5 not a JSON object)"), out);
    assertTrue(out.matches("(?s).*\\n  DELIVERED +3\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  READ +1\\n.*"), out);
    assertTrue(out.matches("(?s).*\\nMessages delivered \\(distinct\\) +3\\n.*"), out);
    assertTrue(out.matches("(?s).*\\nRead rate \\(lower bound\\) +33\\.3%\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  c1 +1\\n.*"), out);
    assertTrue(!out.contains("estimated"), out);
    assertEquals("", t.err());
  }

  @Test
  void jsonReportHasTheExactFigures() throws Exception {
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", journal().toString(), "--format", "json"),
        t.err());
    JsonObject o = json(t);
    assertEquals(3, o.getInt("messagesDelivered"), t.out());
    assertEquals(1, o.getInt("messagesRead"), t.out());
    assertEquals("30.000000", o.getJsonObject("deliveredToRead").get("p50Seconds").toString());
  }

  @Test
  void readsDirectoriesGlobsGzipAndSeveralFilesInAnyOrder() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    // the READ sits in an older rotated file than its DELIVERED
    Files.write(logs.resolve("receipts.jsonl.1"), List.of(LINES.get(1)), StandardCharsets.UTF_8);
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(logs.resolve("receipts.jsonl.2.gz")))) {
      os.write((LINES.get(0) + "\n" + LINES.get(2) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.write(dir.resolve("today.jsonl"), List.of(LINES.get(3)), StandardCharsets.UTF_8);
    for (String[] args : List.of(
        new String[] {"report", "--format", "json", "--journal", logs.toString(), dir.resolve("today.jsonl").toString()},
        new String[] {"report", "--format", "json", dir.resolve("today.jsonl").toString(), dir + "/logs/receipts.jsonl*"},
        new String[] {"report", "--format", "json", "--journal", dir + "/**.jsonl*"})) {
      TestIo t = new TestIo();
      assertEquals(0, t.run(args), t.err());
      JsonObject o = json(t);
      assertEquals(3, o.getInt("messagesDelivered"), t.out());
      assertEquals(1, o.getInt("messagesDeliveredAndRead"), t.out());
      assertEquals(0, o.getInt("readWithoutDelivered"), t.out());
      assertEquals(3, o.getJsonArray("inputs").size(), t.out());
    }
  }

  @Test
  void readsStandardInputWithRawPayloadLinesMixedIn() throws Exception {
    String payload = "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c2\",\"requestId\":\"r\","
        + "\"sendTime\":\"2024-05-01T10:05:00Z\",\"receipts\":{\"receipts\":[{\"message\":"
        + "\"conversations/c2/messages/m3\",\"receiptType\":\"READ\"}],"
        + "\"createTime\":\"2024-05-01T10:05:00Z\"}}";
    String text = String.join("\n", LINES) + "\n" + payload + "\n";
    ReportCommand command = new ReportCommand(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    TestIo t = new TestIo();
    Args args = Args.parse(command, List.of("--journal", "-", "--format", "json"), Map.of());
    assertEquals(0, command.run(args, t.io));
    JsonObject o = json(t);
    assertEquals(2, o.getInt("messagesDeliveredAndRead"), t.out());
    assertEquals(1, o.getInt("badLines"), t.out());
    assertEquals("180.000000", o.getJsonObject("deliveredToRead").get("maxSeconds").toString());
  }

  @Test
  void badLinesDeepNestingAndHugeNumbersAreCountedNotFatal() throws Exception {
    Path j = dir.resolve("bad.jsonl");
    Files.write(j, List.of(LINES.get(0), "[".repeat(1000) + "]".repeat(1000),
        "{\"a\":" + "1".repeat(1100) + "}", LINES.get(1)), StandardCharsets.UTF_8);
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", j.toString(), "--format", "json"), t.err());
    JsonObject o = json(t);
    assertEquals(2, o.getInt("badLines"));
    assertEquals(2, o.getJsonArray("firstBadLines").getJsonObject(0).getInt("line"));
    assertEquals(1, o.getInt("messagesDeliveredAndRead"));
  }

  /** The journal line the RBM webhook writes for one event. */
  private static String rbmLine(String phone, String message, String type, String eventId,
      String time) {
    return "{\"agent\":\"agent-1\",\"conversationId\":\"" + phone
        + "\",\"customAgentId\":\"\",\"messageId\":\"" + message
        + "\",\"message\":\"conversations/" + phone + "/messages/" + message
        + "\",\"receiptType\":\"" + type + "\",\"createTime\":\"" + time + "\",\"sendTime\":\""
        + time + "\",\"requestId\":\"" + eventId + "\",\"protocol\":\"rbm\"}";
  }

  /** A raw RBM push of one user event, as the webhook received it. */
  private static String rbmPush(String phone, String message, String type, String eventId,
      String time) {
    String data = "{\"senderPhoneNumber\":\"" + phone + "\",\"eventType\":\"" + type
        + "\",\"eventId\":\"" + eventId + "\",\"messageId\":\"" + message
        + "\",\"sendTime\":\"" + time + "\",\"agentId\":\"agent-1\"}";
    return "{\"message\":{\"attributes\":{},\"data\":\""
        + java.util.Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8))
        + "\",\"messageId\":\"p-" + eventId + "\",\"publishTime\":\"" + time
        + "\"},\"subscription\":\"projects/p/subscriptions/rbm\"}";
  }

  /** A team moving to RBM: one archive with both protocols' journal lines and raw RBM pushes. */
  private Path mixed() throws Exception {
    Path j = dir.resolve("mixed.jsonl");
    List<String> lines = new java.util.ArrayList<>(LINES.subList(0, 4));
    lines.add(rbmLine("+15551234567", "r1", "DELIVERED", "e1", "2024-05-01T10:03:00Z"));
    lines.add(rbmLine("+15551234567", "r1", "READ", "e2", "2024-05-01T10:04:00Z"));
    lines.add(rbmLine("+15551234567", "r2", "DELIVERED", "e3", "2024-05-01T10:05:00Z"));
    lines.add(rbmPush("+15551234567", "r3", "DELIVERED", "e4", "2024-05-01T10:06:00Z"));
    lines.add(rbmPush("+15551234567", "r3", "IS_TYPING", "e5", "2024-05-01T10:07:00Z")
        .replace(",\"messageId\":\"r3\"", ""));
    Files.write(j, lines, StandardCharsets.UTF_8);
    return j;
  }

  @Test
  void aMixedArchiveShowsBothProtocolsAndTheRbmUsersPhoneMasked() throws Exception {
    Path j = mixed();
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", j.toString()), t.err());
    String out = t.out();
    assertTrue(out.startsWith("Receipt report on " + j + ", 2024-05-01T10:00:00Z to"
        + " 2024-05-01T10:06:00Z\nInput: 9 lines, 8 receipts, 0 blank, 0 bad\n"
        + "  1 payloads of other kinds, 0 receipts outside --since/--until\n"), out);
    assertTrue(out.contains("\nReceipts by agent\n"
        + "  agent-1                                           4\n"
        + "  brands/b/agents/a                                 4\n"), out);
    assertTrue(out.contains("\n\n"
        + "By protocol                     receipts  delivered       read  read rate\n"
        + "  Business Messages (bm)               4          3          1      33.3%\n"
        + "  RCS Business Messaging (rbm)         4          3          1      33.3%\n"
        + "  Delivered and read count distinct messages, as above.\n\n"), out);
    assertTrue(out.endsWith("Top 3 of 3 conversations by unread messages (no READ seen: unread"
        + " or opted out)\n"
        + "  +****4567                                         2\n"
        + "  c1                                                1\n"
        + "  c2                                                1\n"), out);
    assertFalse(out.contains("5551234567"), out);
    assertEquals("", t.err());
    for (String format : List.of("json", "html", "csv")) {
      TestIo f = new TestIo();
      assertEquals(0, f.run("report", "--journal", j.toString(), "--format", format), f.err());
      assertFalse(f.out().contains("5551234567"), f.out());
      if (format.equals("json")) {
        JsonObject o = json(f);
        assertEquals(4, o.getJsonObject("byProtocol").getJsonObject("rbm").getInt("receipts"));
        assertEquals(3, o.getJsonObject("byProtocol").getJsonObject("bm")
            .getInt("messagesDelivered"));
        assertEquals("+****4567", o.getJsonArray("topUnread").getJsonObject(0)
            .getString("conversationId"));
      }
    }
  }

  @Test
  void emptyOrAllBadJournalSaysSo() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", "--journal", empty.toString()), t.err());
    assertEquals(List.of("No receipts in " + empty + ": 0 lines, 0 receipts, 0 blank, 0 bad"),
        t.outLines());
    Path bad = dir.resolve("bad.jsonl");
    Files.write(bad, List.of("x"), StandardCharsets.UTF_8);
    TestIo u = new TestIo();
    assertEquals(0, u.run("report", "--journal", bad.toString()), u.err());
    assertEquals(List.of("No receipts in " + bad + ": 1 lines, 0 receipts, 0 blank, 1 bad"
        + " (first bad: " + bad + ":1 not a JSON object)"), u.outLines());
  }

  @Test
  void csvAndHtmlFormats() throws Exception {
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", journal().toString(), "--format", "csv", "--by", "hour"));
    assertEquals(List.of(
        "bucket_start,receipts,delivered,read,read_rate,latency_count,p50_seconds,p90_seconds,p99_seconds",
        "2024-05-01T10:00:00Z,4,3,1,0.3333,1,30.000000,30.000000,30.000000"), t.outLines());
    TestIo h = new TestIo();
    assertEquals(0, h.run("report", journal().toString(), "--format", "html"));
    assertTrue(h.out().startsWith("<!DOCTYPE html>"), h.out());
    assertTrue(h.out().contains("data-series=\"receipts\""), h.out());
  }

  @Test
  void sinceAndUntilFilter() throws Exception {
    TestIo t = new TestIo();
    assertEquals(0, t.run("report", journal().toString(), "--format", "json",
        "--since", "2024-05-01T10:00:30Z", "--until", "2024-05-01T10:02:00Z"), t.err());
    JsonObject o = json(t);
    assertEquals(2, o.getInt("receipts"));
    assertEquals(2, o.getInt("outsideWindow"));
  }

  @Test
  void usageErrorsExit2() throws Exception {
    CliTest.assertUsage(new String[] {"report", "--journal", dir.resolve("none.jsonl").toString()},
        "report: --journal must be a readable file, got \"" + dir.resolve("none.jsonl") + "\"");
    CliTest.assertUsage(new String[] {"report", "--journal", dir + "/*.nothing"},
        "report: --journal matches no file, got \"" + dir + "/*.nothing\"");
    CliTest.assertUsage(new String[] {"report", journal().toString(), "--since", "yesterday"},
        "report: --since must be an RFC 3339 time such as 2024-05-01T00:00:00Z, or a date,"
        + " got \"yesterday\"");
    CliTest.assertUsage(new String[] {"report", journal().toString(), "--by", "month"},
        "report: --by must be one of hour, day, week, got \"month\"");
  }

  @Test
  void progressIsShownWhenStandardErrorIsATerminalAndOnlyThen() throws Exception {
    Path tty = Files.createSymbolicLink(dir.resolve("fd2-tty"), Path.of("/dev/pts/7"));
    Path log = Files.createSymbolicLink(dir.resolve("fd2-log"), dir.resolve("report.log"));
    Path pipe = Files.createSymbolicLink(dir.resolve("fd2-pipe"), Path.of("pipe:[4242]"));
    assertTrue(ReportCommand.terminal(tty));
    assertEquals(false, ReportCommand.terminal(log));
    assertEquals(false, ReportCommand.terminal(pipe));
    // this test's own standard error is a pipe to the test runner
    assertEquals(false, ReportCommand.terminal(Path.of("/proc/self/fd/2")));
  }

  @Test
  void progressLineSaysBytesOfTotalLinesPerSecondAndTimeLeft() throws Exception {
    Path journal = dir.resolve("big.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 3 << 20; i++) {
      sb.append("{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c\",\"message\":"
          + "\"conversations/c/messages/m").append(i).append("\",\"receiptType\":\"DELIVERED\","
          + "\"createTime\":\"2024-05-01T10:00:00Z\"}\n");
    }
    Files.writeString(journal, sb);
    dev.bmreceipts.http.report.ArchiveProgress progress =
        new dev.bmreceipts.http.report.ArchiveProgress();
    dev.bmreceipts.http.report.ArchiveAnalyser.builder().build().analyse(
        List.of(dev.bmreceipts.http.report.ArchiveInput.file(journal)), progress);
    String line = ReportCommand.progressLine(progress, 2_000_000_000L);
    assertTrue(line.startsWith("\r  3 of 3 MiB, "), line);
    assertTrue(line.matches("\r  3 of 3 MiB, \\d+\\.\\d\\d M lines/s, 0 s left *"), line);
    assertEquals(String.format(java.util.Locale.ROOT, "%.2f", progress.lines() / 2.0 / 1e6),
        line.replaceAll("(?s).*, ([0-9.]+) M lines/s.*", "$1"));
  }
}
