// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

/** A command failed at run time: it exits 1 with this one-line message. */
final class CommandFailure extends Exception {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message, null, false, false);
  }
}
