// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The mutable histogram behind {@link HistogramSnapshot}; not thread-safe, the owner locks. */
final class Histogram {
  private static final long[] BOUNDS =
      HistogramSnapshot.BOUNDS_MILLIS.stream().mapToLong(Long::longValue).toArray();

  private final long[] counts = new long[BOUNDS.length + 1];
  private long count;
  private long sum;
  private long min;
  private long max;

  void record(long millis) {
    long v = Math.max(0, millis);
    int i = bucket(v);
    counts[i]++;
    if (count == 0 || v < min) {
      min = v;
    }
    if (count == 0 || v > max) {
      max = v;
    }
    count++;
    sum += v;
  }

  HistogramSnapshot snapshot() {
    List<Long> c = new ArrayList<>(counts.length);
    for (long n : counts) {
      c.add(n);
    }
    return new HistogramSnapshot(Collections.unmodifiableList(c), count, sum, min, max);
  }

  /** The index of the first bound {@code >= v}, or {@code BOUNDS.length} for +Inf. */
  private static int bucket(long v) {
    int i = Arrays.binarySearch(BOUNDS, v);
    return i >= 0 ? i : -i - 1;
  }
}
