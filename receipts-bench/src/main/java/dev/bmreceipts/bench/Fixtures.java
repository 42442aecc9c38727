// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The webhook bodies the benchmarks parse, built once, deterministically. Receipt payloads
 * follow Google's documented shape; the user-message payload carries a typical {@code context}.
 * The RCS Business Messaging push ({@link #rbmUserEvent}, {@link #rbmEnvelope}) follows the field
 * lists of Google's reference pages and the Pub/Sub envelope of its samples, as
 * {@code bench/webhook.lua} sends it.
 */
public final class Fixtures {
  /** The names {@link #payload(String)} knows, in the order the benchmarks list them. */
  public static final List<String> NAMES =
      List.of("receipts-1", "receipts-10", "receipts-100", "message");

  private static final String AGENT = "brands/1b2c3d4e-brand/agents/5f6a7b8c-agent";
  private static final String CONVERSATION = "7d9e3a52-0c1f-4b5e-9a7d-2f1e6c3b8a90";

  private Fixtures() {}

  /**
   * The body called {@code name}: {@code receipts-N} for a payload with N receipts (alternating
   * DELIVERED and READ), or {@code message} for a user's text message.
   *
   * @throws IllegalArgumentException when the name is none of {@link #NAMES}
   */
  public static byte[] payload(String name) {
    if (name.equals("message")) {
      return userMessage();
    }
    if (name.startsWith("receipts-")) {
      try {
        return receipts(Integer.parseInt(name.substring("receipts-".length())));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException("unknown fixture '" + name + "', use one of " + NAMES);
  }

  /** A receipts payload with {@code count} receipts, UTF-8. */
  public static byte[] receipts(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
    StringBuilder b = new StringBuilder(160 + count * 120);
    b.append("{\"agent\":\"").append(AGENT).append("\",")
        .append("\"conversationId\":\"").append(CONVERSATION).append("\",")
        .append("\"customAgentId\":\"shop-42\",")
        .append("\"requestId\":\"2b1f0c8e-4d3a-4e5b-8c9d-").append(String.format("%012d", count))
        .append("\",")
        .append("\"receipts\":{\"receipts\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"message\":\"conversations/").append(CONVERSATION)
          .append("/messages/3f0a9c1e-5b7d-4e2a-9c8f-").append(String.format("%012d", i))
          .append("\",\"receiptType\":\"").append(i % 2 == 0 ? "DELIVERED" : "READ").append("\"}");
    }
    b.append("],\"createTime\":\"2024-05-14T09:21:07.123456Z\"},")
        .append("\"sendTime\":\"2024-05-14T09:21:07.654321Z\"}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A user's text message payload, UTF-8. */
  public static byte[] userMessage() {
    String json = "{\"agent\":\"" + AGENT + "\","
        + "\"conversationId\":\"" + CONVERSATION + "\","
        + "\"customAgentId\":\"shop-42\","
        + "\"requestId\":\"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\","
        + "\"message\":{\"messageId\":\"4c7e2a90-1b3d-4f5e-8a6c-9d0e1f2a3b4c\","
        + "\"name\":\"conversations/" + CONVERSATION
        + "/messages/4c7e2a90-1b3d-4f5e-8a6c-9d0e1f2a3b4c\","
        + "\"text\":\"Hi! Is the blue one still in stock in size M? Thanks \u2014 J\u00fcrgen\","
        + "\"createTime\":\"2024-05-14T09:20:58.402113Z\"},"
        + "\"context\":{\"entryPoint\":\"PLACESHEET\",\"placeId\":\"ChIJN1t_tDeuEmsRUsoyG83frY4\","
        + "\"userInfo\":{\"displayName\":\"J\u00fcrgen\",\"userDeviceLocale\":\"de-DE\"},"
        + "\"resolvedLocale\":\"de\"},"
        + "\"sendTime\":\"2024-05-14T09:20:58.901234Z\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** The agent of {@link #rbmUserEvent}. */
  public static final String RBM_AGENT = "bench@rbm.goog";

  /**
   * The decoded data of RBM user event {@code i}: a {@code DELIVERED} when {@code i} is even, a
   * {@code READ} of the same message when odd, each with its own {@code eventId}; from
   * {@code +1650555} and four digits. UTF-8.
   */
  public static byte[] rbmUserEvent(int i) {
    String data = "{\"senderPhoneNumber\":\"+1650555" + String.format("%04d", (i / 2) % 10_000) + "\","
        + "\"eventType\":\"" + (i % 2 == 0 ? "DELIVERED" : "READ") + "\","
        + "\"eventId\":\"e-fixture-" + i + "\",\"messageId\":\"m-fixture-" + i / 2 + "\","
        + "\"sendTime\":\"2024-05-14T09:21:07.123456Z\",\"agentId\":\"" + RBM_AGENT + "\"}";
    return data.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A Pub/Sub push envelope carrying {@code data} in standard base64, with both spellings of the
   * message id and publish time, as the samples show. UTF-8.
   */
  public static byte[] rbmEnvelope(byte[] data) {
    String json = "{\"message\":{\"attributes\":{\"product\":\"RBM\"},\"data\":\""
        + Base64.getEncoder().encodeToString(data) + "\","
        + "\"messageId\":\"14150481888479752\",\"message_id\":\"14150481888479752\","
        + "\"publishTime\":\"2024-05-14T09:21:07.654321Z\",\"publish_time\":\"2024-05-14T09:21:07.654321Z\"},"
        + "\"subscription\":\"projects/bench/subscriptions/rbm\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
