// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Captured stdout and stderr for running commands in-process. */
final class TestIo {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final Io io;

  TestIo(Map<String, String> env) {
    this.io = new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, new CountDownLatch(1));
  }

  TestIo() {
    this(Map.of());
  }

  /** Runs {@code args} through {@link Main#run}. */
  int run(String... args) {
    return Main.run(List.of(args), io);
  }

  String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  List<String> outLines() {
    return out().lines().toList();
  }

  List<String> errLines() {
    return err().lines().toList();
  }
}
