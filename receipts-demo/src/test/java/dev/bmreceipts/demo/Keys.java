// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import jakarta.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/** Test service-account keys and hand-built RS256 assertions. */
final class Keys {
  static final String EMAIL = "receipts-test@bm-test.iam.gserviceaccount.com";
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String SCOPE = "https://www.googleapis.com/auth/businessmessages";
  static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

  private Keys() {}

  static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** Writes a service-account key JSON whose token_uri is {@code tokenUri}. */
  static Path writeKeyJson(Path dir, KeyPair pair, String tokenUri) throws IOException {
    String json = Json.createObjectBuilder()
        .add("type", "service_account")
        .add("project_id", "bm-test")
        .add("private_key_id", "0123456789abcdef")
        .add("private_key", pem("PRIVATE KEY", pair.getPrivate().getEncoded()))
        .add("client_email", EMAIL)
        .add("client_id", "1234567890")
        .add("token_uri", tokenUri)
        .build().toString();
    Path file = dir.resolve("key.json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  /** An RS256 JWT with the given claims, signed by {@code pair}. */
  static String jwt(KeyPair pair, String iss, String aud, String scope, Instant iat, Instant exp)
      throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString(
        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"0123456789abcdef\"}"
            .getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(Json.createObjectBuilder()
        .add("iss", iss)
        .add("aud", aud)
        .add("scope", scope)
        .add("iat", iat.getEpochSecond())
        .add("exp", exp.getEpochSecond())
        .build().toString().getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(pair.getPrivate());
    s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    return header + "." + claims + "." + b64.encodeToString(s.sign());
  }

  /** A valid assertion for {@code EMAIL} to Google's audience with the receipts scope. */
  static String jwt(KeyPair pair) throws GeneralSecurityException {
    Instant now = Instant.now();
    return jwt(pair, EMAIL, Keys.GOOGLE_TOKEN_URI, Keys.SCOPE, now, now.plusSeconds(3600));
  }
}
