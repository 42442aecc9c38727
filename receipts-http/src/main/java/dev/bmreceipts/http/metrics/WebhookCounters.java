// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import dev.bmreceipts.http.WebhookObserver;
import dev.bmreceipts.http.WebhookOutcome;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A ready {@link WebhookObserver} that counts the webhook's answers by HTTP status, for a host
 * that embeds the webhook and wants {@code bm_webhook_requests_total} beside the receipt metrics.
 *
 * <pre>{@code
 * WebhookCounters counters = WebhookCounters.create();
 * Webhook webhook = Webhook.builder().signingKey(key).observer(counters).build();
 * counters.writePrometheus(out); // bm_webhook_requests_total{status="200"} 4 ...
 * }</pre>
 *
 * <p>Thread-safe. {@link #onRequest} is called by the webhook once per request, on the request's
 * thread; it never throws and adds one increment to the request's cost. Counts only grow, and
 * only statuses that were answered at least once appear.
 */
public final class WebhookCounters implements WebhookObserver {
  /** The Prometheus family name. */
  public static final String FAMILY = "bm_webhook_requests_total";

  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

  private WebhookCounters() {}

  /**
   * New counters, all at zero.
   *
   * @return counters to register with {@code Webhook.Builder.observer}
   */
  public static WebhookCounters create() {
    return new WebhookCounters();
  }

  /** Counts one answered request under its status. */
  @Override
  public void onRequest(WebhookOutcome outcome) {
    byStatus.computeIfAbsent(outcome.status(), s -> new LongAdder()).increment();
  }

  /**
   * Requests answered with one status so far.
   *
   * @param status an HTTP status
   * @return how many requests were answered with it, {@code 0} when none
   */
  public long count(int status) {
    LongAdder n = byStatus.get(status);
    return n == null ? 0 : n.sum();
  }

  /**
   * Every status answered so far with its count, in ascending order of status.
   *
   * @return an unmodifiable copy; later requests do not change it
   */
  public SortedMap<Integer, Long> byStatus() {
    TreeMap<Integer, Long> copy = new TreeMap<>();
    byStatus.forEach((status, n) -> copy.put(status, n.sum()));
    return Collections.unmodifiableSortedMap(copy);
  }

  /**
   * Writes the counts in the Prometheus text format, version 0.0.4: the family
   * {@value #FAMILY} with its {@code # HELP} and {@code # TYPE} lines and one sample per status,
   * in ascending order of status.
   *
   * @param out where the text goes, for example a {@code StringBuilder} or a {@code Writer}
   * @throws IOException when {@code out} fails
   */
  public void writePrometheus(Appendable out) throws IOException {
    out.append("# HELP ").append(FAMILY).append(" Webhook requests answered, by HTTP status.\n");
    out.append("# TYPE ").append(FAMILY).append(" counter\n");
    for (Map.Entry<Integer, Long> e : byStatus().entrySet()) {
      out.append(FAMILY).append("{status=\"").append(String.valueOf(e.getKey())).append("\"} ")
          .append(String.valueOf(e.getValue())).append('\n');
    }
  }
}
