// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.jdbc.JdbcStore;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The webhook with the PostgreSQL store against a bare JDBC loop on the same database: the limit
 * of this design. Each payload carries a request id and one receipt (two dedupe keys, one inbox
 * row), all new.
 *
 * <ul>
 *   <li><b>webhook</b>: a real {@link Webhook} on loopback with {@link JdbcStore}'s deduplicator
 *       and receipt listener, {@code C} client threads posting signed payloads over keep-alive
 *       connections, {@code C} server threads.
 *   <li><b>bare</b>: {@code C} threads running, per payload, the same statements
 *       ({@link JdbcStore#sql()}) the webhook's store ran, as counted in the webhook round before
 *       it: with a webhook that claims key by key, one claim per key and one commit; with one
 *       that claims its keys as a batch, one claim and one commit.
 * </ul>
 *
 * <p>Both use the same {@link DataSource}: one connection per thread, kept (the connection set-up a
 * per-request DataSource pays is left out of both), and every prepared statement counted, so that
 * the round trips per payload are printed. Rounds alternate A B A B after a warm-up; prints
 * payloads/s, p99 latency, the median ratio webhook/bare (target 0.8) and statements per payload.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.bmreceipts.bench.JdbcBench --url JDBC_URL
 * [--payloads N] [--rounds N] [--warmup N] [--concurrency C]}. Exit 0 when every payload got its
 * 200 and every row is in the inbox once, 1 otherwise, 2 on bad options.
 */
public final class JdbcBench {
  private static final String KEY = "jdbc-bench-key";

  private JdbcBench() {}

  /** Runs the benchmark; see the class javadoc. */
  public static void main(String[] args) throws Exception {
    String url = null;
    int payloads = 8_000;
    int rounds = 3;
    int warmup = 4;
    int concurrency = 8;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--url" -> url = v;
        case "--payloads" -> payloads = Integer.parseInt(v);
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--concurrency" -> concurrency = Integer.parseInt(v);
        default -> {
          System.err.println("jdbc bench: unknown option " + args[i]);
          System.exit(2);
        }
      }
      i++;
    }
    if (url == null) {
      System.err.println("jdbc bench: --url JDBC_URL is required");
      System.exit(2);
    }
    PerThread ds = new PerThread(url);
    String prefix = "bench_";
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS bench_dedupe, bench_inbox, bench_schema_version");
    }
    JdbcStore.migrate(ds, prefix);
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).build();
    Webhook webhook = Webhook.builder().signingKey(KEY).threads(concurrency)
        .deduplicator(store.deduplicator()).receiptListener(store.receiptListener()).build();
    boolean ok = true;
    List<Double> ratios = new ArrayList<>();
    try (WebhookServer server = webhook.start("127.0.0.1", 0, "/callback")) {
      for (int r = 0; r < warmup + rounds; r++) {
        boolean warm = r < warmup;
        long before = ds.statements.sum();
        Result a = webhookRound(server.uri(), "w" + r, payloads, concurrency);
        double perPayload = (double) (ds.statements.sum() - before) / payloads;
        before = ds.statements.sum();
        // the webhook's claims: key by key (2 claims + 1 commit) or as one batch (1 + 1)
        Result b = bareRound(store.sql(), ds, "b" + r, payloads, concurrency, perPayload > 2.5);
        double barePerPayload = (double) (ds.statements.sum() - before) / payloads;
        ok &= a.failures == 0 && b.failures == 0;
        double ratio = a.perSecond() / b.perSecond();
        if (!warm) {
          ratios.add(ratio);
        }
        System.out.printf(Locale.ROOT, "%s round %d: webhook %,.0f payloads/s p99 %.1f ms"
            + " (%.1f statements/payload) | bare %,.0f payloads/s p99 %.1f ms (%.1f"
            + " statements/payload) | ratio %.2f%n", warm ? "warm-up" : "measured", r,
            a.perSecond(), a.p99Millis(), perPayload, b.perSecond(), b.p99Millis(),
            barePerPayload, ratio);
      }
    }
    long rows;
    long distinct;
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT dedupe_key) FROM"
            + " bench_inbox WHERE request_id LIKE 'w%'")) {
      rs.next();
      rows = rs.getLong(1);
      distinct = rs.getLong(2);
    }
    ok &= rows == (long) payloads * (warmup + rounds) && rows == distinct;
    ratios.sort(null);
    double median = ratios.get(ratios.size() / 2);
    System.out.printf(Locale.ROOT, "median ratio webhook/bare %.2f (target 0.80: %s); webhook"
        + " inbox rows %d, distinct %d%n", median, median >= 0.8 ? "met" : "MISS", rows, distinct);
    ds.closeAll();
    System.exit(ok ? 0 : 1);
  }

  private record Result(int payloads, long nanos, long[] latencies, int failures) {
    double perSecond() {
      return payloads * 1e9 / nanos;
    }

    double p99Millis() {
      long[] v = latencies.clone();
      Arrays.sort(v);
      return v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.99) - 1)] / 1e6;
    }
  }

  private static String payload(String round, int i) {
    return "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"" + round + "\","
        + "\"requestId\":\"" + round + "-" + i + "\",\"sendTime\":\"2024-05-01T10:00:01Z\","
        + "\"receipts\":{\"receipts\":[{\"message\":\"conversations/" + round + "/messages/m" + i
        + "\",\"receiptType\":\"READ\"}],\"createTime\":\"2024-05-01T10:00:00Z\"}}";
  }

  /**
   * The webhook side's load: each client thread keeps one HTTP/1.1 connection and writes
   * requests built before the clock starts, as wrk does, so that the load generator takes as
   * little of the cores the webhook and PostgreSQL share as it can.
   */
  private static Result webhookRound(URI uri, String round, int payloads, int concurrency)
      throws Exception {
    byte[][] requests = new byte[payloads][];
    for (int i = 0; i < payloads; i++) {
      byte[] body = payload(round, i).getBytes(StandardCharsets.UTF_8);
      String head = "POST " + uri.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort()
          + "\r\nContent-Type: application/json\r\n" + WebhookSignature.HEADER + ": "
          + WebhookSignature.sign(KEY, body) + "\r\nContent-Length: " + body.length + "\r\n\r\n";
      byte[] h = head.getBytes(StandardCharsets.US_ASCII);
      requests[i] = Arrays.copyOf(h, h.length + body.length);
      System.arraycopy(body, 0, requests[i], h.length, body.length);
    }
    Socket[] sockets = new Socket[concurrency];
    InputStream[] ins = new InputStream[concurrency];
    try {
      return run(payloads, concurrency, (thread, i) -> {
        if (sockets[thread] == null) {
          sockets[thread] = new Socket(uri.getHost(), uri.getPort());
          sockets[thread].setTcpNoDelay(true);
          sockets[thread].setSoTimeout(30_000);
          ins[thread] = new BufferedInputStream(sockets[thread].getInputStream());
        }
        sockets[thread].getOutputStream().write(requests[i]);
        return readStatus(ins[thread]) == 200;
      });
    } finally {
      for (Socket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  /** Reads one response (status line, headers, a Content-Length body) and returns its status. */
  private static int readStatus(InputStream in) throws IOException {
    int status = -1;
    long length = 0;
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed mid-response");
      }
      if (b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
        continue;
      }
      if (line.length() == 0) {
        break;
      }
      String l = line.toString();
      if (status < 0) {
        status = Integer.parseInt(l.substring(9, 12));
      } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Long.parseLong(l.substring(15).trim());
      }
      line.setLength(0);
    }
    in.skipNBytes(length);
    return status;
  }

  /** The store's statements, as the webhook's store ran them, with the same parameters. */
  private static Result bareRound(JdbcStore.Sql sql, DataSource ds, String round, int payloads,
      int concurrency, boolean keyByKey) throws Exception {
    AtomicInteger owners = new AtomicInteger();
    return run(payloads, concurrency, (thread, i) -> {
      String request = Deduplicator.requestKey(round + "-" + i);
      String receipt = Deduplicator.receiptKey(
          Receipt.of(MessageName.of(round, "m" + i), ReceiptType.READ));
      List<String> keys = List.of(request, receipt);
      List<List<String>> claims = keyByKey ? List.of(List.of(request), List.of(receipt))
          : List.of(keys);
      long owner = owners.incrementAndGet();
      Instant now = Instant.now();
      try (Connection c = ds.getConnection()) {
        for (List<String> claim : claims) {
          try (PreparedStatement ps = c.prepareStatement(sql.claim())) {
            ps.setArray(1, c.createArrayOf("text", claim.toArray()));
            ps.setLong(2, owner);
            ps.setObject(3, OffsetDateTime.ofInstant(now.plusSeconds(30), ZoneOffset.UTC));
            ps.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.setQueryTimeout(5);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (!rs.getString(1).equals("C")) {
                  return false;
                }
              }
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement(sql.commit())) {
          ps.setObject(1, OffsetDateTime.ofInstant(now.plus(Duration.ofDays(8)),
              ZoneOffset.UTC));
          ps.setArray(2, c.createArrayOf("text", keys.toArray()));
          ps.setLong(3, owner);
          ps.setArray(4, c.createArrayOf("text", new String[0]));
          ps.setLong(5, owner);
          String[][] columns = {{receipt}, {"RECEIPT"}, {"brands/b/agents/a"}, {round}, {""},
              {round + "-" + i}, {"conversations/" + round + "/messages/m" + i}, {"READ"},
              {"2024-05-01T10:00:00Z"}, {"2024-05-01T10:00:01Z"}, {null}, {"bm"}};
          for (int col = 0; col < columns.length; col++) {
            ps.setArray(6 + col, c.createArrayOf("text", columns[col]));
          }
          ps.setInt(6 + columns.length, keys.size());
          ps.setQueryTimeout(5);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
        }
      }
      return true;
    });
  }

  private interface Call {
    boolean call(int thread, int i) throws Exception;
  }

  private static Result run(int payloads, int concurrency, Call call) throws Exception {
    long[] latencies = new long[payloads];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < payloads; i = next.getAndIncrement()) {
            long t0 = System.nanoTime();
            boolean ok;
            try {
              ok = call.call(thread, i);
            } catch (Exception e) {
              ok = false;
            }
            latencies[i] = System.nanoTime() - t0;
            if (!ok) {
              failures.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(payloads, System.nanoTime() - start, latencies, failures.get());
  }

  /**
   * One driver connection per thread, kept open: {@code close()} on what it hands out does
   * nothing. Counts every statement prepared through it, which is one round trip each here.
   */
  static final class PerThread implements DataSource {
    final LongAdder statements = new LongAdder();
    private final String url;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final List<Connection> all = new ArrayList<>();

    PerThread(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = connections.get();
      if (c == null || c.isClosed()) {
        c = DriverManager.getConnection(url);
        connections.set(c);
        synchronized (all) {
          all.add(c);
        }
      }
      Connection real = c;
      InvocationHandler h = (proxy, method, args) -> {
        switch (method.getName()) {
          case "close":
            return null;
          case "prepareStatement":
            statements.increment();
            break;
          default:
        }
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      return (Connection) Proxy.newProxyInstance(JdbcBench.class.getClassLoader(),
          new Class<?>[] {Connection.class}, h);
    }

    void closeAll() throws SQLException {
      synchronized (all) {
        for (Connection c : all) {
          c.close();
        }
      }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
