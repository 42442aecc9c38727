// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bmreceipts.core.WebhookSignature;
import dev.bmreceipts.http.journal.Journal;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar's {@code serve --journal} attacked from outside, on loopback: a file system that
 * fills up part-way through a line (the child runs under {@code ulimit -f}, so a write past the
 * limit is cut short and the next fails with EFBIG, as on a full disk), a journal on
 * {@code /dev/full}, and a restart followed by Google's redeliveries.
 */
class JournalAttackIT {
  private static final String KEY = "journal-attack-key";
  private static final Pattern STARTUP = Pattern.compile(
      "^serving (http://127\\.0\\.0\\.1:\\d+/callback); signatures checked; journal (.+)$");
  /** Google's sendTime: an hour ago, well inside the 7 days it redelivers for. */
  private static final String SENT = Instant.now().minusSeconds(3600).toString();

  @TempDir Path dir;

  private record Serve(Process process, URI uri, String journal) {}

  private static Serve serve(List<String> prefix, Path journal, String... more)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Processes.java(), "-XX:-UsePerfData", "-jar",
        Processes.jar().toString(), "serve", "--host", "127.0.0.1", "--port", "0", "--journal",
        journal.toString(), "--signing-key", KEY, "--quiet"));
    command.addAll(List.of(more));
    Process p = new ProcessBuilder(command).start();
    BufferedReader[] out = new BufferedReader[1];
    String line = Processes.firstLine(p, out);
    Matcher m = STARTUP.matcher(line);
    assertTrue(m.matches(), line);
    CompletableFuture.runAsync(() -> {
      try {
        while (out[0].readLine() != null) {
          // discard
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    Processes.drain(p.getErrorStream());
    return new Serve(p, URI.create(m.group(1)), m.group(2));
  }

  private static void stop(Serve s) throws Exception {
    s.process().destroy();
    assertTrue(s.process().waitFor(30, TimeUnit.SECONDS));
  }

  private static String payload(int i) {
    return "{\"agent\":\"brands/b/agents/a\",\"conversationId\":\"c\",\"requestId\":\"req-" + i
        + "\",\"sendTime\":\"" + SENT + "\",\"receipts\":{\"receipts\":[{\"message\":"
        + "\"conversations/c/messages/msg-" + i + "\",\"receiptType\":\"READ\"}],"
        + "\"createTime\":\"" + SENT + "\"}}";
  }

  private static int post(URI uri, int i) throws Exception {
    byte[] body = payload(i).getBytes(StandardCharsets.UTF_8);
    return Http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))).statusCode();
  }

  private static List<String> journaled(Path journal) throws Exception {
    List<String> ids = new ArrayList<>();
    Journal.Result r = Journal.replay(journal, e -> ids.add(e.message().messageId()));
    assertEquals(0, r.skipped(), "bad or blank lines in the journal: " + r);
    return ids;
  }

  @Test
  void aFileSystemFillingUpMidLineLeavesWholeLinesAndAfterARestartRedeliveriesAreWrittenOnce()
      throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for ulimit");
    Path journal = dir.resolve("journal.jsonl");
    int n = 12;
    List<Integer> statuses = new ArrayList<>();
    List<String> acknowledged = new ArrayList<>();
    // 2 blocks (1 or 2 KiB, by the shell): room for a few lines, then a line cut short
    Serve full = serve(List.of("/bin/sh", "-c", "ulimit -f 2 && exec \"$0\" \"$@\""), journal);
    try {
      for (int i = 0; i < n; i++) {
        int status = post(full.uri(), i);
        statuses.add(status);
        if (status == 200) {
          acknowledged.add("msg-" + i);
        }
      }
      assertEquals(200, Http.get(full.uri().resolve("/healthz")).statusCode());
    } finally {
      stop(full);
    }
    int firstFailure = statuses.indexOf(500);
    assertTrue(firstFailure > 0, "expected some 200s, then 500s: " + statuses);
    assertEquals(List.of(500), statuses.subList(firstFailure, n).stream().distinct().toList(),
        statuses.toString());
    // exactly the acknowledged receipts, each on a whole line: the cut-short line was undone
    assertEquals(acknowledged, journaled(journal));

    // space is back: restart, and Google redelivers everything, acknowledged or not
    Serve again = serve(List.of(), journal);
    try {
      assertEquals(journal + ", " + 2 * acknowledged.size() + " dedupe keys read from it",
          again.journal());
      for (int i = 0; i < n; i++) {
        assertEquals(200, post(again.uri(), i), "redelivery " + i);
      }
      String metrics = Http.get(again.uri().resolve("/metrics")).body();
      // only the receipts answered 500 before reached the listeners
      assertTrue(metrics.contains("bm_receipts_received_total{type=\"READ\"} "
          + (n - acknowledged.size()) + "\n"), metrics);
    } finally {
      stop(again);
    }
    List<String> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add("msg-" + i);
    }
    assertEquals(all, journaled(journal));
  }

  @Test
  void aJournalThatCannotBeWrittenGets500AndHealthzStillAnswers() throws Exception {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.exists(devFull), "needs /dev/full");
    Serve s = serve(List.of(), devFull);
    try {
      assertEquals(500, post(s.uri(), 1));
      assertEquals(500, post(s.uri(), 1));
      assertEquals(200, Http.get(s.uri().resolve("/healthz")).statusCode());
      String metrics = Http.get(s.uri().resolve("/metrics")).body();
      assertTrue(metrics.contains("bm_webhook_requests_total{status=\"500\"} 2\n"), metrics);
      assertTrue(metrics.contains("bm_receipts_received_total{type=\"READ\"} 0\n"), metrics);
    } finally {
      stop(s);
    }
  }

  @Test
  void journalSyncComesFromTheFlagOrTheEnvironmentAndNeedsAJournal() throws Exception {
    Processes.Result alone = Processes.run(Processes.jar("serve", "--signing-key", KEY,
        "--journal-sync"));
    assertEquals(2, alone.code());
    assertTrue(alone.err().contains("serve: --journal-sync needs --journal FILE"), alone.err());
    ProcessBuilder odd = Processes.jar("serve", "--signing-key", KEY, "--journal",
        dir.resolve("odd.jsonl").toString());
    odd.environment().put("BM_JOURNAL_SYNC", "maybe");
    Processes.Result r = Processes.run(odd);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("serve: --journal-sync (from BM_JOURNAL_SYNC) must be 1, true,"
        + " yes, 0, false or no, got \"maybe\""), r.err());
  }

  @Test
  void withJournalSyncEveryAcknowledgedReceiptIsJournaled() throws Exception {
    Path journal = dir.resolve("synced.jsonl");
    Serve s = serve(List.of(), journal, "--journal-sync");
    try {
      assertEquals(journal + " (synced)", s.journal());
      for (int i = 0; i < 5; i++) {
        assertEquals(200, post(s.uri(), i));
      }
    } finally {
      stop(s);
    }
    assertEquals(List.of("msg-0", "msg-1", "msg-2", "msg-3", "msg-4"), journaled(journal));
  }
}
