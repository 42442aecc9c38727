package dev.bmreceipts.demo;

import java.util.List;

/** {@code send-read}: send one agent READ receipt. */
final class SendReadCommand implements Command {
  @Override
  public String name() {
    return "send-read";
  }

  @Override
  public String summary() {
    return "send one agent READ receipt";
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
