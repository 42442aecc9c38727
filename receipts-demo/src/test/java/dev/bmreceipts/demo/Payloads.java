// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.util.List;
import java.util.stream.Collectors;

/** Webhook bodies as Google sends them. */
final class Payloads {
  static final String AGENT = "brands/brand-1/agents/agent-1";

  private Payloads() {}

  /** A receipts payload with one receipt per message id. */
  static String receipts(String requestId, String conversation, String type, List<String> ids) {
    String receipts = ids.stream()
        .map(id -> "{\"message\":\"conversations/" + conversation + "/messages/" + id
            + "\",\"receiptType\":\"" + type + "\"}")
        .collect(Collectors.joining(","));
    return "{\"agent\":\"" + AGENT + "\",\"conversationId\":\"" + conversation
        + "\",\"customAgentId\":\"custom\",\"requestId\":\"" + requestId
        + "\",\"receipts\":{\"receipts\":[" + receipts
        + "],\"createTime\":\"2024-05-01T10:00:00.123456Z\"},\"sendTime\":\"2024-05-01T10:00:01Z\"}";
  }

  /** A user message payload. */
  static String userMessage(String requestId, String conversation, String messageId) {
    return "{\"agent\":\"" + AGENT + "\",\"conversationId\":\"" + conversation
        + "\",\"customAgentId\":\"custom\",\"requestId\":\"" + requestId
        + "\",\"message\":{\"messageId\":\"" + messageId + "\",\"name\":\"conversations/"
        + conversation + "/messages/" + messageId + "\",\"text\":\"Hello\",\"createTime\":"
        + "\"2024-05-01T10:00:00Z\"},\"context\":{\"placeId\":\"p\"},\"sendTime\":"
        + "\"2024-05-01T10:00:00.5Z\"}";
  }

  /** An RBM agent id. */
  static final String RBM_AGENT = "agent-1";

  /** A decoded RBM user event (the data of a push), as RBM sends it. */
  static String rbmEvent(String eventId, String phone, String type, String messageId) {
    return "{\"senderPhoneNumber\":\"" + phone + "\",\"eventType\":\"" + type
        + "\",\"eventId\":\"" + eventId + "\",\"messageId\":\"" + messageId
        + "\",\"sendTime\":\"2024-05-01T10:00:02.5Z\",\"agentId\":\"" + RBM_AGENT + "\"}";
  }

  /** A decoded RBM user message, as RBM sends it. */
  static String rbmMessage(String phone, String messageId) {
    return "{\"senderPhoneNumber\":\"" + phone + "\",\"messageId\":\"" + messageId
        + "\",\"sendTime\":\"2024-05-01T10:00:00Z\",\"agentId\":\"" + RBM_AGENT
        + "\",\"text\":\"Hello\"}";
  }

  /** A Pub/Sub push envelope around {@code data}, as RBM posts it (unsigned). */
  static String rbmEnvelope(String data, String pubsubId) {
    return "{\"message\":{\"attributes\":{},\"data\":\""
        + java.util.Base64.getEncoder().encodeToString(
            data.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + "\",\"messageId\":\"" + pubsubId + "\",\"publishTime\":\"2024-05-01T10:00:03Z\"},"
        + "\"subscription\":\"projects/p/subscriptions/rbm\"}";
  }
}
