package dev.bmreceipts.demo;

import java.util.List;

/** {@code serve}: the webhook service: journal, metrics, auto-read. */
final class ServeCommand implements Command {
  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "the webhook service: journal, metrics, auto-read";
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
