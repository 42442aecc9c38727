// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bmreceipts.core.WebhookPayload;
import dev.bmreceipts.core.WebhookParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The webhook benchmark does the work it claims: every request is new, signed and answered 200. */
class WebhookBenchmarkTest {
  @Test
  void everyPayloadIsDistinctAndEveryRequestIsAnsweredOkAfterTheTablesFill() {
    WebhookBenchmark b = new WebhookBenchmark();
    // setup processes the whole pool once and checks 200s and 3 receipts per payload
    b.setup();
    for (int i = 0; i < 2 * WebhookBenchmark.POOL; i++) {
      assertEquals(200, b.process().status(), "request " + i);
    }
    WebhookPayload p = b.verifyAndParse();
    assertEquals(3, p.receipts().orElseThrow().receipts().size());
    assertEquals("r-jmh-7", WebhookParser.create().parse(WebhookBenchmark.payload(7)).requestId()
        .orElseThrow());
    String body = new String(WebhookBenchmark.payload(7), StandardCharsets.UTF_8);
    assertEquals(body.replace("-7", "-8"),
        new String(WebhookBenchmark.payload(8), StandardCharsets.UTF_8));
  }
}
