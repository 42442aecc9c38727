// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.rbm.AgentEventId;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** send-read against the emulator. */
class SendReadTest {
  private static final String OK =
      "{\"name\":\"conversations/conv-1/messages/msg-1/receipt\",\"receiptType\":\"READ\"}";
  private static KeyPair pair;

  @TempDir Path dir;
  private Emulator emulator;
  private Path keyJson;

  @BeforeAll
  static void keys() throws Exception {
    pair = Keys.rsa();
  }

  @BeforeEach
  void start() throws Exception {
    keyJson = Keys.writeKeyJson(dir, pair, "http://127.0.0.1:1/token");
    EmulatorCommand ec = new EmulatorCommand();
    emulator = ec.start(Args.parse(ec, List.of("--port", "0", "--trust-key", keyJson.toString(),
        "--access-token", "fixed-token"), Map.of()), new TestIo().io);
    Keys.writeKeyJson(dir, pair, emulator.tokenUri().toString());
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private TestIo sendRead(String... credentials) {
    TestIo t = new TestIo(Map.of("BM_API_ROOT", emulator.uri().toString()));
    List<String> args = new java.util.ArrayList<>(List.of("send-read", "--conversation", "conv-1",
        "--message", "msg-1"));
    args.addAll(List.of(credentials));
    t.run(args.toArray(String[]::new));
    return t;
  }

  private JsonArray patches() throws Exception {
    JsonArray all = Json.createReader(new StringReader(
        Http.get(emulator.uri().resolve("/emulator/requests")).body())).readArray();
    return Json.createArrayBuilder(all.stream()
        .filter(v -> v.asJsonObject().getString("method").equals("PATCH")).toList()).build();
  }

  private void script(String statuses) throws Exception {
    assertEquals(200, Http.post(emulator.uri().resolve("/emulator/script"), "text/plain",
        statuses).statusCode());
  }

  @Test
  void successPrintsTheApiAnswerAndExits0() throws Exception {
    TestIo t = new TestIo(Map.of("BM_ACCESS_TOKEN", "fixed-token"));
    int code = t.run("send-read", "--conversation", "conv-1", "--message", "msg-1",
        "--api-root", emulator.uri().toString());
    assertEquals(0, code, t.err());
    assertEquals(List.of(OK), t.outLines());
    assertEquals("", t.err());
    assertEquals("fixed", patches().getJsonObject(0).getString("auth"));
  }

  @Test
  void serviceAccountKeyGetsAnIssuedToken() throws Exception {
    TestIo t = sendRead("--credentials", keyJson.toString());
    assertEquals(List.of(OK), t.outLines(), t.err());
    JsonObject patch = patches().getJsonObject(0);
    assertEquals("issued", patch.getString("auth"));
    assertEquals(200, patch.getInt("status"));
  }

  @Test
  void scripted503Then200Succeeds() throws Exception {
    script("503,200");
    TestIo t = sendRead("--access-token", "fixed-token");
    assertEquals(List.of(OK), t.outLines(), t.err());
    JsonArray p = patches();
    assertEquals(2, p.size());
    assertEquals(503, p.getJsonObject(0).getInt("status"));
    assertEquals(200, p.getJsonObject(1).getInt("status"));
  }

  @Test
  void notFoundExits1WithGooglesMessage() throws Exception {
    script("404");
    TestIo t = new TestIo(Map.of("BM_API_ROOT", emulator.uri().toString()));
    assertEquals(1, t.run("send-read", "--conversation", "conv-1", "--message", "msg-1",
        "--access-token", "fixed-token"));
    assertEquals(List.of("send-read: PATCH " + emulator.uri() + "v1/conversations/conv-1/messages/msg-1"
        + "/receipt: 404 NOT_FOUND: Requested entity was not found."), t.errLines());
    assertEquals("", t.out());
    assertEquals(1, patches().size(), "a 404 is not retried");
  }

  @Test
  void rejectedTokenExits1WithoutEchoingIt() throws Exception {
    TestIo t = sendRead("--access-token", "wrong-token-value");
    assertEquals(1, t.errLines().size());
    String line = t.errLines().get(0);
    assertTrue(line.startsWith("send-read: PATCH " + emulator.uri() + "v1/conversations/conv-1/messages"
        + "/msg-1/receipt: 401 UNAUTHENTICATED: Request had invalid authentication credentials."), line);
    assertFalse(t.err().contains("wrong-token-value"));
    assertEquals(1, patches().size(), "a fixed token refused is not sent again");
  }

  private static final String PHONE = "+447700900123";
  private static final String EVENT_ID =
      AgentEventId.read("agent-1", PhoneNumber.of(PHONE), "msg-1").toString();
  private static final String RBM_OK = "{\"eventType\":\"READ\",\"messageId\":\"msg-1\","
      + "\"name\":\"phones/+****0123/agentEvents/" + EVENT_ID + "\"}";

  private TestIo sendRbmRead(Map<String, String> env, String... more) {
    TestIo t = new TestIo(env);
    List<String> args = new java.util.ArrayList<>(List.of("send-read", "--rbm", "--phone", PHONE,
        "--message", "msg-1", "--agent-id", "agent-1"));
    args.addAll(List.of(more));
    t.run(args.toArray(String[]::new));
    return t;
  }

  private List<RecordedRequest> agentEvents() throws InterruptedException {
    List<RecordedRequest> seen = new java.util.ArrayList<>();
    for (RecordedRequest r; (r = emulator.takeRequest(Duration.ZERO)) != null; ) {
      if (r.path().startsWith("/v1/phones/")) {
        seen.add(r);
      }
    }
    return seen;
  }

  @Test
  void rbmReadPostsTheAgentEventAndPrintsItWithThePhoneMasked() throws Exception {
    TestIo t = sendRbmRead(Map.of("BM_ACCESS_TOKEN", "fixed-token",
        "RBM_API_ROOT", emulator.uri().toString(), "BM_API_ROOT", "http://127.0.0.1:1/"));
    assertEquals(List.of(RBM_OK), t.outLines(), t.err());
    assertEquals("", t.err());
    RecordedRequest r = agentEvents().get(0);
    assertEquals("POST", r.method());
    assertEquals("/v1/phones/%2B447700900123/agentEvents", r.path());
    assertEquals(Map.of("eventId", List.of(EVENT_ID), "agentId", List.of("agent-1")), r.query());
    assertEquals("{\"eventType\":\"READ\",\"messageId\":\"msg-1\"}", r.body());
    assertEquals("fixed", r.auth());
    assertEquals(200, r.status());
    assertFalse(t.out().contains("447700900123"), "the phone is printed masked");
  }

  @Test
  void rbmReadKeepsItsEventIdAcrossRetriesAndRuns() throws Exception {
    script("503,200");
    Map<String, String> env = Map.of("BM_ACCESS_TOKEN", "fixed-token");
    TestIo first = sendRbmRead(env, "--rbm-api-root", emulator.uri().toString());
    assertEquals(List.of(RBM_OK), first.outLines(), first.err());
    TestIo again = sendRbmRead(env, "--api-root", emulator.uri().toString());
    assertEquals(List.of(RBM_OK), again.outLines(), again.err());
    List<RecordedRequest> events = agentEvents();
    assertEquals(List.of(503, 200, 200), events.stream().map(RecordedRequest::status).toList());
    assertEquals(List.of(EVENT_ID, EVENT_ID, EVENT_ID),
        events.stream().map(e -> e.queryParameter("eventId")).toList());
    assertEquals(1, emulator.agentEventCount(), "the platform ignores an eventId already used");
  }

  @Test
  void rbmReadWithAServiceAccountKeyAsksForTheRbmScope() throws Exception {
    // the emulator, as Google, refuses a Business Messages token at agent events with 403
    TestIo t = sendRbmRead(Map.of("RBM_API_ROOT", emulator.uri().toString()),
        "--credentials", keyJson.toString());
    assertEquals(List.of(RBM_OK), t.outLines(), t.err());
    RecordedRequest r = agentEvents().get(0);
    assertEquals("issued", r.auth());
    assertEquals(200, r.status());
  }

  @Test
  void unreachableUserExits1WithGooglesWordsAndThePhoneMasked() throws Exception {
    EmulatorCommand ec = new EmulatorCommand();
    TestIo emuIo = new TestIo();
    try (Emulator e = ec.start(Args.parse(ec, List.of("--port", "0", "--access-token", "t",
        "--unreachable", PHONE, "+16505551234"), Map.of()), emuIo.io)) {
      assertTrue(emuIo.outLines().get(0).endsWith("; push signing key none; unreachable phones 2"),
          emuIo.out());
      TestIo t = sendRbmRead(Map.of("BM_ACCESS_TOKEN", "t", "RBM_API_ROOT", e.uri().toString()));
      assertEquals(List.of("send-read: POST " + e.uri() + "v1/phones/%2B****0123/agentEvents?eventId="
          + EVENT_ID + "&agentId=agent-1: 404 NOT_FOUND: Requested entity was not found."),
          t.errLines());
      assertEquals("", t.out());
      assertEquals(0, e.agentEventCount());
    }
  }

  @Test
  void rbmReadWithATokenRefusedNeverEchoesTokenOrPhone() throws Exception {
    TestIo t = sendRbmRead(Map.of("RBM_API_ROOT", emulator.uri().toString()),
        "--access-token", "wrong-token-value");
    assertEquals(1, t.errLines().size(), t.err());
    assertTrue(t.errLines().get(0).startsWith("send-read: POST " + emulator.uri()
        + "v1/phones/%2B****0123/agentEvents?eventId=" + EVENT_ID + "&agentId=agent-1: 401"
        + " UNAUTHENTICATED: Request had invalid authentication credentials."), t.err());
    assertFalse(t.err().contains("wrong-token-value"));
    assertFalse(t.err().contains("447700900123"));
  }
}
