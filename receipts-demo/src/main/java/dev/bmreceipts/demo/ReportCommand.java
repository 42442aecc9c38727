// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.http.journal.JournalException;
import dev.bmreceipts.http.metrics.MetricsReport;
import dev.bmreceipts.http.metrics.MetricsSnapshot;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import java.nio.file.Path;
import java.util.List;

/** {@code report}: receipt metrics from a journal. */
final class ReportCommand implements Command {
  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "receipt metrics from a journal: counts, read rate, latency percentiles";
  }

  @Override
  public List<Opt> options() {
    return List.of(
        Opt.value("--journal", "FILE", null, null, "a journal written by serve --journal (required)"),
        Opt.value("--format", "FORMAT", null, "text", "text (a table) or json (the snapshot)"));
  }

  /**
   * The checked options of {@code report}.
   *
   * @param journal the journal to read
   * @param json whether to print JSON instead of a table
   */
  record Config(Path journal, boolean json) {}

  /** Checks every option. */
  static Config config(Args args) throws UsageException {
    args.required("--journal");
    Path journal = args.readableFile("--journal").orElseThrow();
    boolean json = args.choice("--format", List.of("text", "json")).orElseThrow().equals("json");
    return new Config(journal, json);
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    Config config = config(args);
    ReceiptMetrics metrics = ReceiptMetrics.builder().timeFromReceipts(true).build();
    Journal.Result replay;
    try {
      replay = Journal.replay(config.journal(), metrics);
    } catch (JournalException e) {
      throw new CommandFailure(e.getMessage());
    }
    MetricsSnapshot snapshot = metrics.snapshot();
    // agents and conversation ids are payload text: the table escapes them, and so does this JSON
    io.out().print(config.json() ? Text.json(MetricsReport.json(snapshot, replay))
        : MetricsReport.text(snapshot, replay));
    io.out().flush();
    return 0;
  }
}
