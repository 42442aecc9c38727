// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import static dev.bmreceipts.core.rbm.RbmFixtures.envelope;
import static dev.bmreceipts.core.rbm.RbmFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RBM's signature is over the base64-decoded {@code message.data}, keyed with the client token.
 * Expected values come from {@code javax.crypto.Mac} in the test, and one from OpenSSL:
 * {@code printf '%s' "$DATA" | openssl dgst -sha512 -hmac 'rbm-client-token-1' -binary | base64 -w0}.
 */
class RbmSignatureTest {
  private static final String TOKEN = "rbm-client-token-1";
  private static final String DATA = "{\"senderPhoneNumber\":\"+447700900123\",\"eventType\":\"READ\","
      + "\"eventId\":\"evt-2\",\"messageId\":\"msg-1\",\"agentId\":\"welcome-bot@rbm.goog\"}";
  private static final String OPENSSL_SIGNATURE =
      "SGtniaIVOWhIMA9n5xsuPYdnfS3bchYEhulFPPu2GyLGVZkkrWOcbuLCWC4/6DYS0d5sCA033vySa06wimSCfQ==";

  /** The expected header, computed here with the JDK's Mac, independently of the class under test. */
  private static String hmac(String key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
    return Base64.getEncoder().encodeToString(mac.doFinal(message));
  }

  private static RbmEnvelope parsed(byte[] body) {
    return RbmParser.create().parse(body).envelope().orElseThrow();
  }

  @Test
  void matchesOpenssl() {
    assertEquals(OPENSSL_SIGNATURE, RbmSignature.sign(TOKEN, utf8(DATA)));
    assertTrue(RbmSignature.verify(TOKEN, utf8(DATA), OPENSSL_SIGNATURE));
  }

  @Test
  void signsTheDecodedDataOfAnEnvelope() throws Exception {
    byte[] body = envelope(DATA);
    RbmEnvelope e = parsed(body);
    String expected = hmac(TOKEN, utf8(DATA));
    assertEquals(expected, RbmSignature.sign(TOKEN, e.data()));
    assertTrue(RbmSignature.verify(TOKEN, e.data(), expected));
    assertTrue(RbmSignature.forClientToken(TOKEN).verify(e.data(), expected));
  }

  @Test
  void aSignatureOverTheRawBodyDoesNotVerify() throws Exception {
    byte[] body = envelope(DATA);
    RbmEnvelope e = parsed(body);
    String overBody = hmac(TOKEN, body);
    assertFalse(RbmSignature.verify(TOKEN, e.data(), overBody));
    // nor over the base64 text of data, which is what the body carries
    String overBase64 = hmac(TOKEN, Base64.getEncoder().encode(e.data()));
    assertFalse(RbmSignature.verify(TOKEN, e.data(), overBase64));
    // Business Messages' signature of the body is that one, and it is no RBM signature
    assertEquals(overBody, WebhookSignature.sign(TOKEN, body));
    assertNotEquals(WebhookSignature.sign(TOKEN, body), RbmSignature.sign(TOKEN, e.data()));
  }

  @Test
  void anotherTokenOrOtherDataDoNotVerify() throws Exception {
    String good = hmac(TOKEN, utf8(DATA));
    assertFalse(RbmSignature.verify("rbm-client-token-2", utf8(DATA), good));
    assertFalse(RbmSignature.verify(TOKEN, utf8(DATA.replace("READ", "DELIVERED")), good));
    assertFalse(RbmSignature.verify(TOKEN, utf8(DATA + " "), good));
  }

  @Test
  void signsWithANonAsciiTokenAsUtf8() throws Exception {
    String token = "schl\u00fcssel-\u043a\u043b\u044e\u0447";
    assertEquals(hmac(token, utf8(DATA)), RbmSignature.sign(token, utf8(DATA)));
    assertNotEquals(RbmSignature.sign(token, utf8(DATA)),
        Base64.getEncoder().encodeToString(macLatin1(token, utf8(DATA))));
  }

  private static byte[] macLatin1(String key, byte[] message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.ISO_8859_1), "HmacSHA512"));
    return mac.doFinal(message);
  }

  @Test
  void ignoresSurroundingWhitespaceInTheHeader() {
    assertTrue(RbmSignature.verify(TOKEN, utf8(DATA), "  " + OPENSSL_SIGNATURE + "\t"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "not base64 at all", "SGtn",
      // unpadded, URL-safe, one character changed, and the last character's unused bits set
      "SGtniaIVOWhIMA9n5xsuPYdnfS3bchYEhulFPPu2GyLGVZkkrWOcbuLCWC4/6DYS0d5sCA033vySa06wimSCfQ",
      "SGtniaIVOWhIMA9n5xsuPYdnfS3bchYEhulFPPu2GyLGVZkkrWOcbuLCWC4_6DYS0d5sCA033vySa06wimSCfQ==",
      "SGtniaIVOWhIMA9n5xsuPYdnfS3bchYEhulFPPu2GyLGVZkkrWOcbuLCWC4/6DYS0d5sCA033vySa06wimSCfA==",
      "SGtniaIVOWhIMA9n5xsuPYdnfS3bchYEhulFPPu2GyLGVZkkrWOcbuLCWC4/6DYS0d5sCA033vySa06wimSCfR=="})
  void aMalformedOrWrongHeaderIsSimplyInvalid(String header) {
    assertFalse(RbmSignature.verify(TOKEN, utf8(DATA), header));
  }

  @Test
  void aMissingHeaderIsInvalid() {
    assertFalse(RbmSignature.verify(TOKEN, utf8(DATA), null));
  }

  @Test
  void signsEmptyData() throws Exception {
    assertEquals(hmac(TOKEN, new byte[0]), RbmSignature.sign(TOKEN, new byte[0]));
  }

  @Test
  void refusesAnEmptyOrNullTokenAndNeverShowsIt() {
    assertEquals("client token must not be empty",
        assertThrows(IllegalArgumentException.class, () -> RbmSignature.forClientToken("")).getMessage());
    assertEquals("client token cannot be null",
        assertThrows(NullPointerException.class, () -> RbmSignature.forClientToken(null)).getMessage());
    assertFalse(RbmSignature.forClientToken(TOKEN).toString().contains(TOKEN));
    assertEquals("X-Goog-Signature", RbmSignature.HEADER);
  }

  @Test
  void oneInstanceServesSeveralThreads() throws Exception {
    RbmSignature s = RbmSignature.forClientToken(TOKEN);
    String expected = hmac(TOKEN, utf8(DATA));
    Thread[] threads = new Thread[4];
    boolean[] ok = new boolean[threads.length];
    for (int t = 0; t < threads.length; t++) {
      int i = t;
      threads[t] = new Thread(() -> {
        boolean all = true;
        for (int n = 0; n < 500; n++) {
          all &= s.verify(utf8(DATA), expected) && !s.verify(utf8(DATA + n), expected);
        }
        ok[i] = all;
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (boolean b : ok) {
      assertTrue(b);
    }
  }
}
