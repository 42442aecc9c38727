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

  private static Instant toInstant(String raw) {
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
