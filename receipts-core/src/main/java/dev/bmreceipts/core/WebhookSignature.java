package dev.bmreceipts.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Goog-Signature}: standard padded base64 of HMAC-SHA512 over the raw body bytes, keyed
 * with the UTF-8 bytes of the signing key.
 *
 * <p>An instance holds one key and is thread-safe: each thread reuses its own initialised
 * {@link Mac}. {@link #verify} compares in constant time, and a {@code null}, empty or malformed
 * header is simply invalid. Signing sits beside verifying so that tests and emulators can produce
 * real signatures. {@link #toString()} never shows the key.
 */
public final class WebhookSignature {
  /** The header Google sends the signature in. */
  public static final String HEADER = "X-Goog-Signature";

  private static final String ALGORITHM = "HmacSHA512";
  private static final int MAC_LENGTH = 64;
  /** Padded base64 of 64 bytes. */
  private static final int HEADER_LENGTH = 88;

  /** A thread's MAC with the buffers a verification needs, so that it allocates nothing. */
  private static final class PerThread {
    final Mac mac;
    final byte[] digest = new byte[MAC_LENGTH];
    final byte[] expected = new byte[HEADER_LENGTH];

    PerThread(Mac mac) {
      this.mac = mac;
    }
  }

  private final ThreadLocal<PerThread> macs;

  private WebhookSignature(String key) {
    Objects.requireNonNull(key, "signing key cannot be null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("signing key must not be empty");
    }
    SecretKeySpec spec = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    Mac prototype = newMac(spec);
    this.macs = ThreadLocal.withInitial(() -> new PerThread(copy(prototype, spec)));
  }

  /** A signer and verifier for one key (UTF-8). */
  public static WebhookSignature forKey(String key) {
    return new WebhookSignature(key);
  }

  /** The header value for {@code body} signed with {@code key}. */
  public static String sign(String key, byte[] body) {
    return forKey(key).sign(body);
  }

  /** Whether {@code header} is {@code body}'s signature under {@code key}; never throws on bad headers. */
  public static boolean verify(String key, byte[] body, String header) {
    return forKey(key).verify(body, header);
  }

  /** The header value for the whole of {@code body}. */
  public String sign(byte[] body) {
    return Base64.getEncoder().encodeToString(mac(body, 0, body.length));
  }

  /** Whether {@code header} is the signature of the whole of {@code body}. */
  public boolean verify(byte[] body, String header) {
    return verify(body, 0, body.length, header);
  }

  /**
   * Whether {@code header} is the signature of {@code length} bytes of {@code body} from
   * {@code offset}. {@code null}, empty and malformed headers are {@code false}.
   */
  public boolean verify(byte[] body, int offset, int length, String header) {
    if (header == null) {
      return false;
    }
    String h = header.strip();
    if (h.length() != HEADER_LENGTH) {
      return false;
    }
    // encode ours rather than decode theirs: no allocation, and the comparison below runs over
    // all 88 characters whatever they are (a header that is not canonical padded base64 of a
    // 64-byte MAC cannot match)
    PerThread t = macs.get();
    t.mac.update(body, offset, length);
    try {
      t.mac.doFinal(t.digest, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException("a 64-byte buffer holds an HMAC-SHA512", e);
    }
    Base64.getEncoder().encode(t.digest, t.expected);
    int diff = 0;
    for (int i = 0; i < HEADER_LENGTH; i++) {
      diff |= h.charAt(i) ^ t.expected[i];
    }
    return diff == 0;
  }

  private byte[] mac(byte[] body, int offset, int length) {
    Mac mac = macs.get().mac;
    mac.update(body, offset, length);
    return mac.doFinal();
  }

  private static Mac newMac(SecretKeySpec spec) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(spec);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA512 is not available in this JDK", e);
    }
  }

  private static Mac copy(Mac prototype, SecretKeySpec spec) {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return newMac(spec);
    }
  }

  @Override
  public String toString() {
    return "WebhookSignature[HmacSHA512, key=<redacted>]";
  }
}
