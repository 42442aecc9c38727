// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.util.Objects;

/**
 * One command-line option.
 *
 * @param name the option with its dashes, such as {@code --port}
 * @param metavar the value's placeholder in help ({@code N}, {@code FILE}); {@code null} for a flag
 * @param env the environment variable that also sets it, {@code null} when none
 * @param defaultValue the value when neither is given, {@code null} when none
 * @param help one line for {@code --help}
 * @param secret whether the value is a secret: never echoed, not even in errors
 * @param many whether it takes several values: {@code --journal A B C}, repeatable
 */
record Opt(String name, String metavar, String env, String defaultValue, String help, boolean secret,
    boolean many) {
  Opt {
    Objects.requireNonNull(name, "name cannot be null");
    Objects.requireNonNull(help, "help cannot be null");
    if (!name.startsWith("--")) {
      throw new IllegalArgumentException("option name must start with --: " + name);
    }
  }

  /** An option that takes a value. */
  static Opt value(String name, String metavar, String env, String defaultValue, String help) {
    return new Opt(name, metavar, env, defaultValue, help, false, false);
  }

  /** An option whose value is a secret (a token or key). */
  static Opt secret(String name, String metavar, String env, String help) {
    return new Opt(name, metavar, env, null, help, true, false);
  }

  /** A flag: present or not, no value. */
  static Opt flag(String name, String help) {
    return new Opt(name, null, null, null, help, false, false);
  }

  /**
   * An option that takes one or more values: every argument after it up to the next
   * {@code --option}, and it may be repeated ({@code -} is a value, not an option).
   */
  static Opt values(String name, String metavar, String help) {
    return new Opt(name, metavar, null, null, help, false, true);
  }

  /** A flag that its environment variable can also set ({@code 1}/{@code true}/{@code yes}). */
  static Opt flag(String name, String env, String help) {
    return new Opt(name, null, env, null, help, false, false);
  }

  /** Whether the option is a flag. */
  boolean isFlag() {
    return metavar == null;
  }

  /** The left column of its help line: {@code --port N [PORT]}. */
  String synopsis() {
    StringBuilder b = new StringBuilder(name);
    if (metavar != null) {
      b.append(' ').append(metavar).append(many ? "…" : "");
    }
    if (env != null) {
      b.append(" [").append(env).append(']');
    }
    return b.toString();
  }
}
