// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.rbm.AgentEventId;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmSignature;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import dev.bmreceipts.testsupport.TestPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve with RCS Business Messaging beside Business Messages, in-process, against the emulator on
 * loopback: one process, one journal, one set of metrics, both protocols.
 */
class ServeRbmTest {
  private static final String KEY = "shared-signing-key";
  private static final String RBM_TOKEN = "rbm-client-token";
  private static final String PHONE = "+447700900123";
  private static final String OTHER_PHONE = "+16505551234";
  private static KeyPair pair;

  @TempDir Path dir;
  private Emulator emulator;
  private ReceiptService serve;
  private TestIo serveIo;
  private Path journal;

  @BeforeAll
  static void keys() throws Exception {
    pair = Keys.rsa();
  }

  @BeforeEach
  void start() throws Exception {
    Path keyJson = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    EmulatorCommand ec = new EmulatorCommand();
    TestIo emuIo = new TestIo(Map.of("RBM_CLIENT_TOKEN", RBM_TOKEN));
    emulator = ec.start(Args.parse(ec, List.of("--port", "0", "--trust-key", keyJson.toString(),
        "--signing-key", KEY), emuIo.io.env()), emuIo.io);
    assertTrue(emuIo.outLines().get(0).endsWith("; push signing key set; RBM client token set"),
        emuIo.out());
    Keys.writeKeyJson(dir, pair, emulator.tokenUri().toString());
    journal = dir.resolve("journal.jsonl");
    serveIo = new TestIo(Map.of("RBM_CLIENT_TOKEN", RBM_TOKEN,
        "RBM_API_ROOT", emulator.uri().toString()));
    ServeCommand sc = new ServeCommand();
    serve = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0", "--auto-read",
        "--credentials", keyJson.toString(), "--api-root", emulator.uri().toString(),
        "--journal", journal.toString(), "--signing-key", KEY), serveIo.io.env()), serveIo.io);
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

  private URI rbm() {
    return serve.root().resolve("/rbm");
  }

  /** The emulator signs {@code data} with the RBM client token and pushes it to serve's RBM path. */
  private JsonObject pushRbm(String data) throws Exception {
    HttpResponse<String> r = Http.post(URI.create(emulator.uri() + "emulator/push-rbm?to="
        + URLEncoder.encode(rbm().toString(), StandardCharsets.UTF_8)), "application/json", data);
    assertEquals(200, r.statusCode(), r.body());
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private JsonObject pushBm(String payload) throws Exception {
    HttpResponse<String> r = Http.post(URI.create(emulator.uri() + "emulator/push?to="
        + URLEncoder.encode(serve.uri().toString(), StandardCharsets.UTF_8)), "application/json",
        payload);
    assertEquals(200, r.statusCode(), r.body());
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private HttpResponse<String> postRbm(String body, String signature) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(rbm()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (signature != null) {
      b.header(RbmSignature.HEADER, signature);
    }
    return Http.send(b);
  }

  private List<String> journalLines() throws Exception {
    return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
  }

  /** Every request the emulator received so far, after serve has closed. */
  private List<RecordedRequest> received() throws InterruptedException {
    List<RecordedRequest> seen = new ArrayList<>();
    for (RecordedRequest r; (r = emulator.takeRequest(Duration.ZERO)) != null; ) {
      seen.add(r);
    }
    return seen;
  }

  @Test
  void startupLinesNameTheRbmPathAndHowToPushToIt() {
    int port = serve.uri().getPort();
    List<String> out = serveIo.outLines();
    assertEquals("serving " + serve.uri() + "; signatures checked; journal " + journal
        + "; RBM http://127.0.0.1:" + port + "/rbm, signatures checked", out.get(0));
    assertTrue(out.get(1).endsWith("; RBM: with the same RBM_CLIENT_TOKEN, POST a decoded event to"
        + " http://127.0.0.1:8181/emulator/push-rbm?to=http://127.0.0.1:" + port + "/rbm"), out.get(1));
  }

  @Test
  void handshakeAnswersTheSecretOnlyForTheClientToken() throws Exception {
    HttpResponse<String> ok = Http.post(rbm(), "application/json",
        "{\"clientToken\":\"" + RBM_TOKEN + "\",\"secret\":\"s-42\"}");
    assertEquals(200, ok.statusCode());
    assertEquals("s-42", ok.body());
    HttpResponse<String> wrong = Http.post(rbm(), "application/json",
        "{\"clientToken\":\"" + KEY + "\",\"secret\":\"s-43\"}");
    assertEquals(403, wrong.statusCode());
    assertFalse(wrong.body().contains("s-43"));
  }

  @Test
  void signedPushIsJournaledPrintedMaskedAndCounted() throws Exception {
    assertEquals(200, pushRbm(Payloads.rbmEvent("ev-1", PHONE, "DELIVERED", "am-1"))
        .getInt("status"));
    List<String> lines = journalLines();
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("{\"agent\":\"agent-1\",\"conversationId\":\"" + PHONE
        + "\",\"customAgentId\":\"\",\"messageId\":\"am-1\",\"message\":\"conversations/" + PHONE
        + "/messages/am-1\",\"receiptType\":\"DELIVERED\",\"createTime\":\"2024-05-01T10:00:02.5Z\","), lines.get(0));
    assertTrue(lines.get(0).endsWith(",\"requestId\":\"ev-1\",\"protocol\":\"rbm\"}"), lines.get(0));
    assertEquals("receipt DELIVERED phones/+****0123/messages/am-1 agent=agent-1",
        serveIo.outLines().get(2));
    String m = serve.prometheus();
    assertTrue(m.contains("bm_receipts_received_total{type=\"DELIVERED\"} 1\n"), m);
    assertTrue(m.contains("bm_receipts_by_protocol_total{protocol=\"rbm\",type=\"DELIVERED\"} 1\n"), m);
    assertTrue(m.contains("bm_webhook_requests_total{status=\"200\"} 1\n"), m);
    assertFalse(serveIo.out().contains("447700900123"), "no whole phone on stdout");
  }

  @Test
  void badOrMissingSignatureIs401AndTouchesNothing() throws Exception {
    String data = Payloads.rbmEvent("ev-2", PHONE, "READ", "am-1");
    String envelope = Payloads.rbmEnvelope(data, "7");
    HttpResponse<String> bad = postRbm(envelope,
        RbmSignature.sign("not-the-token", data.getBytes(StandardCharsets.UTF_8)));
    assertEquals(401, bad.statusCode());
    assertEquals("invalid X-Goog-Signature", bad.body());
    // the Business Messages signature, over the body with the BM key, is no RBM signature
    HttpResponse<String> bmStyle = postRbm(envelope,
        dev.bmreceipts.core.WebhookSignature.sign(KEY, envelope.getBytes(StandardCharsets.UTF_8)));
    assertEquals(401, bmStyle.statusCode());
    assertEquals(401, postRbm(envelope, null).statusCode());
    assertEquals(List.of(), journalLines());
    assertTrue(serve.prometheus().contains("bm_webhook_requests_total{status=\"401\"} 3\n"));
    assertEquals(2, serveIo.outLines().size(), "only the startup lines");
    // the same envelope, signed as RBM signs it, is taken
    assertEquals(200, postRbm(envelope, RbmSignature.sign(RBM_TOKEN,
        data.getBytes(StandardCharsets.UTF_8))).statusCode());
    assertEquals(1, journalLines().size());
  }

  @Test
  void redeliveryIsJournaledOnceAndBothReceiptsOfAMessageCount() throws Exception {
    String delivered = Payloads.rbmEvent("ev-3", PHONE, "DELIVERED", "am-2");
    assertEquals(200, pushRbm(delivered).getInt("status"));
    assertEquals(200, pushRbm(delivered).getInt("status"));
    // a DELIVERED and a READ share the messageId: both pass, deduped on (eventId, phone)
    assertEquals(200, pushRbm(Payloads.rbmEvent("ev-4", PHONE, "READ", "am-2")).getInt("status"));
    List<String> lines = journalLines();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(1).contains("\"receiptType\":\"READ\""), lines.get(1));
    String m = serve.prometheus();
    assertTrue(m.contains("bm_receipts_received_total{type=\"DELIVERED\"} 1\n"), m);
    assertTrue(m.contains("bm_receipts_received_total{type=\"READ\"} 1\n"), m);
    assertTrue(m.contains("bm_webhook_requests_total{status=\"200\"} 3\n"), m);
  }

  @Test
  void withAStoreRbmReceiptsAndUserMessagesGoIntoTheSharedInboxOnceWithTheirProtocol()
      throws Exception {
    String db = "serve_rbm_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    try (Connection c = TestPostgres.shared().dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    String url = TestPostgres.shared().url().replaceFirst("/[^/?]+(\\?|$)", "/" + db + "$1");
    serve.close();
    TestIo io = new TestIo(Map.of("RBM_CLIENT_TOKEN", RBM_TOKEN));
    ServeCommand sc = new ServeCommand();
    serve = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0", "--store", url, "--store-migrate",
        "--signing-key", KEY), io.io.env()), io.io);
    String delivered = Payloads.rbmEvent("ev-s1", PHONE, "DELIVERED", "am-s1");
    String message = Payloads.rbmMessage(PHONE, "um-s1");
    for (String data : List.of(delivered, message, delivered, message)) {
      assertEquals(200, pushRbm(data).getInt("status"));
    }
    pushBm(Payloads.userMessage("req-s1", "conv-s1", "msg-s1"));
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT kind || ' ' || protocol || ' ' || conversation_id"
            + " FROM bm_inbox ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    assertEquals(List.of("RECEIPT rbm " + PHONE, "USER_MESSAGE rbm " + PHONE,
        "MESSAGE bm conv-s1"), rows);
  }

  @Test
  void aRestartOnTheSameJournalAnswersRbmRedeliveriesWithoutJournalingThemAgain() throws Exception {
    String delivered = Payloads.rbmEvent("ev-6", PHONE, "DELIVERED", "am-6");
    assertEquals(200, pushRbm(delivered).getInt("status"));
    serve.close();
    TestIo io = new TestIo(Map.of("RBM_CLIENT_TOKEN", RBM_TOKEN));
    ServeCommand sc = new ServeCommand();
    serve = sc.start(Args.parse(sc, List.of("--host", "127.0.0.1", "--port", "0", "--journal",
        journal.toString(), "--signing-key", KEY), io.io.env()), io.io);
    assertTrue(io.outLines().get(0).contains("dedupe keys read from it"), io.out());
    assertEquals(200, pushRbm(delivered).getInt("status"));
    assertEquals(1, journalLines().size(), "the redelivery after the restart reached nobody");
    assertEquals(200, pushRbm(Payloads.rbmEvent("ev-7", PHONE, "READ", "am-6")).getInt("status"));
    assertEquals(2, journalLines().size());
  }

  @Test
  void autoReadSendsOneRbmReadPerUserMessageAndBmReadsBeside() throws Exception {
    pushRbm(Payloads.rbmMessage(PHONE, "um-1"));
    pushRbm(Payloads.rbmMessage(PHONE, "um-1")); // redelivered: no second READ
    pushRbm(Payloads.rbmMessage(OTHER_PHONE, "um-2"));
    pushBm(Payloads.userMessage("req-m1", "conv-1", "msg-1"));
    // the READs are sent after the answers; close() returns once they were sent and counted
    serve.close();
    List<RecordedRequest> seen = received();
    List<RecordedRequest> events = seen.stream()
        .filter(r -> r.path().startsWith("/v1/phones/")).toList();
    assertEquals(2, events.size(), seen.toString());
    assertEquals(java.util.Set.of("/v1/phones/%2B447700900123/agentEvents",
        "/v1/phones/%2B16505551234/agentEvents"),
        events.stream().map(RecordedRequest::path).collect(java.util.stream.Collectors.toSet()));
    for (RecordedRequest e : events) {
      boolean first = e.path().contains("447700900123");
      String phone = first ? PHONE : OTHER_PHONE;
      String id = first ? "um-1" : "um-2";
      assertEquals("POST", e.method());
      assertEquals(AgentEventId.read("agent-1", PhoneNumber.of(phone), id).toString(),
          e.queryParameter("eventId"));
      assertEquals("agent-1", e.queryParameter("agentId"));
      assertEquals("{\"eventType\":\"READ\",\"messageId\":\"" + id + "\"}", e.body());
      // a token the emulator issued for the RBM scope: it refuses a Business Messages one
      assertEquals("issued", e.auth());
      assertEquals(200, e.status());
    }
    assertEquals(2, emulator.agentEventCount());
    RecordedRequest patch = seen.stream().filter(r -> r.method().equals("PATCH")).findFirst()
        .orElseThrow();
    assertEquals("/v1/conversations/conv-1/messages/msg-1/receipt", patch.path());
    assertEquals(200, patch.status());
    assertEquals(2, seen.stream().filter(r -> r.path().equals("/token")).count(),
        "one token per scope");
    assertTrue(serve.prometheus().contains("bm_agent_receipts_sent_total{outcome=\"ok\"} 3\n"),
        serve.prometheus());
    List<String> out = serveIo.outLines();
    assertTrue(out.contains("sent RBM READ phones/+****0123/messages/um-1 agent=agent-1"), out.toString());
    assertTrue(out.contains("sent RBM READ phones/+****1234/messages/um-2 agent=agent-1"), out.toString());
    assertTrue(out.contains("sent READ conversations/conv-1/messages/msg-1"), out.toString());
    assertFalse(serveIo.out().contains("447700900123"), "no whole phone on stdout");
    assertEquals(List.of(), journalLines(), "user messages are not receipts");
  }

  @Test
  void payloadTextCannotForgeALineOrDriveTheTerminal() throws Exception {
    JsonObject a = pushRbm(Payloads.rbmEvent("ev-5", PHONE, "READ", "am-5")
        .replace("\"agentId\":\"agent-1\"", "\"agentId\":\"a\\u001b[31m\\nreceipt READ fake\""));
    assertEquals(200, a.getInt("status"), a.toString());
    assertEquals(List.of("receipt READ phones/+****0123/messages/am-5 agent=a\\x1b[31m\\nreceipt"
        + " READ fake"), serveIo.outLines().subList(2, serveIo.outLines().size()));
  }

  @Test
  void theRbmPathIsExactAndTakesPostOnly() throws Exception {
    assertEquals(404, Http.post(serve.root().resolve("/rbm/x"), "application/json", "{}")
        .statusCode());
    assertEquals(404, Http.post(serve.root().resolve("/rbmx"), "application/json", "{}")
        .statusCode());
    assertEquals(405, Http.get(rbm()).statusCode());
    assertEquals(400, Http.post(rbm(), "application/json", "{\"message\":{}}").statusCode());
  }
}
