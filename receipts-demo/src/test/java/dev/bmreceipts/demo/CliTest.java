// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {
  @Test
  void topLevelHelpListsEveryCommand() {
    TestIo t = new TestIo();
    assertEquals(0, t.run("--help"));
    for (String c : List.of("serve", "send-read", "emulator", "report")) {
      assertTrue(t.out().contains("\n  " + c + " "), c + " in\n" + t.out());
    }
    assertEquals("", t.err());
  }

  @Test
  void serveHelpShowsOptionsWithEnvironmentAndDefaults() {
    TestIo t = new TestIo();
    assertEquals(0, t.run("serve", "--help"));
    String out = t.out();
    for (String s : List.of("--host HOST", "(default 127.0.0.1)", "--port N [PORT]", "(default 8080)",
        "--path PATH", "(default /callback)", "--client-token T [BM_CLIENT_TOKEN]",
        "--signing-key K [BM_SIGNING_KEY]", "--journal FILE", "--auto-read",
        "--credentials FILE [GOOGLE_APPLICATION_CREDENTIALS]", "--access-token T [BM_ACCESS_TOKEN]",
        "--api-root URL [BM_API_ROOT]", "(default https://businessmessages.googleapis.com/)",
        "--threads N", "--read-timeout SECONDS", "(default 10)", "--backlog N", "(default 4096)",
        "--quiet", "--help")) {
      assertTrue(out.contains(s), s + " in\n" + out);
    }
  }

  @Test
  void otherCommandsHelpShowTheirOptions() {
    TestIo t = new TestIo();
    assertEquals(0, t.run("emulator", "--help"));
    assertTrue(t.out().contains("--port N "));
    assertTrue(t.out().contains("--trust-key FILE"));
    assertTrue(t.out().contains("--access-token T [BM_ACCESS_TOKEN]"));
    assertTrue(t.out().contains("--signing-key K [BM_SIGNING_KEY]"));
    TestIo s = new TestIo();
    assertEquals(0, s.run("send-read", "--help"));
    assertTrue(s.out().contains("--conversation C"));
    assertTrue(s.out().contains("--message M"));
    TestIo r = new TestIo();
    assertEquals(0, r.run("report", "--help"));
    assertTrue(r.out().contains("--journal FILE"));
    assertTrue(r.out().contains("--format FORMAT"));
  }

  @Test
  void unknownOptionExits2WithOneLine() {
    assertUsage(new String[] {"serve", "--prot", "1"},
        "serve: unknown option --prot (see serve --help)");
  }

  @Test
  void unknownOptionNeverEchoesItsValue() {
    assertUsage(new String[] {"serve", "--token=s3cr3t"},
        "serve: unknown option --token (see serve --help)");
  }

  @Test
  void badPortExits2NamingTheValue() {
    assertUsage(new String[] {"emulator", "--port", "x"},
        "emulator: --port must be an integer 0..65535, got \"x\"");
    assertUsage(new String[] {"emulator", "--port=70000"},
        "emulator: --port must be an integer 0..65535, got \"70000\"");
  }

  @Test
  void badValueFromEnvironmentNamesTheVariable() {
    TestIo t = new TestIo(Map.of("PORT", "eighty"));
    assertEquals(2, t.run("serve"));
    assertEquals(List.of("serve: --port (from PORT) must be an integer 0..65535, got \"eighty\""),
        t.errLines());
  }

  @Test
  void missingRequiredOptionExits2() {
    assertUsage(new String[] {"emulator"}, "emulator: missing --port N (see emulator --help)");
    assertUsage(new String[] {"send-read", "--message", "m", "--access-token", "t"},
        "send-read: missing --conversation C (see send-read --help)");
    assertUsage(new String[] {"report"}, "report: missing --journal FILE (see report --help)");
  }

  @Test
  void missingValueFlagValueAndRepeatsExit2() {
    assertUsage(new String[] {"emulator", "--port"}, "emulator: --port needs a value (N)");
    assertUsage(new String[] {"serve", "--auto-read=yes"}, "serve: --auto-read takes no value");
    assertUsage(new String[] {"emulator", "--port", "1", "--port", "2"},
        "emulator: --port given twice");
    assertUsage(new String[] {"emulator", "stray"},
        "emulator: unexpected argument \"stray\" (see emulator --help)");
  }

  @Test
  void badChoiceAndDurationAndRateExit2() {
    assertUsage(new String[] {"emulator", "--port", "0", "--fail-rate", "2"},
        "emulator: --fail-rate must be a number from 0 to 1, got \"2\"");
    assertUsage(new String[] {"emulator", "--port", "0", "--latency", "soon"},
        "emulator: --latency must be a duration such as 250ms or 2s, got \"soon\"");
  }

  @Test
  void emptySecretIsRejectedWithoutEcho() {
    assertUsage(new String[] {"emulator", "--port", "0", "--signing-key="},
        "emulator: --signing-key must not be empty");
  }

  @Test
  void missingOrUnknownCommandExits2() {
    assertUsage(new String[] {}, "receipts-demo: missing command (see --help)");
    assertUsage(new String[] {"serv"}, "receipts-demo: unknown command \"serv\" (see --help)");
  }

  @Test
  void unreadableTrustKeyExits2() {
    assertUsage(new String[] {"emulator", "--port", "0", "--trust-key", "/nonexistent/key.json"},
        "emulator: --trust-key must be a readable file, got \"/nonexistent/key.json\"");
  }

  @Test
  void credentialProblemsExit2() {
    assertUsage(new String[] {"serve", "--auto-read"}, "serve: --auto-read needs --credentials FILE"
        + " [GOOGLE_APPLICATION_CREDENTIALS], --access-token-file FILE or BM_ACCESS_TOKEN");
    assertUsage(new String[] {"send-read", "--conversation", "c", "--message", "m"},
        "send-read: sending a receipt needs --credentials FILE [GOOGLE_APPLICATION_CREDENTIALS],"
            + " --access-token-file FILE or BM_ACCESS_TOKEN");
    assertUsage(new String[] {"send-read", "--conversation", "c", "--message", "m",
        "--access-token", "t", "--credentials", "pom.xml"},
        "send-read: give --credentials or --access-token, not both");
    assertUsage(new String[] {"send-read", "--conversation", "a/b", "--message", "m",
        "--access-token", "t"}, "send-read: --conversation must not contain '/', got \"a/b\"");
    assertUsage(new String[] {"send-read", "--conversation", "c", "--message", "m",
        "--access-token", "t", "--api-root", "ftp://x/"},
        "send-read: --api-root must be an absolute http or https URL, got \"ftp://x/\"");
  }

  @Test
  void sendReadRbmChecksItsOptionsAndMasksAPhone() {
    String[] ok = {"send-read", "--rbm", "--phone", "+447700900123", "--message", "m",
        "--agent-id", "a", "--access-token", "t"};
    assertUsage(with(ok, "--phone", "447700900123"), "send-read: --phone must be E.164 ('+' then"
        + " 8 to 15 digits, the first not 0): it does not start with '+', got \"****0123\"");
    assertUsage(with(ok, "--phone", "+4477009001234567"), "send-read: --phone must be E.164 ('+'"
        + " then 8 to 15 digits, the first not 0): it has 16 digits, got \"+****4567\"");
    assertUsage(with(ok, "--phone", "+44 7700 900123"), "send-read: --phone must be E.164 ('+'"
        + " then 8 to 15 digits, the first not 0): it holds a character other than a digit after"
        + " the '+', got \"+****0123\"");
    assertUsage(with(ok, "--phone", "+44"), "send-read: --phone must be E.164 ('+' then 8 to 15"
        + " digits, the first not 0): it has 2 digits, got \"****\"");
    assertUsage(with(ok, "--agent-id", "my agent"),
        "send-read: --agent-id must not contain whitespace or control characters, got \"my agent\"");
    assertUsage(new String[] {"send-read", "--rbm", "--message", "m", "--agent-id", "a",
        "--access-token", "t"}, "send-read: missing --phone E164 (see send-read --help)");
    assertUsage(new String[] {"send-read", "--rbm", "--phone", "+447700900123", "--message", "m",
        "--access-token", "t"}, "send-read: missing --agent-id ID (see send-read --help)");
    assertUsage(new String[] {"send-read", "--rbm", "--phone", "+447700900123", "--agent-id", "a",
        "--access-token", "t"}, "send-read: missing --message M (see send-read --help)");
    assertUsage(new String[] {"send-read", "--rbm", "--phone", "+447700900123", "--message", "m",
        "--agent-id", "a"}, "send-read: sending an RBM READ needs --credentials FILE"
        + " [GOOGLE_APPLICATION_CREDENTIALS], --access-token-file FILE or BM_ACCESS_TOKEN");
    assertUsage(new String[] {"send-read", "--rbm", "--conversation", "c", "--phone",
        "+447700900123", "--message", "m", "--agent-id", "a", "--access-token", "t"},
        "send-read: --conversation is for Business Messages; with --rbm the user is --phone E164");
    assertUsage(new String[] {"send-read", "--conversation", "c", "--message", "m", "--phone",
        "+447700900123", "--access-token", "t"}, "send-read: --phone and --agent-id need --rbm");
    assertUsage(with(with(ok, "--api-root", "http://127.0.0.1:1/"), "--rbm-api-root",
        "http://127.0.0.1:2/"), "send-read: give --api-root or --rbm-api-root, not both: with --rbm"
        + " both name the RBM API root");
    assertUsage(with(ok, "--rbm-api-root", "ftp://x/"),
        "send-read: --rbm-api-root must be an absolute http or https URL, got \"ftp://x/\"");
  }

  @Test
  void sendReadRbmTakesItsRootFromRbmApiRootThenApiRootThenRbmApiRootVariable() throws Exception {
    SendReadCommand c = new SendReadCommand();
    List<String> base = List.of("--rbm", "--phone", "+447700900123", "--message", "m",
        "--agent-id", "a", "--access-token", "t");
    Map<String, String> env = Map.of("BM_API_ROOT", "http://127.0.0.1:1/");
    assertEquals("https://rcsbusinessmessaging.googleapis.com/",
        SendReadCommand.rbmConfig(Args.parse(c, base, env)).apiRoot().toString(),
        "BM_API_ROOT is not the RBM root");
    assertEquals("http://127.0.0.1:3/", SendReadCommand.rbmConfig(Args.parse(c, base,
        Map.of("RBM_API_ROOT", "http://127.0.0.1:3"))).apiRoot().toString());
    List<String> withApiRoot = new java.util.ArrayList<>(base);
    withApiRoot.addAll(List.of("--api-root", "http://127.0.0.1:4/"));
    assertEquals("http://127.0.0.1:4/", SendReadCommand.rbmConfig(Args.parse(c, withApiRoot,
        Map.of("RBM_API_ROOT", "http://127.0.0.1:3/"))).apiRoot().toString());
    SendReadCommand.RbmConfig config = SendReadCommand.rbmConfig(Args.parse(c, base, env));
    assertEquals("+****0123", config.phone().toString());
    assertFalse(config.toString().contains("447700900123"), config.toString());
  }

  @Test
  void emulatorRbmOptionsAreChecked() {
    assertUsage(new String[] {"emulator", "--port", "0", "--unreachable", "+447700900123",
        "07700900123"}, "emulator: --unreachable must be E.164 ('+' then 8 to 15 digits, the first"
        + " not 0): it does not start with '+', got \"****0123\"");
    assertUsage(new String[] {"emulator", "--port", "0", "--rbm-client-token="},
        "emulator: --rbm-client-token must not be empty");
  }

  private static String[] with(String[] args, String name, String value) {
    List<String> out = new java.util.ArrayList<>(List.of(args));
    int i = out.indexOf(name);
    if (i >= 0) {
      out.set(i + 1, value);
    } else {
      out.addAll(List.of(name, value));
    }
    return out.toArray(String[]::new);
  }

  @Test
  void serveChecksItsRbmOptions() throws Exception {
    assertUsage(new String[] {"serve", "--signing-key", "k", "--rbm-path", "/rbm"},
        "serve: --rbm-path needs --rbm-client-token-file FILE or RBM_CLIENT_TOKEN (the RBM client"
            + " token enables RBM)");
    assertUsage(new String[] {"serve", "--signing-key", "k", "--rbm-client-token", "t",
        "--rbm-path", "rbm"}, "serve: --rbm-path must start with / and hold no ? or #, got \"rbm\"");
    for (String taken : List.of("/callback", "/", "/healthz", "/metrics")) {
      assertUsage(new String[] {"serve", "--signing-key", "k", "--rbm-client-token", "t",
          "--rbm-path", taken}, "serve: --rbm-path must differ from --path, /, /healthz and"
              + " /metrics, got \"" + taken + "\"");
    }
    assertUsage(new String[] {"serve", "--signing-key", "k", "--rbm-client-token", "t",
        "--rbm-api-root", "rcs.example"},
        "serve: --rbm-api-root must be an absolute http or https URL, got \"rcs.example\"");
    ServeCommand c = new ServeCommand();
    ServeCommand.Config off = ServeCommand.config(Args.parse(c, List.of("--path", "/rbm"),
        Map.of("BM_SIGNING_KEY", "k")));
    assertFalse(off.rbm(), "no RBM without its client token, whatever the paths");
    ServeCommand.Config on = ServeCommand.config(Args.parse(c, List.of("--rbm-path", "/rcs"),
        Map.of("BM_SIGNING_KEY", "k", "RBM_CLIENT_TOKEN", "t", "RBM_API_ROOT", "http://127.0.0.1:9/")));
    assertTrue(on.rbm());
    assertEquals("/rcs", on.rbmPath());
    assertEquals("http://127.0.0.1:9/", on.credentials().rbmApiRoot().toString());
    assertEquals("https://rcsbusinessmessaging.googleapis.com/", ServeCommand.config(Args.parse(c,
        List.of(), Map.of("BM_SIGNING_KEY", "k"))).credentials().rbmApiRoot().toString());
  }

  @Test
  void serveChecksPathThreadsAndFormat() {
    assertUsage(new String[] {"serve", "--path", "callback"},
        "serve: --path must start with / and hold no ? or #, got \"callback\"");
    assertUsage(new String[] {"serve", "--threads", "0"},
        "serve: --threads must be an integer 1..1024, got \"0\"");
    assertUsage(new String[] {"serve", "--read-timeout", "0"},
        "serve: --read-timeout must be a number from 0.001 to 3600, got \"0\"");
    assertUsage(new String[] {"serve", "--read-timeout", "soon"},
        "serve: --read-timeout must be a number from 0.001 to 3600, got \"soon\"");
    assertUsage(new String[] {"serve", "--backlog", "0"},
        "serve: --backlog must be an integer 1..65535, got \"0\"");
    assertUsage(new String[] {"report", "--journal", "pom.xml", "--format", "xml"},
        "report: --format must be one of text, json, csv, html, got \"xml\"");
  }

  @Test
  void commandLineCredentialWinsOverTheEnvironment() throws Exception {
    TestIo t = new TestIo(Map.of("GOOGLE_APPLICATION_CREDENTIALS", "pom.xml"));
    SendReadCommand c = new SendReadCommand();
    SendReadCommand.Config config = SendReadCommand.config(Args.parse(c,
        List.of("--conversation", "c", "--message", "m", "--access-token", "t"), t.io.env()));
    assertEquals("t", config.credentials().accessToken().orElseThrow());
    assertTrue(config.credentials().keyFile().isEmpty());
    assertEquals("https://businessmessages.googleapis.com/",
        config.credentials().apiRoot().toString());
    assertFalse(config.credentials().toString().contains("=t,"), "token never shown");
  }

  @Test
  void signingKeyDefaultsToTheClientToken() throws Exception {
    ServeCommand c = new ServeCommand();
    ServeCommand.Config config = ServeCommand.config(Args.parse(c, List.of(),
        Map.of("BM_CLIENT_TOKEN", "ct", "PORT", "9090")));
    assertEquals("ct", config.signingKey().orElseThrow());
    assertEquals(9090, config.port());
    assertEquals("127.0.0.1", config.host(), "loopback unless exposed on purpose");
    assertEquals("/callback", config.path());
    ServeCommand.Config none = ServeCommand.config(Args.parse(c, List.of("--no-signature-check"),
        Map.of()));
    assertTrue(none.signingKey().isEmpty());
    assertEquals(8080, none.port());
  }

  @Test
  void runtimeFailuresExit1WithOneLine() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      TestIo t = new TestIo();
      assertEquals(1, t.run("serve", "--host", "127.0.0.1", "--port",
          String.valueOf(taken.getLocalPort()), "--no-signature-check"));
      assertEquals(1, t.errLines().size(), t.err());
      assertTrue(t.errLines().get(0).startsWith("serve: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": "), t.err());
      TestIo e = new TestIo();
      assertEquals(1, e.run("emulator", "--port", String.valueOf(taken.getLocalPort())));
      assertEquals(1, e.errLines().size(), e.err());
      assertTrue(e.errLines().get(0).startsWith("emulator: cannot listen on"), e.err());
    }
    TestIo j = new TestIo();
    assertEquals(1, j.run("serve", "--host", "127.0.0.1", "--port", "0", "--journal",
        "/nonexistent/dir/journal.jsonl", "--no-signature-check"));
    assertEquals(1, j.errLines().size(), j.err());
    assertTrue(j.errLines().get(0).startsWith("serve: "), j.err());
    assertTrue(j.errLines().get(0).contains("/nonexistent/dir/journal.jsonl"), j.err());
  }

  @Test
  void versionPrintsTheBuiltVersion() {
    TestIo t = new TestIo();
    assertEquals(0, t.run("--version"));
    assertEquals(List.of("receipts-demo " + System.getProperty("project.version")), t.outLines());
    assertEquals("", t.err());
    assertUsage(new String[] {"--version", "serve"}, "receipts-demo: --version takes no arguments");
  }

  @Test
  void exposingServeOnEveryAddressIsExplicit() throws Exception {
    ServeCommand c = new ServeCommand();
    assertEquals("0.0.0.0", ServeCommand.config(Args.parse(c, List.of("--host", "0.0.0.0"),
        Map.of("BM_SIGNING_KEY", "k"))).host());
  }

  static void assertUsage(String[] args, String line) {
    TestIo t = new TestIo();
    assertEquals(2, t.run(args), () -> t.err());
    assertEquals(List.of(line), t.errLines());
    assertFalse(t.out().contains("\n"), t.out());
  }
}
