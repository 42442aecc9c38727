// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The ratios are computed from JMH's JSON whatever the mode and unit of each result. */
class JmhRatiosTest {
  private static String result(String method, String param, double score, String unit,
      Double bytes) {
    String secondary = bytes == null ? "{}"
        : "{\"gc.alloc.rate.norm\":{\"score\":" + bytes + ",\"scoreUnit\":\"B/op\"}}";
    return "{\"benchmark\":\"dev.bmreceipts.bench." + method + "\",\"mode\":\"x\",\"params\":"
        + param + ",\"primaryMetric\":{\"score\":" + score + ",\"scoreUnit\":\"" + unit
        + "\"},\"secondaryMetrics\":" + secondary + "}";
  }

  private static String print(String... results) {
    JsonArray array = Json.createReader(new StringReader("[" + String.join(",", results) + "]"))
        .readArray();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JmhRatios.print(array, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void parserRatiosCompareOpsPerSecondAndBytesPerOp() {
    String p = "{\"payload\":\"receipts-10\"}";
    String out = print(
        result("ParserBenchmark.ours", p, 200_000, "ops/s", 1000.0),
        result("ParserBenchmark.jacksonTree", p, 100_000, "ops/s", 2000.0),
        result("ParserBenchmark.jacksonStreaming", p, 400_000, "ops/s", 500.0),
        result("ParserBenchmark.parssonFloor", p, 250_000, "ops/s", 800.0));
    assertEquals(String.join("\n",
        "== parser (ops/s, B/op; ratio > 1 = ours faster / allocates more)",
        "receipts-10    ours 200,000 ops/s 1,000 B/op  jacksonTree 100,000 ops/s 2,000 B/op"
            + "  jacksonStreaming 400,000 ops/s 500 B/op  parssonFloor 250,000 ops/s 800 B/op",
        "  ours/readTree   ops/s 2.00 (target >= 1.00: PASS)  B/op 0.50 (target <= 1.00: PASS)",
        "  ours/streaming  ops/s 0.50  B/op 2.00",
        "  ours/floor      ops/s 0.80  B/op 1.25",
        ""), out.replace(System.lineSeparator(), "\n"));
  }

  @Test
  void signatureRatioTurnsNanosecondsPerOpIntoSpeedAndMegabytesPerSecond() {
    String out = print(
        result("SignatureBenchmark.ours", "{\"size\":\"4096\"}", 5000, "ns/op", null),
        result("SignatureBenchmark.bareMac", "{\"size\":\"4096\"}", 4000, "ns/op", null));
    assertEquals(String.join("\n",
        "== signature verify (ns/op, MB/s; ratio = ours speed / bare Mac speed)",
        "  4096 B  ours 5,000 ns/op 819 MB/s  bare 4,000 ns/op 1,024 MB/s"
            + "  ours/bare 0.80 (target >= 0.90: MISS)",
        ""), out.replace(System.lineSeparator(), "\n"));
  }

  @Test
  void scoresInOtherUnitsAreNormalisedToOpsPerSecond() {
    JsonObject msPerOp = Json.createReader(new StringReader(
        result("SignatureBenchmark.ours", "{\"size\":\"400\"}", 2, "ms/op", null))).readObject();
    JsonObject opsPerUs = Json.createReader(new StringReader(
        result("SignatureBenchmark.ours", "{\"size\":\"400\"}", 3, "ops/us", null))).readObject();
    assertEquals(500.0, JmhRatios.score(msPerOp).opsPerSecond(), 1e-9);
    assertEquals(3_000_000.0, JmhRatios.score(opsPerUs).opsPerSecond(), 1e-6);
  }

  @Test
  void unknownUnitIsRejected() {
    JsonObject weird = Json.createReader(new StringReader(
        result("SignatureBenchmark.ours", "{\"size\":\"400\"}", 1, "ops/fortnight", null)))
        .readObject();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JmhRatios.score(weird));
    assertEquals("unexpected JMH time unit fortnight", e.getMessage());
  }
}
