// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import java.util.Objects;

/**
 * A phone number in E.164 form: {@code +} then 8 to 15 ASCII digits, the first not {@code 0}.
 *
 * <p>Phone numbers are personal data. {@link #toString()} is {@link #masked()}, so a record or log
 * line that prints one never shows it whole, and no exception message of this package repeats
 * one. Only {@link #e164()} gives the whole number, for the URL of an agent event and for dedupe
 * keys.
 *
 * @param e164 the whole number, e.g. {@code +447700900123}
 */
public record PhoneNumber(String e164) {
  /** Fewest digits after the {@code +}. */
  public static final int MIN_DIGITS = 8;
  /** Most digits after the {@code +}: E.164's own limit. */
  public static final int MAX_DIGITS = 15;
  /** How many trailing digits {@link #masked()} shows. */
  public static final int SHOWN_DIGITS = 4;

  private static final String FORM =
      "phone number must be E.164 ('+' then 8 to 15 digits, the first not 0)";

  /**
   * @throws InvalidPhoneNumberException when {@code e164} is not E.164; the message says why
   *     without repeating the text
   */
  public PhoneNumber {
    Objects.requireNonNull(e164, "phone number cannot be null");
    String problem = problem(e164);
    if (problem != null) {
      throw new InvalidPhoneNumberException(FORM + ": " + problem);
    }
  }

  /** Same as the constructor, for call sites that read better with a factory. */
  public static PhoneNumber of(String e164) {
    return new PhoneNumber(e164);
  }

  /** Whether {@code text} is E.164 as this type requires; {@code false} for {@code null}. */
  public static boolean isValid(String text) {
    return text != null && problem(text) == null;
  }

  /** What is wrong with {@code s}, without repeating it, or {@code null} when it is E.164. */
  private static String problem(String s) {
    if (s.isEmpty()) {
      return "it is empty";
    }
    if (s.charAt(0) != '+') {
      return "it does not start with '+'";
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return "it holds a character other than a digit after the '+'";
      }
    }
    int digits = s.length() - 1;
    if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
      return "it has " + digits + " digits";
    }
    if (s.charAt(1) == '0') {
      return "its first digit is 0";
    }
    return null;
  }

  /**
   * The number for logs and errors: {@code +****} then the last four digits, e.g.
   * {@code +****0123} for {@code +447700900123}. The mask is always four asterisks, so it does
   * not tell the number's length (and with it, often, its country) either.
   */
  public String masked() {
    return "+****" + e164.substring(e164.length() - SHOWN_DIGITS);
  }

  /** {@link #masked()}: never the whole number. */
  @Override
  public String toString() {
    return masked();
  }
}
