// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that tests move by hand; safe to read and move from several threads. */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  /** A clock standing at 2024-01-01T00:00:00Z. */
  public MutableClock() {
    this(Instant.parse("2024-01-01T00:00:00Z"));
  }

  /** A clock standing at {@code start}. */
  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves the clock forward by {@code d}. */
  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
