// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static dev.bmreceipts.http.RbmWebhookFixture.AGENT;
import static dev.bmreceipts.http.RbmWebhookFixture.PHONE;
import static dev.bmreceipts.http.RbmWebhookFixture.PUBLISH_TIME;
import static dev.bmreceipts.http.RbmWebhookFixture.TOKEN;
import static dev.bmreceipts.http.RbmWebhookFixture.push;
import static dev.bmreceipts.http.RbmWebhookFixture.start;
import static dev.bmreceipts.http.RbmWebhookFixture.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.ReceiptType;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RbmWebhookTest {
  private static final String TEXT = "text/plain; charset=utf-8";

  static void assertAnswer(HttpResponse<String> r, int status, String body) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(body, r.body());
    assertEquals(TEXT, r.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void deliveredAndReadReachTheReceiptListenerAsRbmReceiptEvents() {
    List<ReceiptEvent> events = new CopyOnWriteArrayList<>();
    try (WebhookServer server = start(RbmWebhook.builder().clientToken(TOKEN)
        .receiptListener(events::add).build())) {
      assertAnswer(push(server, userEvent("DELIVERED", "ev-1", "msg-1", "2025-03-05T18:50:20.5Z")),
          200, "ok");
      assertAnswer(push(server, userEvent("READ", "ev-2", "msg-1", "2025-03-05T18:50:30Z")),
          200, "ok");
    }
    assertEquals(2, events.size());
    ReceiptEvent delivered = events.get(0);
    assertEquals(Protocol.RBM, delivered.protocol());
    assertEquals(ReceiptType.DELIVERED, delivered.type());
    assertEquals("conversations/" + PHONE + "/messages/msg-1", delivered.message().toString());
    assertEquals(AGENT, delivered.agent());
    assertEquals(PHONE, delivered.conversationId());
    assertEquals("", delivered.customAgentId());
    assertEquals(Optional.of("ev-1"), delivered.requestId());
    assertEquals(PUBLISH_TIME, delivered.sendTime().raw());
    assertEquals("2025-03-05T18:50:20.5Z", delivered.createTime().raw());
    ReceiptEvent read = events.get(1);
    assertEquals(Protocol.RBM, read.protocol());
    assertEquals(ReceiptType.READ, read.type());
    assertEquals(Optional.of("ev-2"), read.requestId());
  }
}
