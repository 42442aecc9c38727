// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast path against the JSON-P reader alone: for every body, {@link WebhookParser#parse}
 * gives the same payload, or fails with the same message, as {@link WebhookParser#parseWithJsonP}.
 * Whenever the fast path answers, the JSON-P reader accepts the body and agrees with it.
 */
class WebhookParserFastPathTest {
  private static final ParserLimits SMALL = new ParserLimits(4, 3, 64);
  private static final ParserLimits[] LIMITS = {ParserLimits.DEFAULTS, SMALL};
  /** Bytes a mutation writes: JSON's own, ASCII letters, controls, DEL and UTF-8 pieces. */
  private static final byte[] ALPHABET = "{}[]:,\"\\ \t\r\n0123456789-+.eEtrufalsn/abcXYZ_"
      .getBytes(StandardCharsets.US_ASCII);

  /** What one parse gave: the payload, or the exception's type and message. */
  private static Object outcome(WebhookParser parser, byte[] body, boolean jsonPOnly) {
    try {
      return jsonPOnly ? parser.parseWithJsonP(body, 0, body.length) : parser.parse(body);
    } catch (PayloadException e) {
      return "PayloadException: " + e.getMessage();
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /** Checks one body under one set of limits; answers whether the fast path handled it. */
  private static boolean agree(byte[] body, ParserLimits limits, String what) {
    WebhookParser parser = WebhookParser.create(limits);
    Object expected = outcome(parser, body, true);
    Object actual = outcome(parser, body, false);
    if (!expected.equals(actual)) {
      fail(what + " under " + limits + ": JSON-P gave " + expected + ", the parser gave " + actual
          + "; body (hex) " + HexFormat.of().formatHex(body));
    }
    assertEquals(0, parser.scannerFailures(), what + ": the scanner failed in a way it does not mean to; "
        + "body (hex) " + HexFormat.of().formatHex(body));
    WebhookPayload fast = FastPayloadReader.read(body, 0, body.length, limits);
    if (fast != null && !fast.equals(expected)) {
      fail(what + ": the fast path answered " + fast + " where JSON-P gave " + expected);
    }
    if (fast != null && !fast.json().toString().equals(((WebhookPayload) expected).json().toString())) {
      fail(what + ": the fast path's JSON prints as " + fast.json() + ", JSON-P's as "
          + ((WebhookPayload) expected).json());
    }
    return fast != null;
  }

  static List<byte[]> fixtures() {
    try {
      Path dir = Path.of(Fixtures.class.getResource("/payloads").toURI());
      try (Stream<Path> files = Files.list(dir)) {
        List<byte[]> out = new ArrayList<>();
        for (Path f : files.sorted().toList()) {
          out.add(Files.readAllBytes(f));
        }
        assertTrue(out.size() >= 11, "fixtures found: " + out.size());
        return out;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bodies that sit on the fast path's edges: each one must agree with JSON-P. */
  static List<String> edges() {
    String r = "{\"message\":\"conversations/c/messages/m\",\"receiptType\":\"READ\"}";
    List<String> b = new ArrayList<>();
    b.add("{}");
    b.add(" \r\n\t{ \r\n\t} \r\n\t");
    b.add("{\"receipts\":{}}");
    b.add("{\"receipts\":{\"receipts\":null}}");
    b.add("{\"receipts\":{\"receipts\":[]}}");
    b.add("{\"receipts\":{\"receipts\":[ ]}}");
    b.add("{\"receipts\":{\"receipts\":[" + r + "," + r + "," + r + "]}}");
    b.add("{\"receipts\":{\"receipts\":[" + r + "," + r + "," + r + "," + r + "]}}");
    b.add("{\"receipts\":{\"receipts\":[" + r + "]},\"receipts\":{\"createTime\":\"2024-01-01T00:00:00Z\"}}");
    b.add("{\"receipts\":{\"receipts\":[" + r + "],\"receipts\":null}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\",\"message\":null}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":null,\"message\":\"conversations/c/messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\",\"receiptType\":null}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\",\"receiptType\":\"\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\",\"receiptType\":\"READ \"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\",\"receiptType\":\"DELIVERED\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m/messages/n\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations//messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c\u007f/messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\u007f\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c1/messages/m\"},"
        + "{\"message\":\"conversations/c2/messages/m\"},{\"message\":\"conversations/c1/messages/m\"},"
        + "{\"message\":\"conversations/c12/messages/m\"},{\"message\":\"conversations/c1/messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"Conversations/c/messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\\/x\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\\u0041\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\u00e9\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\t\"}]}}");
    b.add("{\"agent\":null,\"conversationId\":null,\"customAgentId\":null,\"requestId\":null,\"sendTime\":null}");
    b.add("{\"agent\":\"a\",\"agent\":null,\"requestId\":\"r\",\"requestId\":null}");
    b.add("{\"requestId\":\"\",\"sendTime\":\"\",\"receipts\":{\"createTime\":\"\"}}");
    b.add("{\"clientToken\":\"t\",\"secret\":\"s\"}");
    b.add("{\"clientToken\":\"t\",\"secret\":null}");
    b.add("{\"clientToken\":\"t\",\"secret\":\"s\",\"receipts\":{}}");
    b.add("{\"clientToken\":\"t\",\"secret\":\"s\",\"userStatus\":{}}");
    b.add("{\"receipts\":{},\"message\":{\"text\":\"t\"}}");
    b.add("{\"message\":{\"text\":\"t\"},\"receipts\":{}}");
    b.add("{\"receipts\":{},\"context\":{}}");
    b.add("{\"agent\":1}");
    b.add("{\"agent\":true}");
    b.add("{\"receipts\":[]}");
    b.add("{\"receipts\":{\"receipts\":{}}}");
    b.add("{\"receipts\":{\"receipts\":[1]}}");
    b.add("{\"receipts\":{\"createTime\":1}}");
    for (String n : new String[] {"0", "-0", "1", "-1", "10", "1.5", "-0.0", "1e5", "1E+5", "1e-5", "0e0", "01", "-01",
        "1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "0x1", "1.5.5", "--1", "1-", "Infinity", "NaN", "1" + "0".repeat(300),
        "true", "false", "null", "tru", "nul", "falsey", "True", "\"s\"", "[]", "{}", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}",
        "{,}", "[1 2]", "{\"a\":1 \"b\":2}", "[[[]]]", "[[[[]]]]", "{\"a\":{\"b\":{}}}", "{\"a\":{\"b\":{\"c\":{}}}}"}) {
      b.add("{\"receipts\":{\"x\":" + n + "}}");
      b.add("{\"receipts\":{\"receipts\":[{\"x\":" + n + ",\"message\":\"conversations/c/messages/m\"}]}}");
    }
    b.add("{\"agent\":\"" + "a".repeat(64) + "\"}");
    b.add("{\"agent\":\"" + "a".repeat(65) + "\"}");
    b.add("{\"" + "k".repeat(64) + "\":1}");
    b.add("{\"receipts\":{\"" + "k".repeat(64) + "\":1}}");
    b.add("{\"receipts\":{\"" + "k".repeat(65) + "\":1}}");
    b.add("{\"receipts\":{\"x\":\"" + "v".repeat(64) + "\"}}");
    b.add("{\"receipts\":{\"x\":\"" + "v".repeat(65) + "\"}}");
    for (String n : new String[] {"1", "-0", "0", "1.0", "1.50", "-0.0", "1e2", "1E+2", "1e-2", "123456789", "-123456789",
        "1234567890", "123456789012345678", "-123456789012345678", "1234567890123456789", "9223372036854775808",
        "2147483648", "1" + "0".repeat(200), "true", "false", "null", "\"s\"", "[]", "{}", "[1,[2,{\"a\":[]}]]",
        "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":{}}}", "{\"a\":{\"b\":{\"c\":{}}}}", "[[[[]]]]"}) {
      b.add("{\"context\":{\"x\":" + n + ",\"y\":[" + n + "]},\"z\":" + n + "}");
    }
    b.add("{\"message\":{\"text\":\"t\",\"messageId\":\"m\",\"name\":null,\"createTime\":\"2024-01-01T00:00:00Z\"}}");
    b.add("{\"message\":{\"text\":7}}");
    b.add("{\"message\":{\"createTime\":{}}}");
    b.add("{\"message\":[]}");
    b.add("{\"message\":null}");
    b.add("{\"message\":{\"text\":\"a\"},\"message\":{\"text\":\"b\"}}");
    b.add("{\"message\":{\"text\":\"a\"},\"message\":\"b\"}");
    b.add("{\"userStatus\":{\"isTyping\":true},\"message\":{\"text\":\"a\"}}");
    b.add("{\"receipts\":{},\"suggestionResponse\":{\"postbackData\":\"p\"}}");
    b.add("{\"surveyResponse\":{},\"receipts\":{\"receipts\":[" + r + "]}}");
    b.add("{\"authenticationResponse\":{\"code\":\"c\"},\"clientToken\":\"t\",\"secret\":\"s\"}");
    b.add("{\"context\":{\"a\":{\"b\":{\"c\":{}}}}}");
    b.add("{\"context\":{\"a\":{\"b\":[]}}}");
    b.add("{\"context\":{\"a\":{\"b\":[1]}}}");
    b.add("{\"" + "k".repeat(65) + "\":{}}");
    b.add("{\"context\":{\"" + "k".repeat(65) + "\":1}}");
    b.add("{\"context\":{\"k\":\"" + "\u00e9".repeat(32) + "\"}}");
    b.add("{\"context\":{\"k\":\"" + "\u00e9".repeat(33) + "\"}}");
    b.add("{\"context\":{\"k\":\"" + "\u20ac".repeat(21) + "x\"}}");
    b.add("{\"context\":{\"k\":\"" + "\ud83d\udc4b".repeat(16) + "\"}}");
    b.add("{\"context\":{\"\u00fc\":\"\u00e7a \u2014 \ud83d\udc4b \ufeff \uffff \u0085\"}}");
    b.add("{\"agent\":\"Gr\u00fc\u00dfe\",\"receipts\":{\"receipts\":[{\"message\":\"conversations/\u00e7/messages/\u2014\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c\u0085/messages/m\"}]}}");
    b.add("{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m\u2028\"}]}}");
    b.add("{\"agent\":\"a\"}   x");
    b.add("{\"agent\":\"a\"}}");
    b.add("{\"agent\":\"a\"}\u0000");
    b.add("{\"agent\":\"a\"}\f");
    b.add("{\"agent\" \"a\"}");
    b.add("{\"agent\"::\"a\"}");
    b.add("{'agent':'a'}");
    b.add("{agent:\"a\"}");
    b.add("\u00a0{}");
    return b;
  }

  /** Raw UTF-8 edge cases: valid and invalid sequences inside and outside strings. */
  static List<byte[]> rawEdges() {
    int[][] sequences = {
        {0xC3, 0xA9}, {0xC2, 0x80}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xEF, 0xBF, 0xBF}, {0xED, 0x9F, 0xBF},
        {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}, {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x9F, 0xBF},
        {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80},
        {0xFF}, {0x80}, {0xBF}, {0xC3}, {0xE2, 0x82}, {0xF0, 0x9F, 0x91}, {0xC3, 0x28}, {0xE2, 0x28, 0xA1}, {0xEF, 0xBB, 0xBF}};
    List<byte[]> out = new ArrayList<>();
    for (int[] seq : sequences) {
      byte[] bytes = new byte[seq.length];
      for (int i = 0; i < seq.length; i++) {
        bytes[i] = (byte) seq[i];
      }
      for (String[] around : new String[][] {{"{\"agent\":\"a", "b\"}"}, {"{\"context\":{\"k", "\":1}}"},
          {"{\"receipts\":{\"receipts\":[{\"message\":\"conversations/c/messages/m", "\"}]}}"},
          {"{\"agent\":\"", "\"}"}, {"{\"agent\":\"a\"}", ""}, {"", "{}"}, {"{\"context\":[1,", "]}"}}) {
        byte[] head = around[0].getBytes(StandardCharsets.UTF_8);
        byte[] tail = around[1].getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + bytes.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(bytes, 0, body, head.length, bytes.length);
        System.arraycopy(tail, 0, body, head.length + bytes.length, tail.length);
        out.add(body);
      }
    }
    return out;
  }

  @Test
  void agreesOnRawUtf8EdgeCases() {
    for (byte[] body : rawEdges()) {
      for (ParserLimits limits : LIMITS) {
        agree(body, limits, "raw UTF-8 case");
      }
    }
  }

  @Test
  void agreesOnEveryFixtureUnderEachLimitAndFromAnOffset() {
    for (byte[] body : fixtures()) {
      for (ParserLimits limits : LIMITS) {
        agree(body, limits, "fixture");
      }
      byte[] framed = new byte[body.length + 4];
      System.arraycopy(body, 0, framed, 2, body.length);
      framed[0] = '{';
      framed[framed.length - 1] = 'x';
      WebhookParser parser = WebhookParser.create();
      assertEquals(outcome(parser, body, true), parser.parse(framed, 2, body.length));
    }
  }

  @Test
  void agreesOnEveryMalformedBody() {
    WebhookParserMalformedTest.cases().forEach(c -> {
      agree(c.body(), c.limits(), c.name());
      agree(c.body(), ParserLimits.DEFAULTS, c.name());
    });
  }

  @Test
  void agreesOnEveryEdgeCase() {
    for (String body : edges()) {
      for (ParserLimits limits : LIMITS) {
        agree(body.getBytes(StandardCharsets.UTF_8), limits, "edge case " + body);
      }
    }
  }

  @Test
  void agreesOnEveryPrefixOfEveryValidBody() {
    List<byte[]> valid = new ArrayList<>(fixtures());
    for (String e : edges()) {
      valid.add(e.getBytes(StandardCharsets.UTF_8));
    }
    WebhookParser parser = WebhookParser.create();
    for (byte[] body : valid) {
      if (!(outcome(parser, body, true) instanceof WebhookPayload)) {
        continue;
      }
      for (int i = 0; i < body.length; i++) {
        agree(Arrays.copyOf(body, i), ParserLimits.DEFAULTS, "prefix of length " + i);
      }
    }
  }

  @Test
  void agreesOnSeededRandomMutationsOfTheFixtures() {
    Random random = new Random(20_240_514L);
    List<byte[]> all = fixtures();
    List<byte[]> fast = new ArrayList<>();
    for (byte[] body : all) {
      if (FastPayloadReader.read(body, 0, body.length, ParserLimits.DEFAULTS) != null) {
        fast.add(body);
      }
    }
    int handled = 0;
    int total = 0;
    for (int round = 0; round < 5_000; round++) {
      // most rounds start from a body the fast path takes, so that mutations probe its edges
      List<byte[]> seeds = round % 5 == 0 ? all : fast;
      byte[] body = seeds.get(random.nextInt(seeds.size()));
      int edits = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
      for (int k = 0; k < edits; k++) {
        body = mutate(body, random);
      }
      total++;
      if (agree(body, LIMITS[round % 3 == 0 ? 1 : 0], "mutation " + round)) {
        handled++;
      }
    }
    // the mutations must reach the fast path often, or this test checks the slow path alone
    assertTrue(handled > total / 10, "fast path handled " + handled + " of " + total);
  }

  private static byte[] mutate(byte[] body, Random random) {
    if (body.length == 0) {
      return new byte[] {pick(random)};
    }
    int at = random.nextInt(body.length);
    switch (random.nextInt(5)) {
      case 0: {
        byte[] out = body.clone();
        out[at] = pick(random);
        return out;
      }
      case 1: {
        byte[] out = new byte[body.length + 1];
        System.arraycopy(body, 0, out, 0, at);
        out[at] = pick(random);
        System.arraycopy(body, at, out, at + 1, body.length - at);
        return out;
      }
      case 2: {
        byte[] out = new byte[body.length - 1];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(body, at + 1, out, at, body.length - at - 1);
        return out;
      }
      case 3: {
        // delete a span
        int len = Math.min(body.length - at, 1 + random.nextInt(12));
        byte[] out = new byte[body.length - len];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(body, at + len, out, at, body.length - at - len);
        return out;
      }
      default: {
        // repeat a span in place
        int len = Math.min(body.length - at, 1 + random.nextInt(40));
        byte[] out = new byte[body.length + len];
        System.arraycopy(body, 0, out, 0, at + len);
        System.arraycopy(body, at, out, at + len, body.length - at);
        return out;
      }
    }
  }

  private static byte pick(Random random) {
    int r = random.nextInt(20);
    if (r == 0) {
      return (byte) random.nextInt(256);
    }
    if (r == 2) {
      // a lead, continuation or never-valid byte of UTF-8
      return (byte) new int[] {0xC3, 0xA9, 0xE2, 0x80, 0xF0, 0x9F, 0xED, 0xA0, 0xC0, 0xF4, 0x90}[random.nextInt(11)];
    }
    if (r == 1) {
      return (byte) (random.nextBoolean() ? 0x7F : 0x01);
    }
    return ALPHABET[random.nextInt(ALPHABET.length)];
  }

  @Test
  void takesTheFastPathForEveryFixture() {
    for (byte[] body : fixtures()) {
      WebhookPayload fast = FastPayloadReader.read(body, 0, body.length, ParserLimits.DEFAULTS);
      assertNotNull(fast, new String(body, StandardCharsets.UTF_8) + " left the fast path");
      assertEquals(WebhookParser.create().parseWithJsonP(body, 0, body.length), fast);
    }
    WebhookPayload typical = WebhookParser.create().parse(Fixtures.bytes("receipts-typical.json"));
    UserReceipts r = typical.receipts().orElseThrow();
    assertEquals(3, r.receipts().size());
    assertEquals(ReceiptType.READ, r.receipts().get(1).type());
    assertEquals("3f0a9c1e-5b7d-4e2a-9c8f-000000000002", r.receipts().get(2).message().messageId());
    assertTrue(r.createTime().instant().isPresent());
    StringBuilder hundred = new StringBuilder("{\"requestId\":\"r\",\"receipts\":{\"receipts\":[");
    for (int i = 0; i < 100; i++) {
      hundred.append(i == 0 ? "" : ",").append("{\"message\":\"conversations/c/messages/m").append(i)
          .append("\",\"receiptType\":\"").append(i % 2 == 0 ? "DELIVERED" : "READ").append("\"}");
    }
    byte[] body = hundred.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
    WebhookPayload fast = FastPayloadReader.read(body, 0, body.length, ParserLimits.DEFAULTS);
    assertNotNull(fast);
    assertEquals(100, fast.receipts().orElseThrow().receipts().size());
    assertEquals(WebhookParser.create().parseWithJsonP(body, 0, body.length), fast);
  }

  @Test
  void leavesEscapesAndBadInputToJsonP() {
    for (String body : List.of("{\"agent\":\"a\\u0041\"}", "{\"context\":{\"k\":\"\\n\"}}", "{\"agent\":\"a\",}",
        "{\"message\":{\"text\":1}}")) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertNull(FastPayloadReader.read(bytes, 0, bytes.length, ParserLimits.DEFAULTS), body);
      agree(bytes, ParserLimits.DEFAULTS, body);
    }
  }

  @Test
  void countsTheBodiesItLeavesToJsonP() {
    WebhookParser parser = WebhookParser.create();
    parser.parse(Fixtures.bytes("receipts-typical.json"));
    assertEquals(0, parser.fallbacks());
    assertEquals("aA", parser.parse("{\"agent\":\"a\\u0041\"}".getBytes(StandardCharsets.UTF_8)).agent());
    assertEquals(1, parser.fallbacks());
    assertThrows(PayloadException.class,
        () -> parser.parse("{\"agent\":1}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(2, parser.fallbacks());
    assertEquals(0, parser.scannerFailures());
  }
}
