// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo jar's entry point: {@code java -jar receipts-demo.jar <command> [options]}, with the
 * commands {@code serve}, {@code send-read}, {@code emulator} and {@code report}, and
 * {@code --version}.
 *
 * <p>Exit codes: {@code 0} success (including a stop by SIGTERM), {@code 1} a run-time failure,
 * {@code 2} bad usage. Every failure prints exactly one line on standard error.
 */
public final class Main {
  /** How the jar is run, for usage lines. */
  static final String PROGRAM = "java -jar receipts-demo.jar";
  /** Prefix of top-level errors. */
  static final String NAME = "receipts-demo";
  /** How long a SIGTERM waits for a command to drain before the process exits anyway. */
  private static final long STOP_GRACE_SECONDS = 30;
  /** Option synopses longer than this get their help text on the next line. */
  private static final int HELP_COLUMN = 34;

  private Main() {}

  /** The commands, in help order. */
  static List<Command> commands() {
    return List.of(new ServeCommand(), new SendReadCommand(), new EmulatorCommand(),
        new ReportCommand());
  }

  /**
   * Runs one command and exits with its code. On SIGTERM a long-running command stops accepting
   * work, drains, and the process exits {@code 0}.
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    oneLineLogs();
    LogLines.install();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger code = new AtomicInteger(1);
    PrintStream out = stdout();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        done.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.flush();
      System.err.flush();
      // a SIGTERM that drained cleanly is a success, not the JVM's 143
      Runtime.getRuntime().halt(code.get());
    }, "receipts-demo-stop"));
    code.set(run(Arrays.asList(args), new Io(out, System.err, System.getenv(), stop)));
    done.countDown();
    System.exit(code.get());
  }

  /** Runs {@code args} against {@code io} and returns the exit code; never calls System.exit. */
  static int run(List<String> args, Io io) {
    if (args.isEmpty()) {
      io.err().println(NAME + ": missing command (see --help)");
      return 2;
    }
    String first = args.get(0);
    if (first.equals("--version")) {
      if (args.size() > 1) {
        io.err().println(NAME + ": --version takes no arguments");
        return 2;
      }
      io.out().println(NAME + " " + version());
      io.out().flush();
      return 0;
    }
    if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
      io.out().print(usage());
      io.out().flush();
      return 0;
    }
    Command command = commands().stream().filter(c -> c.name().equals(first)).findFirst()
        .orElse(null);
    if (command == null) {
      io.err().println(NAME + ": unknown command " + Text.quote(first) + " (see --help)");
      return 2;
    }
    try {
      Args parsed = Args.parse(command, args.subList(1, args.size()), io.env());
      if (parsed.help()) {
        io.out().print(help(command));
        io.out().flush();
        return 0;
      }
      return command.run(parsed, io);
    } catch (UsageException e) {
      io.err().println(Text.escape(e.getMessage()));
      return 2;
    } catch (CommandFailure e) {
      // a failure's text may carry what a server said: escaped, like every line printed
      io.err().println(command.name() + ": " + Text.escape(e.getMessage()));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      io.err().println(command.name() + ": interrupted");
      return 1;
    } catch (Exception | LinkageError e) {
      io.err().println(command.name() + ": " + Text.oneLine(e));
      return 1;
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }

  /**
   * The version this jar was built as, from the {@code version.properties} the build fills in.
   *
   * @throws IllegalStateException when the resource is missing: a broken build, not a user error
   */
  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties missing from the jar");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      if (v.isEmpty() || v.startsWith("${")) {
        throw new IllegalStateException("version.properties was not filled in by the build");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read version.properties", e);
    }
  }

  /** The top-level help. */
  static String usage() {
    StringBuilder b = new StringBuilder();
    b.append("usage: ").append(PROGRAM).append(" <command> [options]\n\n");
    b.append("Business Messages receipts: webhook service, agent READ receipts, metrics, API"
        + " emulator.\n\ncommands:\n");
    for (Command c : commands()) {
      b.append(String.format("  %-11s %s\n", c.name(), c.summary()));
    }
    b.append("\n'<command> --help' lists a command's options. An option shown with [VAR] also"
        + " reads the\nenvironment variable VAR; the command line wins.\n");
    b.append("'--version' prints the version.\n");
    b.append("Exit codes: 0 success, 1 failure, 2 bad usage.\n");
    return b.toString();
  }

  /** One command's help: its options with environment variables and defaults. */
  static String help(Command command) {
    List<Opt> options = command.options();
    int width = Math.min(HELP_COLUMN,
        Math.max(8, options.stream().mapToInt(o -> o.synopsis().length()).max().orElse(0)));
    StringBuilder b = new StringBuilder();
    b.append("usage: ").append(PROGRAM).append(' ').append(command.name()).append(" [options]\n");
    b.append(command.summary()).append("\n\noptions:\n");
    for (Opt o : options) {
      String text = o.defaultValue() == null ? o.help() : o.help() + " (default " + o.defaultValue() + ")";
      if (o.synopsis().length() > width) {
        b.append("  ").append(o.synopsis()).append('\n');
        b.append(" ".repeat(width + 4)).append(text).append('\n');
      } else {
        b.append(String.format("  %-" + width + "s  %s\n", o.synopsis(), text));
      }
    }
    b.append(String.format("  %-" + width + "s  %s\n", "--help", "print this help"));
    if (!command.notes().isEmpty()) {
      b.append('\n').append(command.notes());
      if (!command.notes().endsWith("\n")) {
        b.append('\n');
      }
    }
    return b.toString();
  }

  /** Blocks until {@code io.stop()} is released, then closes {@code service}. */
  static int serveUntilStopped(AutoCloseable service, Io io) throws Exception {
    try (service) {
      io.stop().await();
    }
    return 0;
  }

  /**
   * Standard output with a 16 KiB buffer, flushed at each line: a receipt's line reaches the
   * terminal or pipe in one write. PrintStream methods are synchronized, so lines never mix.
   */
  private static PrintStream stdout() {
    String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
    Charset charset;
    try {
      charset = name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      charset = Charset.defaultCharset();
    }
    return new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
        1 << 14), true, charset);
  }

  private static void oneLineLogs() {
    String format = "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n";
    for (String key : List.of("java.util.logging.SimpleFormatter.format",
        "jdk.system.logger.format")) {
      if (System.getProperty(key) == null) {
        System.setProperty(key, format);
      }
    }
  }
}
