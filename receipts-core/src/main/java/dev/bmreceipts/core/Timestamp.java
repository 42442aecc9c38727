// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A timestamp as the wire carried it, plus its {@link Instant} when the text is RFC 3339.
 * Placeholders such as {@code "SEND_TIME"} keep their text and have no instant; they are never an
 * error.
 *
 * @param raw the text as received, {@code ""} when absent
 * @param instant the parsed time, empty when {@code raw} is not an RFC 3339 timestamp
 */
public record Timestamp(String raw, Optional<Instant> instant) {
  /** The absent timestamp. */
  public static final Timestamp ABSENT = new Timestamp("", Optional.empty());

  public Timestamp {
    Objects.requireNonNull(raw, "raw cannot be null, use Timestamp.ABSENT");
    Objects.requireNonNull(instant, "instant cannot be null, use Optional.empty()");
  }

  /** Parses RFC 3339 text (any offset, up to nine fractional digits); never throws. */
  public static Timestamp parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return ABSENT;
    }
    return new Timestamp(raw, Optional.ofNullable(toInstant(raw)));
  }

  /** A timestamp for a known instant, formatted as ISO-8601 UTC. */
  public static Timestamp of(Instant instant) {
    return new Timestamp(instant.toString(), Optional.of(instant));
  }

  /** Whether the wire carried text that is not a timestamp (a placeholder, say). */
  public boolean unparsable() {
    return !raw.isEmpty() && instant.isEmpty();
  }

  /** Parses RFC 3339 text the slow, general way only: for tests that compare it with the fast path. */
  static Timestamp parseGeneral(String raw) {
    if (raw == null || raw.isEmpty()) {
      return ABSENT;
    }
    return new Timestamp(raw, Optional.ofNullable(general(raw)));
  }

  private static Instant toInstant(String raw) {
    Instant fast = plainUtc(raw);
    return fast != null ? fast : general(raw);
  }

  /**
   * The common form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, upper case, a valid date, hour 0-23,
   * second 0-59, without java.time's parser and its garbage; {@code null} for anything else (leap
   * seconds, offsets, lower case, hour 24), which {@link #general} then decides. Where it answers,
   * it answers as {@link Instant#parse} does. It exists for speed: {@code PartsBenchmark}
   * compares it with {@code Instant.parse}.
   */
  private static Instant plainUtc(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int fractionDigits = n - 21;
      if (s.charAt(19) != '.' || fractionDigits < 1) {
        return null;
      }
      int fraction = digits(s, 20, fractionDigits);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The value of {@code count} ASCII digits from {@code from}, or -1 if any is not one. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    switch (month) {
      case 2:
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 in the proleptic Gregorian calendar, as LocalDate computes them. */
  private static long epochDay(long year, int month, int day) {
    long total = 365 * year;
    if (year >= 0) {
      total += (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    } else {
      total -= year / -4 - year / -100 + year / -400;
    }
    total += (367 * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (lengthOfMonth((int) year, 2) == 28) {
        total--;
      }
    }
    return total - 719_528L;
  }

  private static Instant general(String raw) {
    // cheap guard: every RFC 3339 date-time starts with four digits and a dash
    if (raw.length() < 20 || raw.charAt(4) != '-' || !Character.isDigit(raw.charAt(0))) {
      return null;
    }
    // RFC 3339 section 5.6 allows a lower-case "t" and "z"; java.time only takes upper case
    String text = raw.indexOf('t') >= 0 || raw.indexOf('z') >= 0 ? raw.toUpperCase(Locale.ROOT) : raw;
    try {
      return text.charAt(text.length() - 1) == 'Z'
          ? Instant.parse(text)
          : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
