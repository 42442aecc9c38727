// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import dev.bmreceipts.core.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Test helpers: a real server on 127.0.0.1:0 and a real client, plus payload builders. */
final class WebhookFixture {
  static final String KEY = "signing-key-ÿ-1";
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private WebhookFixture() {}

  static WebhookServer start(Webhook webhook) {
    try {
      return webhook.start("127.0.0.1", 0, "/callback");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** POSTs {@code body} as application/json, signed with {@link #KEY}. */
  static HttpResponse<String> post(WebhookServer server, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send(server, HttpRequest.newBuilder(server.uri())
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  static HttpResponse<String> send(WebhookServer server, HttpRequest.Builder request) {
    return send(CLIENT, request.timeout(Duration.ofSeconds(20)).build());
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code "conversations/C/messages/M|TYPE"} pairs as a receipts payload; requestId may be null. */
  static String receipts(String requestId, String... receipts) {
    StringJoiner list = new StringJoiner(",");
    for (String r : receipts) {
      String[] parts = r.split("\\|");
      list.add("{\"message\":\"" + parts[0] + "\",\"receiptType\":\"" + parts[1] + "\"}");
    }
    return "{\"agent\":\"brands/B/agents/A\",\"conversationId\":\"C\",\"customAgentId\":\"X\","
        + (requestId == null ? "" : "\"requestId\":\"" + requestId + "\",")
        + "\"sendTime\":\"2024-01-02T03:04:05.123456789Z\","
        + "\"receipts\":{\"receipts\":[" + list + "],\"createTime\":\"2024-01-02T03:04:05Z\"}}";
  }

  static String receipt(String messageId, String type) {
    return "conversations/C/messages/" + messageId + "|" + type;
  }

  /** Records the receipts listeners saw, as {@code "M|TYPE"}. */
  static final class Seen implements ReceiptListener {
    final List<String> receipts = new ArrayList<>();

    @Override
    public synchronized void onReceipt(ReceiptEvent event) {
      receipts.add(event.message().messageId() + "|" + event.type());
    }

    synchronized List<String> list() {
      return List.copyOf(receipts);
    }
  }
}
