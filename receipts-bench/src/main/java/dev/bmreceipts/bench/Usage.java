// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * The {@code --name value} pairs of {@code args}, by name; an option not in {@code names}, or
   * one without its value, prints the usage and exits 2. A later value of an option wins.
   */
  Map<String, String> options(String[] args, String... names) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!List.of(names).contains(args[i])) {
        fail("unknown option " + args[i]);
      } else if (i + 1 >= args.length) {
        fail("missing value for " + args[i]);
      } else {
        options.put(args[i], args[i + 1]);
      }
    }
    return options;
  }

  /** Option {@code name} of {@code options} as an integer of at least {@code min}, else {@code absent}. */
  int number(Map<String, String> options, String name, int min, int absent) {
    String value = options.get(name);
    return value == null ? absent : number(name, value, min);
  }

  /** Prints the reason and the usage, and exits 2. */
  void fail(String reason) {
    System.err.println(tool + ": " + reason);
    System.err.println("usage: " + tool + " " + synopsis);
    System.exit(2);
  }
}
