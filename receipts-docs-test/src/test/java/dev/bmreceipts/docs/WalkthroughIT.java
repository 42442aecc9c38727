// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's five-minute walkthrough, run as a user runs it: {@code examples/check-readme.sh}
 * runs {@code examples/five-minutes.sh} against the built jar and compares its output with the
 * README's block. Needs bash and curl on the PATH.
 */
class WalkthroughIT {
  @Test
  void theWalkthroughPrintsWhatTheReadmeShows() throws Exception {
    Path jar = Path.of(System.getProperty("demo.jar", "../receipts-demo/target/receipts-demo.jar"));
    assertTrue(Files.isRegularFile(jar), "no demo jar at " + jar);
    Process p = new ProcessBuilder("bash", "examples/check-readme.sh", jar.toString())
        .directory(Repo.ROOT.toFile())
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("the walkthrough did not finish within 180 s:\n"
          + output.get(30, TimeUnit.SECONDS));
    }
    String out = output.get(30, TimeUnit.SECONDS);
    // the walkthrough's output as this test saw it, in the failsafe report
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.endsWith("the README's walkthrough block matches the script's output\n"), out);
  }
}
