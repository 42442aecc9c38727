// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import dev.bmreceipts.core.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Verifying {@code X-Goog-Signature}: ours ({@link WebhookSignature#verify(byte[], String)}, which
 * also encodes its MAC as base64 and compares all 88 characters of the header) against the bare
 * minimum, an initialised {@link Mac}'s {@code doFinal} plus a constant-time compare with the
 * already decoded signature. Ours hashes only the body and the inner digest, from the key's pad
 * states hashed once; the {@code Mac} hashes both pad blocks again each time, so ours can beat it
 * on small bodies.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SignatureBenchmark {
  private static final String KEY = "bench-signing-key-0123456789";

  /** Body size in bytes: 0.4 KB, 4 KB and 64 KB. */
  @Param({"400", "4096", "65536"})
  public int size;

  private byte[] body;
  private String header;
  private byte[] expected;
  private WebhookSignature signature;
  private Mac mac;

  /** Builds the body, its header and both verifiers. */
  @Setup
  public void setup() throws GeneralSecurityException {
    body = body(size);
    signature = WebhookSignature.forKey(KEY);
    header = signature.sign(body);
    expected = Base64.getDecoder().decode(header);
    mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
    if (!ours() || !bareMac()) {
      throw new IllegalStateException("signature setup is wrong: a valid signature did not verify");
    }
  }

  /** Ours, from an instance made once by {@code forKey}. */
  @Benchmark
  public boolean ours() {
    return signature.verify(body, header);
  }

  /** The floor: {@code Mac.doFinal} on the same bytes and {@code MessageDigest.isEqual}. */
  @Benchmark
  public boolean bareMac() {
    return MessageDigest.isEqual(mac.doFinal(body), expected);
  }

  /** A JSON-looking ASCII body of {@code size} bytes, the same for every run. */
  static byte[] body(int size) {
    byte[] b = new byte[size];
    SplittableRandom random = new SplittableRandom(size);
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-\":,{}";
    for (int i = 0; i < size; i++) {
      b[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return b;
  }
}
