// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import dev.bmreceipts.http.journal.Journal;
import dev.bmreceipts.http.journal.JournalException;
import dev.bmreceipts.http.metrics.MetricsReport;
import dev.bmreceipts.http.metrics.MetricsSnapshot;
import dev.bmreceipts.http.metrics.ReceiptMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code report}: receipt metrics from a journal. */
final class ReportCommand implements Command {
  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "receipt metrics from a journal or the shared store: counts, read rate, latency";
  }

  @Override
  public List<Opt> options() {
    return List.of(
        Opt.value("--journal", "FILE", null, null, "a journal written by serve --journal"),
        Opt.secret("--store", "URL", "BM_STORE_URL",
            "instead of --journal: the inbox of serve --store, every instance's receipts"),
        Opt.value("--format", "FORMAT", null, "text", "text (a table) or json (the snapshot)"));
  }

  /**
   * The checked options of {@code report}.
   *
   * @param journal the journal to read, or empty
   * @param store the store whose inbox to read, or empty
   * @param json whether to print JSON instead of a table
   */
  record Config(Optional<Path> journal, Optional<StoreUrl> store, boolean json) {}

  /** Checks every option. */
  static Config config(Args args) throws UsageException {
    boolean json = args.choice("--format", List.of("text", "json")).orElseThrow().equals("json");
    boolean journal = args.value("--journal").isPresent();
    boolean store = args.value("--store").isPresent();
    if (journal && store) {
      throw new UsageException("report: give --journal or --store, not both");
    }
    if (store) {
      return new Config(Optional.empty(), Optional.of(StoreUrl.of(args, "--store")), json);
    }
    args.required("--journal");
    return new Config(args.readableFile("--journal"), Optional.empty(), json);
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    Config config = config(args);
    ReceiptMetrics metrics = ReceiptMetrics.builder().timeFromReceipts(true).build();
    Journal.Result replay;
    if (config.store().isPresent()) {
      replay = InboxReplay.replay(config.store().get(), metrics);
    } else {
      try {
        replay = Journal.replay(config.journal().orElseThrow(), metrics);
      } catch (JournalException e) {
        throw new CommandFailure(e.getMessage());
      }
    }
    MetricsSnapshot snapshot = metrics.snapshot();
    // agents and conversation ids are payload text: the table escapes them, and so does this JSON
    io.out().print(config.json() ? Text.json(MetricsReport.json(snapshot, replay))
        : MetricsReport.text(snapshot, replay));
    io.out().flush();
    return 0;
  }
}
