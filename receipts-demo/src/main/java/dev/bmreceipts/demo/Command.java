// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.util.List;

/** One sub-command of the demo jar. */
interface Command {
  /** The name typed on the command line. */
  String name();

  /** One line for the command list. */
  String summary();

  /** Extra help text printed after the options, {@code ""} when none. */
  default String notes() {
    return "";
  }

  /**
   * The option that takes the command's plain arguments ({@code report a.jsonl b.jsonl}), one
   * made with {@link Opt#values}; {@code null} when the command takes none.
   */
  default String operands() {
    return null;
  }

  /** Its options, in help order. */
  List<Opt> options();

  /**
   * Runs the command with parsed arguments and returns the exit code.
   *
   * @throws UsageException when an argument's value is bad (exit 2)
   * @throws CommandFailure when the work fails (exit 1)
   */
  int run(Args args, Io io) throws Exception;
}
