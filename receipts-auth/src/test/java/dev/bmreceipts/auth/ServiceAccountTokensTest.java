// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.emulator.Answer;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import dev.bmreceipts.http.sender.RbmEventSendException;
import dev.bmreceipts.http.sender.RbmEventSender;
import dev.bmreceipts.http.sender.ReceiptSendException;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.sender.RetryPolicy;
import dev.bmreceipts.http.sender.SendResult;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountTokensTest {
  @TempDir Path dir;
  private Emulator api;
  private final List<RecordedRequest> seen = new ArrayList<>();

  @BeforeEach
  void start() {
    api = Emulator.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    api.close();
    drain();
    assertEquals(List.of(), seen.stream().filter(r -> r.path().equals("/token") && r.status() != 200)
        .map(RecordedRequest::body).toList(), "token requests the emulator refused");
  }

  /** Every request received so far; each was recorded before it was answered. */
  private List<RecordedRequest> drain() throws InterruptedException {
    for (RecordedRequest r; (r = api.takeRequest(Duration.ZERO)) != null; ) {
      seen.add(r);
    }
    return seen;
  }

  private long tokenRequests() throws InterruptedException {
    return drain().stream().filter(r -> r.path().equals("/token")).count();
  }

  /** Which issued token (1, 2, …) each receipt call carried. */
  private List<Integer> bearers() throws InterruptedException {
    return drain().stream().filter(r -> r.path().startsWith("/v1/"))
        .map(RecordedRequest::tokenSerial).toList();
  }

  private Path writeKey() {
    return api.newServiceAccountKey(dir.resolve("key.json"));
  }

  private Map<String, String> keyFields() throws Exception {
    Map<String, String> fields = new LinkedHashMap<>();
    try (JsonReader r = Json.createReader(Files.newBufferedReader(writeKey()))) {
      r.readObject().forEach((k, v) -> fields.put(k, ((JsonString) v).getString()));
    }
    return fields;
  }

  private static String json(Map<String, String> fields) {
    var b = Json.createObjectBuilder();
    fields.forEach(b::add);
    return b.build().toString();
  }

  private ReceiptSender sender(ServiceAccountTokens tokens) {
    return ReceiptSender.builder().apiRoot(api.uri()).tokens(tokens)
        .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
        .retryPolicy(RetryPolicy.NONE).build();
  }

  @Test
  void sendsWithTheTokenTheEndpointIssued() throws Exception {
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(writeKey());
    try (ReceiptSender sender = sender(tokens)) {
      SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
      assertEquals(200, r.status());
    }
    assertEquals(1, tokenRequests());
    assertEquals(List.of(1), bearers());
  }

  @Test
  void concurrentSendsCauseOneTokenRequest() throws Exception {
    api.enqueueToken(Answer.ok().withDelay(Duration.ofMillis(100)));
    ServiceAccountTokens tokens =
        ServiceAccountTokens.fromStream(new ByteArrayInputStream(
            json(keyFields()).getBytes(StandardCharsets.UTF_8)));
    try (ReceiptSender sender = sender(tokens)) {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<SendResult>> results = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        CompletableFuture<SendResult> f = new CompletableFuture<>();
        results.add(f);
        String id = "m" + i;
        Thread t = new Thread(() -> {
          try {
            go.await();
            sender.sendRead(MessageName.of("c", id)).whenComplete((r, e) -> {
              if (e != null) {
                f.completeExceptionally(e);
              } else {
                f.complete(r);
              }
            });
          } catch (Exception e) {
            f.completeExceptionally(e);
          }
        });
        threads.add(t);
        t.start();
      }
      go.countDown();
      for (CompletableFuture<SendResult> f : results) {
        assertEquals(200, f.get(20, TimeUnit.SECONDS).status());
      }
      for (Thread t : threads) {
        t.join(5000);
      }
    }
    assertEquals(1, tokenRequests());
    assertEquals(16, bearers().size());
    assertEquals(new HashSet<>(List.of(1)), new HashSet<>(bearers()));
  }

  @Test
  void refreshesATokenNearExpiry() throws Exception {
    api.enqueueToken(Answer.raw(200, "application/json",
        "{\"access_token\":\"short-lived\",\"expires_in\":30,\"token_type\":\"Bearer\"}"));
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(writeKey());
    assertEquals("short-lived", tokens.accessToken());
    String second = tokens.accessToken();
    assertNotEquals("short-lived", second, "a 30 s token is too close to expiry to reuse");
    assertEquals(second, tokens.accessToken());
    assertEquals(2, tokenRequests());
  }

  @Test
  void refreshReplacesARejectedTokenOnce() throws Exception {
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(writeKey());
    String first = tokens.accessToken();
    String second = tokens.refresh(first);
    assertNotEquals(first, second);
    assertEquals(second, tokens.refresh(first));
    assertEquals(second, tokens.accessToken());
    assertEquals(2, tokenRequests());
  }

  @Test
  void aSendRejectedWith401UsesAFreshToken() throws Exception {
    api.enqueue(Answer.status(401));
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(writeKey());
    try (ReceiptSender sender = sender(tokens)) {
      SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
      assertEquals(2, r.attempts());
    }
    assertEquals(List.of(1, 2), bearers());
  }

  private RbmEventSender rbmSender(ServiceAccountTokens tokens) {
    return RbmEventSender.builder().agentId("agent-1").apiRoot(api.uri()).tokens(tokens)
        .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
        .retryPolicy(RetryPolicy.NONE).build();
  }

  @Test
  void rbmScopedTokensAreAcceptedByAgentEventsAndRefusedByTheReceiptApi() throws Exception {
    Path key = writeKey();
    ServiceAccountTokens rbm = ServiceAccountTokens.fromKeyFile(key, ServiceAccountTokens.RBM_SCOPE);
    assertEquals(RbmEventSender.SCOPE, ServiceAccountTokens.RBM_SCOPE);
    try (RbmEventSender sender = rbmSender(rbm)) {
      assertEquals(200, sender.sendReadAndWait(PhoneNumber.of("+447700900123"), "m1").status());
    }
    // the emulator, like Google, grants what the assertion asked for and no more: the token is
    // the RBM scope's, so the Business Messages receipt endpoint refuses it
    try (ReceiptSender sender = sender(rbm)) {
      ReceiptSendException e = assertThrows(ReceiptSendException.class,
          () -> sender.sendReadAndWait(MessageName.of("c", "m")));
      assertEquals(403, e.status());
      assertEquals("Request had insufficient authentication scopes.", e.apiMessage());
    }
    assertEquals(1, tokenRequests());
    assertEquals(List.of(1, 1), drain().stream()
        .filter(r -> r.path().startsWith("/v1/")).map(RecordedRequest::tokenSerial).toList());
  }

  @Test
  void theDefaultScopeIsBusinessMessagesWhichAgentEventsRefuse() throws Exception {
    ServiceAccountTokens bm = ServiceAccountTokens.fromStream(new ByteArrayInputStream(
        json(keyFields()).getBytes(StandardCharsets.UTF_8)));
    try (RbmEventSender sender = rbmSender(bm)) {
      RbmEventSendException e = assertThrows(RbmEventSendException.class,
          () -> sender.sendReadAndWait(PhoneNumber.of("+447700900123"), "m1"));
      assertEquals(403, e.status());
      assertEquals("PERMISSION_DENIED", e.apiStatus());
    }
    ServiceAccountTokens rbm = ServiceAccountTokens.fromStream(new ByteArrayInputStream(
        Files.readAllBytes(dir.resolve("key.json"))), ServiceAccountTokens.RBM_SCOPE);
    try (RbmEventSender sender = rbmSender(rbm)) {
      assertEquals(200, sender.sendReadAndWait(PhoneNumber.of("+447700900123"), "m1").status());
    }
    assertEquals(1, api.agentEventCount());
  }

  @Test
  void applicationDefaultTakesAScopeToo() throws Exception {
    Path key = writeKey();
    ServiceAccountTokens tokens = ServiceAccountTokens.applicationDefault(
        name -> name.equals("GOOGLE_APPLICATION_CREDENTIALS") ? key.toString() : null,
        ServiceAccountTokens.RBM_SCOPE);
    try (RbmEventSender sender = rbmSender(tokens)) {
      assertEquals(200, sender.sendReadAndWait(PhoneNumber.of("+447700900123"), "m1").status());
    }
  }

  @Test
  void aScopeMustBeOneOAuthScope() {
    Path key = writeKey();
    for (String bad : List.of("", "a b", "https://x/\"", "caf\u00e9")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ServiceAccountTokens.fromKeyFile(key, bad));
      assertEquals("scope must be one OAuth scope: printable ASCII without spaces, quotes or"
          + " backslashes", e.getMessage());
    }
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> ServiceAccountTokens.fromKeyFile(key, null));
    assertEquals("scope cannot be null, use ServiceAccountTokens.SCOPE or RBM_SCOPE", e.getMessage());
  }

  @Test
  void applicationDefaultReadsTheKeyFileFromTheEnvironment() throws Exception {
    Path key = writeKey();
    ServiceAccountTokens tokens = ServiceAccountTokens.applicationDefault(
        name -> name.equals("GOOGLE_APPLICATION_CREDENTIALS") ? key.toString() : null);
    assertTrue(tokens.accessToken().startsWith("emu."));
    assertEquals(1, tokenRequests());
  }

  @Test
  void toStringNamesTheAccountOnly() throws Exception {
    Map<String, String> fields = keyFields();
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(dir.resolve("key.json"));
    tokens.accessToken();
    assertEquals("ServiceAccountTokens[" + fields.get("client_email") + "]", tokens.toString());
  }

  @Test
  void missingFile() {
    Path missing = dir.resolve("nope.json");
    assertEquals("credentials file not found: " + missing, fails(() -> ServiceAccountTokens.fromKeyFile(missing)));
    assertEquals("credentials file not found: " + missing, fails(() -> ServiceAccountTokens.applicationDefault(
        name -> missing.toString())));
  }

  @Test
  void notJson() throws Exception {
    Path f = Files.writeString(dir.resolve("k.json"), "type=service_account\n");
    assertEquals("credentials file " + f + " is not JSON", fails(() -> ServiceAccountTokens.fromKeyFile(f)));
    assertEquals("credentials stream is not JSON", fails(() -> ServiceAccountTokens.fromStream(
        new ByteArrayInputStream("{\"type\":".getBytes(StandardCharsets.UTF_8)))));
  }

  @Test
  void jsonThatIsNotAServiceAccountKey() throws Exception {
    Path f = Files.writeString(dir.resolve("k.json"),
        "{\"type\":\"authorized_user\",\"client_id\":\"x\",\"client_secret\":\"s3cr3t\",\"refresh_token\":\"r\"}");
    String m = fails(() -> ServiceAccountTokens.fromKeyFile(f));
    assertEquals("credentials file " + f + " is not a service-account key: \"type\" must be \"service_account\"", m);
    assertEquals("credentials stream is not a service-account key: expected a JSON object",
        fails(() -> ServiceAccountTokens.fromStream(new ByteArrayInputStream("[1]".getBytes(StandardCharsets.UTF_8)))));
  }

  @Test
  void keyWithoutPrivateKey() throws Exception {
    Map<String, String> fields = keyFields();
    fields.remove("private_key");
    Path f = Files.writeString(dir.resolve("k.json"), json(fields));
    assertEquals("credentials file " + f + " is a service-account key without \"private_key\"",
        fails(() -> ServiceAccountTokens.fromKeyFile(f)));
  }

  @Test
  void keyWithABrokenPrivateKeyNeverEchoesIt() throws Exception {
    Map<String, String> fields = keyFields();
    fields.put("private_key", "-----BEGIN PRIVATE KEY-----\nTUlJQnJva2VuS2V5TWF0ZXJpYWw=\n-----END PRIVATE KEY-----\n");
    String m = fails(() -> ServiceAccountTokens.fromStream(
        new ByteArrayInputStream(json(fields).getBytes(StandardCharsets.UTF_8))));
    assertEquals("credentials stream is a service-account key that cannot be loaded"
        + " (check that private_key is a PKCS#8 PEM key and token_uri a URL)", m);
    assertFalse(m.contains("TUlJ"));
  }

  private static String fails(org.junit.jupiter.api.function.Executable call) {
    CredentialsException e = assertThrows(CredentialsException.class, call);
    assertTrue(e.getCause() == null || !String.valueOf(e.getCause().getMessage()).contains("PRIVATE KEY"));
    return e.getMessage();
  }
}
