// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.testsupport.SlowClients;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar's {@code serve}, with its defaults, against 1,000 slow clients (250 each of
 * slowloris headers, a slow 1 MB body, a chunked body that never ends, a body shorter than its
 * {@code Content-Length}): signed requests and {@code /healthz} stay fast, no slow connection
 * outlives the read timeout, and threads stay bounded.
 */
class SlowClientAttackIT {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration TRICKLE = Duration.ofMillis(500);
  private static final int NORMAL = 10;

  @TempDir Path dir;

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @Test
  void aThousandSlowClientsDelayNoSignedRequestAndHoldNoThreadPastTheReadTimeout()
      throws Exception {
    Path journal = dir.resolve("journal.jsonl");
    try (ServeProcess serve = ServeProcess.start("--journal", journal.toString())) {
      // the first request sets up the client (TLS context, threads) and warms the server up
      assertEquals(200, serve.post(Payloads.receipts("warm", "c", "READ", List.of("w")))
          .statusCode());
      assertEquals(200, Http.get(serve.uri().resolve("/healthz")).statusCode());
      Map<String, Long> before = serve.status();
      long[] signed = new long[NORMAL];
      long[] health = new long[NORMAL];
      Map<String, Long> during;
      try (SlowClients slow = SlowClients.open(serve.address(), "/callback", 250, TRICKLE)) {
        long firstOpened = slow.connections().get(0).openedNanos();
        long opening = System.nanoTime() - firstOpened;
        long lastSent = 0;
        for (int i = 0; i < NORMAL; i++) {
          lastSent = System.nanoTime();
          long start = System.nanoTime();
          HttpResponse<String> r = serve.post(
              Payloads.receipts("normal-" + i, "c", "DELIVERED", List.of("m" + i)));
          signed[i] = System.nanoTime() - start;
          assertEquals(200, r.statusCode(), r.body());
          start = System.nanoTime();
          assertEquals(200, Http.get(serve.uri().resolve("/healthz")).statusCode());
          health[i] = System.nanoTime() - start;
        }
        during = serve.status();
        System.out.printf("opening 1,000 slow connections took %d ms; the last normal request"
            + " was sent %d ms after the first; signed requests took %s ms, /healthz %s ms%n",
            millis(opening), millis(lastSent - firstOpened),
            Arrays.stream(signed).map(SlowClientAttackIT::millis).boxed().toList(),
            Arrays.stream(health).map(SlowClientAttackIT::millis).boxed().toList());
        assertTrue(lastSent - firstOpened < READ_TIMEOUT.toNanos(),
            "the slow connections were not all open at once: opening them took too long");

        long last = slow.connections().get(slow.connections().size() - 1).openedNanos();
        long[] closedAfter = slow.awaitClosed(
            last + READ_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5));
        long latest = 0;
        for (int i = 0; i < closedAfter.length; i++) {
          SlowClients.Kind kind = slow.connections().get(i).kind();
          assertTrue(closedAfter[i] >= 0, kind + " connection " + i + " still open");
          assertTrue(closedAfter[i] >= READ_TIMEOUT.toNanos() - TimeUnit.MILLISECONDS.toNanos(50),
              kind + " connection " + i + " closed early, after " + millis(closedAfter[i]) + " ms");
          latest = Math.max(latest, closedAfter[i]);
        }
        Arrays.sort(signed);
        Arrays.sort(health);
        System.out.printf("1,000 slow connections: %d signed requests p50 %d ms, p99 %d ms, max %d"
            + " ms; /healthz p50 %d ms, max %d ms; serve's threads %d before, %d during; RSS %d MiB"
            + " before, %d MiB during, peak %d MiB; the last slow connection closed after %d ms%n",
            NORMAL, millis(signed[NORMAL / 2]), millis(signed[NORMAL * 99 / 100]),
            millis(signed[NORMAL - 1]), millis(health[NORMAL / 2]), millis(health[NORMAL - 1]),
            before.get("Threads"), during.get("Threads"), before.get("VmRSS") / 1024,
            during.get("VmRSS") / 1024, during.get("VmHWM") / 1024, millis(latest));
      }
      assertTrue(signed[NORMAL - 1] < TimeUnit.SECONDS.toNanos(1),
          "slowest signed request " + millis(signed[NORMAL - 1]) + " ms");
      assertTrue(health[NORMAL - 1] < TimeUnit.SECONDS.toNanos(1),
          "slowest /healthz " + millis(health[NORMAL - 1]) + " ms");
      // at most one thread for each slow connection (they start as the connections arrive)
      long extra = during.get("Threads") - before.get("Threads");
      assertTrue(extra <= 1_000 + 64, "threads during the attack: +" + extra);

      assertEquals(200, serve.post(Payloads.receipts("after", "c", "READ", List.of("a")))
          .statusCode());
      assertTrue(serve.alive());
      // the accepted receipts and nothing of the slow requests
      assertEquals(NORMAL + 2, Files.readAllLines(journal).size());
      String err = serve.stop();
      assertEquals("", err);
    }
  }
}
