// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bmreceipts.core.AgentReceipts;
import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.http.sender.AccessTokenProvider;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.sender.SendResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sender throughput: N READ receipts against a loopback stand-in for the API that answers
 * {@code 200 {"name":…,"receiptType":"READ"}} at once. Ours ({@link ReceiptSender}, max in flight
 * 64, a counting {@link AccessTokenProvider}) against a bare {@link HttpClient#sendAsync} loop held
 * to the same number in flight by a {@link Semaphore}: the same PATCH requests (URL, headers,
 * body, timeout) on a client with the same settings (HTTP/1.1, connect timeout 10 s). Warm-up
 * rounds, then rounds alternating A B / B A; prints receipts/s, the median ratio ours/bare and the
 * token fetches.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.bmreceipts.bench.SenderBench [--receipts N]
 * [--rounds N] [--warmup N] [--in-flight N] [--server-threads N]}. Exit 0 when every receipt got
 * its 200 and the token was fetched exactly once (a missed throughput target is printed as MISS),
 * 1 otherwise, 2 on bad options.
 */
public final class SenderBench {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final String TOKEN = "bench-access-token";

  private SenderBench() {}

  /** Runs the benchmark; see the class javadoc for the options. */
  public static void main(String[] args) throws Exception {
    int receipts = 20_000;
    int rounds = 3;
    int warmup = 2;
    int inFlight = 64;
    int serverThreads = 2 * Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        USAGE.fail("missing value for " + args[i]);
      }
      int v = USAGE.number(args[i], args[i + 1], args[i].equals("--warmup") ? 0 : 1);
      switch (args[i]) {
        case "--receipts":
          receipts = v;
          break;
        case "--rounds":
          rounds = v;
          break;
        case "--warmup":
          warmup = v;
          break;
        case "--in-flight":
          inFlight = v;
          break;
        case "--server-threads":
          serverThreads = v;
          break;
        default:
          USAGE.fail("unknown option " + args[i]);
      }
    }
    System.exit(run(receipts, rounds, warmup, inFlight, serverThreads) ? 0 : 1);
  }

  static boolean run(int receipts, int rounds, int warmup, int inFlight, int serverThreads)
      throws Exception {
    StandIn standIn = StandIn.start(serverThreads);
    CountingTokens tokens = new CountingTokens();
    boolean ok = true;
    try (ReceiptSender sender = ReceiptSender.builder()
        .apiRoot(standIn.root())
        .tokens(tokens)
        .httpClient(client())
        .maxInFlight(inFlight)
        .build()) {
      Bare bare = new Bare(client(), standIn.root(), inFlight);
      System.out.printf(Locale.ROOT, "== sender benchmark: %,d READ receipts per round,"
          + " %d in flight, HTTP/1.1 to 127.0.0.1; %d cores shared by the client and the stand-in"
          + " (%d threads)%n",
          receipts, inFlight, Runtime.getRuntime().availableProcessors(), serverThreads);
      System.out.printf(Locale.ROOT, "   %d warm-up rounds, then %d rounds alternating the order%n",
          warmup, rounds);
      int batch = 0;
      // one receipt first, so that the bare loop can send the very User-Agent ours sends
      ok &= ours(sender, names(batch++, 1), standIn) >= 0;
      bare.userAgent = standIn.userAgent.get();
      for (int w = 0; w < warmup; w++) {
        ok &= ours(sender, names(batch++, receipts), standIn) >= 0;
        ok &= bare.run(names(batch++, receipts), standIn) >= 0;
      }
      double[] oursRates = new double[rounds];
      double[] bareRates = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        boolean oursFirst = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean doOurs = (k == 0) == oursFirst;
          double rate = doOurs
              ? ours(sender, names(batch++, receipts), standIn)
              : bare.run(names(batch++, receipts), standIn);
          ok &= rate >= 0;
          (doOurs ? oursRates : bareRates)[r] = rate;
          System.out.printf(Locale.ROOT, "   round %d %s %,10.0f receipts/s%n", r + 1,
              doOurs ? "ours" : "bare", rate);
        }
      }
      double o = median(oursRates);
      double b = median(bareRates);
      double ratio = o / b;
      System.out.printf(Locale.ROOT,
          "== medians: ours %,.0f receipts/s, bare %,.0f receipts/s%n", o, b);
      System.out.printf(Locale.ROOT, "   ours/bare      %.2f  (target >= 0.90: %s)%n", ratio,
          ratio >= 0.9 ? "PASS" : "MISS");
      int fetches = tokens.fetches.get();
      System.out.printf(Locale.ROOT, "   token fetches  %d     (target exactly 1: %s);"
          + " accessToken() calls %,d, refresh() calls %d%n", fetches,
          fetches == 1 ? "PASS" : "FAIL", tokens.calls.get(), tokens.refreshes.get());
      System.out.printf(Locale.ROOT, "   h2c upgrade requests seen by the stand-in: %d%n",
          standIn.upgrades.get());
      ok &= tokens.fetches.get() == 1;
    } finally {
      standIn.stop();
    }
    System.out.println(ok ? "OK: every receipt answered 200, one token fetch"
        : "FAILED: see the lines above");
    return ok;
  }

  /** The client settings both sides use: HTTP/1.1 (no h2c upgrade), 10 s connect timeout. */
  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
  }

  static List<MessageName> names(int batch, int count) {
    List<MessageName> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(MessageName.of("conv-" + batch + "-" + (i % 100), "msg-" + batch + "-" + i));
    }
    return names;
  }

  /** Sends every name with ours; receipts/s, or -1 after printing what went wrong. */
  static double ours(ReceiptSender sender, List<MessageName> names, StandIn standIn) {
    long before = standIn.requests.get();
    long start = System.nanoTime();
    List<CompletableFuture<SendResult>> futures = sender.sendReadAll(names);
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
    long nanos = System.nanoTime() - start;
    int failed = 0;
    for (CompletableFuture<SendResult> f : futures) {
      SendResult r = f.isCompletedExceptionally() ? null : f.join();
      if (r == null || r.status() != 200 || r.skipped() || r.attempts() != 1) {
        failed++;
      }
    }
    return check("ours", names.size(), failed, standIn.requests.get() - before, nanos);
  }

  /** The bare loop: the same requests, held to {@code inFlight} by a semaphore. */
  static final class Bare {
    private final HttpClient client;
    private final String root;
    private final int inFlight;
    private final HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.ofByteArray(AgentReceipts.readRequestBody());
    String userAgent = "bm-receipts";

    Bare(HttpClient client, String root, int inFlight) {
      this.client = client;
      this.root = root;
      this.inFlight = inFlight;
    }

    double run(List<MessageName> names, StandIn standIn) throws InterruptedException {
      long before = standIn.requests.get();
      Semaphore permits = new Semaphore(inFlight);
      CountDownLatch done = new CountDownLatch(names.size());
      AtomicInteger failed = new AtomicInteger();
      long start = System.nanoTime();
      for (MessageName m : names) {
        permits.acquireUninterruptibly();
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "v1/conversations/"
                + m.conversationId() + "/messages/" + m.messageId() + "/receipt"))
            .method("PATCH", body)
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .header("User-Agent", userAgent)
            .build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
          permits.release();
          if (e != null || r.statusCode() != 200) {
            failed.incrementAndGet();
          }
          done.countDown();
        });
      }
      done.await();
      long nanos = System.nanoTime() - start;
      return check("bare", names.size(), failed.get(), standIn.requests.get() - before, nanos);
    }
  }

  private static double check(String who, int sent, int failed, long seen, long nanos) {
    if (failed != 0 || seen != sent) {
      System.out.printf(Locale.ROOT, "   %s: %d of %d receipts failed;"
          + " the stand-in saw %d requests%n", who, failed, sent, seen);
      return -1;
    }
    return sent * 1e9 / nanos;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Caches its token after one fetch, and counts fetches, calls and refreshes. */
  static final class CountingTokens implements AccessTokenProvider {
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicLong calls = new AtomicLong();
    final AtomicInteger refreshes = new AtomicInteger();
    private volatile String token;

    @Override
    public String accessToken() {
      calls.incrementAndGet();
      String t = token;
      if (t == null) {
        synchronized (this) {
          if (token == null) {
            fetches.incrementAndGet();
            token = TOKEN;
          }
          t = token;
        }
      }
      return t;
    }

    @Override
    public String refresh(String rejected) {
      refreshes.incrementAndGet();
      synchronized (this) {
        fetches.incrementAndGet();
        token = TOKEN;
        return token;
      }
    }

    @Override
    public String toString() {
      return "CountingTokens[<redacted>]";
    }
  }

  /**
   * The API stand-in: PATCH {@code /v1/conversations/C/messages/M/receipt} with the bench token
   * answers {@code 200 {"name":"conversations/C/messages/M/receipt","receiptType":"READ"}} at once;
   * anything else {@code 400}. Counts requests and h2c upgrade attempts.
   */
  static final class StandIn {
    private static final String PREFIX = "/v1/";
    private static final String SUFFIX = "/receipt";

    final AtomicLong requests = new AtomicLong();
    final AtomicLong upgrades = new AtomicLong();
    final AtomicReference<String> userAgent = new AtomicReference<>("bm-receipts");
    private final HttpServer server;
    private final ExecutorService pool;

    private StandIn(HttpServer server, ExecutorService pool) {
      this.server = server;
      this.pool = pool;
    }

    static StandIn start(int threads) throws IOException {
      System.setProperty("sun.net.httpserver.nodelay", "true");
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      StandIn s = new StandIn(server, pool);
      server.setExecutor(pool);
      server.createContext("/v1/", s::handle);
      server.start();
      return s;
    }

    String root() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
        requests.incrementAndGet();
        if (exchange.getRequestHeaders().containsKey("Upgrade")) {
          upgrades.incrementAndGet();
        }
        String ua = exchange.getRequestHeaders().getFirst("User-Agent");
        if (ua != null) {
          userAgent.compareAndSet("bm-receipts", ua);
        }
        String path = exchange.getRequestURI().getRawPath();
        boolean good = exchange.getRequestMethod().equals("PATCH")
            && path.startsWith(PREFIX) && path.endsWith(SUFFIX)
            && ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
        byte[] body = good
            ? ("{\"name\":\"" + path.substring(PREFIX.length())
                + "\",\"receiptType\":\"READ\"}").getBytes(StandardCharsets.UTF_8)
            : AgentReceipts.errorBody(400, "INVALID_ARGUMENT", "not a READ receipt request");
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(good ? 200 : 400, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } finally {
        exchange.close();
      }
    }

    void stop() {
      server.stop(0);
      pool.shutdownNow();
    }
  }

  private static final Usage USAGE = new Usage("SenderBench",
      "[--receipts N] [--rounds N] [--warmup N] [--in-flight N] [--server-threads N]");
}
