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
 */
record Opt(String name, String metavar, String env, String defaultValue, String help, boolean secret) {
  Opt {
    Objects.requireNonNull(name, "name cannot be null");
    Objects.requireNonNull(help, "help cannot be null");
    if (!name.startsWith("--")) {
      throw new IllegalArgumentException("option name must start with --: " + name);
    }
  }

  /** An option that takes a value. */
  static Opt value(String name, String metavar, String env, String defaultValue, String help) {
    return new Opt(name, metavar, env, defaultValue, help, false);
  }

  /** An option whose value is a secret (a token or key). */
  static Opt secret(String name, String metavar, String env, String help) {
    return new Opt(name, metavar, env, null, help, true);
  }

  /** A flag: present or not, no value. */
  static Opt flag(String name, String help) {
    return new Opt(name, null, null, null, help, false);
  }

  /** A flag that its environment variable can also set ({@code 1}/{@code true}/{@code yes}). */
  static Opt flag(String name, String env, String help) {
    return new Opt(name, null, env, null, help, false);
  }

  /** Whether the option is a flag. */
  boolean isFlag() {
    return metavar == null;
  }

  /** The left column of its help line: {@code --port N [PORT]}. */
  String synopsis() {
    StringBuilder b = new StringBuilder(name);
    if (metavar != null) {
      b.append(' ').append(metavar);
    }
    if (env != null) {
      b.append(" [").append(env).append(']');
    }
    return b.toString();
  }
}
