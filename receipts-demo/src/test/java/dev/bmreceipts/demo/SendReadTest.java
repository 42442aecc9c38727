// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.emulator.Emulator;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.KeyPair;
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
}
