// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RBM's {@code X-Goog-Signature}: standard padded base64 of HMAC-SHA512 over the
 * <b>base64-decoded bytes of {@code message.data}</b> ({@link RbmEnvelope#data()}), keyed with the
 * UTF-8 bytes of the agent's client token.
 *
 * <p>Not Business Messages' signature: {@link dev.bmreceipts.core.WebhookSignature} signs the raw
 * request body, and a body's signature never verifies here (nor the other way round). The header
 * name is the same.
 *
 * <p>An instance holds one client token and is thread-safe. {@link #verify} computes the expected
 * header and compares it with the received one by {@link MessageDigest#isEqual}, in time that does
 * not depend on where they differ; a {@code null}, empty or malformed header is simply invalid,
 * never an exception. Signing sits beside verifying so that tests and the emulator can produce
 * real signatures. {@link #toString()} never shows the token.
 */
public final class RbmSignature {
  /** The header RBM sends the signature in. */
  public static final String HEADER = "X-Goog-Signature";

  private static final String ALGORITHM = "HmacSHA512";

  /** Each thread's Mac, keyed once: a {@code Mac} is not thread-safe, and keying it costs a hash of each pad. */
  private final ThreadLocal<Mac> macs;

  private RbmSignature(String clientToken) {
    Objects.requireNonNull(clientToken, "client token cannot be null");
    if (clientToken.isEmpty()) {
      throw new IllegalArgumentException("client token must not be empty");
    }
    SecretKeySpec key = new SecretKeySpec(clientToken.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    // fails here, not at the first request, if this JDK has no HmacSHA512
    newMac(key);
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** A signer and verifier for one client token (UTF-8). */
  public static RbmSignature forClientToken(String clientToken) {
    return new RbmSignature(clientToken);
  }

  /** The header value for {@code decodedData} signed with {@code clientToken}. */
  public static String sign(String clientToken, byte[] decodedData) {
    return forClientToken(clientToken).sign(decodedData);
  }

  /**
   * Whether {@code header} is {@code decodedData}'s signature under {@code clientToken}; never
   * throws on a bad header.
   */
  public static boolean verify(String clientToken, byte[] decodedData, String header) {
    return forClientToken(clientToken).verify(decodedData, header);
  }

  /** The header value for {@code decodedData}, the base64-decoded bytes of {@code message.data}. */
  public String sign(byte[] decodedData) {
    Objects.requireNonNull(decodedData, "decodedData cannot be null");
    return Base64.getEncoder().encodeToString(macs.get().doFinal(decodedData));
  }

  /**
   * Whether {@code header} is the signature of {@code decodedData}, the base64-decoded bytes of
   * {@code message.data}. Surrounding whitespace in the header is ignored; {@code null}, empty and
   * malformed headers are {@code false}.
   */
  public boolean verify(byte[] decodedData, String header) {
    Objects.requireNonNull(decodedData, "decodedData cannot be null");
    if (header == null) {
      return false;
    }
    // encode ours rather than decode theirs: only the canonical padded form can match
    byte[] expected = sign(decodedData).getBytes(StandardCharsets.US_ASCII);
    byte[] received = header.strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, received);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA512 is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "RbmSignature[HmacSHA512 over message.data, clientToken=<redacted>]";
  }
}
