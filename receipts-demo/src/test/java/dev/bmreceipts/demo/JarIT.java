// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bmreceipts.emulator.Emulator;
import java.io.BufferedReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jars, run as a user runs them. */
class JarIT {
  @Test
  void shadedJarPrintsHelp() throws Exception {
    Processes.Result r = Processes.run(Processes.jar("--help"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("usage: java -jar receipts-demo.jar <command> [options]"));
    assertEquals("", r.err());
  }

  @Test
  void shadedJarPrintsItsVersion() throws Exception {
    Processes.Result r = Processes.run(Processes.jar("--version"));
    assertEquals(0, r.code(), r.err());
    assertEquals("receipts-demo " + System.getProperty("project.version") + "\n", r.out());
  }

  @Test
  void shadedJarExits2WithOneLineOnABadOption() throws Exception {
    Processes.Result r = Processes.run(Processes.jar("serve", "--prot", "1"));
    assertEquals(2, r.code());
    assertEquals(List.of("serve: unknown option --prot (see serve --help)"), r.err().lines().toList());
    assertEquals("", r.out());
  }

  @Test
  void moduleJarRunsOnTheModulePath() throws Exception {
    Path moduleJar = Path.of(System.getProperty("demo.moduleJar", "target/none.jar"));
    Path modules = Path.of(System.getProperty("demo.modules", "target/modules"));
    assumeTrue(Files.isRegularFile(moduleJar) && Files.isDirectory(modules), "not built yet");
    Processes.Result r = Processes.run(new ProcessBuilder(Processes.java(),
        "-p", moduleJar + java.io.File.pathSeparator + modules,
        "-m", "dev.bmreceipts.demo/dev.bmreceipts.demo.Main", "emulator", "--help"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("usage: java -jar receipts-demo.jar emulator [options]"));
  }

  @Test
  void sendReadWithAServiceAccountKeyRunsOnTheModulePath(@TempDir Path dir) throws Exception {
    Path moduleJar = Path.of(System.getProperty("demo.moduleJar", "target/none.jar"));
    Path modules = Path.of(System.getProperty("demo.modules", "target/modules"));
    assumeTrue(Files.isRegularFile(moduleJar) && Files.isDirectory(modules), "not built yet");
    KeyPair pair = Keys.rsa();
    Path key = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    EmulatorCommand ec = new EmulatorCommand();
    try (Emulator emulator = ec.start(Args.parse(ec, List.of("--port", "0", "--trust-key",
        key.toString()), Map.of()), new TestIo().io)) {
      Keys.writeKeyJson(dir, pair, emulator.tokenUri().toString());
      Processes.Result r = Processes.run(new ProcessBuilder(Processes.java(),
          "-p", moduleJar + java.io.File.pathSeparator + modules,
          "-m", "dev.bmreceipts.demo/dev.bmreceipts.demo.Main", "send-read", "--conversation", "c",
          "--message", "m", "--credentials", key.toString(), "--api-root",
          emulator.uri().toString()));
      assertEquals(0, r.code(), r.err());
      assertEquals("{\"name\":\"conversations/c/messages/m/receipt\",\"receiptType\":\"READ\"}\n",
          r.out());
    }
  }

  @Test
  void sendReadRbmWithAServiceAccountKeyRunsOnTheModulePath(@TempDir Path dir) throws Exception {
    Path moduleJar = Path.of(System.getProperty("demo.moduleJar", "target/none.jar"));
    Path modules = Path.of(System.getProperty("demo.modules", "target/modules"));
    assumeTrue(Files.isRegularFile(moduleJar) && Files.isDirectory(modules), "not built yet");
    try (Emulator emulator = Emulator.start()) {
      Path key = emulator.newServiceAccountKey(dir.resolve("key.json"));
      Processes.Result r = Processes.run(new ProcessBuilder(Processes.java(),
          "-p", moduleJar + java.io.File.pathSeparator + modules,
          "-m", "dev.bmreceipts.demo/dev.bmreceipts.demo.Main", "send-read", "--rbm", "--phone",
          "+447700900123", "--message", "m", "--agent-id", "a", "--credentials", key.toString(),
          "--rbm-api-root", emulator.uri().toString()));
      assertEquals(0, r.code(), r.err());
      // the emulator answers agent events only for a token of the RBM scope
      assertEquals("{\"eventType\":\"READ\",\"messageId\":\"m\",\"name\":\"phones/+****0123/"
          + "agentEvents/" + dev.bmreceipts.core.rbm.AgentEventId.read("a",
              dev.bmreceipts.core.rbm.PhoneNumber.of("+447700900123"), "m") + "\"}\n", r.out());
      assertEquals(1, emulator.agentEventCount());
    }
  }

  @Test
  void emulatorProcessAnswersAndExits0OnSigterm() throws Exception {
    Process p = Processes.jar("emulator", "--port", "0", "--access-token", "process-token")
        .start();
    try {
      BufferedReader[] keep = new BufferedReader[1];
      String line = Processes.firstLine(p, keep);
      Matcher m = Pattern.compile("^emulator at (http://127\\.0\\.0\\.1:\\d+/); token endpoint "
          + "http://127\\.0\\.0\\.1:\\d+/token; trust key none; fixed access token set;"
          + " push signing key none$").matcher(line);
      assertTrue(m.matches(), line);
      URI root = URI.create(m.group(1));
      assertEquals(200, Http.patch(root.resolve("/v1/conversations/c/messages/m/receipt"),
          "process-token", "application/json", "{\"receiptType\":\"READ\"}").statusCode());
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
  }
}
