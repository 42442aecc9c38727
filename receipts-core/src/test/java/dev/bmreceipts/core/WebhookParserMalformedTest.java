// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed bodies: each fails with one {@link PayloadException} whose path and reason are exact,
 * whether parsed from a byte[], an offset range or an InputStream, and whose message never
 * repeats the payload's values (every body below hides {@value #SECRET} in a value).
 */
class WebhookParserMalformedTest {
  private static final String SECRET = "SECRETVALUE";
  private static final ParserLimits SMALL = new ParserLimits(4, 3, 64);
  private static final String OK = "\"message\":\"conversations/c/messages/m\",\"receiptType\":\"READ\"";

  /** One malformed body and what the parser must say about it. */
  record Case(String name, byte[] body, ParserLimits limits, String path, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case text(String name, String body, String path, String reason) {
    return new Case(name, body.getBytes(StandardCharsets.UTF_8), ParserLimits.DEFAULTS, path, reason);
  }

  private static Case small(String name, String body, String path, String reason) {
    return new Case(name, body.getBytes(StandardCharsets.UTF_8), SMALL, path, reason);
  }

  private static String receipts(String... items) {
    return "{\"agent\":\"" + SECRET + "\",\"receipts\":{\"receipts\":[" + String.join(",", items) + "]}}";
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(text("empty body", "", "", "body is empty"));
    c.add(text("whitespace only", " \r\n\t ", "", "body is empty"));
    c.add(new Case("byte-order mark only", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, ' '},
        ParserLimits.DEFAULTS, "", "body is empty"));
    c.add(new Case("NUL bytes", new byte[] {0, 0}, ParserLimits.DEFAULTS, "", "malformed JSON at line 1, column 1"));
    c.add(text("null", "null", "", "expected a JSON object, got null"));
    c.add(text("top-level array", "[\"" + SECRET + "\"]", "", "expected a JSON object, got an array"));
    c.add(text("top-level string", "\"" + SECRET + "\"", "", "expected a JSON object, got a string"));
    c.add(text("top-level number", "42", "", "expected a JSON object, got a number"));
    c.add(text("truncated at the top", "{\"agent\":\"" + SECRET + "\"", "",
        "malformed JSON: the body ends early"));
    c.add(text("truncated inside a receipt", "{\"receipts\":{\"receipts\":[{\"message\":\"conver", "receipts.receipts[0]",
        "malformed JSON: the body ends early"));
    c.add(new Case("invalid UTF-8: lone lead byte",
        new byte[] {'{', '"', 'a', 'g', 'e', 'n', 't', '"', ':', '"', (byte) 0xC3, '"', '}'},
        ParserLimits.DEFAULTS, "", "body is not valid UTF-8 (byte 10)"));
    c.add(new Case("invalid UTF-8: encoded surrogate",
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
        ParserLimits.DEFAULTS, "", "body is not valid UTF-8 (byte 6)"));
    c.add(new Case("invalid UTF-8: overlong encoding",
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},
        ParserLimits.DEFAULTS, "", "body is not valid UTF-8 (byte 6)"));
    c.add(text("receipts is an array", "{\"receipts\":[\"" + SECRET + "\"]}", "receipts",
        "expected an object, got an array"));
    c.add(text("receipts is a string", "{\"receipts\":\"" + SECRET + "\"}", "receipts",
        "expected an object, got a string"));
    c.add(text("receipts is null", "{\"receipts\":null}", "receipts", "expected an object, got null"));
    c.add(text("receipts.receipts is an object", "{\"receipts\":{\"receipts\":{\"" + SECRET + "\":1}}}",
        "receipts.receipts", "expected an array, got an object"));
    c.add(text("receipts.receipts is a string", "{\"receipts\":{\"receipts\":\"" + SECRET + "\"}}",
        "receipts.receipts", "expected an array, got a string"));
    c.add(text("a receipt is a number", receipts("{" + OK + "}", "7"), "receipts.receipts[1]",
        "expected an object, got a number"));
    c.add(text("message is a number", receipts("{" + OK + "}", "{" + OK + "}",
        "{\"message\":12345,\"receiptType\":\"READ\"}"), "receipts.receipts[2].message",
        "expected a string, got a number"));
    c.add(text("message is an object", receipts("{\"message\":{\"name\":\"" + SECRET + "\"}}"),
        "receipts.receipts[0].message", "expected a string, got an object"));
    c.add(text("message is missing", receipts("{\"receiptType\":\"READ\"}"), "receipts.receipts[0].message",
        "missing"));
    c.add(text("receiptType is a boolean", receipts("{\"message\":\"conversations/c/messages/m\",\"receiptType\":true}"),
        "receipts.receipts[0].receiptType", "expected a string, got a boolean"));
    c.add(text("receiptType is an array", receipts("{\"message\":\"conversations/c/messages/m\",\"receiptType\":[\"READ\"]}"),
        "receipts.receipts[0].receiptType", "expected a string, got an array"));
    c.add(text("message is not a name", receipts("{" + OK + "}", "{" + OK + "}",
        "{\"message\":\"" + SECRET + "/messages/m\"}"), "receipts.receipts[2].message",
        "message name must have the form conversations/{conversationId}/messages/{messageId}"));
    c.add(text("message has an empty message id", receipts("{\"message\":\"conversations/" + SECRET + "/messages/\"}"),
        "receipts.receipts[0].message", "messageId must not be empty"));
    c.add(text("message has an extra slash", receipts("{\"message\":\"conversations/c/messages/" + SECRET + "/x\"}"),
        "receipts.receipts[0].message", "messageId must not contain '/'"));
    c.add(text("message has a control character", receipts("{\"message\":\"conversations/c\\u0007/messages/m\"}"),
        "receipts.receipts[0].message", "conversationId must not contain control characters"));
    // JSON's escapes can name a lone surrogate, which UTF-8 cannot encode: never accepted as text
    String unpaired = "must not contain an unpaired surrogate (not valid Unicode)";
    c.add(text("message id ends in a lone high surrogate",
        receipts("{\"message\":\"conversations/c/messages/s\\ud800\",\"receiptType\":\"READ\"}"),
        "receipts.receipts[0].message", "string " + unpaired));
    c.add(text("message id holds a lone low surrogate", receipts("{" + OK + "}",
        "{\"message\":\"conversations/c/messages/s\\udc00x\",\"receiptType\":\"READ\"}"),
        "receipts.receipts[1].message", "string " + unpaired));
    c.add(text("surrogates in the wrong order", receipts("{\"message\":\"conversations/c/messages/"
        + "\\udc4b\\ud83d\"}"), "receipts.receipts[0].message", "string " + unpaired));
    c.add(text("receiptType holds a lone surrogate", receipts("{\"message\":\"conversations/c/messages/m\","
        + "\"receiptType\":\"READ\\ud800\"}"), "receipts.receipts[0].receiptType", "string " + unpaired));
    c.add(text("agent holds a lone surrogate", "{\"agent\":\"" + SECRET + "\\ud800\"}", "agent",
        "string " + unpaired));
    c.add(text("requestId holds a lone surrogate", "{\"requestId\":\"\\udfff\"}", "requestId",
        "string " + unpaired));
    c.add(text("createTime holds a lone surrogate", "{\"receipts\":{\"createTime\":\"\\ud800\"}}",
        "receipts.createTime", "string " + unpaired));
    c.add(text("a user message id holds a lone surrogate",
        "{\"message\":{\"messageId\":\"m\\ud800\",\"text\":\"" + SECRET + "\"}}", "message.messageId",
        "string " + unpaired));
    c.add(text("a kept member name holds a lone surrogate", "{\"context\":{\"k\\ud800\":1}}", "context",
        "member name " + unpaired));
    c.add(text("agent is a number", "{\"agent\":12345}", "agent", "expected a string, got a number"));
    c.add(text("sendTime is a boolean", "{\"sendTime\":false}", "sendTime", "expected a string, got a boolean"));
    c.add(text("receipts.createTime is a number", "{\"receipts\":{\"createTime\":12345}}", "receipts.createTime",
        "expected a string, got a number"));
    c.add(text("userStatus is an array", "{\"userStatus\":[\"" + SECRET + "\"]}", "userStatus",
        "expected an object, got an array"));
    c.add(text("message text is a number", "{\"message\":{\"messageId\":\"m\",\"text\":12345}}", "message.text",
        "expected a string, got a number"));
    c.add(text("trailing object", "{\"agent\":\"a\"} {\"agent\":\"" + SECRET + "\"}", "",
        "unexpected content after the JSON object"));
    c.add(text("trailing garbage", "{}" + SECRET, "", "unexpected content after the JSON object"));
    c.add(text("trailing comma", "{\"agent\":\"" + SECRET + "\",}", "", "malformed JSON at line 1, column 24"));
    c.add(text("unquoted member on line 3", "{\n  \"agent\": \"" + SECRET + "\",\n  oops: 1\n}", "",
        "malformed JSON at line 3, column 3"));
    c.add(text("bad literal inside a receipt", receipts("{" + OK + ",\"seen\":tru}"), "receipts.receipts[0]",
        "malformed JSON at line 1, column 119"));
    c.add(text("nesting past the default limit", receipts("{" + OK + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"),
        "receipts.receipts[0].x", "nested deeper than 64 levels"));
    c.add(small("nesting past a small limit in an unknown member", "{\"context\":{\"a\":{\"b\":{\"c\":{}}}}}",
        "context.a.b.c", "nested deeper than 4 levels"));
    c.add(small("nesting past the limit under an odd member name",
        "{\"context\":{\"" + SECRET + " !\":{\"b\":{\"c\":{}}}}}", "context.[?].b.c", "nested deeper than 4 levels"));
    c.add(small("more receipts than the limit", receipts("{" + OK + "}", "{" + OK + "}", "{" + OK + "}", "{" + OK + "}"),
        "receipts.receipts", "more than 3 receipts"));
    String[] many = new String[1001];
    java.util.Arrays.fill(many, "{" + OK + "}");
    c.add(text("more receipts than the default limit", receipts(many), "receipts.receipts",
        "more than 1000 receipts"));
    c.add(small("string longer than the limit", "{\"agent\":\"" + SECRET.repeat(6) + "\"}", "agent",
        "string longer than 64 characters"));
    c.add(small("skipped string longer than the limit in a receipt",
        receipts("{" + OK + ",\"note\":\"" + SECRET.repeat(6) + "\"}"), "receipts.receipts[0].note",
        "string longer than 64 characters"));
    c.add(small("skipped string longer than the limit in an array",
        "{\"receipts\":{\"note\":[1,\"" + SECRET.repeat(6) + "\"]}}", "receipts.note",
        "string longer than 64 characters"));
    c.add(small("skipped member name longer than the limit",
        "{\"receipts\":{\"note\":{\"" + SECRET.repeat(6) + "\":1}}}", "receipts.note",
        "member name longer than 64 characters"));
    c.add(text("string longer than the default limit in an unknown member",
        "{\"context\":{\"x\":\"" + "y".repeat(65_537) + "\"}}", "context.x", "string longer than 65536 characters"));
    c.add(text("number too long for the JSON-P implementation", "{\"context\":{\"n\":[1" + "2".repeat(5_000) + "]}}",
        "context.n[0]", "number too long to read"));
    c.add(small("member name longer than the limit", "{\"" + SECRET.repeat(6) + "\":1}", "",
        "member name longer than 64 characters"));
    return c.stream();
  }

  private static void assertFails(Case c, PayloadException e) {
    assertEquals(c.path(), e.path());
    assertEquals(c.reason(), e.reason());
    assertEquals(c.path().isEmpty() ? c.reason() : c.path() + ": " + c.reason(), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), "the message echoes a payload value");
    assertFalse(e.getMessage().contains("\n"), "the message is not one line");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsFromBytes(Case c) {
    WebhookParser parser = WebhookParser.create(c.limits());
    assertFails(c, assertThrows(PayloadException.class, () -> parser.parse(c.body())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsFromAnOffsetRange(Case c) {
    WebhookParser parser = WebhookParser.create(c.limits());
    byte[] framed = new byte[c.body().length + 4];
    framed[0] = '{';
    framed[1] = '{';
    System.arraycopy(c.body(), 0, framed, 2, c.body().length);
    framed[framed.length - 2] = '}';
    framed[framed.length - 1] = '}';
    assertFails(c, assertThrows(PayloadException.class, () -> parser.parse(framed, 2, c.body().length)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rejectsFromAStream(Case c) {
    WebhookParser parser = WebhookParser.create(c.limits());
    assertFails(c, assertThrows(PayloadException.class,
        () -> parser.parse(new ByteArrayInputStream(c.body()))));
  }

  @Test
  void everyPrefixOfAValidBodyEndsEarly() {
    String full = "{\"agent\":\"brands/b/agents/a\",\"n\":12.5,\"t\":true,\"z\":null,\"receipts\":{\"receipts\":"
        + "[{\"message\":\"conversations/c/messages/m\",\"receiptType\":\"READ\"}],\"createTime\":\"2024-01-01T00:00:00Z\"},"
        + "\"context\":{\"a\":[1,2,\"s\"]}}";
    WebhookParser parser = WebhookParser.create();
    parser.parse(full.getBytes(StandardCharsets.UTF_8));
    for (int i = 1; i < full.length(); i++) {
      byte[] prefix = full.substring(0, i).getBytes(StandardCharsets.UTF_8);
      PayloadException e = assertThrows(PayloadException.class, () -> parser.parse(prefix));
      assertEquals("malformed JSON: the body ends early", e.reason(), "prefix of length " + i);
    }
  }

  @Test
  void acceptsValuesExactlyAtEachLimit() {
    WebhookParser parser = WebhookParser.create(SMALL);
    String agent = "a".repeat(64);
    WebhookPayload p = parser.parse(Fixtures.utf8(
        "{\"agent\":\"" + agent + "\",\"context\":{\"a\":{\"b\":{}}},\"receipts\":{\"receipts\":[{" + OK + "},{" + OK
            + "},{" + OK + "}]}}"));
    assertEquals(agent, p.agent());
    assertEquals(3, p.receipts().orElseThrow().receipts().size());
    assertEquals("{\"a\":{\"b\":{}}}", p.json().get("context").toString());
  }

  @Test
  void theDeepestAllowedLimitStillEndsInAPayloadException() {
    // Parsson itself throws a plain RuntimeException from depth 1000 on: the limit must stop us first
    WebhookParser parser = WebhookParser.create(ParserLimits.DEFAULTS.withMaxDepth(500));
    byte[] deep = Fixtures.utf8("{\"context\":" + "[".repeat(1500) + "]".repeat(1500) + "}");
    PayloadException e = assertThrows(PayloadException.class, () -> parser.parse(deep));
    assertEquals("nested deeper than 500 levels", e.reason());
    assertEquals("context" + "[0]".repeat(499), e.path());
    byte[] deepSkipped = Fixtures.utf8("{\"receipts\":{\"x\":" + "[".repeat(1500) + "]".repeat(1500) + "}}");
    assertEquals("receipts.x: nested deeper than 500 levels",
        assertThrows(PayloadException.class, () -> parser.parse(deepSkipped)).getMessage());
    byte[] fits = Fixtures.utf8("{\"context\":" + "[".repeat(499) + "]".repeat(499) + "}");
    assertEquals(1, parser.parse(fits).json().size());
  }

  @Test
  void aStreamThatFailsIsAnUncheckedIoException() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk on fire");
      }
    };
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> WebhookParser.create().parse(broken));
    assertEquals("could not read the webhook body", e.getMessage());
    assertEquals("disk on fire", e.getCause().getMessage());
  }

  @Test
  void rejectsARangeOutsideTheArray() {
    assertThrows(IndexOutOfBoundsException.class, () -> WebhookParser.create().parse(new byte[4], 2, 3));
  }

  @Test
  void limitsRejectUnsafeValuesAndNameThem() {
    assertEquals("maxDepth must be at least 4, the depth of a receipt",
        assertThrows(IllegalArgumentException.class, () -> ParserLimits.DEFAULTS.withMaxDepth(3)).getMessage());
    assertEquals("maxDepth must be at most 500, well within what JSON-P implementations accept",
        assertThrows(IllegalArgumentException.class, () -> ParserLimits.DEFAULTS.withMaxDepth(501)).getMessage());
    assertEquals("maxReceipts must be at least 1",
        assertThrows(IllegalArgumentException.class, () -> ParserLimits.DEFAULTS.withMaxReceipts(0)).getMessage());
    assertEquals("maxStringLength must be at least 64",
        assertThrows(IllegalArgumentException.class, () -> ParserLimits.DEFAULTS.withMaxStringLength(63)).getMessage());
    assertEquals(new ParserLimits(64, 1_000, 65_536), ParserLimits.DEFAULTS);
    assertEquals(new ParserLimits(5, 6, 70), ParserLimits.DEFAULTS.withMaxDepth(5).withMaxReceipts(6).withMaxStringLength(70));
    assertEquals("limits cannot be null, use ParserLimits.DEFAULTS",
        assertThrows(NullPointerException.class, () -> WebhookParser.create(null)).getMessage());
  }
}
