// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The sender benchmark's parts work: the stand-in answers as the API does, a short run passes. */
class SenderBenchTest {
  @Test
  void standInAnswersAReadReceiptLikeTheApiAndRejectsAWrongToken() throws Exception {
    SenderBench.StandIn standIn = SenderBench.StandIn.start(2);
    try {
      HttpClient client = SenderBench.client();
      URI uri = URI.create(standIn.root() + "v1/conversations/C/messages/M/receipt");
      HttpResponse<String> ok = client.send(HttpRequest.newBuilder(uri)
              .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"receiptType\":\"READ\"}"))
              .header("Authorization", "Bearer bench-access-token")
              .header("Content-Type", "application/json")
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertEquals("{\"name\":\"conversations/C/messages/M/receipt\",\"receiptType\":\"READ\"}",
          ok.body());
      HttpResponse<String> bad = client.send(HttpRequest.newBuilder(uri)
              .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"receiptType\":\"READ\"}"))
              .header("Authorization", "Bearer other")
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      assertEquals(2, standIn.requests.get());
      assertEquals(0, standIn.upgrades.get());
    } finally {
      standIn.stop();
    }
  }

  @Test
  void shortRunSendsEveryReceiptOnceWithOneTokenFetch() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    boolean ok;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ok = SenderBench.run(300, 2, 0, 8, 2);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(ok, out);
    assertTrue(out.contains("token fetches  1     (target exactly 1: PASS)"), out);
    assertTrue(out.contains("h2c upgrade requests seen by the stand-in: 0"), out);
    assertTrue(out.contains("OK: every receipt answered 200, one token fetch"), out);
  }

  @Test
  void countingTokensFetchOnceAndCountEveryCall() {
    SenderBench.CountingTokens tokens = new SenderBench.CountingTokens();
    tokens.accessToken();
    tokens.accessToken();
    assertEquals(1, tokens.fetches.get());
    assertEquals(2, tokens.calls.get());
    tokens.refresh("bench-access-token");
    assertEquals(2, tokens.fetches.get());
    assertEquals("CountingTokens[<redacted>]", tokens.toString());
  }
}
