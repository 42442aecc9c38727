// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * What a command talks to: its output streams, its environment, and the latch that tells a
 * long-running command (serve, emulator) to stop. {@code main} wires the real ones and a shutdown
 * hook; tests pass their own.
 *
 * @param out standard output: results and one line per event
 * @param err standard error: one-line errors
 * @param env the environment variables options fall back to
 * @param stop counted down once to stop a long-running command
 */
record Io(PrintStream out, PrintStream err, Map<String, String> env, CountDownLatch stop) {
  Io {
    Objects.requireNonNull(out, "out cannot be null");
    Objects.requireNonNull(err, "err cannot be null");
    env = Map.copyOf(env);
    Objects.requireNonNull(stop, "stop cannot be null");
  }
}
