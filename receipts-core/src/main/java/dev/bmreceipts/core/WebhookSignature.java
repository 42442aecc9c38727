// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * {@code X-Goog-Signature}: standard padded base64 of HMAC-SHA512 over the raw body bytes, keyed
 * with the UTF-8 bytes of the signing key.
 *
 * <p>An instance holds one key and is thread-safe. The HMAC is RFC 2104's, over the JDK's
 * SHA-512, with the key's inner and outer pad blocks hashed once (the precomputation of RFC 2104
 * section 4): each check copies those two hash states and hashes only the body and the inner
 * digest. {@code javax.crypto.Mac} hashes both pad blocks again on every call, which for a
 * receipts payload of half a kilobyte is 2 of its 7 SHA-512 blocks. {@link #verify} compares in
 * constant time, and a {@code null}, empty or malformed header is simply invalid. Signing sits
 * beside verifying so that tests and emulators can produce real signatures. {@link #toString()}
 * never shows the key.
 */
public final class WebhookSignature {
  /** The header Google sends the signature in. */
  public static final String HEADER = "X-Goog-Signature";

  private static final String DIGEST = "SHA-512";
  /** SHA-512's block size: longer keys are hashed first, shorter ones padded with zeros. */
  private static final int BLOCK = 128;
  private static final int MAC_LENGTH = 64;
  /** Padded base64 of 64 bytes. */
  private static final int HEADER_LENGTH = 88;

  /**
   * A thread's SHA-512 states after the inner and the outer pad block, and the buffers a
   * verification needs. Each thread has its own, since {@code MessageDigest} is not documented
   * as safe to copy from several threads at once.
   */
  private static final class PerThread {
    final MessageDigest inner;
    final MessageDigest outer;
    final byte[] digest = new byte[MAC_LENGTH];
    final byte[] expected = new byte[HEADER_LENGTH];

    PerThread(byte[] key) {
      byte[] block = Arrays.copyOf(key.length > BLOCK ? sha512().digest(key) : key, BLOCK);
      inner = sha512();
      outer = sha512();
      for (int i = 0; i < BLOCK; i++) {
        inner.update((byte) (block[i] ^ 0x36));
        outer.update((byte) (block[i] ^ 0x5C));
      }
      Arrays.fill(block, (byte) 0);
    }

    /** HMAC-SHA512 of {@code length} bytes of {@code body} from {@code offset} into {@link #digest}. */
    byte[] mac(byte[] body, int offset, int length) {
      try {
        MessageDigest in = copy(inner);
        in.update(body, offset, length);
        in.digest(digest, 0, MAC_LENGTH);
        MessageDigest out = copy(outer);
        out.update(digest);
        out.digest(digest, 0, MAC_LENGTH);
        return digest;
      } catch (DigestException e) {
        throw new IllegalStateException("a 64-byte buffer holds a SHA-512 digest", e);
      }
    }
  }

  private final ThreadLocal<PerThread> macs;

  private WebhookSignature(String key) {
    Objects.requireNonNull(key, "signing key cannot be null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("signing key must not be empty");
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    // fails here, not at the first request, if this JDK's SHA-512 is missing or cannot be copied
    new PerThread(bytes).mac(new byte[0], 0, 0);
    // pad states hashed once per thread, not per request (SignatureBenchmark; bench/README change 13)
    this.macs = ThreadLocal.withInitial(() -> new PerThread(bytes));
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
    // encode ours rather than decode theirs: the comparison below runs over all 88 characters
    // whatever they are (a header that is not canonical padded base64 of a 64-byte MAC cannot
    // match)
    PerThread t = macs.get();
    t.mac(body, offset, length);
    Base64.getEncoder().encode(t.digest, t.expected);
    int diff = 0;
    for (int i = 0; i < HEADER_LENGTH; i++) {
      diff |= h.charAt(i) ^ t.expected[i];
    }
    return diff == 0;
  }

  private byte[] mac(byte[] body, int offset, int length) {
    return macs.get().mac(body, offset, length).clone();
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance(DIGEST);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is not available in this JDK", e);
    }
  }

  private static MessageDigest copy(MessageDigest state) {
    try {
      return (MessageDigest) state.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-512 cannot be copied", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSignature[HmacSHA512, key=<redacted>]";
  }
}
