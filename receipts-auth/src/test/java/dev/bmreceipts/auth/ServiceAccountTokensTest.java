// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.http.sender.ReceiptSender;
import dev.bmreceipts.http.sender.RetryPolicy;
import dev.bmreceipts.http.sender.SendResult;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
  private TokenEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = new TokenEndpoint();
  }

  @AfterEach
  void stop() {
    endpoint.close();
    assertEquals(List.of(), new ArrayList<>(endpoint.rejections), "token requests the endpoint refused");
  }

  private ReceiptSender sender(ServiceAccountTokens tokens) {
    return ReceiptSender.builder().apiRoot(endpoint.root()).tokens(tokens)
        .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
        .retryPolicy(RetryPolicy.NONE).build();
  }

  @Test
  void sendsWithTheTokenTheEndpointIssued() throws Exception {
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(endpoint.writeKey(dir));
    try (ReceiptSender sender = sender(tokens)) {
      SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
      assertEquals(200, r.status());
    }
    assertEquals(1, endpoint.tokenRequests());
    assertEquals(List.of("tok-1"), new ArrayList<>(endpoint.bearers));
  }

  @Test
  void concurrentSendsCauseOneTokenRequest() throws Exception {
    endpoint.tokenDelayMillis = 100;
    ServiceAccountTokens tokens =
        ServiceAccountTokens.fromStream(new ByteArrayInputStream(
            TokenEndpoint.json(endpoint.keyFields()).getBytes(StandardCharsets.UTF_8)));
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
    assertEquals(1, endpoint.tokenRequests());
    assertEquals(16, endpoint.bearers.size());
    assertEquals(new HashSet<>(List.of("tok-1")), new HashSet<>(endpoint.bearers));
  }

  @Test
  void refreshesATokenNearExpiry() throws Exception {
    endpoint.expiresIn(30);
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(endpoint.writeKey(dir));
    assertEquals("tok-1", tokens.accessToken());
    assertEquals("tok-2", tokens.accessToken());
    assertEquals("tok-2", tokens.accessToken());
    assertEquals(2, endpoint.tokenRequests());
  }

  @Test
  void refreshReplacesARejectedTokenOnce() throws Exception {
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(endpoint.writeKey(dir));
    assertEquals("tok-1", tokens.accessToken());
    assertEquals("tok-2", tokens.refresh("tok-1"));
    assertEquals("tok-2", tokens.refresh("tok-1"));
    assertEquals("tok-2", tokens.accessToken());
    assertEquals(2, endpoint.tokenRequests());
  }

  @Test
  void aSendRejectedWith401UsesAFreshToken() throws Exception {
    endpoint.reject("tok-1");
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(endpoint.writeKey(dir));
    try (ReceiptSender sender = sender(tokens)) {
      SendResult r = sender.sendReadAndWait(MessageName.of("c", "m"));
      assertEquals(2, r.attempts());
    }
    assertEquals(List.of("tok-1", "tok-2"), new ArrayList<>(endpoint.bearers));
  }

  @Test
  void applicationDefaultReadsTheKeyFileFromTheEnvironment() throws Exception {
    Path key = endpoint.writeKey(dir);
    ServiceAccountTokens tokens = ServiceAccountTokens.applicationDefault(
        name -> name.equals("GOOGLE_APPLICATION_CREDENTIALS") ? key.toString() : null);
    assertEquals("tok-1", tokens.accessToken());
  }

  @Test
  void toStringNamesTheAccountOnly() throws Exception {
    ServiceAccountTokens tokens = ServiceAccountTokens.fromKeyFile(endpoint.writeKey(dir));
    tokens.accessToken();
    assertEquals("ServiceAccountTokens[" + TokenEndpoint.EMAIL + "]", tokens.toString());
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
    Map<String, String> fields = endpoint.keyFields();
    fields.remove("private_key");
    Path f = Files.writeString(dir.resolve("k.json"), TokenEndpoint.json(fields));
    assertEquals("credentials file " + f + " is a service-account key without \"private_key\"",
        fails(() -> ServiceAccountTokens.fromKeyFile(f)));
  }

  @Test
  void keyWithABrokenPrivateKeyNeverEchoesIt() throws Exception {
    Map<String, String> fields = endpoint.keyFields();
    fields.put("private_key", "-----BEGIN PRIVATE KEY-----\nTUlJQnJva2VuS2V5TWF0ZXJpYWw=\n-----END PRIVATE KEY-----\n");
    String m = fails(() -> ServiceAccountTokens.fromStream(
        new ByteArrayInputStream(TokenEndpoint.json(fields).getBytes(StandardCharsets.UTF_8))));
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
