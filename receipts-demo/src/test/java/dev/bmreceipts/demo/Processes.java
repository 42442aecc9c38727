// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the built jars as child JVMs. */
final class Processes {
  private Processes() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The shaded jar; the test is skipped when it has not been built. */
  static Path jar() {
    String p = System.getProperty("demo.jar", "target/receipts-demo.jar");
    Path jar = Path.of(p);
    assumeTrue(Files.isRegularFile(jar), "not built yet: " + jar);
    return jar;
  }

  /** {@code java -jar receipts-demo.jar args…}. */
  static ProcessBuilder jar(String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** A finished process's exit code, stdout and stderr. */
  record Result(int code, String out, String err) {}

  /** Runs to completion (at most a minute). */
  static Result run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("process did not finish: " + pb.command());
    }
    return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  static CompletableFuture<String> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  /** Reads the process's first stdout line (its startup line), waiting at most 30 s. */
  static String firstLine(Process p, BufferedReader[] keep) throws Exception {
    BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    keep[0] = r;
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return r.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(30, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no startup line: "
          + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return line;
  }
}
