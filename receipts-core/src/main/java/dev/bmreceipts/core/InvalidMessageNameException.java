// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

/** A message name or id that cannot be a {@link MessageName}. The message never echoes input. */
public final class InvalidMessageNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidMessageNameException(String message) {
    super(message);
  }
}
