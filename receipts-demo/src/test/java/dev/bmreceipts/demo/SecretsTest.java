// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and tokens: set-but-empty is a usage error, never "no key"; serve refuses to run unsigned
 * unless told; secrets can come from files, and are never printed.
 */
class SecretsTest {
  @TempDir Path dir;

  private static TestIo run(Map<String, String> env, String... args) {
    TestIo t = new TestIo(env);
    t.run(args);
    return t;
  }

  private static void assertUsage(Map<String, String> env, String[] args, String line) {
    TestIo t = new TestIo(env);
    assertEquals(2, t.run(args), t::err);
    assertEquals(List.of(line), t.errLines());
    assertEquals("", t.out());
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static ServeCommand.Config serveConfig(Map<String, String> env, String... args) throws Exception {
    return ServeCommand.config(Args.parse(new ServeCommand(), List.of(args), env));
  }

  @Test
  void anEmptySigningKeyInTheEnvironmentIsAUsageErrorNotNoKey() {
    assertUsage(Map.of("BM_SIGNING_KEY", ""), new String[] {"serve"},
        "serve: --signing-key (from BM_SIGNING_KEY) must not be empty");
  }

  @Test
  void emptyTokensAndKeysAreUsageErrors() {
    assertUsage(Map.of("BM_CLIENT_TOKEN", ""), new String[] {"serve"},
        "serve: --client-token (from BM_CLIENT_TOKEN) must not be empty");
    assertUsage(Map.of(), new String[] {"serve", "--client-token="}, "serve: --client-token must not be empty");
    assertUsage(Map.of(), new String[] {"serve", "--signing-key", ""}, "serve: --signing-key must not be empty");
    assertUsage(Map.of("BM_ACCESS_TOKEN", ""), new String[] {"send-read", "--conversation", "c", "--message",
        "m"}, "send-read: --access-token (from BM_ACCESS_TOKEN) must not be empty");
  }

  @Test
  void serveWithoutAKeyRefusesToStartAndSaysHowToGiveOne() {
    assertUsage(Map.of(), new String[] {"serve", "--port", "0"},
        "serve: no signing key: set BM_SIGNING_KEY or give --signing-key-file FILE (or a client token:"
            + " BM_CLIENT_TOKEN, --client-token-file FILE); to accept unsigned requests, give"
            + " --no-signature-check");
  }

  @Test
  void noSignatureCheckBesideAKeyIsAContradiction() {
    assertUsage(Map.of("BM_SIGNING_KEY", "k"), new String[] {"serve", "--no-signature-check"},
        "serve: --no-signature-check contradicts the signing key given (--signing-key,"
            + " --signing-key-file or BM_SIGNING_KEY): give one or the other");
  }

  @Test
  void noSignatureCheckWithAClientTokenKeepsTheHandshakeAndChecksNothing() throws Exception {
    ServeCommand.Config c = serveConfig(Map.of("BM_CLIENT_TOKEN", "ct"), "--no-signature-check");
    assertEquals("ct", c.clientToken().orElseThrow());
    assertTrue(c.signingKey().isEmpty());
  }

  @Test
  void secretFilesLoseOneTrailingNewline() throws Exception {
    assertEquals("key-1", serveConfig(Map.of(), "--signing-key-file",
        file("k1", "key-1\n").toString()).signingKey().orElseThrow());
    assertEquals("key-2", serveConfig(Map.of(), "--signing-key-file",
        file("k2", "key-2\r\n").toString()).signingKey().orElseThrow());
    assertEquals("key-3\n", serveConfig(Map.of(), "--signing-key-file",
        file("k3", "key-3\n\n").toString()).signingKey().orElseThrow());
    ServeCommand.Config c = serveConfig(Map.of(), "--client-token-file", file("ct", "token-4").toString());
    assertEquals("token-4", c.clientToken().orElseThrow());
    assertEquals("token-4", c.signingKey().orElseThrow(), "the signing key defaults to the client token");
  }

  @Test
  void aFileOnTheCommandLineWinsOverTheEnvironmentButNotBesideItsOption() throws Exception {
    Path k = file("k", "from-file\n");
    assertEquals("from-file", serveConfig(Map.of("BM_SIGNING_KEY", "from-env"), "--signing-key-file",
        k.toString()).signingKey().orElseThrow());
    assertUsage(Map.of(), new String[] {"serve", "--signing-key", "x", "--signing-key-file", k.toString()},
        "serve: give --signing-key or --signing-key-file, not both");
  }

  @Test
  void anEmptyOrMissingSecretFileIsAUsageErrorThatNeverPrintsContent() throws Exception {
    Path empty = file("empty", "");
    assertUsage(Map.of(), new String[] {"serve", "--signing-key-file", empty.toString()},
        "serve: --signing-key-file \"" + empty + "\" is empty");
    Path newline = file("newline", "\n");
    assertUsage(Map.of(), new String[] {"serve", "--client-token-file", newline.toString()},
        "serve: --client-token-file \"" + newline + "\" is empty");
    assertUsage(Map.of(), new String[] {"serve", "--signing-key-file", dir.resolve("none").toString()},
        "serve: --signing-key-file must be a readable file, got \"" + dir.resolve("none") + "\"");
    Path spaced = file("spaced", "ya29.top secret\n");
    TestIo t = run(Map.of(), "send-read", "--conversation", "c", "--message", "m", "--access-token-file",
        spaced.toString());
    assertEquals(List.of("send-read: --access-token-file must not contain whitespace or control characters"),
        t.errLines());
    assertFalse(t.err().contains("top secret"));
  }

  @Test
  void anAccessTokenFileAuthorizesSendRead() throws Exception {
    SendReadCommand.Config c = SendReadCommand.config(Args.parse(new SendReadCommand(), List.of(
        "--conversation", "c", "--message", "m", "--access-token-file", file("t", "tok-5\n").toString()),
        Map.of()));
    assertEquals("tok-5", c.credentials().accessToken().orElseThrow());
    assertFalse(c.credentials().toString().contains("tok-5"));
  }

  @Test
  void serveChecksSignaturesWithTheKeyFromItsFile() throws Exception {
    Path key = file("key", "file-key-6\n");
    TestIo io = new TestIo();
    ServeCommand sc = new ServeCommand();
    try (ReceiptService s = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0", "--quiet",
        "--signing-key-file", key.toString()), Map.of()), io.io)) {
      assertTrue(io.outLines().get(0).contains("; signatures checked;"), io.out());
      assertFalse(io.out().contains("file-key-6"));
      byte[] body = Payloads.receipts("req-s1", "conv-s", "READ", List.of("m1")).getBytes(StandardCharsets.UTF_8);
      assertEquals(200, signed(s, body, "file-key-6").statusCode());
      assertEquals(401, signed(s, body, "file-key-6\n").statusCode(), "the newline is not part of the key");
    }
  }

  private static HttpResponse<String> signed(ReceiptService s, byte[] body, String key) throws Exception {
    return Http.send(HttpRequest.newBuilder(s.uri()).header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(key, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  @Test
  void theRbmClientTokenIsASecretLikeTheOthers() throws Exception {
    assertUsage(Map.of("RBM_CLIENT_TOKEN", "", "BM_SIGNING_KEY", "k"), new String[] {"serve"},
        "serve: --rbm-client-token (from RBM_CLIENT_TOKEN) must not be empty");
    Path empty = file("rbm-empty", "\n");
    assertUsage(Map.of("BM_SIGNING_KEY", "k"), new String[] {"serve", "--rbm-client-token-file",
        empty.toString()}, "serve: --rbm-client-token-file \"" + empty + "\" is empty");
    Path token = file("rbm-token", "rbm-secret-7\n");
    assertUsage(Map.of("BM_SIGNING_KEY", "k"), new String[] {"serve", "--rbm-client-token", "x",
        "--rbm-client-token-file", token.toString()},
        "serve: give --rbm-client-token or --rbm-client-token-file, not both");
    ServeCommand.Config c = serveConfig(Map.of("BM_SIGNING_KEY", "k"), "--rbm-client-token-file",
        token.toString());
    assertEquals("rbm-secret-7", c.rbmClientToken().orElseThrow());
    assertFalse(c.toString().contains("rbm-secret-7"), c.toString());
    // the RBM token is not a Business Messages key: without one, serve still refuses to start
    assertUsage(Map.of("RBM_CLIENT_TOKEN", "rbm-secret-7"), new String[] {"serve"},
        "serve: no signing key: set BM_SIGNING_KEY or give --signing-key-file FILE (or a client token:"
            + " BM_CLIENT_TOKEN, --client-token-file FILE); to accept unsigned requests, give"
            + " --no-signature-check");
    TestIo io = new TestIo();
    ServeCommand sc = new ServeCommand();
    try (ReceiptService s = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0",
        "--rbm-client-token-file", token.toString(), "--signing-key-file", file("key", "k8").toString()),
        Map.of()), io.io)) {
      assertTrue(io.outLines().get(0).endsWith("; RBM " + s.rbmUri() + ", signatures checked"),
          io.out());
      assertFalse(io.out().contains("rbm-secret-7"));
      // the token from the file answers the handshake
      assertEquals("s-9", Http.post(s.rbmUri(), "application/json",
          "{\"clientToken\":\"rbm-secret-7\",\"secret\":\"s-9\"}").body());
    }
  }

  @Test
  void helpSaysWhereSecretsCanComeFrom() {
    TestIo t = run(Map.of(), "serve", "--help");
    for (String s : List.of("--signing-key-file FILE", "--client-token-file FILE", "--access-token-file FILE",
        "--no-signature-check", "--send-timeout SECONDS", "show in the process list",
        "--rbm-client-token T [RBM_CLIENT_TOKEN]", "--rbm-client-token-file FILE", "--rbm-path PATH",
        "--rbm-api-root URL [RBM_API_ROOT]")) {
      assertTrue(t.out().contains(s), s + " in\n" + t.out());
    }
    TestIo r = run(Map.of(), "send-read", "--help");
    assertTrue(r.out().contains("--timeout SECONDS"), r.out());
  }
}
