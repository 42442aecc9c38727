// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve and the emulator together, in-process, on loopback: the whole flow with no network. */
class ServeTest {
  private static final String KEY = "shared-signing-key";
  private static KeyPair pair;

  @TempDir Path dir;
  private Emulator emulator;
  private ReceiptService serve;
  private TestIo serveIo;
  private Path journal;
  private Path keyJson;

  @BeforeAll
  static void keys() throws Exception {
    pair = Keys.rsa();
  }

  @BeforeEach
  void start() throws Exception {
    // the emulator reads the key once at start; the key's token_uri then points at it
    keyJson = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    EmulatorCommand ec = new EmulatorCommand();
    TestIo emuIo = new TestIo();
    emulator = ec.start(Args.parse(ec, List.of("--port", "0", "--trust-key", keyJson.toString(),
        "--signing-key", KEY), Map.of()), emuIo.io);
    Keys.writeKeyJson(dir, pair, emulator.tokenUri().toString());
    journal = dir.resolve("journal.jsonl");
    serveIo = new TestIo();
    ServeCommand sc = new ServeCommand();
    serve = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0", "--auto-read",
        "--credentials", keyJson.toString(), "--api-root", emulator.uri().toString(),
        "--journal", journal.toString(), "--signing-key", KEY), Map.of()), serveIo.io);
  }

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  private JsonObject push(String payload) throws Exception {
    HttpResponse<String> r = Http.post(URI.create(emulator.uri() + "emulator/push?to="
        + URLEncoder.encode(serve.uri().toString(), StandardCharsets.UTF_8)), "application/json",
        payload);
    assertEquals(200, r.statusCode(), r.body());
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private List<String> journalLines() throws Exception {
    return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
  }

  private String metrics() throws Exception {
    HttpResponse<String> r = Http.get(serve.root().resolve("/metrics"));
    assertEquals(200, r.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        r.headers().firstValue("Content-Type").orElseThrow());
    return r.body();
  }

  /** The requests the emulator received up to and including the next PATCH. */
  private List<RecordedRequest> upToNextPatch() throws InterruptedException {
    List<RecordedRequest> seen = new ArrayList<>();
    for (RecordedRequest r; (r = emulator.takeRequest(Duration.ofSeconds(15))) != null; ) {
      seen.add(r);
      if (r.method().equals("PATCH")) {
        return seen;
      }
    }
    throw new AssertionError("no PATCH within 15 s; saw " + seen);
  }

  @Test
  void startupLineSaysUrlSignaturesAndJournal() {
    int port = serve.uri().getPort();
    assertEquals(List.of("serving " + serve.uri() + "; signatures checked; journal " + journal,
        "try: curl -sS http://127.0.0.1:" + port + "/healthz (or /metrics); signed test payloads:"
            + " 'emulator --port 8181' with the same BM_SIGNING_KEY, then POST a payload to"
            + " http://127.0.0.1:8181/emulator/push?to=http://127.0.0.1:" + port + "/callback"),
        serveIo.outLines());
    assertTrue(serve.uri().toString().matches("http://127\\.0\\.0\\.1:\\d+/callback"));
  }

  @Test
  void userMessageGetsAReadReceiptWithAnIssuedToken() throws Exception {
    JsonObject answer = push(Payloads.userMessage("req-m1", "conv-1", "msg-1"));
    assertEquals(200, answer.getInt("status"));
    assertTrue(metrics().contains("bm_webhook_requests_total{status=\"200\"} 1\n"));
    // the READ is sent after the answer; close() returns once it was sent and counted
    serve.close();
    List<RecordedRequest> seen = upToNextPatch();
    RecordedRequest patch = seen.get(seen.size() - 1);
    assertEquals("/v1/conversations/conv-1/messages/msg-1/receipt", patch.path());
    assertEquals("issued", patch.auth());
    assertEquals(200, patch.status());
    assertEquals("{\"receiptType\":\"READ\"}", patch.body());
    assertTrue(seen.stream().anyMatch(r -> r.path().equals("/token") && r.status() == 200),
        seen.toString());
    assertTrue(serve.prometheus().contains("bm_agent_receipts_sent_total{outcome=\"ok\"} 1\n"));
    assertTrue(serve.prometheus().contains("bm_agent_receipts_sent_total{outcome=\"failed\"} 0\n"));
    assertEquals(List.of(), journalLines(), "a user message is not a receipt");
    assertEquals("sent READ conversations/conv-1/messages/msg-1", serveIo.outLines().get(2));
  }

  @Test
  void failedAutoReadIsCountedNotRetriedForever() throws Exception {
    assertEquals(200, Http.post(emulator.uri().resolve("/emulator/script"), "text/plain", "404")
        .statusCode());
    assertEquals(200, push(Payloads.userMessage("req-f1", "conv-9", "gone")).getInt("status"));
    // close() returns once the READ was tried and its failure counted
    serve.close();
    assertTrue(serve.prometheus().contains("bm_agent_receipts_sent_total{outcome=\"failed\"} 1\n"));
    assertEquals(404, upToNextPatch().stream().filter(r -> r.method().equals("PATCH"))
        .findFirst().orElseThrow().status());
    assertNull(emulator.takeRequest(Duration.ofMillis(200)), "one PATCH, not retried");
  }

  @Test
  void clientTokenAnswersTheHandshake() throws Exception {
    TestIo io = new TestIo();
    ServeCommand sc = new ServeCommand();
    try (ReceiptService s = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0"),
        Map.of("BM_CLIENT_TOKEN", "client-token-1")), io.io)) {
      assertTrue(io.outLines().get(0).contains("; signatures checked;"), io.out());
      byte[] body = "{\"clientToken\":\"client-token-1\",\"secret\":\"s-42\"}"
          .getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> r = Http.send(java.net.http.HttpRequest.newBuilder(s.uri())
          .header("Content-Type", "application/json")
          .header(dev.bmreceipts.core.WebhookSignature.HEADER,
              dev.bmreceipts.core.WebhookSignature.sign("client-token-1", body))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
      assertEquals(200, r.statusCode());
      assertEquals("s-42", r.body());
    }
  }

  @Test
  void threeReceiptsGiveThreeJournalLinesStdoutLinesAndMetrics() throws Exception {
    JsonObject answer = push(Payloads.receipts("req-r1", "conv-2", "DELIVERED",
        List.of("m1", "m2", "m3")));
    assertEquals(200, answer.getInt("status"));
    List<String> lines = journalLines();
    assertEquals(3, lines.size());
    assertEquals("{\"agent\":\"" + Payloads.AGENT + "\",\"conversationId\":\"conv-2\","
        + "\"customAgentId\":\"custom\",\"messageId\":\"m1\","
        + "\"message\":\"conversations/conv-2/messages/m1\",\"receiptType\":\"DELIVERED\","
        + "\"createTime\":\"2024-05-01T10:00:00.123456Z\",\"sendTime\":\"2024-05-01T10:00:01Z\","
        + "\"requestId\":\"req-r1\"}",
        lines.get(0));
    List<String> out = serveIo.outLines();
    assertEquals(List.of(
        "receipt DELIVERED conversations/conv-2/messages/m1 agent=" + Payloads.AGENT,
        "receipt DELIVERED conversations/conv-2/messages/m2 agent=" + Payloads.AGENT,
        "receipt DELIVERED conversations/conv-2/messages/m3 agent=" + Payloads.AGENT),
        out.subList(2, out.size()));
    String m = metrics();
    assertTrue(m.contains("bm_receipts_received_total{type=\"DELIVERED\"} 3\n"), m);
    assertTrue(m.contains("bm_receipts_received_total{type=\"READ\"} 0\n"), m);
    assertTrue(m.contains("bm_webhook_requests_total{status=\"200\"} 1\n"), m);
    assertTrue(m.contains("bm_agent_receipts_sent_total{outcome=\"ok\"} 0\n"), m);
  }

  @Test
  void unsignedPostIs401AndJournalsNothing() throws Exception {
    HttpResponse<String> r = Http.post(serve.uri(), "application/json",
        Payloads.receipts("req-u1", "conv-3", "READ", List.of("m1")));
    assertEquals(401, r.statusCode());
    assertEquals(List.of(), journalLines());
    assertTrue(metrics().contains("bm_webhook_requests_total{status=\"401\"} 1\n"));
    assertEquals(2, serveIo.outLines().size(), "only the startup lines");
  }

  @Test
  void redeliveryAddsNoJournalLines() throws Exception {
    String payload = Payloads.receipts("req-d1", "conv-4", "READ", List.of("m1", "m2"));
    assertEquals(200, push(payload).getInt("status"));
    assertEquals(200, push(payload).getInt("status"));
    assertEquals(2, journalLines().size());
    assertTrue(metrics().contains("bm_receipts_received_total{type=\"READ\"} 2\n"));
  }

  @Test
  void healthzAndUnknownPaths() throws Exception {
    HttpResponse<String> h = Http.get(serve.root().resolve("/healthz"));
    assertEquals(200, h.statusCode());
    assertEquals("ok\n", h.body());
    assertEquals(404, Http.get(serve.root().resolve("/nothing")).statusCode());
    assertEquals(405, Http.post(serve.root().resolve("/metrics"), "text/plain", "").statusCode());
    assertEquals(405, Http.get(serve.uri()).statusCode());
  }

  @Test
  void closeFlushesTheJournalAndStopsAccepting() throws Exception {
    push(Payloads.receipts("req-c1", "conv-5", "READ", List.of("m1")));
    serve.close();
    assertEquals(1, journalLines().size());
    List<Exception> failures = new ArrayList<>();
    try {
      Http.get(serve.root().resolve("/healthz"));
    } catch (java.io.IOException e) {
      failures.add(e);
    }
    assertEquals(1, failures.size(), "the server no longer accepts");
    serve = null;
  }

  @Test
  void withNoSignatureCheckTheStartupLineSaysSoLoudly() throws Exception {
    TestIo io = new TestIo();
    ServeCommand sc = new ServeCommand();
    try (ReceiptService s = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0",
        "--quiet", "--no-signature-check"), Map.of()), io.io)) {
      assertEquals("serving " + s.uri() + "; signatures NOT CHECKED (--no-signature-check:"
          + " anyone who can reach it can post receipts); journal none", io.outLines().get(0));
      assertEquals(2, io.outLines().size(), io.out());
      HttpResponse<String> r = Http.post(s.uri(), "application/json",
          Payloads.receipts("req-q1", "conv-6", "READ", List.of("m1")));
      assertEquals(200, r.statusCode());
      assertEquals(2, io.outLines().size(), "--quiet prints no receipt lines");
      assertFalse(s.prometheus().contains("bm_receipts_received_total{type=\"READ\"} 0\n"));
    }
  }
}
