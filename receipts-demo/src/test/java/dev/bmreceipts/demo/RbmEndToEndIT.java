// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.rbm.AgentEventId;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.emulator.Emulator;
import dev.bmreceipts.emulator.PushResult;
import dev.bmreceipts.emulator.RecordedRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team midway through its move to RCS Business Messaging, end to end with the built jar: the
 * emulator pushes Business Messages payloads and signed RBM envelopes, mixed, to one {@code serve}
 * process; {@code --auto-read} answers a user message of each protocol; the journal holds both
 * protocols' receipts; {@code report} on it counts them together and by protocol, and never
 * prints a whole phone number, in any format.
 */
class RbmEndToEndIT {
  private static final String RBM_TOKEN = "e2e-rbm-client-token";
  private static final String PHONE = "+447700900123";
  private static final String OTHER_PHONE = "+16505551234";

  @TempDir Path dir;

  @Test
  void mixedPushesReachOneJournalAndOneReport() throws Exception {
    Path journal = dir.resolve("receipts.jsonl");
    Path tokenFile = Files.writeString(dir.resolve("rbm-token"), RBM_TOKEN + "\n");
    try (Emulator api = Emulator.builder().signingKey(ServeProcess.KEY).rbmClientToken(RBM_TOKEN)
        .start()) {
      Path key = api.newServiceAccountKey(dir.resolve("key.json"));
      List<RecordedRequest> seen = new ArrayList<>();
      String err;
      try (ServeProcess serve = ServeProcess.start("--journal", journal.toString(),
          "--rbm-client-token-file", tokenFile.toString(), "--auto-read",
          "--credentials", key.toString(), "--api-root", api.uri().toString(),
          "--rbm-api-root", api.uri().toString())) {
        URI bm = serve.uri();
        URI rbm = bm.resolve("/rbm");
        List<PushResult> answers = new ArrayList<>();
        answers.add(api.push(Payloads.receipts("req-1", "c1", "DELIVERED", List.of("m1", "m2")), bm));
        answers.add(api.pushRbm(Payloads.rbmEvent("ev-1", PHONE, "DELIVERED", "am-1"), rbm));
        answers.add(api.pushRbm(Payloads.rbmMessage(PHONE, "um-1"), rbm));
        answers.add(api.push(Payloads.userMessage("req-2", "c1", "um-9"), bm));
        answers.add(api.pushRbm(Payloads.rbmEvent("ev-2", OTHER_PHONE, "DELIVERED", "am-2"), rbm));
        answers.add(api.push(Payloads.receipts("req-3", "c1", "READ", List.of("m1")), bm));
        answers.add(api.pushRbm(Payloads.rbmEvent("ev-3", PHONE, "READ", "am-1"), rbm));
        // redeliveries of each protocol, and an RBM event that is no receipt
        answers.add(api.pushRbm(Payloads.rbmEvent("ev-3", PHONE, "READ", "am-1"), rbm));
        answers.add(api.push(Payloads.receipts("req-3", "c1", "READ", List.of("m1")), bm));
        answers.add(api.pushRbm("{\"senderPhoneNumber\":\"" + PHONE + "\",\"eventType\":"
            + "\"IS_TYPING\",\"eventId\":\"ev-4\",\"agentId\":\"agent-1\"}", rbm));
        for (PushResult a : answers) {
          assertEquals(200, a.status(), a.body());
        }
        // SIGTERM drains: the READs are sent before the process exits
        err = serve.stop();
      }
      for (RecordedRequest r; (r = api.takeRequest(Duration.ZERO)) != null; ) {
        seen.add(r);
      }
      assertFalse(err.contains("447700900123"), err);
      assertFalse(err.contains("5551234"), err);

      List<RecordedRequest> events = seen.stream()
          .filter(r -> r.path().startsWith("/v1/phones/")).toList();
      assertEquals(1, events.size(), seen.toString());
      assertEquals("/v1/phones/%2B447700900123/agentEvents", events.get(0).path());
      assertEquals(AgentEventId.read("agent-1", PhoneNumber.of(PHONE), "um-1").toString(),
          events.get(0).queryParameter("eventId"));
      assertEquals(200, events.get(0).status());
      assertEquals(1, api.agentEventCount());
      List<RecordedRequest> patches = seen.stream().filter(r -> r.method().equals("PATCH")).toList();
      assertEquals(List.of("/v1/conversations/c1/messages/um-9/receipt"),
          patches.stream().map(RecordedRequest::path).toList());
      assertEquals(200, patches.get(0).status());
    }

    List<String> lines = Files.readAllLines(journal);
    assertEquals(6, lines.size(), String.join("\n", lines));
    assertEquals(3, lines.stream().filter(l -> l.contains("\"conversationId\":\"c1\"")).count());
    assertEquals(3, lines.stream().filter(l -> l.contains("\"conversationId\":\"+")
        && l.endsWith(",\"protocol\":\"rbm\"}")).count(), String.join("\n", lines));

    Processes.Result report = Processes.run(Processes.jar("report", "--journal",
        journal.toString()));
    assertEquals(0, report.code(), report.err());
    String text = report.out();
    assertTrue(text.contains("Input: 6 lines, 6 receipts, 0 blank, 0 bad\n"), text);
    assertTrue(text.matches("(?s).*\nReceipts +6\n.*"), text);
    assertTrue(text.matches("(?s).*\n  DELIVERED +4\n  READ +2\n.*"), text);
    assertTrue(text.matches("(?s).*\n  brands/brand-1/agents/agent-1 +3\n.*"), text);
    assertTrue(text.matches("(?s).*\n  agent-1 +3\n.*"), text);
    assertTrue(text.matches("(?s).*\nMessages delivered and read +2\n.*"), text);
    assertTrue(text.matches("(?s).*\nDuplicates +0\n.*"), text);
    assertTrue(text.contains("\nBy protocol                     receipts  delivered       read  read rate\n"
        + "  Business Messages (bm)               3          2          1      50.0%\n"
        + "  RCS Business Messaging (rbm)         3          2          1      50.0%\n"), text);
    // the unread RBM message's conversation is its user's phone: shown masked
    assertTrue(text.matches("(?s).*\n  \\+\\*\\*\\*\\*1234 +1\n.*"), text);
    assertTrue(text.matches("(?s).*\n  c1 +1\n.*"), text);
    for (String format : List.of("text", "json", "csv", "html")) {
      Processes.Result r = Processes.run(Processes.jar("report", "--journal", journal.toString(),
          "--format", format));
      assertEquals(0, r.code(), format + ": " + r.err());
      for (String digits : List.of("447700900123", "16505551234")) {
        assertFalse(r.out().contains(digits) || r.err().contains(digits),
            format + " shows a whole phone number");
      }
    }
  }
}
