// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file ({@code -rf json}) and prints the ratios the targets are stated
 * in: parser ours/readTree, ours/streaming and ours/floor (ops/s and B/op), signature ours/bare
 * (speed, with MB/s). A ratio above 1 means ours is faster (or, for B/op, allocates more).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.bmreceipts.bench.JmhRatios target/jmh.json}.
 * Exit 0 after printing, 2 on bad usage or an unreadable file. Missed targets are printed as
 * {@code MISS}, not turned into a failure: the figures need a quiet machine to mean anything.
 */
public final class JmhRatios {
  private static final String PARSER = ParserBenchmark.class.getName() + ".";
  private static final String SIGNATURE = SignatureBenchmark.class.getName() + ".";

  /** One benchmark result: ops per second and bytes allocated per op (NaN when not profiled). */
  record Score(double opsPerSecond, double bytesPerOp) {}

  private JmhRatios() {}

  /** Prints the ratios for the JMH JSON file named by {@code args[0]}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: JmhRatios <jmh-result.json>");
      System.exit(2);
    }
    JsonArray results;
    try (JsonReader r = Json.createReader(Files.newBufferedReader(Path.of(args[0])))) {
      results = r.readArray();
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot read JMH results from " + args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    print(results, System.out);
  }

  /** Prints the ratios for already parsed JMH results. */
  static void print(JsonArray results, PrintStream out) {
    // benchmark class -> params -> method -> score
    Map<String, Map<String, Score>> parser = new TreeMap<>();
    Map<String, Map<String, Score>> signature = new TreeMap<>(
        (a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
    for (JsonValue v : results) {
      JsonObject o = v.asJsonObject();
      String name = o.getString("benchmark");
      JsonObject params = o.getJsonObject("params");
      if (name.startsWith(PARSER) && params != null) {
        parser.computeIfAbsent(params.getString("payload"), k -> new LinkedHashMap<>())
            .put(name.substring(PARSER.length()), score(o));
      } else if (name.startsWith(SIGNATURE) && params != null) {
        signature.computeIfAbsent(params.getString("size"), k -> new LinkedHashMap<>())
            .put(name.substring(SIGNATURE.length()), score(o));
      }
    }
    if (!parser.isEmpty()) {
      out.println("== parser (ops/s, B/op; ratio > 1 = ours faster / allocates more)");
      parser.forEach((payload, scores) -> parser(payload, scores, out));
    }
    if (!signature.isEmpty()) {
      out.println("== signature verify (ns/op, MB/s; ratio = ours speed / bare Mac speed)");
      signature.forEach((size, scores) -> signature(Integer.parseInt(size), scores, out));
    }
    if (parser.isEmpty() && signature.isEmpty()) {
      out.println("no parser or signature results in this file");
    }
  }

  private static void parser(String payload, Map<String, Score> s, PrintStream out) {
    out.printf(Locale.ROOT, "%-13s", payload);
    for (String m : new String[] {"ours", "jacksonTree", "jacksonStreaming", "parssonFloor"}) {
      Score x = s.get(m);
      if (x != null) {
        out.printf(Locale.ROOT, "  %s %,.0f ops/s %s B/op", m, x.opsPerSecond(), bytes(x));
      }
    }
    out.println();
    Score ours = s.get("ours");
    if (ours == null) {
      return;
    }
    Score tree = s.get("jacksonTree");
    if (tree != null) {
      double speed = ours.opsPerSecond() / tree.opsPerSecond();
      double alloc = ours.bytesPerOp() / tree.bytesPerOp();
      out.printf(Locale.ROOT, "  ours/readTree   ops/s %.2f (target >= 1.00: %s)", speed,
          verdict(speed >= 1.0));
      if (!Double.isNaN(alloc)) {
        out.printf(Locale.ROOT, "  B/op %.2f (target <= 1.00: %s)", alloc, verdict(alloc <= 1.0));
      }
      out.println();
    }
    ratio("ours/streaming ", ours, s.get("jacksonStreaming"), out);
    ratio("ours/floor     ", ours, s.get("parssonFloor"), out);
  }

  private static void ratio(String label, Score ours, Score other, PrintStream out) {
    if (other == null) {
      return;
    }
    out.printf(Locale.ROOT, "  %s ops/s %.2f", label, ours.opsPerSecond() / other.opsPerSecond());
    double alloc = ours.bytesPerOp() / other.bytesPerOp();
    if (!Double.isNaN(alloc)) {
      out.printf(Locale.ROOT, "  B/op %.2f", alloc);
    }
    out.println();
  }

  private static void signature(int size, Map<String, Score> s, PrintStream out) {
    Score ours = s.get("ours");
    Score bare = s.get("bareMac");
    out.printf(Locale.ROOT, "%6d B", size);
    if (ours != null) {
      out.printf(Locale.ROOT, "  ours %,.0f ns/op %,.0f MB/s", 1e9 / ours.opsPerSecond(),
          size * ours.opsPerSecond() / 1e6);
    }
    if (bare != null) {
      out.printf(Locale.ROOT, "  bare %,.0f ns/op %,.0f MB/s", 1e9 / bare.opsPerSecond(),
          size * bare.opsPerSecond() / 1e6);
    }
    if (ours != null && bare != null) {
      double r = ours.opsPerSecond() / bare.opsPerSecond();
      out.printf(Locale.ROOT, "  ours/bare %.2f (target >= 0.90: %s)", r, verdict(r >= 0.9));
    }
    out.println();
  }

  /** Normalises a result to ops/s whatever its mode and unit. */
  static Score score(JsonObject result) {
    JsonObject primary = result.getJsonObject("primaryMetric");
    double value = primary.getJsonNumber("score").doubleValue();
    String unit = primary.getString("scoreUnit");
    String[] parts = unit.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("unexpected JMH score unit " + unit);
    }
    double seconds = seconds(parts[0].equals("ops") ? parts[1] : parts[0]);
    double opsPerSecond = parts[0].equals("ops") ? value / seconds : 1 / (value * seconds);
    double bytes = Double.NaN;
    JsonObject secondary = result.getJsonObject("secondaryMetrics");
    if (secondary != null && secondary.containsKey("gc.alloc.rate.norm")) {
      bytes = secondary.getJsonObject("gc.alloc.rate.norm").getJsonNumber("score").doubleValue();
    }
    return new Score(opsPerSecond, bytes);
  }

  private static double seconds(String unit) {
    switch (unit) {
      case "s":
        return 1;
      case "ms":
        return 1e-3;
      case "us":
        return 1e-6;
      case "ns":
        return 1e-9;
      case "min":
        return 60;
      default:
        throw new IllegalArgumentException("unexpected JMH time unit " + unit);
    }
  }

  private static String bytes(Score s) {
    return Double.isNaN(s.bytesPerOp()) ? "?" : String.format(Locale.ROOT, "%,.0f", s.bytesPerOp());
  }

  private static String verdict(boolean pass) {
    return pass ? "PASS" : "MISS";
  }
}
