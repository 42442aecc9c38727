// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import dev.bmreceipts.core.WebhookParser;
import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.http.ReceiptListener;
import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookResponse;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our share of a webhook request, without the HTTP server: {@link Webhook#process} on the payloads
 * of {@code bench/webhook.sh} (distinct signed 3-receipt payloads), with the demo's listeners (a
 * counter and {@link ReceiptMetrics}) or the counter alone, and the default dedupe, against the
 * signature check and parse alone. The differences are what dedupe and metrics cost per request. Not a target, a
 * diagnostic for benchmark 1 (run with {@code -prof gc}).
 *
 * <p>The payloads cycle through a pool of {@link #POOL} whose 262,144 dedupe keys and 196,608
 * messages exceed the default caps (100,000 each), so a payload seen again has been evicted and
 * does the whole work again, as a new one would; and the tables stay full, evicting at every
 * request, as in a long load run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WebhookBenchmark {
  /** The number of distinct payloads the benchmark cycles through. */
  public static final int POOL = 65_536;

  private static final String KEY = "bench-signing-key-0123456789";

  /**
   * The listeners: {@code metrics} is the demo's (a counter and {@link ReceiptMetrics}),
   * {@code counter} the counter alone, so that the difference is what the metrics cost.
   */
  @Param({"metrics", "counter"})
  public String listeners = "metrics";

  private byte[][] bodies;
  private String[] signatures;
  private int next;
  private Webhook webhook;
  private WebhookSignature signature;
  private WebhookParser parser;
  private final LongAdder counted = new LongAdder();

  /** Builds the pool and the webhook, and fills its tables with one pass over the pool. */
  @Setup(Level.Trial)
  public void setup() {
    signature = WebhookSignature.forKey(KEY);
    parser = WebhookParser.create();
    bodies = new byte[POOL][];
    signatures = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      bodies[i] = payload(i);
      signatures[i] = signature.sign(bodies[i]);
    }
    ReceiptListener counter = e -> counted.increment();
    Webhook.Builder builder = Webhook.builder().signingKey(KEY).receiptListener(counter);
    if (listeners.equals("metrics")) {
      builder.receiptListener(ReceiptMetrics.builder().build());
    }
    webhook = builder.build();
    for (int i = 0; i < POOL; i++) {
      if (process().status() != 200) {
        throw new IllegalStateException("payload " + i + " was not answered 200");
      }
    }
    if (counted.sum() != 3L * POOL) {
      throw new IllegalStateException("listeners saw " + counted.sum() + " receipts, not " + 3 * POOL);
    }
  }

  /** The whole of {@link Webhook#process}: signature, parse, dedupe, counter and metrics. */
  @Benchmark
  public WebhookResponse process() {
    int i = next;
    next = (i + 1) & (POOL - 1);
    String sig = signatures[i];
    byte[] body = bodies[i];
    return webhook.process("POST", name -> header(name, sig, body.length),
        new ByteArrayInputStream(body));
  }

  /** The floor of the same request: the signature check and the parse, nothing else. */
  @Benchmark
  public WebhookPayload verifyAndParse() {
    int i = next;
    next = (i + 1) & (POOL - 1);
    if (!signature.verify(bodies[i], signatures[i])) {
      throw new IllegalStateException("bad signature");
    }
    return parser.parse(bodies[i]);
  }

  private static String header(String name, String sig, int length) {
    if (name.equalsIgnoreCase("X-Goog-Signature")) {
      return sig;
    }
    if (name.equalsIgnoreCase("Content-Type")) {
      return "application/json";
    }
    if (name.equalsIgnoreCase("Content-Length")) {
      return Integer.toString(length);
    }
    return null;
  }

  /** The payload {@code bench/webhook.lua} sends, numbered {@code i}. */
  static byte[] payload(int i) {
    String c = "c-jmh-" + i;
    String m = "conversations/" + c + "/messages/m-" + i;
    return ("{\"agent\":\"brands/bench/agents/bench\",\"conversationId\":\"" + c + "\","
        + "\"customAgentId\":\"bench\",\"requestId\":\"r-jmh-" + i + "\",\"receipts\":{\"receipts\":["
        + "{\"message\":\"" + m + "-0\",\"receiptType\":\"DELIVERED\"},"
        + "{\"message\":\"" + m + "-1\",\"receiptType\":\"READ\"},"
        + "{\"message\":\"" + m + "-2\",\"receiptType\":\"DELIVERED\"}],"
        + "\"createTime\":\"2024-05-14T09:21:07.123456Z\"},"
        + "\"sendTime\":\"2024-05-14T09:21:07.654321Z\"}").getBytes(StandardCharsets.UTF_8);
  }
}
