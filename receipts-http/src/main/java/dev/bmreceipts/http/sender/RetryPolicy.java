// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ReceiptSender} retries IO errors, timeouts, {@code 429} and {@code 500}, {@code 502},
 * {@code 503}, {@code 504}.
 *
 * <p>The wait before retry {@code n} (counting from 1) is a uniformly random value in
 * {@code [0, min(maxBackoff, initialBackoff × multiplier^(n-1)))} ("full jitter"). A
 * {@code Retry-After} header replaces that wait, capped at {@code maxBackoff}. The sender gives up
 * once {@code maxAttempts} requests have been made, or when the next attempt would start more
 * than {@code maxTotalTime} after the first one.
 *
 * @param maxAttempts the most HTTP requests for one receipt, at least 1 ({@code 1}: no retries)
 * @param initialBackoff the upper bound of the first wait, not negative
 * @param multiplier how the bound grows per retry, at least 1
 * @param maxBackoff the largest wait, at least {@code initialBackoff}
 * @param maxTotalTime the longest time from the first attempt to the start of the last one, positive
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, Duration maxTotalTime) {

  /** 5 attempts, 500 ms initial backoff, ×1.5, at most 60 s per wait, 2 min in total. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(500), 1.5, Duration.ofSeconds(60), Duration.ofMinutes(2));

  /** One attempt, no retries (a {@code 401} still gets its one retry with a fresh token). */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, Duration.ofMinutes(2));

  /**
   * @throws IllegalArgumentException naming the value that is out of range
   */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff cannot be null");
    Objects.requireNonNull(maxBackoff, "maxBackoff cannot be null");
    Objects.requireNonNull(maxTotalTime, "maxTotalTime cannot be null");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("initialBackoff must not be negative, was " + initialBackoff);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number of at least 1, was " + multiplier);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff must be at least initialBackoff (" + initialBackoff + "), was " + maxBackoff);
    }
    if (maxTotalTime.isNegative() || maxTotalTime.isZero()) {
      throw new IllegalArgumentException("maxTotalTime must be positive, was " + maxTotalTime);
    }
  }

  /** A copy with {@code maxAttempts} changed. */
  public RetryPolicy withMaxAttempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, maxTotalTime);
  }

  /** A copy with {@code maxTotalTime} changed. */
  public RetryPolicy withMaxTotalTime(Duration maxTotalTime) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, maxTotalTime);
  }

  /**
   * The upper bound of the wait before retry {@code retry} (1 for the first retry), before jitter:
   * {@code min(maxBackoff, initialBackoff × multiplier^(retry-1))}, in milliseconds.
   */
  public long backoffBoundMillis(int retry) {
    double bound = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
    long cap = maxBackoff.toMillis();
    return bound >= cap ? cap : (long) bound;
  }
}
