// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampTest {
  private static final long BASE = Instant.parse("2024-03-05T06:07:08Z").getEpochSecond();

  @Test
  void parsesZeroToNineFractionalDigitsAndKeepsTheRawText() {
    String digits = "123456789";
    for (int n = 0; n <= 9; n++) {
      String fraction = digits.substring(0, n);
      String raw = "2024-03-05T06:07:08" + (n == 0 ? "" : "." + fraction) + "Z";
      int nanos = n == 0 ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
      Timestamp t = Timestamp.parse(raw);
      assertEquals(raw, t.raw());
      assertEquals(Optional.of(Instant.ofEpochSecond(BASE, nanos)), t.instant(), raw);
      assertFalse(t.unparsable());
    }
  }

  @Test
  void parsesAnOffsetAndALeapSecond() {
    assertEquals(Optional.of(Instant.parse("2024-03-05T06:07:08.5Z")),
        Timestamp.parse("2024-03-05T07:07:08.5+01:00").instant());
    assertEquals(Optional.of(Instant.parse("2016-12-31T23:59:59Z")),
        Timestamp.parse("2016-12-31T23:59:60Z").instant());
  }

  @Test
  void acceptsLowerCaseSeparatorAndZoneAsRfc3339AllowsAndKeepsTheRawText() {
    Timestamp t = Timestamp.parse("2024-03-05t06:07:08.25z");
    assertEquals("2024-03-05t06:07:08.25z", t.raw());
    assertEquals(Optional.of(Instant.parse("2024-03-05T06:07:08.250Z")), t.instant());
    assertEquals(Optional.of(Instant.parse("2024-03-05T05:07:08Z")), Timestamp.parse("2024-03-05t06:07:08+01:00").instant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SEND_TIME", "BOOLEAN", "CONFIDENCE_NUMERIC", "CREATE_TIME", "2024-03-05T06:07:08.1234567890Z",
      "2024-13-05T06:07:08Z", "2024-03-05 06:07:08Z", "2024-03-05T06:07:08", "20240305T060708Z", "2024-03-05",
      "1710000000", "2024-03-05T25:07:08Z", "\u0662\u0660\u0662\u0664-03-05T06:07:08Z", "    -               ",
      "2024-03-05T06:07:08+25:00"})
  void keepsPlaceholdersAndBadTextWithoutAnInstant(String raw) {
    Timestamp t = Timestamp.parse(raw);
    assertEquals(new Timestamp(raw, Optional.empty()), t);
    assertTrue(t.unparsable());
  }

  @Test
  void absentTextIsTheAbsentTimestamp() {
    assertSame(Timestamp.ABSENT, Timestamp.parse(null));
    assertSame(Timestamp.ABSENT, Timestamp.parse(""));
    assertEquals("", Timestamp.ABSENT.raw());
    assertFalse(Timestamp.ABSENT.unparsable());
  }

  @Test
  void neverThrowsOnArbitraryText() {
    Random random = new Random(42);
    String alphabet = "0123456789-:TtZz.+ \u00e9";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(36);
      for (int j = 0; j < length; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Timestamp t = Timestamp.parse(b.toString());
      assertEquals(b.toString(), t.raw());
    }
  }

  @Test
  void ofAnInstantFormatsIsoUtc() {
    Instant at = Instant.parse("2024-03-05T06:07:08.120Z");
    assertEquals(new Timestamp("2024-03-05T06:07:08.120Z", Optional.of(at)), Timestamp.of(at));
    assertEquals(Timestamp.of(at), Timestamp.parse(Timestamp.of(at).raw()));
  }

  @Test
  void rejectsNullComponentsNamingTheAlternative() {
    assertEquals("raw cannot be null, use Timestamp.ABSENT",
        assertThrows(NullPointerException.class, () -> new Timestamp(null, Optional.empty())).getMessage());
    assertEquals("instant cannot be null, use Optional.empty()",
        assertThrows(NullPointerException.class, () -> new Timestamp("x", null)).getMessage());
  }

  @Test
  void receiptTypesMapFromTheWire() {
    assertEquals(ReceiptType.DELIVERED, ReceiptType.fromWire("DELIVERED"));
    assertEquals(ReceiptType.READ, ReceiptType.fromWire("READ"));
    assertEquals(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, ReceiptType.fromWire("RECEIPT_TYPE_UNSPECIFIED"));
    assertEquals(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, ReceiptType.fromWire("read"));
    assertEquals(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, ReceiptType.fromWire(""));
    assertEquals(ReceiptType.RECEIPT_TYPE_UNSPECIFIED, ReceiptType.fromWire(null));
    assertEquals(new Receipt(MessageName.of("c", "m"), ReceiptType.READ, "READ"),
        Receipt.of(MessageName.of("c", "m"), ReceiptType.READ));
  }

  @Test
  void theFastFormAgreesWithTheGeneralParserOnSeededRandomText() {
    Random random = new Random(7L);
    String[] years = {"0000", "0001", "0004", "0100", "0400", "1582", "1899", "1900", "1969", "1970", "1999", "2000",
        "2023", "2024", "2100", "2400", "9999", "20x4", "-202"};
    String[] pieces = {"-", "T", "t", ":", ".", "Z", "z", "+01:00", "", "0", "9", "60", "24", "00", "31", "30", "29"};
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(years[random.nextInt(years.length)]).append('-')
          .append(two(random, 14)).append('-').append(two(random, 33)).append('T')
          .append(two(random, 26)).append(':').append(two(random, 61)).append(':').append(two(random, 62));
      int fraction = random.nextInt(12) - 1;
      if (fraction >= 0) {
        b.append('.');
        for (int k = 0; k < fraction; k++) {
          b.append((char) ('0' + random.nextInt(10)));
        }
      }
      b.append('Z');
      if (random.nextInt(8) == 0) {
        // one piece swapped in somewhere
        int at = random.nextInt(b.length());
        b.replace(at, at + 1, pieces[random.nextInt(pieces.length)]);
      }
      String raw = b.toString();
      Timestamp general = Timestamp.parseGeneral(raw);
      assertEquals(general, Timestamp.parse(raw), raw);
      if (general.instant().isPresent()) {
        fast++;
      }
    }
    assertTrue(fast > 5_000, "parsable: " + fast);
  }

  private static String two(Random random, int bound) {
    int v = random.nextInt(bound);
    return v < 10 ? "0" + v : Integer.toString(v);
  }
}
