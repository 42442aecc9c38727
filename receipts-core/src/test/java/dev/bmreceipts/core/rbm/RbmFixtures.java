// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.core.rbm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * RBM bodies built from the field lists of Google's reference pages (UserEvent, UserMessage,
 * ServerEvent, AgentLaunchEvent) and the Pub/Sub push envelope of its samples.
 */
final class RbmFixtures {
  static final String PHONE = "+447700900123";
  static final String OTHER_PHONE = "+447700900456";
  static final String AGENT = "welcome-bot@rbm.goog";
  static final String SUBSCRIPTION = "projects/rbm-partner-gcp/subscriptions/rbm-sub";

  private RbmFixtures() {}

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String base64(String data) {
    return Base64.getEncoder().encodeToString(utf8(data));
  }

  /** An envelope as the samples show it: camelCase and snake_case spellings both present. */
  static byte[] envelope(String data) {
    return envelopeWithEncodedData(base64(data), "{\"product\":\"RBM\"}");
  }

  /** As {@link #envelope(String)}, with the given attributes object. */
  static byte[] envelope(String data, String attributes) {
    return envelopeWithEncodedData(base64(data), attributes);
  }

  /** An envelope whose {@code data} is {@code encoded} as given, not encoded again. */
  static byte[] envelopeWithEncodedData(String encoded, String attributes) {
    return utf8("{\"message\":{\"attributes\":" + attributes + ",\"data\":\"" + encoded + "\","
        + "\"messageId\":\"14150481888479752\",\"message_id\":\"14150481888479752\","
        + "\"publishTime\":\"2025-03-05T18:50:21.88Z\",\"publish_time\":\"2025-03-05T18:50:21.88Z\"},"
        + "\"subscription\":\"" + SUBSCRIPTION + "\"}");
  }

  /** A user event's data; {@code messageId} and {@code sendTime} left out when {@code null}. */
  static String userEvent(String type, String eventId, String messageId, String sendTime) {
    return "{\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":\"" + type + "\",\"eventId\":\""
        + eventId + "\"" + (messageId == null ? "" : ",\"messageId\":\"" + messageId + "\"")
        + (sendTime == null ? "" : ",\"sendTime\":\"" + sendTime + "\"")
        + ",\"agentId\":\"" + AGENT + "\"}";
  }

  /** A user message's data with one content member, given as JSON ({@code "text":"hi"}). */
  static String userMessage(String content) {
    return "{\"senderPhoneNumber\":\"" + PHONE + "\",\"messageId\":\"MxABCDEF\","
        + "\"sendTime\":\"2025-03-05T18:50:20.123456Z\"," + content + ",\"agentId\":\"" + AGENT + "\"}";
  }
}
