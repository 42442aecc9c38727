// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.report.ArchiveAnalyser;
import dev.bmreceipts.http.report.ArchiveException;
import dev.bmreceipts.http.report.ArchiveFormat;
import dev.bmreceipts.http.report.ArchiveInput;
import dev.bmreceipts.http.report.ArchiveProgress;
import dev.bmreceipts.http.report.ArchiveReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code report}: exact receipt figures from journals and raw webhook payload archives, of
 * Business Messages and RCS Business Messaging alike, through {@link ArchiveAnalyser}.
 */
final class ReportCommand implements Command {
  private final InputStream stdin;

  ReportCommand() {
    this(System.in);
  }

  /** With another standard input, for tests. */
  ReportCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "exact receipt figures from journals or raw payload archives (text, json, csv, html)";
  }

  @Override
  public String notes() {
    return "Inputs: files, directories (every file in them), globs such as 'logs/*.jsonl.gz'\n"
        + "(quoted, expanded here), gzip files (by content, whatever the name) and - for\n"
        + "standard input; plain arguments count as --journal values. Lines may be journal\n"
        + "lines, raw Business Messages webhook payloads or raw RBM Pub/Sub pushes, mixed;\n"
        + "both protocols are counted together and apart, RBM users' phone numbers shown\n"
        + "masked. Bad lines are counted and skipped.\n";
  }

  @Override
  public String operands() {
    return "--journal";
  }

  @Override
  public List<Opt> options() {
    return List.of(
        Opt.values("--journal", "FILE", "journals or payload archives: files, directories, globs,"
            + " .gz, - (this or --store)"),
        Opt.secret("--store", "URL", "BM_STORE_URL",
            "instead of --journal: the inbox of serve --store, every instance's receipts"),
        Opt.value("--format", "FORMAT", null, "text", "text, json, csv (the time series) or html"),
        Opt.value("--by", "BUCKET", null, "day", "the time series' bucket: hour, day or week"),
        Opt.value("--since", "TIME", null, null, "only receipts created at or after TIME"
            + " (RFC 3339, or a date: UTC midnight)"),
        Opt.value("--until", "TIME", null, null, "only receipts created before TIME"),
        Opt.value("--top", "N", null, "10", "conversations in the top-unread list (0-10000)"),
        Opt.value("--threads", "N", null, null, "worker threads (default: the processors)"),
        Opt.flag("--quiet", "no progress line on a terminal"));
  }

  /**
   * The checked options of {@code report}.
   *
   * @param inputs what to read
   * @param format text, json, csv or html
   * @param analyser the configured analyser
   * @param quiet no progress line
   * @param store the store whose inbox to read instead of {@code inputs}, or empty
   */
  record Config(List<ArchiveInput> inputs, String format, ArchiveAnalyser analyser,
      boolean quiet, Optional<StoreUrl> store) {}

  /** Checks every option. */
  Config config(Args args) throws UsageException {
    boolean journal = !args.values("--journal").isEmpty();
    Optional<StoreUrl> store = args.value("--store").isPresent()
        ? Optional.of(StoreUrl.of(args, "--store")) : Optional.empty();
    if (journal && store.isPresent()) {
      throw new UsageException("report: give --journal or --store, not both");
    }
    if (!journal && store.isEmpty()) {
      args.required("--journal");
    }
    List<ArchiveInput> inputs = new ArrayList<>();
    boolean stdinUsed = false;
    for (String v : args.values("--journal")) {
      if (v.equals("-")) {
        if (stdinUsed) {
          throw args.bad("--journal", "takes - (standard input) once", v);
        }
        stdinUsed = true;
        inputs.add(ArchiveInput.stream("-", stdin));
        continue;
      }
      for (Path p : expand(args, v)) {
        inputs.add(ArchiveInput.file(p));
      }
    }
    String format = args.choice("--format", List.of("text", "json", "csv", "html")).orElseThrow();
    ArchiveAnalyser.Builder b = ArchiveAnalyser.builder()
        .by(ArchiveReport.Bucket.valueOf(args.choice("--by", List.of("hour", "day", "week"))
            .orElseThrow().toUpperCase(Locale.ROOT)))
        .top(args.integer("--top", 0, 10_000).orElseThrow());
    Optional<Instant> since = time(args, "--since");
    Optional<Instant> until = time(args, "--until");
    if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
      throw args.bad("--until", "must be after --since", args.value("--until").orElseThrow());
    }
    since.ifPresent(b::since);
    until.ifPresent(b::until);
    args.integer("--threads", 1, 256).ifPresent(b::threads);
    return new Config(inputs, format, b.build(), args.flag("--quiet"), store);
  }

  /** A file, every regular file under a directory (sorted), or a glob's matches (sorted). */
  private static List<Path> expand(Args args, String v) throws UsageException {
    try {
      if (v.indexOf('*') >= 0 || v.indexOf('?') >= 0 || v.indexOf('[') >= 0
          || v.indexOf('{') >= 0) {
        Path pattern = Path.of(v);
        Path root = pattern.isAbsolute() ? pattern.getRoot() : Path.of("");
        for (Path part : pattern) {
          String s = part.toString();
          if (s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0
              || s.indexOf('{') >= 0) {
            break;
          }
          root = root.resolve(part);
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + v);
        boolean relative = root.toString().isEmpty();
        Path base = relative ? Path.of(".") : root;
        List<Path> found = files(base, p -> m.matches(relative ? base.relativize(p) : p));
        if (found.isEmpty()) {
          throw args.bad("--journal", "matches no file", v);
        }
        return found;
      }
      Path p = Path.of(v);
      if (Files.isDirectory(p)) {
        List<Path> found = files(p, f -> !f.getFileName().toString().startsWith("."));
        if (found.isEmpty()) {
          throw args.bad("--journal", "is a directory with no file in it", v);
        }
        return found;
      }
      if (!(Files.isRegularFile(p) && Files.isReadable(p))) {
        throw args.bad("--journal", "must be a readable file", v);
      }
      return List.of(p);
    } catch (InvalidPathException e) {
      throw args.bad("--journal", "must be a file path", v);
    }
  }

  private static List<Path> files(Path root, java.util.function.Predicate<Path> keep)
      throws UsageException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(keep).sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UsageException("report: cannot list " + root + ": " + e.getMessage());
    }
  }

  private static Optional<Instant> time(Args args, String name) throws UsageException {
    Optional<String> v = args.string(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get().strip();
    try {
      if (s.length() == 10) {
        return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      return Optional.of(java.time.OffsetDateTime.parse(s.toUpperCase(Locale.ROOT)).toInstant());
    } catch (DateTimeParseException e) {
      throw args.bad(name, "must be an RFC 3339 time such as 2024-05-01T00:00:00Z, or a date",
          v.get());
    }
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    Config config = config(args);
    ArchiveProgress progress = new ArchiveProgress();
    ScheduledExecutorService ticker = null;
    if (!config.quiet() && terminal(Path.of("/proc/self/fd/2"))) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "report-progress");
        t.setDaemon(true);
        return t;
      });
      long start = System.nanoTime();
      PrintStream err = io.err();
      ticker.scheduleAtFixedRate(() -> err.print(progressLine(progress, System.nanoTime() - start)),
          1, 1, TimeUnit.SECONDS);
    }
    ArchiveReport report;
    Optional<Path> inbox = Optional.empty();
    try {
      List<ArchiveInput> inputs = config.inputs();
      if (config.store().isPresent()) {
        inbox = Optional.of(InboxReplay.toJournal(config.store().get()));
        inputs = List.of(ArchiveInput.file(inbox.get()));
      }
      report = config.analyser().analyse(inputs, progress);
    } catch (ArchiveException e) {
      throw new CommandFailure(e.getMessage());
    } finally {
      if (inbox.isPresent()) {
        Files.deleteIfExists(inbox.get());
      }
      if (ticker != null) {
        ticker.shutdownNow();
        ticker.awaitTermination(1, TimeUnit.SECONDS);
        io.err().print("\r" + " ".repeat(72) + "\r");
        io.err().flush();
      }
    }
    switch (config.format()) {
      case "json":
        // agents and conversation ids are payload text: escaped here as in the table
        io.out().print(Text.json(ArchiveFormat.json(report)));
        break;
      case "csv":
        io.out().print(ArchiveFormat.csv(report));
        break;
      case "html":
        io.out().print(ArchiveFormat.html(report));
        break;
      default:
        io.out().print(ArchiveFormat.text(report));
    }
    io.out().flush();
    return 0;
  }

  /**
   * Whether standard error is a terminal: where the system names a process's descriptors
   * ({@code /proc/self/fd/2} on Linux), whether descriptor 2 is a terminal device; elsewhere
   * whether the JVM has a console, which looks at standard input and output instead. With
   * {@code System.console()} alone, {@code report > out.html} on a terminal showed no progress and
   * {@code report 2> log} wrote progress lines into the log.
   */
  static boolean terminal(Path stderrLink) {
    try {
      String target = Files.readSymbolicLink(stderrLink).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** {@code \r  412 of 688 MiB, 1.52 M lines/s, 2 s left}, padded to overwrite the last one. */
  static String progressLine(ArchiveProgress p, long elapsedNanos) {
    double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
    long read = p.bytesRead();
    long total = p.totalBytes();
    StringBuilder sb = new StringBuilder("\r  ");
    sb.append(read >> 20).append(total < 0 ? " MiB" : " of " + (total >> 20) + " MiB");
    sb.append(String.format(Locale.ROOT, ", %.2f M lines/s", p.lines() / seconds / 1e6));
    if (total > 0 && read > 0) {
      long left = Math.round(seconds * (total - read) / read);
      sb.append(", ").append(left).append(" s left");
    }
    while (sb.length() < 60) {
      sb.append(' ');
    }
    return sb.toString();
  }
}
