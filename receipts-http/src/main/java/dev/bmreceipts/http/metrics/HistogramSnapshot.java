// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A latency histogram at one moment, with fixed bucket bounds.
 *
 * <p><b>Bounds</b> ({@link #BOUNDS_MILLIS}): 100 ms times powers of √2, rounded to the
 * millisecond (100, 141, 200, 283, 400, … ms), up to 593 164 160 ms (6.9 days), then
 * 604 800 000 ms (7 days): 47 finite bounds, plus the {@code +Inf} bucket. A bucket holds the
 * values {@code v} with {@code lower < v <= upper} (the first bucket starts at 0), as
 * Prometheus' {@code le} says.
 *
 * <p><b>Percentile error</b>: {@link #percentile(double)} finds the bucket that holds the
 * nearest-rank value and interpolates linearly inside it (the k-th of the bucket's n values is
 * placed at (k − ½)/n of its width), then clamps the result to the smallest and largest value
 * recorded. The true nearest-rank value lies in the same bucket, so the error is at most the
 * bucket's width: at most 100 ms below 100 ms, and above that at most 42% of the true value
 * (√2 − 1 plus the millisecond rounding of the bounds). Values over 7 days fall in the
 * {@code +Inf} bucket, whose upper end is the largest value recorded. Values are recorded in
 * whole milliseconds; negative values count as 0.
 *
 * @param counts the count of each bucket (not cumulative), {@code BOUNDS_MILLIS.size() + 1} of
 *     them, the last one for {@code +Inf}
 * @param count the number of values
 * @param sumMillis the sum of the values, in milliseconds
 * @param minMillis the smallest value, 0 when empty
 * @param maxMillis the largest value, 0 when empty
 */
public record HistogramSnapshot(
    List<Long> counts, long count, long sumMillis, long minMillis, long maxMillis) {

  /** The finite upper bounds of the buckets, in milliseconds, ascending. */
  public static final List<Long> BOUNDS_MILLIS = List.of(bounds());

  /** The empty histogram. */
  public static final HistogramSnapshot EMPTY =
      new HistogramSnapshot(zeros(), 0, 0, 0, 0);

  public HistogramSnapshot {
    Objects.requireNonNull(counts, "counts cannot be null");
    counts = List.copyOf(counts);
    if (counts.size() != BOUNDS_MILLIS.size() + 1) {
      throw new IllegalArgumentException(
          "counts must have " + (BOUNDS_MILLIS.size() + 1) + " buckets, got " + counts.size());
    }
  }

  private static Long[] bounds() {
    Long[] b = new Long[47];
    for (int k = 0; k < 46; k++) {
      b[k] = Math.round(100 * Math.pow(2, k / 2.0));
    }
    b[46] = 7L * 24 * 3600 * 1000;
    return b;
  }

  private static List<Long> zeros() {
    Long[] z = new Long[BOUNDS_MILLIS.size() + 1];
    Arrays.fill(z, 0L);
    return List.of(z);
  }

  /** The sum of the values, in seconds. */
  public double sumSeconds() {
    return sumMillis / 1000.0;
  }

  /**
   * The estimated {@code p}-th percentile in seconds (see the class javadoc for its error), or
   * {@code NaN} when the histogram is empty.
   *
   * @param p the percentile, {@code 0 < p <= 100}
   * @throws IllegalArgumentException when {@code p} is out of range
   */
  public double percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    if (count == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(p / 100.0 * count);
    rank = Math.max(1, Math.min(count, rank));
    long before = 0;
    for (int i = 0; i < counts.size(); i++) {
      long in = counts.get(i);
      if (in > 0 && before + in >= rank) {
        double lower = i == 0 ? 0 : BOUNDS_MILLIS.get(i - 1);
        double upper = i < BOUNDS_MILLIS.size() ? BOUNDS_MILLIS.get(i) : maxMillis;
        double estimate = lower + (upper - lower) * (rank - before - 0.5) / in;
        estimate = Math.max(minMillis, Math.min(maxMillis, estimate));
        return estimate / 1000.0;
      }
      before += in;
    }
    return maxMillis / 1000.0; // unreachable when counts add up to count
  }

  /** The estimated median in seconds, {@code NaN} when empty. */
  public double p50() {
    return percentile(50);
  }

  /** The estimated 90th percentile in seconds, {@code NaN} when empty. */
  public double p90() {
    return percentile(90);
  }

  /** The estimated 99th percentile in seconds, {@code NaN} when empty. */
  public double p99() {
    return percentile(99);
  }
}
