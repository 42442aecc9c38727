// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The DuckDB side of {@code bench/report.sh}: runs the DuckDB SQL of {@code docs/report-sql.md}
 * over a journal through JDBC, and compares its figures with {@code report --format json}.
 *
 * <pre>
 * ReportSql run DOC JOURNAL &gt; duck.txt        one line per figure, "name = value"
 * ReportSql compare DOC REPORT.json duck.txt     exit 1 when any figure differs
 * </pre>
 */
public final class ReportSql {
  private ReportSql() {}

  public static void main(String[] args) throws Exception {
    Usage usage = new Usage("ReportSql", "run DOC JOURNAL | compare DOC REPORT.json DUCK.txt");
    if (args.length == 3 && args[0].equals("run")) {
      Map<String, String> figures = run(sql(Path.of(args[1])), Path.of(args[2]));
      figures.forEach((k, v) -> System.out.println(k + " = " + v));
    } else if (args.length == 4 && args[0].equals("compare")) {
      Map<String, String> duck = new LinkedHashMap<>();
      for (String line : Files.readAllLines(Path.of(args[3]), StandardCharsets.UTF_8)) {
        int eq = line.indexOf(" = ");
        if (eq > 0) {
          duck.put(line.substring(0, eq), line.substring(eq + 3));
        }
      }
      Map<String, String> ours = fromReport(Files.readString(Path.of(args[2])));
      List<String> differ = new ArrayList<>();
      for (Map.Entry<String, String> e : duck.entrySet()) {
        String mine = ours.get(e.getKey());
        if (!Objects.equals(mine, e.getValue())) {
          differ.add(e.getKey() + ": report " + mine + ", DuckDB " + e.getValue());
        }
      }
      if (duck.isEmpty() || !differ.isEmpty()) {
        System.out.println("FIGURES DIFFER (" + differ.size() + " of " + duck.size() + "):");
        differ.forEach(d -> System.out.println("  " + d));
        System.exit(1);
      }
      System.out.println("all " + duck.size() + " figures agree");
    } else {
      usage.fail("bad arguments");
    }
  }

  /** The SQL between {@code <!-- duckdb:begin -->} and {@code <!-- duckdb:end -->}, fences dropped. */
  static String sql(Path doc) throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int from = text.indexOf("<!-- duckdb:begin -->");
    int to = text.indexOf("<!-- duckdb:end -->");
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(doc + " has no duckdb:begin/end block");
    }
    String block = text.substring(from, to);
    block = block.substring(block.indexOf("```sql") + 6, block.lastIndexOf("```"));
    return block;
  }

  /** Runs every statement; each {@code -- figure: NAME} result becomes figures. */
  static Map<String, String> run(String sql, Path journal) throws SQLException {
    String path = journal.toAbsolutePath().toString().replace("'", "''");
    sql = sql.replace("'receipts.jsonl'", "'" + path + "'");
    Map<String, String> figures = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (String statement : sql.split(";\\s*\\n")) {
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : statement.strip().split("\n")) {
          if (line.startsWith("-- figure: ")) {
            name = line.substring(11).strip();
          } else if (!line.startsWith("--")) {
            body.append(line).append('\n');
          }
        }
        if (body.toString().isBlank()) {
          continue;
        }
        if (name == null) {
          s.execute(body.toString());
          continue;
        }
        try (ResultSet r = s.executeQuery(body.toString())) {
          figures(name, r, figures);
        }
      }
    }
    return figures;
  }

  private static void figures(String name, ResultSet r, Map<String, String> out)
      throws SQLException {
    ResultSetMetaData md = r.getMetaData();
    int cols = md.getColumnCount();
    switch (name) {
      case "receiptsByType":
      case "receiptsByAgent":
        while (r.next()) {
          out.put(name + "." + r.getString(1), r.getString(2));
        }
        break;
      case "byProtocol":
        while (r.next()) {
          out.put(name + "." + r.getString(1), r.getString(2) + " " + r.getString(3) + " "
              + r.getString(4) + " " + r.getString(5));
        }
        break;
      case "topUnread":
        for (int i = 0; r.next(); i++) {
          out.put(name + "[" + i + "]", r.getString(1) + " " + r.getString(2));
        }
        break;
      case "series":
        while (r.next()) {
          String start = java.time.Instant.ofEpochSecond(r.getLong(1) / 1_000_000L).toString();
          out.put(name + "." + start, r.getString(2) + " " + r.getString(3) + " " + r.getString(4));
        }
        break;
      default:
        r.next();
        for (int i = 1; i <= cols; i++) {
          out.put(cols == 1 ? name : name + "." + md.getColumnLabel(i).toLowerCase(), r.getString(i));
        }
    }
  }

  /** The same figures, named the same way, from {@code report --format json}. */
  static Map<String, String> fromReport(String json) {
    JsonObject o;
    try (JsonReader reader = Json.createReader(new StringReader(json))) {
      o = reader.readObject();
    }
    Map<String, String> f = new TreeMap<>();
    o.getJsonObject("receiptsByType").forEach((k, v) -> {
      if (((JsonNumber) v).longValue() != 0) {
        f.put("receiptsByType." + k, v.toString());
      }
    });
    o.getJsonObject("receiptsByAgent").forEach((k, v) -> f.put("receiptsByAgent." + k, v.toString()));
    // absent from the JSON of versions before RBM; DuckDB lists only protocols with receipts
    JsonObject protocols = o.getJsonObject("byProtocol");
    if (protocols != null) {
      protocols.forEach((k, v) -> {
        JsonObject p = v.asJsonObject();
        if (p.getJsonNumber("receipts").longValue() != 0) {
          f.put("byProtocol." + k, p.get("receipts") + " " + p.get("messagesDelivered") + " "
              + p.get("messagesRead") + " " + p.get("messagesDeliveredAndRead"));
        }
      });
    }
    for (String k : List.of("messagesDelivered", "messagesRead", "messagesDeliveredAndRead",
        "readWithoutDelivered", "readBeforeDelivered", "duplicates")) {
      f.put("messages." + k.toLowerCase(), o.get(k).toString());
    }
    JsonObject l = o.getJsonObject("deliveredToRead");
    f.put("deliveredToRead.count", l.get("count").toString());
    for (String k : List.of("min", "p50", "p90", "p99", "p999", "max")) {
      f.put("deliveredToRead." + k, micros(l.get(k + "Seconds")));
    }
    f.put("conversationsWithUnread", o.get("conversationsWithUnread").toString());
    JsonArray top = o.getJsonArray("topUnread");
    for (int i = 0; i < top.size(); i++) {
      JsonObject t = top.getJsonObject(i);
      f.put("topUnread[" + i + "]", t.getString("conversationId") + " " + t.get("unread"));
    }
    for (JsonValue v : o.getJsonArray("series")) {
      JsonObject row = v.asJsonObject();
      if (row.getJsonNumber("delivered").longValue() > 0) {
        JsonObject rl = row.getJsonObject("deliveredToRead");
        f.put("series." + row.getString("start"), row.get("delivered") + " " + row.get("read")
            + " " + (rl.getJsonNumber("count").longValue() == 0 ? "null" : micros(rl.get("p50Seconds"))));
      }
    }
    return f;
  }

  private static String micros(JsonValue seconds) {
    if (seconds == null || seconds.getValueType() == JsonValue.ValueType.NULL) {
      return "null";
    }
    BigDecimal s = ((JsonNumber) seconds).bigDecimalValue();
    return String.valueOf(s.movePointRight(6).longValueExact());
  }
}
