// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.WebhookSignature;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve as a child JVM: nothing acknowledged is lost to kill -9, and SIGTERM drains. */
class ServeIT {
  private static final String KEY = "process-signing-key";
  private static final Pattern STARTUP = Pattern.compile(
      "^serving (http://127\\.0\\.0\\.1:\\d+/callback); signatures checked; journal (.+)$");

  @TempDir Path dir;

  private static HttpRequest signed(URI uri, int i) {
    byte[] body = Payloads.receipts("req-" + i, "conv-" + (i % 7), "DELIVERED",
        List.of("msg-" + i)).getBytes(StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .header(WebhookSignature.HEADER, WebhookSignature.sign(KEY, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static Set<String> journaledMessages(Path journal) throws Exception {
    Set<String> ids = new HashSet<>();
    for (String line : Files.readAllLines(journal)) {
      Matcher m = Pattern.compile("\"messageId\":\"(msg-\\d+)\"").matcher(line);
      assertTrue(m.find(), line);
      ids.add(m.group(1));
    }
    return ids;
  }

  private Process serve(Path journal, BufferedReader[] out, URI[] uri) throws Exception {
    ProcessBuilder pb = Processes.jar("serve", "--host", "127.0.0.1", "--port", "0", "--journal",
        journal.toString());
    // the key from the environment, as the README shows: not in the process list
    pb.environment().put("BM_SIGNING_KEY", KEY);
    Process p = pb.redirectErrorStream(false).start();
    String line = Processes.firstLine(p, out);
    Matcher m = STARTUP.matcher(line);
    assertTrue(m.matches(), line);
    assertEquals(journal.toString(), m.group(2));
    uri[0] = URI.create(m.group(1));
    // keep stdout flowing so that the child never blocks on a full pipe
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
    return p;
  }

  @Test
  void killMinus9AfterThe2xxLosesNoReceipt() throws Exception {
    Path journal = dir.resolve("journal.jsonl");
    BufferedReader[] out = new BufferedReader[1];
    URI[] uri = new URI[1];
    Process p = serve(journal, out, uri);
    try {
      Set<String> acknowledged = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        HttpResponse<String> r = Http.CLIENT.send(signed(uri[0], i),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          acknowledged.add("msg-" + i);
        }
      }
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(200, acknowledged.size());
      assertEquals(acknowledged, journaledMessages(journal));
      assertEquals(200, Files.readAllLines(journal).size());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void sigtermDrainsAndExits0() throws Exception {
    Path journal = dir.resolve("journal.jsonl");
    BufferedReader[] out = new BufferedReader[1];
    URI[] uri = new URI[1];
    Process p = serve(journal, out, uri);
    try {
      HttpResponse<String> first = Http.CLIENT.send(signed(uri[0], 0),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, first.statusCode());
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int i = 1; i <= 40; i++) {
        inFlight.add(Http.CLIENT.sendAsync(signed(uri[0], i),
            HttpResponse.BodyHandlers.ofString()));
      }
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
      Set<String> acknowledged = new HashSet<>(Set.of("msg-0"));
      for (int i = 1; i <= 40; i++) {
        try {
          if (inFlight.get(i - 1).get(30, TimeUnit.SECONDS).statusCode() / 100 == 2) {
            acknowledged.add("msg-" + i);
          }
        } catch (java.util.concurrent.ExecutionException e) {
          // refused once the server stopped accepting: Google would redeliver it
        }
      }
      assertTrue(journaledMessages(journal).containsAll(acknowledged));
    } finally {
      p.destroyForcibly();
    }
  }
}
