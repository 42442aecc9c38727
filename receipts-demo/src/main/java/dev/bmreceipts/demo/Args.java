// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command's parsed arguments. Each option's value comes from the command line, else from its
 * environment variable, else from its default. An empty variable counts as unset, except for a
 * secret's: a key or token that is set but empty is a usage error, never "no key". Typed getters
 * check values and throw {@link UsageException} with one line naming the option and where its
 * value came from; secret values are never echoed.
 */
final class Args {
  /** The largest file {@link #secret} reads. */
  static final int MAX_SECRET_FILE = 64 * 1024;

  private final String command;
  private final Map<String, Opt> options;
  private final Map<String, String> given;
  private final Map<String, List<String>> many;
  private final Map<String, String> env;
  private final boolean help;

  private Args(String command, Map<String, Opt> options, Map<String, String> given,
      Map<String, List<String>> many, Map<String, String> env, boolean help) {
    this.command = command;
    this.options = options;
    this.given = given;
    this.many = many;
    this.env = env;
    this.help = help;
  }

  /**
   * Parses {@code --name value}, {@code --name=value} and flags.
   *
   * @throws UsageException for an unknown option, a missing value, a repeated option, a value
   *     given to a flag, or a stray argument
   */
  static Args parse(Command command, List<String> argv, Map<String, String> env)
      throws UsageException {
    Map<String, Opt> options = new LinkedHashMap<>();
    command.options().forEach(o -> options.put(o.name(), o));
    Map<String, String> given = new HashMap<>();
    Map<String, List<String>> many = new HashMap<>();
    boolean help = false;
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--") && command.operands() != null) {
        many.computeIfAbsent(command.operands(), k -> new java.util.ArrayList<>()).add(arg);
        given.put(command.operands(), arg);
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new UsageException(command.name() + ": unexpected argument " + Text.quote(arg)
            + " (see " + command.name() + " --help)");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      Opt opt = options.get(name);
      if (opt == null) {
        throw new UsageException(command.name() + ": unknown option " + Text.clean(name)
            + " (see " + command.name() + " --help)");
      }
      if (opt.many()) {
        List<String> values = many.computeIfAbsent(name, k -> new java.util.ArrayList<>());
        if (eq >= 0) {
          values.add(arg.substring(eq + 1));
        } else {
          int before = values.size();
          while (i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) {
            values.add(argv.get(++i));
          }
          if (values.size() == before) {
            throw new UsageException(command.name() + ": " + name + " needs a value ("
                + opt.metavar() + ")");
          }
        }
        given.put(name, values.get(0));
        continue;
      }
      if (given.containsKey(name)) {
        throw new UsageException(command.name() + ": " + name + " given twice");
      }
      String value;
      if (opt.isFlag()) {
        if (eq >= 0) {
          throw new UsageException(command.name() + ": " + name + " takes no value");
        }
        value = "true";
      } else if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < argv.size()) {
        value = argv.get(++i);
      } else {
        throw new UsageException(command.name() + ": " + name + " needs a value ("
            + opt.metavar() + ")");
      }
      given.put(name, value);
    }
    return new Args(command.name(), options, given, many, Map.copyOf(env), help);
  }

  /** Whether {@code --help} was given. */
  boolean help() {
    return help;
  }

  /** The environment the options fall back to. */
  Map<String, String> env() {
    return env;
  }

  /** The raw value, from the command line, the environment or the default. */
  Optional<String> value(String name) {
    Opt opt = opt(name);
    String v = given.get(name);
    if (v == null && opt.env() != null) {
      v = env.get(opt.env());
      if (v != null && v.isEmpty() && !opt.secret()) {
        v = null;
      }
    }
    if (v == null) {
      v = opt.defaultValue();
    }
    return Optional.ofNullable(v);
  }

  /** Every value of an option made with {@link Opt#values}, in order; empty when none. */
  List<String> values(String name) {
    opt(name);
    return List.copyOf(many.getOrDefault(name, List.of()));
  }

  /** The value, which must not be empty when given. */
  Optional<String> string(String name) throws UsageException {
    Optional<String> v = value(name);
    if (v.isPresent() && v.get().isEmpty()) {
      throw bad(name, "must not be empty", null);
    }
    return v;
  }

  /**
   * A secret (a key or token) from option {@code name} (or its environment variable), or read from
   * the file that option {@code fileOption} names: UTF-8, one trailing newline dropped, at most
   * {@value #MAX_SECRET_FILE} bytes. A file named on the command line wins over the environment;
   * the secret and its file both on the command line is an error, and so is an empty secret or
   * file. The secret is never echoed, not even in errors.
   */
  Optional<String> secret(String name, String fileOption) throws UsageException {
    Optional<String> direct = string(name);
    Optional<Path> file = path(fileOption);
    if (file.isEmpty()) {
      return direct;
    }
    if (direct.isPresent() && onCommandLine(name)) {
      throw new UsageException(command + ": give " + name + " or " + fileOption + ", not both");
    }
    Path p = file.get();
    String shown = value(fileOption).orElseThrow();
    try {
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        throw bad(fileOption, "must be a readable file", shown);
      }
      if (Files.size(p) > MAX_SECRET_FILE) {
        throw bad(fileOption, "must be a file of at most " + MAX_SECRET_FILE + " bytes", shown);
      }
      String s = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
      s = s.endsWith("\r\n") ? s.substring(0, s.length() - 2)
          : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
      if (s.isEmpty()) {
        throw new UsageException(command + ": " + fileOption + " " + Text.quote(shown) + " is empty");
      }
      return Optional.of(s);
    } catch (IOException e) {
      throw bad(fileOption, "must be a readable file", shown);
    }
  }

  /** A value that must be there. */
  String required(String name) throws UsageException {
    Optional<String> v = string(name);
    if (v.isEmpty()) {
      Opt opt = opt(name);
      throw new UsageException(command + ": missing " + name + " " + opt.metavar()
          + (opt.env() == null ? "" : " (or " + opt.env() + ")")
          + " (see " + command + " --help)");
    }
    return v.get();
  }

  /** Whether the option was given on the command line (not by its environment variable). */
  boolean onCommandLine(String name) {
    return given.containsKey(opt(name).name());
  }

  /** Whether a flag was given. */
  boolean flag(String name) {
    return given.containsKey(opt(name).name());
  }

  /**
   * Whether a flag was given, on the command line or by its environment variable: {@code 1},
   * {@code true} or {@code yes} set it, {@code 0}, {@code false}, {@code no} or empty do not.
   *
   * @throws UsageException for any other value of the variable
   */
  boolean flagOrEnv(String name) throws UsageException {
    if (flag(name)) {
      return true;
    }
    String v = env.get(opt(name).env());
    if (v == null) {
      return false;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "1", "true", "yes" -> true;
      case "", "0", "false", "no" -> false;
      default -> throw bad(name, "must be 1, true, yes, 0, false or no", v);
    };
  }

  /** An integer in {@code min..max}. */
  Optional<Integer> integer(String name, int min, int max) throws UsageException {
    Optional<String> v = value(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String why = "must be an integer " + min + ".." + max;
    try {
      int n = Integer.parseInt(v.get().strip());
      if (n < min || n > max) {
        throw bad(name, why, v.get());
      }
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw bad(name, why, v.get());
    }
  }

  /** A port, {@code 0..65535}. */
  Optional<Integer> port(String name) throws UsageException {
    return integer(name, 0, 65535);
  }

  /** A decimal number in {@code [min, max]}. */
  Optional<Double> decimal(String name, double min, double max) throws UsageException {
    Optional<String> v = value(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String why = "must be a number from " + plain(min) + " to " + plain(max);
    try {
      double d = Double.parseDouble(v.get().strip());
      if (!(d >= min && d <= max)) {
        throw bad(name, why, v.get());
      }
      return Optional.of(d);
    } catch (NumberFormatException e) {
      throw bad(name, why, v.get());
    }
  }

  /** A duration such as {@code 250ms}, {@code 2s} or a plain number of milliseconds. */
  Optional<Duration> duration(String name) throws UsageException {
    Optional<String> v = value(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get().strip();
    String why = "must be a duration such as 250ms or 2s";
    try {
      Duration d;
      if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        d = Duration.ofMillis(Long.parseLong(s));
      }
      if (d.isNegative() || d.compareTo(Duration.ofMinutes(10)) > 0) {
        throw bad(name, why + " (0 to 10 minutes)", v.get());
      }
      return Optional.of(d);
    } catch (NumberFormatException e) {
      throw bad(name, why, v.get());
    }
  }

  /** One of a few words. */
  Optional<String> choice(String name, List<String> choices) throws UsageException {
    Optional<String> v = value(name);
    if (v.isPresent() && !choices.contains(v.get())) {
      throw bad(name, "must be one of " + String.join(", ", choices), v.get());
    }
    return v;
  }

  /** An absolute http or https URL; a missing trailing slash is added. */
  Optional<URI> httpRoot(String name) throws UsageException {
    Optional<String> v = value(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String why = "must be an absolute http or https URL";
    try {
      URI uri = new URI(v.get().strip());
      if (!uri.isAbsolute() || uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw bad(name, why, v.get());
      }
      String s = uri.toString();
      return Optional.of(s.endsWith("/") ? uri : URI.create(s + "/"));
    } catch (URISyntaxException e) {
      throw bad(name, why, v.get());
    }
  }

  /** A path to a readable regular file. */
  Optional<Path> readableFile(String name) throws UsageException {
    Optional<Path> p = path(name);
    if (p.isPresent() && !(Files.isRegularFile(p.get()) && Files.isReadable(p.get()))) {
      throw bad(name, "must be a readable file", value(name).orElseThrow());
    }
    return p;
  }

  /** A path, not checked for existence. */
  Optional<Path> path(String name) throws UsageException {
    Optional<String> v = string(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(v.get()));
    } catch (InvalidPathException e) {
      throw bad(name, "must be a file path", v.get());
    }
  }

  /** A usage error about option {@code name}'s value: {@code serve: --port must be …, got "x"}. */
  UsageException bad(String name, String why, String value) {
    Opt opt = opt(name);
    String where = given.containsKey(name) || opt.env() == null || env.get(opt.env()) == null
        ? name
        : name + " (from " + opt.env() + ")";
    String got = value == null || opt.secret() ? "" : ", got " + Text.quote(value);
    return new UsageException(command + ": " + where + " " + why + got);
  }

  private Opt opt(String name) {
    Opt opt = options.get(name);
    if (opt == null) {
      throw new IllegalArgumentException("command " + command + " has no option " + name);
    }
    return opt;
  }

  private static String plain(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
