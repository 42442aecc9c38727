// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

/**
 * Command-line checks shared by the benchmark mains: a bad argument prints two lines and exits 2.
 */
final class Usage {
  private final String tool;
  private final String synopsis;

  Usage(String tool, String synopsis) {
    this.tool = tool;
    this.synopsis = synopsis;
  }

  /** {@code value} as an integer of at least {@code min}, or the usage and exit 2. */
  int number(String option, String value, int min) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail(option + " must be an integer >= " + min + ", was '" + value + "'");
    return min;
  }

  /** Prints the reason and the usage, and exits 2. */
  void fail(String reason) {
    System.err.println(tool + ": " + reason);
    System.err.println("usage: " + tool + " " + synopsis);
    System.exit(2);
  }
}
