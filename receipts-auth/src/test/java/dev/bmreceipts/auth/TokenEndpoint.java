// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback OAuth token endpoint for a service-account key it generates: verifies the RS256 JWT
 * assertion with the public key, the grant type, the scope and the issuer, then issues
 * {@code tok-1}, {@code tok-2}, … with the scripted {@code expires_in}. Also serves a loopback
 * receipt endpoint that records the bearer tokens it saw.
 */
final class TokenEndpoint implements AutoCloseable {
  static final String EMAIL = "sender@test-project.iam.gserviceaccount.com";

  private static final KeyPair KEYS = generate();

  final KeyPair keys = KEYS;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final AtomicInteger issued = new AtomicInteger();
  private final Queue<Long> expiresIn = new ConcurrentLinkedQueue<>();
  final Queue<String> rejections = new ConcurrentLinkedQueue<>();
  final Queue<String> bearers = new ConcurrentLinkedQueue<>();
  final Queue<String> unauthorized = new ConcurrentLinkedQueue<>();
  volatile long tokenDelayMillis;

  TokenEndpoint() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.createContext("/token", this::token);
    server.createContext("/v1/", this::receipt);
    server.setExecutor(executor);
    server.start();
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  URI root() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** The {@code expires_in} of the next tokens, in order; 3600 after them. */
  void expiresIn(long... seconds) {
    for (long s : seconds) {
      expiresIn.add(s);
    }
  }

  int tokenRequests() {
    return issued.get();
  }

  /** The receipt endpoint answers 401 to this token. */
  void reject(String token) {
    unauthorized.add(token);
  }

  /** A service-account key JSON for the key pair, with {@code token_uri} pointing here. */
  Map<String, String> keyFields() {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> f = new HashMap<>();
    f.put("type", "service_account");
    f.put("project_id", "test-project");
    f.put("private_key_id", "k1");
    f.put("private_key", pem);
    f.put("client_email", EMAIL);
    f.put("client_id", "1234567890");
    f.put("token_uri", root() + "token");
    return f;
  }

  static String json(Map<String, String> fields) {
    var b = Json.createObjectBuilder();
    fields.forEach(b::add);
    return b.build().toString();
  }

  Path writeKey(Path dir) throws IOException {
    return Files.writeString(dir.resolve("key.json"), json(keyFields()));
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      String form;
      try (InputStream in = ex.getRequestBody()) {
        form = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, String> params = new HashMap<>();
      for (String pair : form.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      String why = check(params);
      if (why != null) {
        rejections.add(why);
        answer(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"" + why + "\"}");
        return;
      }
      if (tokenDelayMillis > 0) {
        try {
          Thread.sleep(tokenDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int n = issued.incrementAndGet();
      Long exp = expiresIn.poll();
      answer(ex, 200, "{\"access_token\":\"tok-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":"
          + (exp == null ? 3600 : exp) + "}");
    }
  }

  /** Why the request is refused, or null. */
  private String check(Map<String, String> params) {
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(params.get("grant_type"))) {
      return "grant_type";
    }
    String jwt = params.get("assertion");
    if (jwt == null) {
      return "assertion";
    }
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return "jwt shape";
    }
    try {
      Base64.Decoder d = Base64.getUrlDecoder();
      JsonObject header = Json.createReader(new StringReader(new String(d.decode(parts[0]), StandardCharsets.UTF_8))).readObject();
      if (!"RS256".equals(header.getString("alg", ""))) {
        return "alg";
      }
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initVerify(keys.getPublic());
      sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!sig.verify(d.decode(parts[2]))) {
        return "signature";
      }
      JsonObject claims = Json.createReader(new StringReader(new String(d.decode(parts[1]), StandardCharsets.UTF_8))).readObject();
      if (!ServiceAccountTokens.SCOPE.equals(claims.getString("scope", ""))) {
        return "scope";
      }
      if (!EMAIL.equals(claims.getString("iss", ""))) {
        return "iss";
      }
      String aud = claims.getString("aud", "");
      if (!List.of(root() + "token", "https://oauth2.googleapis.com/token").contains(aud)) {
        return "aud";
      }
      return null;
    } catch (Exception e) {
      return "unreadable jwt: " + e.getClass().getSimpleName();
    }
  }

  private void receipt(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
      bearers.add(token);
      if (unauthorized.contains(token)) {
        answer(ex, 401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
            + "\"status\":\"UNAUTHENTICATED\"}}");
        return;
      }
      String name = ex.getRequestURI().getRawPath().substring(4);
      answer(ex, 200, "{\"name\":\"" + name + "\",\"receiptType\":\"READ\"}");
    }
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
