// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Known answers for {@code X-Goog-Signature}. Every expected value was computed with OpenSSL, an
 * implementation independent of the JDK's, as
 * {@code printf 'BODY' | openssl dgst -sha512 -hmac 'KEY' -binary | base64 -w0} (for the fixture:
 * {@code openssl dgst -sha512 -hmac 'client-token-1' -binary < payloads/receipts.json | base64 -w0}).
 */
class WebhookSignatureTest {
  /** {@code printf '{"receipts":{"receipts":[]}}\r\n{"x":1}\r\n' | openssl dgst -sha512 -hmac 'partner-key-1' -binary | base64 -w0}. */
  private static final byte[] CRLF_BODY =
      "{\"receipts\":{\"receipts\":[]}}\r\n{\"x\":1}\r\n".getBytes(StandardCharsets.UTF_8);
  private static final String CRLF_KEY = "partner-key-1";
  private static final String CRLF_SIGNATURE =
      "EbvT0G6xY8Pe7U3Dx7lxr4/7CeZUwtA8ex+INTnHDTmId2REXUiE4ArPJE/M6m9LLwgI5eLmpzQ8+MIEOwr33w==";

  /** {@code printf '{"text":"Grüße, ça va? 👋"}' | openssl dgst -sha512 -hmac 'schlüssel-ключ' -binary | base64 -w0}, UTF-8 terminal. */
  private static final byte[] NON_ASCII_BODY =
      "{\"text\":\"Gr\u00fc\u00dfe, \u00e7a va? \ud83d\udc4b\"}".getBytes(StandardCharsets.UTF_8);
  private static final String NON_ASCII_KEY = "schl\u00fcssel-\u043a\u043b\u044e\u0447";
  private static final String NON_ASCII_SIGNATURE =
      "6oXDL5sCr1k2UKk+HPS3oYsYb+8ifMsywwznohzeVlKi8Ja5bZvQOySSdtPMv9XMuvuM43YMz8ZONm0u6NqSkw==";

  private static final String FIXTURE_SIGNATURE =
      "dBDx5MNGkLQ7Gt/9l2RoFeUhNhtaKzIBzHDMiZU9eb+z+pVOq0PFEFbps9l6v1soOYFb1XeqLHhW0m29esWBJg==";

  /** {@code printf '' | openssl dgst -sha512 -hmac 'k' -binary | base64 -w0}. */
  private static final String EMPTY_BODY_SIGNATURE =
      "iTzL9dCzNfzab2JeSlkFWjZNdaklFYlCh1B4LBFoMKGvRV7+EJTBkB0Oj9W+tt9kxtX+HG8Jvm70f7OYcmDN2A==";

  @Test
  void signsAndVerifiesABodyWithCrlfLineEndings() {
    assertEquals(39, CRLF_BODY.length);
    assertEquals(2, new String(CRLF_BODY, StandardCharsets.UTF_8).split("\r\n", -1).length - 1);
    assertEquals(CRLF_SIGNATURE, WebhookSignature.sign(CRLF_KEY, CRLF_BODY));
    assertTrue(WebhookSignature.verify(CRLF_KEY, CRLF_BODY, CRLF_SIGNATURE));
  }

  @Test
  void signsAndVerifiesNonAsciiTextWithANonAsciiKey() {
    assertEquals(NON_ASCII_SIGNATURE, WebhookSignature.sign(NON_ASCII_KEY, NON_ASCII_BODY));
    assertTrue(WebhookSignature.verify(NON_ASCII_KEY, NON_ASCII_BODY, NON_ASCII_SIGNATURE));
  }

  @Test
  void signsTheRawBytesOfAFixture() {
    WebhookSignature s = WebhookSignature.forKey("client-token-1");
    assertEquals(FIXTURE_SIGNATURE, s.sign(Fixtures.bytes("receipts.json")));
    assertTrue(s.verify(Fixtures.bytes("receipts.json"), FIXTURE_SIGNATURE));
  }

  @Test
  void signsAnEmptyBody() {
    assertEquals(EMPTY_BODY_SIGNATURE, WebhookSignature.sign("k", new byte[0]));
    assertTrue(WebhookSignature.verify("k", new byte[0], EMPTY_BODY_SIGNATURE));
  }

  /**
   * Keys of a full SHA-512 block and longer, which HMAC hashes first: {@code printf
   * '{"receipts":{}}' | openssl dgst -sha512 -hmac "$(printf 'k%.0s' $(seq 1 200))" -binary |
   * base64 -w0}, and the same with 128 {@code q}s.
   */
  @Test
  void signsWithKeysOfABlockAndLongerAsOpensslDoes() {
    byte[] body = "{\"receipts\":{}}".getBytes(StandardCharsets.UTF_8);
    assertEquals("5RQxplj52pvUxJ+ZRTtKWlg7CeePXk2F4IsrHkAgmxhEcHuI6kqsSSt/RJG1eOnJfDklAlBdmYgCpvSG3QCqZg==",
        WebhookSignature.sign("k".repeat(200), body));
    assertEquals("VKBQ3NaIzPn7ClD48d8pdER62iPkZmSf21TiAlLmVooyMzsEZI8uekOY4L5Vq68lDuL+QR68hJ+sifud3tlBtQ==",
        WebhookSignature.sign("q".repeat(128), body));
  }

  /**
   * The same MAC as the JDK's {@code HmacSHA512} for keys and bodies of every length around
   * SHA-512's 128-byte block and its 112-byte padding limit, with one instance reused throughout
   * (so that each check starts again from the precomputed pad states).
   */
  @Test
  void matchesTheJdkHmacAcrossKeyAndBodyLengths() throws Exception {
    java.util.Random random = new java.util.Random(7);
    int[] keyLengths = {1, 2, 63, 64, 65, 111, 112, 113, 127, 128, 129, 255, 256, 300};
    byte[] body = new byte[600];
    random.nextBytes(body);
    for (int keyLength : keyLengths) {
      char[] chars = new char[keyLength];
      for (int i = 0; i < keyLength; i++) {
        chars[i] = (char) ('!' + random.nextInt(94));
      }
      String key = new String(chars);
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA512");
      mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
      WebhookSignature s = WebhookSignature.forKey(key);
      for (int length = 0; length <= 400; length += length < 260 ? 1 : 47) {
        int offset = length % 5;
        mac.update(body, offset, length);
        String expected = Base64.getEncoder().encodeToString(mac.doFinal());
        assertTrue(s.verify(body, offset, length, expected), "key " + keyLength + ", body " + length);
        if (offset == 0) {
          assertEquals(expected, s.sign(java.util.Arrays.copyOf(body, length)));
        }
      }
    }
  }

  @Test
  void rejectsATamperedBody() {
    String lfOnly = new String(CRLF_BODY, StandardCharsets.UTF_8).replace("\r\n", "\n");
    assertFalse(WebhookSignature.verify(CRLF_KEY, lfOnly.getBytes(StandardCharsets.UTF_8), CRLF_SIGNATURE));
    byte[] flipped = CRLF_BODY.clone();
    flipped[20] ^= 1;
    assertFalse(WebhookSignature.verify(CRLF_KEY, flipped, CRLF_SIGNATURE));
    byte[] longer = new byte[CRLF_BODY.length + 1];
    System.arraycopy(CRLF_BODY, 0, longer, 0, CRLF_BODY.length);
    assertFalse(WebhookSignature.verify(CRLF_KEY, longer, CRLF_SIGNATURE));
  }

  @Test
  void rejectsAWrongKey() {
    assertFalse(WebhookSignature.verify("partner-key-2", CRLF_BODY, CRLF_SIGNATURE));
    assertFalse(WebhookSignature.verify("schlussel-\u043a\u043b\u044e\u0447", NON_ASCII_BODY, NON_ASCII_SIGNATURE));
  }

  @Test
  void treatsMissingEmptyAndMalformedHeadersAsInvalidWithoutThrowing() {
    WebhookSignature s = WebhookSignature.forKey(CRLF_KEY);
    byte[] raw = Base64.getDecoder().decode(CRLF_SIGNATURE);
    List<String> bad = List.of(
        "",
        "   ",
        CRLF_SIGNATURE.substring(0, 87),
        CRLF_SIGNATURE.substring(0, 86),
        CRLF_SIGNATURE + "=",
        CRLF_SIGNATURE.substring(0, 86) + "@@",
        "!".repeat(88),
        CRLF_SIGNATURE.replace('+', '-').replace('/', '_'),
        CRLF_SIGNATURE.substring(0, 85) + "A==",
        CRLF_SIGNATURE.toLowerCase(java.util.Locale.ROOT),
        "sha512=" + CRLF_SIGNATURE,
        Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, 63)),
        Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, 65)),
        java.util.HexFormat.of().formatHex(raw),
        CRLF_SIGNATURE.substring(0, 40) + "\u00e9" + CRLF_SIGNATURE.substring(41));
    assertFalse(s.verify(CRLF_BODY, null));
    for (String header : bad) {
      assertFalse(s.verify(CRLF_BODY, header), header);
      assertFalse(WebhookSignature.verify(CRLF_KEY, CRLF_BODY, header), header);
    }
    assertFalse(WebhookSignature.verify(CRLF_KEY, CRLF_BODY, null));
  }

  @Test
  void rejectsEveryOneCharacterChangeIncludingNonCanonicalPadding() {
    byte[] body = "{\"receipts\":{}}".getBytes(StandardCharsets.UTF_8);
    WebhookSignature s = WebhookSignature.forKey("k");
    String good = s.sign(body);
    assertEquals(88, good.length());
    assertTrue(good.endsWith("=="));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ";
    for (int i = 0; i < good.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == good.charAt(i)) {
          continue;
        }
        String changed = good.substring(0, i) + c + good.substring(i + 1);
        // includes the last data character with other values in its 4 unused low bits, which a
        // lenient base64 decoder would map to the same MAC
        assertFalse(s.verify(body, changed), changed);
      }
    }
    assertTrue(s.verify(body, good));
  }

  @Test
  void acceptsSurroundingWhitespaceAroundAValidHeader() {
    assertTrue(WebhookSignature.forKey(CRLF_KEY).verify(CRLF_BODY, " " + CRLF_SIGNATURE + "\t"));
  }

  @Test
  void verifiesARangeOfALargerBuffer() {
    byte[] framed = new byte[CRLF_BODY.length + 10];
    java.util.Arrays.fill(framed, (byte) 'x');
    System.arraycopy(CRLF_BODY, 0, framed, 7, CRLF_BODY.length);
    WebhookSignature s = WebhookSignature.forKey(CRLF_KEY);

    assertTrue(s.verify(framed, 7, CRLF_BODY.length, CRLF_SIGNATURE));
    assertFalse(s.verify(framed, 6, CRLF_BODY.length, CRLF_SIGNATURE));
    assertFalse(s.verify(framed, 7, CRLF_BODY.length - 1, CRLF_SIGNATURE));
    assertFalse(s.verify(framed, CRLF_SIGNATURE));
    assertFalse(s.verify(framed, 7, CRLF_BODY.length, null));
    // a failed range leaves no state behind: the next whole-body check is still right
    assertTrue(s.verify(CRLF_BODY, CRLF_SIGNATURE));
  }

  @Test
  void oneInstanceIsSafeAcrossThreads() throws Exception {
    WebhookSignature s = WebhookSignature.forKey(CRLF_KEY);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean good = i % 2 == 0;
        results.add(pool.submit(() -> good == s.verify(good ? CRLF_BODY : NON_ASCII_BODY, CRLF_SIGNATURE)
            && CRLF_SIGNATURE.equals(s.sign(CRLF_BODY))));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void rejectsAnEmptyOrNullKeyAndNeverShowsIt() {
    assertEquals("signing key must not be empty",
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.forKey("")).getMessage());
    assertEquals("signing key cannot be null",
        assertThrows(NullPointerException.class, () -> WebhookSignature.forKey(null)).getMessage());
    assertEquals("WebhookSignature[HmacSHA512, key=<redacted>]", WebhookSignature.forKey(CRLF_KEY).toString());
    assertEquals("X-Goog-Signature", WebhookSignature.HEADER);
  }
}
