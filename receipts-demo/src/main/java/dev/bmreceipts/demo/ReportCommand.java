package dev.bmreceipts.demo;

import java.util.List;

/** {@code report}: receipt metrics from a journal: counts, read rate, latency percentiles. */
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
    return List.of();
  }

  @Override
  public int run(Args args, Io io) throws Exception {
    throw new CommandFailure("not available yet");
  }
}
