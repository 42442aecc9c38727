// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @Test
  void parsesRetryAfterSeconds() {
    assertEquals(OptionalLong.of(120_000), Backoff.parseRetryAfter("120", NOW));
    assertEquals(OptionalLong.of(0), Backoff.parseRetryAfter(" 0 ", NOW));
  }

  @Test
  void parsesRetryAfterHttpDate() {
    assertEquals(OptionalLong.of(5_000), Backoff.parseRetryAfter("Wed, 21 Oct 2015 07:28:05 GMT", NOW));
    assertEquals(OptionalLong.of(0), Backoff.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", NOW));
  }

  @Test
  void ignoresUnreadableRetryAfter() {
    assertEquals(OptionalLong.empty(), Backoff.parseRetryAfter("soon", NOW));
    assertEquals(OptionalLong.empty(), Backoff.parseRetryAfter("-1", NOW));
    assertEquals(OptionalLong.empty(), Backoff.parseRetryAfter(null, NOW));
  }

  @Test
  void fullJitterScalesTheExponentialBound() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    assertEquals(500, p.backoffBoundMillis(1));
    assertEquals(750, p.backoffBoundMillis(2));
    assertEquals(1125, p.backoffBoundMillis(3));
    assertEquals(60_000, p.backoffBoundMillis(30));
    assertEquals(250, Backoff.delayMillis(p, 1, OptionalLong.empty(), 0.5));
    assertEquals(0, Backoff.delayMillis(p, 1, OptionalLong.empty(), 0.0));
    assertEquals(0, Backoff.delayMillis(p, 1, OptionalLong.empty(), 7.0));
  }

  @Test
  void retryAfterReplacesBackoffCappedAtMaxBackoff() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    assertEquals(1000, Backoff.delayMillis(p, 1, OptionalLong.of(1000), 0.1));
    assertEquals(60_000, Backoff.delayMillis(p, 1, OptionalLong.of(3_600_000), 0.1));
  }

  @Test
  void encodesIdsAsPathSegments() {
    assertEquals("abc-._~XYZ019", Uris.segment("abc-._~XYZ019"));
    assertEquals("a%25b%2Bc%20d%3F%23%3A%40", Uris.segment("a%b+c d?#:@"));
    assertEquals("%C3%A9%F0%9F%98%80", Uris.segment("é😀"));
  }

  @Test
  void policyNamesBadValues() {
    assertEquals("maxAttempts must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.DEFAULT.withMaxAttempts(0)).getMessage());
    assertEquals("maxTotalTime must be positive, was PT0S",
        assertThrows(IllegalArgumentException.class,
            () -> RetryPolicy.DEFAULT.withMaxTotalTime(Duration.ZERO)).getMessage());
  }
}
