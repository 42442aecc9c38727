// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of valid Business Messages payloads, every one correctly signed, at the built
 * jar's {@code serve --journal}: no 5xx, no answer slower than 2 s, and a rejected body never
 * leaves a journal line. {@code -Dfuzz.seed=N} replays another seed; a failure names its seed and
 * case.
 */
class FuzzAttackIT {
  private static final int CASES = 2_400;
  private static final Duration MAX_ANSWER = Duration.ofSeconds(2);

  /** Values a string literal is replaced with: other types, bad names, escapes, sizes. */
  private static final List<String> VALUES = List.of("123", "-1e999", "null", "true", "[]", "{}",
      "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"x\\udc00\"", "\"a\\nreceipt READ x\"",
      "\"\\u001b[31m\"", "1" + "0".repeat(1_100), "\"" + "x".repeat(70_000) + "\"",
      "\"conversations/c/messages/\"", "\"conversations//messages/m\"",
      "\"conversations/c/messages/m/extra\"", "\"conversations/c/messages/m?x#y\"",
      "\"RECEIPT_TYPE_UNSPECIFIED\"", "\"UNKNOWN_TYPE\"", "\"READ\"", "\"2024-13-45T99:99:99Z\"",
      "\"SEND_TIME\"", "\"\\\"\"", "\"é€𝄞\"", "[" + "[".repeat(3_000) + "]".repeat(3_000) + "]");
  /** Fragments inserted at random places. */
  private static final List<byte[]> FRAGMENTS = List.of(bytes("\""), bytes("\\"), bytes("{"),
      bytes("}"), bytes("["), bytes("]"), bytes(","), bytes(":"), bytes("\u0000"), bytes("\n"),
      new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3}, new byte[] {(byte) 0xe2, (byte) 0x80},
      new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, bytes("\\ud800"), bytes("\\u00"),
      bytes("-"), bytes("e"), bytes("1e400"), bytes("null"), bytes("true"),
      bytes("\"receipts\":{\"receipts\":[]},"), bytes("\"x\":1,"), bytes("[".repeat(2_000)));

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A valid payload of a kind chosen by {@code random}, with ids of its own. */
  private static String valid(Random random, int i) {
    String conversation = "conv-" + (i % 17);
    switch (random.nextInt(6)) {
      case 0:
        return Payloads.userMessage("fz-" + i, conversation, "um-" + i);
      case 1:
        return "{\"agent\":\"" + Payloads.AGENT + "\",\"conversationId\":\"" + conversation
            + "\",\"requestId\":\"fz-" + i + "\",\"userStatus\":{\"isTyping\":true,"
            + "\"createTime\":\"2024-05-01T10:00:00Z\"},\"sendTime\":\"2024-05-01T10:00:00Z\"}";
      case 2:
        return "{\"clientToken\":\"token\",\"secret\":\"s-" + i + "\"}";
      default:
        List<String> ids = new ArrayList<>();
        for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
          ids.add("m-" + i + "-" + k);
        }
        return Payloads.receipts("fz-" + i, conversation,
            random.nextBoolean() ? "READ" : "DELIVERED", ids);
    }
  }

  /** One to three mutations of a valid payload; one case in ten stays valid. */
  private static byte[] mutate(Random random, String valid, StringBuilder how) {
    if (random.nextInt(10) == 0) {
      how.append("valid");
      return bytes(valid);
    }
    byte[] b = bytes(valid);
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      int at = random.nextInt(b.length + 1);
      int len = Math.min(b.length - Math.min(at, b.length), 1 + random.nextInt(16));
      ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
      switch (random.nextInt(8)) {
        case 0 -> {
          how.append("flip@").append(at).append(' ');
          b = b.clone();
          if (at < b.length) {
            b[at] = (byte) random.nextInt(256);
          }
          continue;
        }
        case 1 -> {
          how.append("delete@").append(at).append('+').append(len).append(' ');
          out.write(b, 0, Math.min(at, b.length));
          out.write(b, Math.min(at + len, b.length), b.length - Math.min(at + len, b.length));
        }
        case 2 -> {
          byte[] f = FRAGMENTS.get(random.nextInt(FRAGMENTS.size()));
          how.append("insert@").append(at).append(' ');
          out.write(b, 0, Math.min(at, b.length));
          out.writeBytes(f);
          out.write(b, Math.min(at, b.length), b.length - Math.min(at, b.length));
        }
        case 3 -> {
          how.append("repeat@").append(at).append('+').append(len).append(' ');
          out.write(b, 0, Math.min(at + len, b.length));
          out.write(b, Math.min(at, b.length), b.length - Math.min(at, b.length));
        }
        case 4 -> {
          how.append("truncate@").append(at).append(' ');
          out.write(b, 0, Math.min(at, b.length));
        }
        default -> {
          // replace the string literal around a random quote with another value
          String s = new String(b, StandardCharsets.UTF_8);
          int open = s.indexOf('"', random.nextInt(s.length() + 1));
          int close = open < 0 ? -1 : s.indexOf('"', open + 1);
          if (close < 0) {
            how.append("noop ");
            continue;
          }
          String value = VALUES.get(random.nextInt(VALUES.size()));
          how.append("value@").append(open).append('=')
              .append(value.length() > 12 ? value.substring(0, 12) + "…" : value).append(' ');
          out.writeBytes(bytes(s.substring(0, open) + value + s.substring(close + 1)));
        }
      }
      b = out.toByteArray();
    }
    return b;
  }

  @Test
  void signedMutationsGetNo5xxNoSlowAnswerAndRejectedBodiesJournalNothing() throws Exception {
    long seed = Long.getLong("fuzz.seed", 13);
    Random random = new Random(seed);
    Path journal = dir.resolve("journal.jsonl");
    Map<Integer, Integer> statuses = new TreeMap<>();
    long slowest = 0;
    try (ServeProcess serve = ServeProcess.start("--journal", journal.toString())) {
      // the first request sets up the client (TLS context, threads) and warms the server up
      assertEquals(200, serve.post(Payloads.receipts("warm", "c", "READ", List.of("w")))
          .statusCode());
      for (int i = 0; i < CASES; i++) {
        StringBuilder how = new StringBuilder();
        byte[] body = mutate(random, valid(random, i), how);
        String what = "case " + i + " of seed " + seed + " (" + how.toString().strip() + ")";
        long journaled = Files.size(journal);
        long start = System.nanoTime();
        HttpResponse<String> r = Http.CLIENT.send(
            serve.signed(body).timeout(MAX_ANSWER.multipliedBy(5)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        long took = System.nanoTime() - start;
        slowest = Math.max(slowest, took);
        statuses.merge(r.statusCode(), 1, Integer::sum);
        assertTrue(r.statusCode() < 500, what + ": " + r.statusCode() + " " + r.body());
        assertTrue(took < MAX_ANSWER.toNanos(),
            what + ": answered after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        if (r.statusCode() / 100 != 2) {
          assertEquals(journaled, Files.size(journal),
              what + ": rejected with " + r.statusCode() + " but journaled");
        }
      }
      assertTrue(serve.alive());
    }
    // every line whole
    List<String> lines = Files.readAllLines(journal);
    for (String line : lines) {
      JsonObject o = Json.createReader(new StringReader(line)).readObject();
      assertTrue(o.containsKey("message"), line);
    }
    System.out.printf("fuzz seed %d: %d signed cases, answers by status %s, slowest %d ms, %d"
        + " journal lines%n", seed, CASES, statuses, TimeUnit.NANOSECONDS.toMillis(slowest),
        lines.size());
    assertTrue(statuses.getOrDefault(200, 0) > CASES / 10, "too few accepted: " + statuses);
    assertTrue(statuses.getOrDefault(400, 0) > CASES / 10, "too few rejected: " + statuses);
  }
}
