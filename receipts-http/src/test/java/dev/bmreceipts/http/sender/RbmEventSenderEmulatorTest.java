// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.rbm.AgentEventId;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.emulator.Answer;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RBM sender against the emulator's agent events endpoint: the two agree on the wire. */
class RbmEventSenderEmulatorTest {
  private static final String AGENT = "welcome_bot@rbm.goog";
  private static final PhoneNumber PHONE = PhoneNumber.of("+447700900123");
  private static final RetryPolicy FAST =
      new RetryPolicy(5, Duration.ofMillis(1), 2.0, Duration.ofMillis(20), Duration.ofMinutes(1));

  @Test
  void readsAndTypingReachTheEmulatorOnceEachEvenWhenRetried() throws Exception {
    try (Emulator api = Emulator.builder().accessToken("tok").unreachable("+447700900999").start();
        RbmEventSender sender = RbmEventSender.builder().agentId(AGENT)
            .tokens(AccessTokenProvider.fixed("tok")).apiRoot(api.uri()).retryPolicy(FAST)
            .build()) {
      RbmEventResult read = sender.sendReadAndWait(PHONE, "M1");
      assertEquals(200, read.status());
      assertEquals(AgentEventId.of(AGENT, PHONE, "M1", "READ"), read.eventId());
      RecordedRequest first = api.takeRequest(Duration.ofSeconds(5));
      assertEquals("POST", first.method());
      assertEquals("/v1/phones/%2B447700900123/agentEvents", first.path());
      assertEquals(List.of(read.eventId().toString()), first.query().get("eventId"));
      assertEquals(List.of(AGENT), first.query().get("agentId"));
      assertEquals("{\"eventType\":\"READ\",\"messageId\":\"M1\"}", first.body());
      assertEquals(200, first.status());

      // a lost answer: the retry carries the same event id, and the platform counts it once
      api.enqueue(Answer.status(503));
      RbmEventResult retried = sender.sendIsTypingAndWait(PHONE, "M1");
      assertEquals(2, retried.attempts());
      RecordedRequest failed = api.takeRequest(Duration.ofSeconds(5));
      RecordedRequest again = api.takeRequest(Duration.ofSeconds(5));
      assertEquals(503, failed.status());
      assertEquals(failed.query().get("eventId"), again.query().get("eventId"));
      assertEquals(2, api.agentEventCount());
      // the same READ sent again (a restart, say) is the same event to the platform
      assertEquals(200, sender.sendReadAndWait(PHONE, "M1").status());
      assertEquals(2, api.agentEventCount());

      // a user RCS cannot reach: 404 at once, not retried, the number masked
      PhoneNumber away = PhoneNumber.of("+447700900999");
      RbmEventSendException e = assertThrows(RbmEventSendException.class,
          () -> sender.sendReadAndWait(away, "M2"));
      assertEquals(404, e.status());
      assertTrue(e.getMessage().contains("Requested entity was not found."), e.getMessage());
      assertTrue(!e.getMessage().contains("447700900999"), e.getMessage());
      api.takeRequest(Duration.ofSeconds(5)); // the READ sent again
      assertEquals(404, api.takeRequest(Duration.ofSeconds(5)).status());
      assertNull(api.takeRequest(Duration.ofMillis(200)));
    }
  }
}
