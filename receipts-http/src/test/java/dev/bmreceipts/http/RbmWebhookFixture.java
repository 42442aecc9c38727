// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RBM test helpers: bodies built as core's RbmFixtures builds them, from the field lists of
 * Google's reference pages (UserEvent, UserMessage, ServerEvent, AgentLaunchEvent) and the Pub/Sub
 * push envelope of its samples; signatures computed here with javax.crypto, not with our signer;
 * and a real server on 127.0.0.1:0 serving a Business Messages webhook at {@code /callback} and an
 * RBM webhook at {@code /rbm}.
 */
final class RbmWebhookFixture {
  static final String TOKEN = "rbm-client-token-\u00e9-1";
  static final String PHONE = "+447700900123";
  static final String OTHER_PHONE = "+447700900456";
  static final String AGENT = "welcome-bot@rbm.goog";
  static final String SUBSCRIPTION = "projects/rbm-partner-gcp/subscriptions/rbm-sub";
  static final String PUBLISH_TIME = "2025-03-05T18:50:21.88Z";

  private RbmWebhookFixture() {}

  /** A server with a signed Business Messages webhook at /callback and {@code rbm} at /rbm. */
  static WebhookServer start(RbmWebhook rbm) {
    return start(Webhook.builder().signingKey(WebhookFixture.KEY).build(), rbm);
  }

  static WebhookServer start(Webhook bm, RbmWebhook rbm) {
    WebhookServer server;
    try {
      server = bm.start("127.0.0.1", 0, "/callback");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.serve("/rbm", rbm.handler());
    return server;
  }

  static URI rbm(WebhookServer server) {
    return server.uri().resolve("/rbm");
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** base64(HMAC-SHA512(key = UTF-8 of {@code token}, message = {@code data})), by javax.crypto alone. */
  static String hmac(String token, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(utf8(token), "HmacSHA512"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An envelope as the samples show it: camelCase and snake_case spellings both present. */
  static String envelope(String data) {
    return envelope(data, "{\"product\":\"RBM\"}");
  }

  static String envelope(String data, String attributes) {
    return envelopeWithEncodedData(Base64.getEncoder().encodeToString(utf8(data)), attributes);
  }

  /** An envelope whose {@code data} is {@code encoded} as given, not encoded again. */
  static String envelopeWithEncodedData(String encoded, String attributes) {
    return "{\"message\":{\"attributes\":" + attributes + ",\"data\":\"" + encoded + "\","
        + "\"messageId\":\"14150481888479752\",\"message_id\":\"14150481888479752\","
        + "\"publishTime\":\"" + PUBLISH_TIME + "\",\"publish_time\":\"" + PUBLISH_TIME + "\"},"
        + "\"subscription\":\"" + SUBSCRIPTION + "\"}";
  }

  /**
   * An envelope with one spelling only: {@code messageId} and {@code publishTime} when {@code
   * camel}, else {@code message_id} and {@code publish_time}; no attributes.
   */
  static String envelopeSpelled(String data, boolean camel, String publishTime) {
    return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(utf8(data)) + "\","
        + (camel ? "\"messageId\"" : "\"message_id\"") + ":\"14150481888479753\","
        + (camel ? "\"publishTime\"" : "\"publish_time\"") + ":\"" + publishTime + "\"},"
        + "\"subscription\":\"" + SUBSCRIPTION + "\"}";
  }

  /** A user event's data from {@link #PHONE}; {@code messageId} and {@code sendTime} left out when {@code null}. */
  static String userEvent(String type, String eventId, String messageId, String sendTime) {
    return userEvent(PHONE, type, eventId, messageId, sendTime);
  }

  static String userEvent(String phone, String type, String eventId, String messageId, String sendTime) {
    return "{\"senderPhoneNumber\":\"" + phone + "\",\"eventType\":\"" + type + "\",\"eventId\":\""
        + eventId + "\"" + (messageId == null ? "" : ",\"messageId\":\"" + messageId + "\"")
        + (sendTime == null ? "" : ",\"sendTime\":\"" + sendTime + "\"")
        + ",\"agentId\":\"" + AGENT + "\"}";
  }

  /** A user message's data with one content member, given as JSON ({@code "text":"hi"}). */
  static String userMessage(String messageId, String content) {
    return "{\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"" + messageId + "\","
        + "\"sendTime\":\"2025-03-05T18:50:20.123456Z\"," + content + ",\"agentId\":\"" + AGENT + "\"}";
  }

  /** POSTs {@code data} in an envelope to /rbm, signed over the data with {@link #TOKEN}. */
  static HttpResponse<String> push(WebhookServer server, String data) {
    return post(server, envelope(data), hmac(TOKEN, utf8(data)));
  }

  /** POSTs {@code body} to /rbm as application/json, with {@code signature} unless it is null. */
  static HttpResponse<String> post(WebhookServer server, String body, String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(rbm(server))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(utf8(body)));
    if (signature != null) {
      b.header("X-Goog-Signature", signature);
    }
    return WebhookFixture.send(server, b);
  }
}
