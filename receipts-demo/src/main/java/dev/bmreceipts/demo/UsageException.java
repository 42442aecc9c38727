// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

/** Bad command-line input: the command exits 2 with this one-line message. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message, null, false, false);
  }
}
