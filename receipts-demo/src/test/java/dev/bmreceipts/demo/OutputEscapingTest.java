// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.WebhookSignature;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payload and server text never reaches the output raw: a newline in it cannot forge a line, an
 * ESC sequence cannot reach the terminal, U+2028 and bidi controls cannot reorder or split it.
 */
class OutputEscapingTest {
  private static final String KEY = "escape-key";
  /** A newline that forges a receipt line, a terminal escape, a line separator, a right-to-left override. */
  private static final String HOSTILE = "a\nreceipt READ conversations/c/messages/forged agent=x\u001b[2J\u2028\u202e";

  @TempDir Path dir;

  private static void assertPrintable(String text) {
    text.lines().forEach(line -> line.codePoints().forEach(c ->
        assertFalse(Text.unsafe(c), () -> String.format("U+%04X in %s", c, line))));
  }

  @Test
  void escapeNamesEveryUnsafeCharacterAndKeepsTheRest() {
    assertEquals("a\\nb\\r\\tc\\x1b[0m\\x7f\\x9b\\u2028\\u2029\\u202e\\u2066\\u200f\\u061c\\ufeff",
        Text.escape("a\nb\r\tc\u001b[0m\u007f\u009b\u2028\u2029\u202e\u2066\u200f\u061c\ufeff"));
    assertEquals("\\ud800x", Text.escape("\ud800x"), "a lone surrogate");
    String kept = "brands/b/agents/é✓ 👩\u200d💻 \\x1b";
    assertEquals(kept, Text.escape(kept), "text, emoji with joiners and backslashes stay as they are");
    assertEquals(Text.escape(HOSTILE), Text.escape(Text.escape(HOSTILE)), "escaping twice changes nothing");
    assertEquals('"' + "x".repeat(Text.MAX) + "…\"", Text.quote("x".repeat(500)));
  }

  @Test
  void jsonKeepsItsValueAndEscapesOnlyInsideStrings() {
    String json = Json.createObjectBuilder().add("name", HOSTILE).add("n", 1).build().toString();
    String safe = Text.json(json);
    assertFalse(safe.contains("\n") || safe.contains("\u2028") || safe.contains("\u001b"), safe);
    assertEquals(HOSTILE, Json.createReader(new StringReader(safe)).readObject().getString("name"));
    String pretty = "{\n  \"a\": \"x\u2028y\"\n}";
    assertEquals("{\n  \"a\": \"x\\u2028y\"\n}", Text.json(pretty));
  }

  @Test
  void aReceiptLineCannotBeForgedByTheAgent() throws Exception {
    TestIo io = new TestIo(Map.of("BM_SIGNING_KEY", KEY));
    ServeCommand sc = new ServeCommand();
    try (ReceiptService s = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0"),
        io.io.env()), io.io)) {
      String payload = Payloads.receipts("req-e1", "conv-e", "READ", List.of("m1"))
          .replace(Payloads.AGENT, Json.createValue(HOSTILE).toString().replace("\"", ""));
      byte[] body = payload.getBytes(StandardCharsets.UTF_8);
      assertEquals(200, Http.send(HttpRequest.newBuilder(s.uri()).header("Content-Type", "application/json")
          .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))).statusCode());
    }
    List<String> lines = io.outLines();
    // the startup line, what to try next, and the one receipt line
    assertEquals(3, lines.size(), io.out());
    assertEquals("receipt READ conversations/conv-e/messages/m1 agent=a\\nreceipt READ"
        + " conversations/c/messages/forged agent=x\\x1b[2J\\u2028\\u202e", lines.get(2));
    assertPrintable(io.out());
  }

  @Test
  void sendReadEscapesWhatTheServerSays() throws Exception {
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        boolean ok = ex.getRequestURI().getPath().contains("/messages/ok/");
        String body = ok
            ? Json.createObjectBuilder().add("name", HOSTILE).add("receiptType", "READ").build().toString()
            : "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\",\"message\":"
                + Json.createValue("gone\u001b]0;pwned\u0007\u202e\u2028next").toString() + "}}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(ok ? 200 : 404, b.length);
        ex.getResponseBody().write(b);
      }
    });
    api.start();
    try {
      String root = "http://127.0.0.1:" + api.getAddress().getPort() + "/";
      TestIo ok = new TestIo(Map.of("BM_ACCESS_TOKEN", "tok-e"));
      assertEquals(0, ok.run("send-read", "--conversation", "c", "--message", "ok", "--api-root", root), ok.err());
      assertEquals(1, ok.outLines().size(), ok.out());
      assertPrintable(ok.out());
      assertEquals(HOSTILE, Json.createReader(new StringReader(ok.out())).readObject().getString("name"));

      TestIo gone = new TestIo(Map.of("BM_ACCESS_TOKEN", "tok-e"));
      assertEquals(1, gone.run("send-read", "--conversation", "c", "--message", "gone", "--api-root", root));
      assertEquals(List.of("send-read: PATCH " + root + "v1/conversations/c/messages/gone/receipt: 404 NOT_FOUND:"
          + " gone ]0;pwned \\u202e\\u2028next"), gone.errLines());
      assertFalse(gone.err().contains("tok-e"));
    } finally {
      api.stop(0);
    }
  }

  @Test
  void theReportEscapesAgentsAndConversations() throws Exception {
    String agent = Json.createValue(HOSTILE).toString();
    Path journal = Files.writeString(dir.resolve("j.jsonl"), "{\"agent\":" + agent + ",\"conversationId\":"
        + Json.createValue("c\u001b[1m").toString() + ",\"customAgentId\":\"\",\"messageId\":\"m\",\"message\":"
        + "\"conversations/c/messages/m\",\"receiptType\":\"DELIVERED\",\"createTime\":\"2024-05-01T10:00:00Z\","
        + "\"sendTime\":\"2024-05-01T10:00:00Z\"}\n", StandardCharsets.UTF_8);
    TestIo text = new TestIo();
    assertEquals(0, text.run("report", "--journal", journal.toString()), text.err());
    assertPrintable(text.out());
    assertFalse(text.outLines().stream().anyMatch(l -> l.startsWith("receipt READ")), text.out());
    assertTrue(text.out().contains("a\\nreceipt READ conversations/c/messages/forged agent=x\\x1b[2J"), text.out());
    TestIo json = new TestIo();
    assertEquals(0, json.run("report", "--journal", journal.toString(), "--format", "json"), json.err());
    assertPrintable(json.out());
    assertTrue(Json.createReader(new StringReader(json.out())).readObject().toString().contains("forged"));
  }

  @Test
  void logLinesEscapeTheMessageAndEachLineOfTheTrace() {
    LogRecord r = new LogRecord(Level.WARNING, "auto-read failed for " + HOSTILE);
    r.setLoggerName("dev.bmreceipts.demo.ReceiptService");
    r.setThrown(new IllegalStateException("bad\u001b[2J\nthing"));
    String out = new LogLines().format(r);
    assertPrintable(out.replace("\t", ""));
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(0).endsWith(" WARNING dev.bmreceipts.demo.ReceiptService: auto-read failed for "
        + Text.escape(HOSTILE)), lines.get(0));
    assertEquals("java.lang.IllegalStateException: bad\\x1b[2J\\nthing", lines.get(1));
    assertTrue(lines.get(2).startsWith("\tat "), lines.get(2));
  }
}
