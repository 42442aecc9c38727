// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/** Hand-built RS256 assertions, signed with a key file's private key. */
final class Jwts {
  static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";
  static final String RBM_SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging";
  static final String DEFAULT_HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";

  private Jwts() {}

  static JsonObject key(Path file) throws Exception {
    return Json.createReader(new StringReader(Files.readString(file))).readObject();
  }

  static PrivateKey privateKey(JsonObject key) throws Exception {
    String pem = key.getString("private_key");
    String b64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
        .replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }

  /** An assertion with this raw header JSON and claims, signed with the key file's key. */
  static String jwt(Path keyFile, String headerJson, String aud) throws Exception {
    return jwt(keyFile, headerJson, aud, SCOPE);
  }

  /** An assertion asking for {@code scope} (one or several, space-separated). */
  static String jwt(Path keyFile, String headerJson, String aud, String scope) throws Exception {
    JsonObject key = key(keyFile);
    Instant now = Instant.now();
    String claims = Json.createObjectBuilder()
        .add("iss", key.getString("client_email"))
        .add("aud", aud)
        .add("scope", scope)
        .add("iat", now.getEpochSecond())
        .add("exp", now.plusSeconds(3600).getEpochSecond())
        .build().toString();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signed = b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(privateKey(key));
    s.update(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + "." + b64.encodeToString(s.sign());
  }

  static String jwt(Path keyFile, String aud) throws Exception {
    return jwt(keyFile, DEFAULT_HEADER, aud);
  }
}
