// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;

/** The wait before a retry: full-jitter exponential backoff, or the server's {@code Retry-After}. */
final class Backoff {
  private Backoff() {}

  /**
   * The wait in milliseconds before retry {@code retry} (1 for the first), given the server's
   * {@code Retry-After} (empty when absent or unreadable) and a jitter value in {@code [0, 1)}.
   */
  static long delayMillis(RetryPolicy policy, int retry, OptionalLong retryAfterMillis, double jitter) {
    long cap = policy.maxBackoff().toMillis();
    if (retryAfterMillis.isPresent()) {
      return Math.min(cap, Math.max(0, retryAfterMillis.getAsLong()));
    }
    double j = jitter >= 0 && jitter < 1 ? jitter : 0;
    return (long) (policy.backoffBoundMillis(retry) * j);
  }

  /**
   * A {@code Retry-After} value in milliseconds from {@code now}: either delay-seconds
   * ({@code 120}) or an HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}). A date in the past is 0.
   * Empty when the value is neither.
   */
  static OptionalLong parseRetryAfter(String value, Instant now) {
    if (value == null) {
      return OptionalLong.empty();
    }
    String v = value.strip();
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return OptionalLong.of(Long.MAX_VALUE / 4);
      }
      return OptionalLong.of(Long.parseLong(v) * 1000L);
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      long ms = at.toEpochMilli() - now.toEpochMilli();
      return OptionalLong.of(Math.max(0, ms));
    } catch (DateTimeException e) {
      return OptionalLong.empty();
    }
  }
}
