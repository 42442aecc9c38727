// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The RSA public key the emulator's token endpoint checks assertions against, read from a
 * service-account key JSON (the public key is derived from its {@code private_key}) or from a PEM
 * public key, private key or certificate.
 *
 * @param key the RSA public key
 * @param clientEmail the key's {@code client_email} when read from a key JSON; assertions must then
 *     be issued by it
 * @param tokenUri the key's {@code token_uri} when read from a key JSON: an accepted audience
 */
record TrustKey(RSAPublicKey key, Optional<String> clientEmail, Optional<String> tokenUri) {
  TrustKey {
    Objects.requireNonNull(key, "key cannot be null");
    Objects.requireNonNull(clientEmail, "clientEmail cannot be null, use Optional.empty()");
    Objects.requireNonNull(tokenUri, "tokenUri cannot be null, use Optional.empty()");
  }

  /**
   * Reads a key file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it holds no RSA key; the message never quotes the file
   */
  static TrustKey read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (text.startsWith("{")) {
      return fromKeyJson(text);
    }
    return new TrustKey(fromPem(text), Optional.empty(), Optional.empty());
  }

  private static TrustKey fromKeyJson(String text) {
    JsonObject o;
    try (JsonReader r = Json.createReader(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
      o = r.readObject();
    } catch (RuntimeException | StackOverflowError e) {
      throw new IllegalArgumentException("not a service-account key: malformed JSON");
    }
    JsonValue pk = o.get("private_key");
    if (pk == null || pk.getValueType() != JsonValue.ValueType.STRING) {
      throw new IllegalArgumentException("not a service-account key: no \"private_key\" string");
    }
    return new TrustKey(fromPem(o.getString("private_key")), string(o, "client_email"),
        string(o, "token_uri"));
  }

  private static Optional<String> string(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v != null && v.getValueType() == JsonValue.ValueType.STRING
        ? Optional.of(o.getString(name)) : Optional.empty();
  }

  private static RSAPublicKey fromPem(String pem) {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
        byte[] der = der(pem, "PRIVATE KEY");
        if (!(rsa.generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey k)) {
          throw new IllegalArgumentException("the private key has no public part");
        }
        return (RSAPublicKey) rsa.generatePublic(
            new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
      }
      if (pem.contains("-----BEGIN PUBLIC KEY-----")) {
        return (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
      }
      if (pem.contains("-----BEGIN CERTIFICATE-----")) {
        PublicKey k = CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
            .getPublicKey();
        if (k instanceof RSAPublicKey r) {
          return r;
        }
        throw new IllegalArgumentException("the certificate's key is not an RSA key");
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an RSA key (PKCS#8 private key, X.509 public key or"
          + " certificate in PEM)");
    }
    throw new IllegalArgumentException("no key found: expected a service-account key JSON or a"
        + " PEM public key, private key or certificate");
  }

  private static byte[] der(String pem, String label) {
    int start = pem.indexOf("-----BEGIN " + label + "-----") + label.length() + 16;
    int end = pem.indexOf("-----END " + label + "-----", start);
    if (end < 0) {
      throw new IllegalArgumentException("PEM " + label + " has no END line");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(start, end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM " + label + " is not valid base64");
    }
  }

  @Override
  public String toString() {
    return "TrustKey[RSA " + key.getModulus().bitLength() + " bits, clientEmail="
        + clientEmail.orElse("") + "]";
  }
}
