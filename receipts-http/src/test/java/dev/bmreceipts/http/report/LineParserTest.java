// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte scanner against the JSON-P path: on every fixture line and on seeded mutations of
 * them, wherever the scanner answers, its answer is the one JSON-P gives.
 */
class LineParserTest {
  /** What a line gave, as text. */
  static final class Record implements LineParser.Sink {
    final List<String> out = new ArrayList<>();

    @Override
    public void receipt(byte[] b, int agentOff, int agentLen, int convOff, int convLen,
        int msgOff, int msgLen, int type, long micros, int protocol) {
      out.add("receipt " + Tally.utf8(b, agentOff, agentLen) + " | " + Tally.utf8(b, convOff, convLen)
          + " | " + Tally.utf8(b, msgOff, msgLen) + " | " + type + " | " + micros + " | "
          + protocol);
    }

    @Override
    public void blank() {
      out.add("blank");
    }

    @Override
    public void noReceipts() {
      out.add("no receipts");
    }

    @Override
    public void bad(String reason) {
      out.add("bad " + reason);
    }
  }

  static final List<String> FIXTURES = List.of(
      ArchiveAnalyserTest.line("brands/b/agents/a", "c1", "m1", "DELIVERED", 1_714_557_600_000_000L),
      ArchiveAnalyserTest.line("brands/b/agents/a", "c1", "m1", "READ", 1_714_557_600_123_456L),
      ArchiveAnalyserTest.line("", "c-2", "m.2", "RECEIPT_TYPE_UNSPECIFIED", 0),
      ArchiveAnalyserTest.line("a", "c", "m", "SOMETHING_NEW", -1_000_000L),
      "{\"agent\":\"a\",\"conversationId\":\"c\",\"messageId\":\"m\",\"message\":\"\",\"receiptType\":\"READ\",\"createTime\":\"2024-02-29T23:59:59.999999999Z\"}",
      "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c/messages/m\",\"createTime\":\"2024-05-01T10:00:00+02:00\"}",
      "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c/messages/m\",\"createTime\":\"2024-05-01t10:00:00z\"}",
      "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c/messages/m\",\"createTime\":\"SEND_TIME\"}",
      "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c/messages/m\",\"createTime\":\"2023-02-29T00:00:00Z\"}",
      "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c/messages/m\",\"createTime\":\"2024-05-01T24:00:00Z\"}",
      "{\"receiptType\":\"DELIVERED\",\"message\":\"conversations/c/messages/m\",\"createTime\":\"0000-01-01T00:00:00.5Z\"}",
      "  { \"receiptType\" : \"READ\" , \"conversationId\" : \"c\" , \"messageId\" : \"m\" }  \r",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m/extra\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations//messages/m\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/a/b/messages/m\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"message\":\"conversations/d/messages/n\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c\\u002fd/messages/m\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/caf\u00e9/messages/m\",\"agent\":\"\u00e9\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"agent\":null}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"extra\":{\"a\":[1,2]}}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\"} trailing",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",}",
      "{\"receiptType\":\"READ\"}",
      "{}",
      "",
      "   \t",
      "[1,2]",
      "\"just a string\"",
      "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c9\",\"requestId\":\"r1\",\"sendTime\":\"2024-05-01T11:00:00Z\",\"receipts\":{\"receipts\":[{\"message\":\"conversations/c9/messages/m9\",\"receiptType\":\"DELIVERED\"},{\"message\":\"conversations/c2/messages/m3\",\"receiptType\":\"READ\"}],\"createTime\":\"2024-05-01T11:00:00.5Z\"}}",
      "{\"message\":{\"name\":\"conversations/c/messages/u\",\"text\":\"hi\",\"messageId\":\"u\",\"createTime\":\"2024-05-01T11:00:00Z\"},\"conversationId\":\"c\"}",
      "{\"userStatus\":{\"isTyping\":true},\"conversationId\":\"c\"}",
      "{\"clientToken\":\"t\",\"secret\":\"s\"}",
      // RCS Business Messaging: journal lines, then raw pushes (which only JSON-P reads)
      ArchiveAnalyserTest.rbmLine("agent-1", "+15551234567", "msg-1", "DELIVERED", 1_714_557_600_000_000L),
      ArchiveAnalyserTest.rbmLine("agent-1", "+15551234567", "msg-1", "READ", 1_714_557_600_123_456L),
      "{\"receiptType\":\"READ\",\"message\":\"conversations/+447700900123/messages/m\",\"protocol\":\"rbm\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":\"bm\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":\"\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":null}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":\"sms\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":\"RBM\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":1}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/messages/m\",\"protocol\":\"rbm\",\"protocol\":\"bm\"}",
      "{\"receiptType\":\"READ\",\"message\":\"conversations/c/m\",\"protocol\":\"sms\"}",
      ArchiveAnalyserTest.push("agent-1", "+15551234567", "msg-1", "DELIVERED", 1_714_557_600_000_000L),
      ArchiveAnalyserTest.push("agent-1", "+15551234567", "msg-1", "READ", 1_714_557_600_500_000L),
      ArchiveAnalyserTest.push("agent-1", "+15551234567", "", "IS_TYPING", 1_714_557_600_500_000L),
      ArchiveAnalyserTest.pushData("{\"senderPhoneNumber\":\"+15551234567\",\"messageId\":\"u1\","
          + "\"text\":\"hi\",\"sendTime\":\"2024-05-01T10:00:00Z\",\"agentId\":\"agent-1\"}"),
      ArchiveAnalyserTest.pushData("{\"senderPhoneNumber\":\"15551234567\",\"eventType\":\"READ\","
          + "\"eventId\":\"e\",\"messageId\":\"m\"}"),
      ArchiveAnalyserTest.pushData("{\"senderPhoneNumber\":\"+15551234567\",\"eventType\":\"READ\","
          + "\"eventId\":\"e\",\"messageId\":\"a/b\"}"),
      ArchiveAnalyserTest.pushData("not json"),
      "{\"message\":{\"data\":\"not base64!\",\"messageId\":\"1\"}}",
      "{\"message\":{\"data\":7}}");

  private static List<String> fast(LineParser p, byte[] b) {
    Record r = new Record();
    return p.fast(b, 0, b.length, r) ? r.out : null;
  }

  private static List<String> slow(LineParser p, byte[] b) {
    Record r = new Record();
    p.slow(b, 0, b.length, r);
    return r.out;
  }

  @Test
  void scannerAgreesWithJsonPOnEveryFixtureLine() {
    LineParser p = new LineParser();
    int answered = 0;
    for (String line : FIXTURES) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      List<String> fast = fast(p, b);
      if (fast != null) {
        answered++;
        assertEquals(slow(p, b), fast, line);
      }
    }
    // the journal's own lines take the fast path (else this test would prove nothing)
    assertTrue(answered >= 12, "the scanner answered only " + answered + " fixture lines");
    byte[] journal = FIXTURES.get(0).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of("receipt brands/b/agents/a | c1 | m1 | 1 | 1714557600000000 | 0"),
        fast(p, journal));
    byte[] rbm = ArchiveAnalyserTest.rbmLine("agent-1", "+15551234567", "msg-1", "READ",
        1_714_557_600_123_456L).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of("receipt agent-1 | +15551234567 | msg-1 | 2 | 1714557600123456 | 1"),
        fast(p, rbm));
  }

  @Test
  void rbmPushesAreReceiptsWhenDeliveredOrReadAndOtherwisePayloadsOrBadLines() {
    LineParser p = new LineParser();
    List<String> out = new ArrayList<>();
    for (String line : FIXTURES.subList(FIXTURES.size() - 9, FIXTURES.size())) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      assertEquals(null, fast(p, b), line);
      out.addAll(slow(p, b));
    }
    assertEquals(List.of(
        // the event's sendTime is the receipt's time, as in the journal line the webhook writes
        "receipt agent-1 | +15551234567 | msg-1 | 1 | 1714557600000000 | 1",
        "receipt agent-1 | +15551234567 | msg-1 | 2 | 1714557600500000 | 1",
        "no receipts",
        "no receipts",
        "bad not a journal line, nor an RBM push: message.data.senderPhoneNumber: phone number"
            + " must be E.164 ('+' then 8 to 15 digits, the first not 0): it does not start"
            + " with '+'",
        "bad no valid message name",
        "bad not a journal line, nor an RBM push: message.data: decoded data is malformed JSON"
            + " at line 1, column 2",
        "bad not a journal line, nor an RBM push: message.data: not valid base64",
        "bad not a journal line, nor an RBM push: message.data: expected a string, got a number"),
        out);
  }

  @Test
  void scannerAgreesWithJsonPOnSeededMutations() {
    LineParser p = new LineParser();
    Random rnd = new Random(20261203);
    byte[] alphabet = "{}[]\":,\\ \t/0123456789.-+TZezuE\u00e9nulltrue"
        .getBytes(StandardCharsets.UTF_8);
    int answered = 0;
    int mutants = 0;
    for (String line : FIXTURES) {
      byte[] base = line.getBytes(StandardCharsets.UTF_8);
      for (int k = 0; k < 3000; k++) {
        byte[] b = base.clone();
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits && b.length > 0; e++) {
          int at = rnd.nextInt(b.length);
          switch (rnd.nextInt(4)) {
            case 0: // replace a byte
              b[at] = rnd.nextInt(8) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
              break;
            case 1: { // delete a byte
              byte[] c = new byte[b.length - 1];
              System.arraycopy(b, 0, c, 0, at);
              System.arraycopy(b, at + 1, c, at, b.length - at - 1);
              b = c;
              break;
            }
            case 2: { // insert a byte
              byte[] c = new byte[b.length + 1];
              System.arraycopy(b, 0, c, 0, at);
              c[at] = alphabet[rnd.nextInt(alphabet.length)];
              System.arraycopy(b, at, c, at + 1, b.length - at);
              b = c;
              break;
            }
            default: // a digit changed, where timestamps and ids are
              if (b[at] >= '0' && b[at] <= '9') {
                b[at] = (byte) ('0' + rnd.nextInt(10));
              }
          }
        }
        mutants++;
        byte[] mutant = b;
        List<String> fast = fast(p, mutant);
        if (fast != null) {
          answered++;
          assertEquals(slow(p, mutant), fast, () -> new String(mutant, StandardCharsets.UTF_8));
        }
      }
    }
    assertTrue(answered > mutants / 10, answered + " of " + mutants + " answered by the scanner");
  }
}
