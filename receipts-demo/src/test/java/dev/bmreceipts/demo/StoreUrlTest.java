// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StoreUrlTest {
  private static String[] run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(List.of(args), new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, new CountDownLatch(1)));
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void theStoreUrlsPasswordIsNeverPrinted() throws Exception {
    Args args = Args.parse(new ServeCommand(), List.of("--store",
        "jdbc:postgresql://db:5432/bm?user=app&password=s3cret&ssl=true"),
        Map.of("BM_SIGNING_KEY", "k"));
    ServeCommand.Config config = ServeCommand.config(args);
    String masked = config.store().orElseThrow().masked();
    assertEquals("jdbc:postgresql://db:5432/bm?user=app&password=***&ssl=true", masked);
    assertFalse(config.toString().contains("s3cret"));
    assertTrue(config.toString().contains(masked));
  }

  @Test
  void aStoreThatIsNotAPostgresqlUrlIsAUsageErrorThatDoesNotEchoIt() {
    String[] r = run(Map.of("BM_STORE_URL", "mysql://u:s3cret@db"), "serve");
    assertEquals("2", r[0]);
    assertEquals("serve: --store (from BM_STORE_URL) must be a jdbc:postgresql:// URL\n", r[2]);
  }

  @Test
  void anUnreachableStoreFailsTheStartWithOneMaskedLine() {
    // port 1 on loopback: nothing listens, the connection is refused at once
    String[] r = run(Map.of("PGPASSWORD", "s3cret"), "report", "--store",
        "jdbc:postgresql://127.0.0.1:1/bm?password=s3cret");
    assertEquals("1", r[0]);
    assertTrue(r[2].startsWith("report: store jdbc:postgresql://127.0.0.1:1/bm?password=*** :")
        || r[2].startsWith("report: store jdbc:postgresql://127.0.0.1:1/bm?password=***: "),
        r[2]);
    assertFalse(r[2].contains("s3cret"), r[2]);
    assertEquals(1, r[2].lines().count(), r[2]);
  }

  @Test
  void userAndPasswordComeFromTheUrlElseFromPguserAndPgpassword() throws Exception {
    Map<String, String> env = Map.of("PGUSER", "envuser", "PGPASSWORD", "envpass",
        "BM_SIGNING_KEY", "k");
    StoreUrl fromEnv = ServeCommand.config(Args.parse(new ServeCommand(),
        List.of("--store", "jdbc:postgresql://db/bm"), env)).store().orElseThrow();
    assertEquals("envuser", fromEnv.properties().getProperty("user"));
    assertEquals("envpass", fromEnv.properties().getProperty("password"));
    assertEquals("jdbc:postgresql://db/bm", fromEnv.masked());
    StoreUrl inUrl = ServeCommand.config(Args.parse(new ServeCommand(),
        List.of("--store", "jdbc:postgresql://db/bm?user=app&password=urlpass"), env))
        .store().orElseThrow();
    // the URL's own user and password win: the driver reads them from the URL
    assertEquals(null, inUrl.properties().getProperty("user"));
    assertEquals(null, inUrl.properties().getProperty("password"));
    assertEquals("5", inUrl.properties().getProperty("connectTimeout"));
    assertEquals("1", inUrl.properties().getProperty("cancelSignalTimeout"));
    StoreUrl ssl = ServeCommand.config(Args.parse(new ServeCommand(), List.of("--store",
        "jdbc:postgresql://db/bm?sslpassword=keypass&ssl=true&password=urlpass"), env))
        .store().orElseThrow();
    assertEquals("jdbc:postgresql://db/bm?sslpassword=***&ssl=true&password=***", ssl.masked());
  }

  @Test
  void storeMigrateNeedsAStore() {
    String[] r = run(Map.of(), "serve", "--store-migrate");
    assertEquals("2", r[0]);
    assertEquals("serve: --store-migrate needs --store\n", r[2]);
  }
}
