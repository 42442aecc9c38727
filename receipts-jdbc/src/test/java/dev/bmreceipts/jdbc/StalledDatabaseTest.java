// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bmreceipts.http.Webhook;
import dev.bmreceipts.http.WebhookServer;
import dev.bmreceipts.testsupport.TestPostgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A database that stops answering (its processes frozen, its connections open): the request gets
 * its 503 after about one store timeout, not after the driver's cancel wait and a release that
 * waits as long again; the keys it held are taken over after the lease.
 */
class StalledDatabaseTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void aDatabaseFrozenBetweenClaimAndCommitCostsARequestOneTimeout() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      assumeTrue(pg.ownServer(), "needs a PostgreSQL of its own to freeze");
      DataSource ds = pg.dataSource();
      JdbcStore.migrate(ds);
      MutableClock clock = new MutableClock();
      JdbcStore store = JdbcStore.builder(ds).timeout(TIMEOUT).lease(Duration.ofSeconds(30))
          .clock(clock).build();
      AtomicBoolean freezeInListener = new AtomicBoolean();
      Webhook webhook = Webhook.builder().signingKey(InboxTest.KEY).threads(4)
          .deduplicator(store.deduplicator())
          .receiptListener(e -> {
            if (freezeInListener.getAndSet(false)) {
              pg.freeze(); // after the claim, before the commit
            }
          })
          .receiptListener(store.receiptListener()).build();
      try (WebhookServer server = InboxTest.start(webhook)) {
        assertEquals(200, InboxTest.post(server, InboxTest.receipts("R0", "M0|READ")).statusCode());

        freezeInListener.set(true);
        long start = System.nanoTime();
        HttpResponse<String> frozen;
        try {
          frozen = InboxTest.post(server, InboxTest.receipts("R1", "M1|READ"));
        } finally {
          pg.thaw();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, frozen.statusCode());
        assertEquals("1", frozen.headers().firstValue("Retry-After").orElseThrow());
        // one statement timeout, the network timeout's second and the 1 s cancel, with slack for
        // a loaded machine; before, the driver's 10 s cancel wait and a release took 20 s
        assertTrue(millis < TIMEOUT.toMillis() + 4_000, millis + " ms");

        // the keys were not released (the database did not answer), so they are held until
        // their lease ends, unless the thawed database ran the commit it had already received:
        // then the redelivery is a duplicate. Either way, once the lease is over, Google's
        // redelivery is answered 200 and the receipt is in the inbox once.
        clock.advance(Duration.ofSeconds(31));
        assertEquals(200, InboxTest.post(server, InboxTest.receipts("R1", "M1|READ")).statusCode());
        assertEquals(200, InboxTest.post(server, InboxTest.receipts("R1", "M1|READ")).statusCode());
      }
      assertEquals(1, Db.count(ds, "SELECT count(*) FROM bm_inbox WHERE request_id = 'R1'"));
      assertEquals(2, Db.count(ds, "SELECT count(*) FROM bm_inbox"));
    }
  }
}
