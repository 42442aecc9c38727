// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's tiny JPMS app, compiled and run against the built jars of receipts-http and core on the
 * module path, as a user would: it {@code requires dev.bmreceipts.http} and uses every package
 * that module exports (the webhook, the sender, metrics, the journal, the report); a second app
 * shows that the unexported {@code internal} package does not compile.
 */
class HttpModulePathIT {
  private static final String APP = """
      package app;

      import com.sun.net.httpserver.HttpServer;
      import dev.bmreceipts.core.MessageName;
      import dev.bmreceipts.core.WebhookSignature;
      import dev.bmreceipts.http.Webhook;
      import dev.bmreceipts.http.WebhookServer;
      import dev.bmreceipts.http.journal.Journal;
      import dev.bmreceipts.http.metrics.ReceiptMetrics;
      import dev.bmreceipts.http.report.ArchiveAnalyser;
      import dev.bmreceipts.http.report.ArchiveInput;
      import dev.bmreceipts.http.sender.AccessTokenProvider;
      import dev.bmreceipts.http.sender.ReceiptSender;
      import dev.bmreceipts.http.sender.SendResult;
      import java.net.InetSocketAddress;
      import java.net.http.HttpClient;
      import java.net.http.HttpRequest;
      import java.net.http.HttpResponse;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.Files;
      import java.nio.file.Path;

      public final class Main {
        public static void main(String[] args) throws Exception {
          Path journalFile = Path.of(args[0]);
          HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
          api.createContext("/", ex -> {
            byte[] b = "{\\"name\\":\\"conversations/C/messages/M1/receipt\\",\\"receiptType\\":\\"READ\\"}"
                .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
          });
          api.start();
          ReceiptMetrics metrics = ReceiptMetrics.builder().build();
          try (Journal.Writer journal = Journal.open(journalFile);
               WebhookServer server = Webhook.builder().signingKey("k").receiptListener(metrics)
                   .receiptListener(journal).build().start("127.0.0.1", 0, "/callback");
               ReceiptSender sender = ReceiptSender.builder()
                   .apiRoot("http://127.0.0.1:" + api.getAddress().getPort() + "/")
                   .tokens(AccessTokenProvider.fixed("t")).build()) {
            byte[] body = ("{\\"conversationId\\":\\"C\\",\\"requestId\\":\\"R1\\",\\"receipts\\":{\\"receipts\\":["
                + "{\\"message\\":\\"conversations/C/messages/M1\\",\\"receiptType\\":\\"DELIVERED\\"},"
                + "{\\"message\\":\\"conversations/C/messages/M1\\",\\"receiptType\\":\\"READ\\"}],"
                + "\\"createTime\\":\\"2024-01-02T03:04:05Z\\"}}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.uri()).header("Content-Type", "application/json")
                    .header(WebhookSignature.HEADER, WebhookSignature.sign("k", body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            SendResult sent = sender.sendReadAndWait(MessageName.of("C", "M1"));
            journal.flush();
            long archived = ArchiveAnalyser.builder().build()
                .analyse(java.util.List.of(ArchiveInput.file(journalFile))).receipts();
            System.out.println(r.statusCode() + " " + r.body()
                + " received=" + metrics.snapshot().receivedTotal()
                + " journal=" + Files.readAllLines(journalFile).size() + " report=" + archived
                + " sent=" + sent.status() + " " + sent.receiptName()
                + " module=" + Webhook.class.getModule().getName());
          } finally {
            api.stop(0);
          }
        }
      }
      """;

  private static final String PEEK = """
      package peek;

      public final class Peek {
        public static void main(String[] args) {
          System.out.println(new dev.bmreceipts.http.internal.LongHashTable(1));
        }
      }
      """;

  private static String modulePath;

  /** receipts-http, core and their JSON-P jars from target/modules (built by the package phase). */
  @BeforeAll
  static void jars() throws Exception {
    Path modules = Path.of(System.getProperty("demo.modules", "target/modules"));
    assumeTrue(Files.isDirectory(modules), "not built yet: " + modules);
    List<Path> jars;
    try (Stream<Path> all = Files.list(modules)) {
      jars = all.filter(p -> Stream.of("receipts-http-", "receipts-core-", "jakarta.json-api-",
          "parsson-").anyMatch(p.getFileName().toString()::startsWith)).sorted().toList();
    }
    assertEquals(4, jars.size(), "expected the http, core, JSON-P API and Parsson jars: " + jars);
    modulePath = jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  private static Path module(Path dir, String name, String pkg, String cls, String source)
      throws Exception {
    Path src = dir.resolve("src").resolve(name);
    Files.createDirectories(src.resolve(pkg));
    Files.writeString(src.resolve("module-info.java"),
        "module " + name + " { requires dev.bmreceipts.http; }\n", StandardCharsets.UTF_8);
    Files.writeString(src.resolve(pkg).resolve(cls + ".java"), source, StandardCharsets.UTF_8);
    return src;
  }

  private static Processes.Result javac(Path src, Path out) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
        "--release", "17", "-p", modulePath, "-d", out.toString()));
    try (Stream<Path> files = Files.walk(src)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> command.add(p.toString()));
    }
    return Processes.run(new ProcessBuilder(command));
  }

  @Test
  void aHostsAppUsesEveryExportedPackageOnTheModulePath(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Processes.Result compiled = javac(module(dir, "tiny", "app", "Main", APP), out);
    assertEquals(0, compiled.code(), compiled.err());
    Path journal = dir.resolve("journal.jsonl");
    Processes.Result run = Processes.run(new ProcessBuilder(Processes.java(),
        "-p", out + File.pathSeparator + modulePath, "-m", "tiny/app.Main", journal.toString()));
    assertEquals(0, run.code(), run.err());
    assertEquals("200 ok received=2 journal=2 report=2 sent=200 conversations/C/messages/M1/receipt"
        + " module=dev.bmreceipts.http", run.out().strip());
  }

  @Test
  void theInternalPackageDoesNotCompile(@TempDir Path dir) throws Exception {
    Processes.Result compiled = javac(module(dir, "peek", "peek", "Peek", PEEK), dir.resolve("out"));
    assertNotEquals(0, compiled.code());
    assertTrue(compiled.err().contains("package dev.bmreceipts.http.internal is declared in module "
        + "dev.bmreceipts.http, which does not export it"), compiled.err());
  }
}
