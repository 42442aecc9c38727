// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

/** Text that is not an E.164 phone number. The message never repeats the text. */
public final class InvalidPhoneNumberException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidPhoneNumberException(String message) {
    super(message);
  }
}
