// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.Timestamp;
import jakarta.json.JsonValue;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** E.164 validation, and a mask that never shows more than the last four digits. */
class PhoneNumberTest {
  private static final String FORM = "phone number must be E.164 ('+' then 8 to 15 digits, the first not 0): ";

  @ParameterizedTest
  @ValueSource(strings = {"+12345678", "+447700900123", "+12025550123", "+123456789012345", "+99999999"})
  void acceptsE164(String text) {
    assertTrue(PhoneNumber.isValid(text));
    assertEquals(text, PhoneNumber.of(text).e164());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|it is empty",
      "447700900123|it does not start with '+'",
      "+|it has 0 digits",
      "+1234567|it has 7 digits",
      "+1234567890123456|it has 16 digits",
      "+0447700900123|its first digit is 0",
      "+44 7700 900123|it holds a character other than a digit after the '+'",
      "+44-7700-900123|it holds a character other than a digit after the '+'",
      "++447700900123|it holds a character other than a digit after the '+'",
      "+４４７７００９００１２３|it holds a character other than a digit after the '+'",
      "' +447700900123'|it does not start with '+'",
      "'+447700900123\n'|it holds a character other than a digit after the '+'"})
  void refusesAnythingElseWithoutRepeatingIt(String text, String problem) {
    assertFalse(PhoneNumber.isValid(text));
    InvalidPhoneNumberException e = assertThrows(InvalidPhoneNumberException.class, () -> PhoneNumber.of(text));
    assertEquals(FORM + problem, e.getMessage());
    String digits = text.replaceAll("[^0-9]", "");
    if (digits.length() > 4) {
      assertFalse(e.getMessage().contains(digits.substring(digits.length() - 5)), e.getMessage());
    }
  }

  @Test
  void nullIsNotANumber() {
    assertFalse(PhoneNumber.isValid(null));
    assertEquals("phone number cannot be null",
        assertThrows(NullPointerException.class, () -> PhoneNumber.of(null)).getMessage());
  }

  @Test
  void masksAllButTheLastFourDigits() {
    PhoneNumber p = PhoneNumber.of("+447700900123");
    assertEquals("+****0123", p.masked());
    assertEquals("+****0123", p.toString());
    assertEquals("+****5678", PhoneNumber.of("+12345678").masked());
    assertEquals("+****2345", PhoneNumber.of("+123456789012345").masked());
  }

  @ParameterizedTest
  @ValueSource(strings = {"+12345678", "+447700900123", "+123456789012345", "+98765432101"})
  void theMaskHoldsFourDigitsAndTheirsOnly(String text) {
    PhoneNumber p = PhoneNumber.of(text);
    String masked = p.masked();
    assertEquals(4, masked.chars().filter(Character::isDigit).count(), masked);
    assertTrue(masked.endsWith(text.substring(text.length() - 4)));
    assertFalse(masked.contains(text.substring(text.length() - 5)), masked);
    assertEquals(masked.length(), "+****0000".length(), "the mask does not tell the length");
  }

  @Test
  void recordsThatHoldANumberNeverPrintItWhole() {
    PhoneNumber p = PhoneNumber.of("+447700900123");
    RbmUserEvent event = new RbmUserEvent(p, RbmEventType.READ, "READ", "e", "m", Timestamp.ABSENT, "a");
    RbmUserMessage message = new RbmUserMessage(p, "m", Timestamp.ABSENT, "a",
        RbmUserMessage.Content.UNKNOWN, JsonValue.NULL);
    RbmPayload payload = new RbmPayload(RbmPayloadKind.USER_EVENT, "a", Optional.of(event), Optional.empty(),
        JsonValue.EMPTY_JSON_OBJECT);
    for (Object o : new Object[] {p, event, message, payload}) {
      assertFalse(o.toString().contains("447700900123"), o.toString());
      assertTrue(o.toString().contains("+****0123"), o.toString());
    }
  }

  @Test
  void equalityIsByTheWholeNumber() {
    assertEquals(PhoneNumber.of("+447700900123"), PhoneNumber.of("+447700900123"));
    assertFalse(PhoneNumber.of("+447700900123").equals(PhoneNumber.of("+447711900123")),
        "two numbers with one mask are still two numbers");
  }
}
