// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import static dev.bmreceipts.http.WebhookFixture.KEY;
import static dev.bmreceipts.http.WebhookFixture.post;
import static dev.bmreceipts.http.WebhookFixture.receipt;
import static dev.bmreceipts.http.WebhookFixture.receipts;
import static dev.bmreceipts.http.WebhookFixture.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.http.Deduplicator.Claim;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DedupTest {
  @Test
  void samePayloadThreeTimesReachesListenerOnce() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(seen).build())) {
      for (String requestId : new String[] {"R1", null}) {
        String body = receipts(requestId, receipt("M1" + requestId, "DELIVERED"));
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = post(server, body);
          assertEquals(200, r.statusCode());
          assertEquals("ok", r.body());
        }
      }
      assertEquals(List.of("M1R1|DELIVERED", "M1null|DELIVERED"), seen.list());
    }
  }

  @Test
  void sameReceiptInTwoPayloadsReachesListenerOnce() {
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(seen).build())) {
      assertEquals(200, post(server, receipts("R1", receipt("M1", "READ"), receipt("M2", "READ"))).statusCode());
      assertEquals(200, post(server, receipts("R2", receipt("M2", "READ"), receipt("M3", "READ"))).statusCode());
      assertEquals(200, post(server, receipts(null, receipt("M3", "READ"), receipt("M3", "DELIVERED"))).statusCode());
      // the same receipt twice within one payload is passed on once
      assertEquals(200, post(server, receipts(null, receipt("M4", "READ"), receipt("M4", "READ"))).statusCode());
      assertEquals(List.of("M1|READ", "M2|READ", "M3|READ", "M3|DELIVERED", "M4|READ"), seen.list());
    }
  }

  @Test
  void otherPayloadKindsAreDeduplicatedByRequestId() {
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .payloadListener(p -> calls.incrementAndGet()).build())) {
      String withId = "{\"requestId\":\"R5\",\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}";
      String withoutId = "{\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}";
      for (int i = 0; i < 3; i++) {
        assertEquals(200, post(server, withId).statusCode());
      }
      assertEquals(1, calls.get());
      post(server, withoutId);
      post(server, withoutId);
      assertEquals(3, calls.get(), "without a request id a payload cannot be recognised");
    }
  }

  @Test
  void concurrentDeliveryOfAReceiptInFlightGets503WithRetryAfter() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).receiptListener(e -> {
      calls.incrementAndGet();
      inside.countDown();
      assertTrue(release.await(10, TimeUnit.SECONDS));
    }).build())) {
      CompletableFuture<HttpResponse<String>> first =
          CompletableFuture.supplyAsync(() -> post(server, receipts("R1", receipt("M1", "READ"))));
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      HttpResponse<String> sameRequest = post(server, receipts("R1", receipt("M1", "READ")));
      HttpResponse<String> sameReceipt = post(server, receipts("R2", receipt("M2", "READ"), receipt("M1", "READ")));
      for (HttpResponse<String> busy : List.of(sameRequest, sameReceipt)) {
        assertEquals(503, busy.statusCode());
        assertEquals("duplicate delivery in progress; retry later", busy.body());
        assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
      }
      release.countDown();
      assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
      // the 503 released its claim on M2: the retry delivers M2 only
      assertEquals(200, post(server, receipts("R2", receipt("M2", "READ"), receipt("M1", "READ"))).statusCode());
      assertEquals(2, calls.get());
    }
  }

  @Test
  void inMemoryEntriesExpireByAge() {
    MutableClock clock = new MutableClock();
    Deduplicator d = Deduplicator.inMemory(10, Duration.ofHours(1), clock);
    assertEquals(Claim.CLAIMED, d.claim("a"));
    assertEquals(Claim.BUSY, d.claim("a"));
    d.commit("a");
    assertEquals(Claim.DELIVERED, d.claim("a"));
    clock.advance(Duration.ofMinutes(59));
    assertEquals(Claim.DELIVERED, d.claim("a"));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Claim.CLAIMED, d.claim("a"));
    d.release("a");
    assertEquals(Claim.CLAIMED, d.claim("a"));
  }

  @Test
  void inMemoryEntriesAreEvictedOldestFirstPastMaxEntriesAndOnAge() {
    MutableClock clock = new MutableClock();
    InMemoryDeduplicator d = (InMemoryDeduplicator) Deduplicator.inMemory(2, Duration.ofHours(1), clock);
    for (String k : List.of("a", "b", "c")) {
      assertEquals(Claim.CLAIMED, d.claim(k));
      d.commit(k);
    }
    assertEquals(2, d.size());
    assertEquals(Claim.DELIVERED, d.claim("b"));
    assertEquals(Claim.DELIVERED, d.claim("c"));
    assertEquals(Claim.CLAIMED, d.claim("a"));
    d.release("a");
    // expired entries leave the map when a later commit comes
    clock.advance(Duration.ofHours(2));
    d.claim("d");
    d.commit("d");
    assertEquals(1, d.size());
  }

  @Test
  void webhookUsesItsClockForTheDefaultStore() {
    MutableClock clock = new MutableClock();
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).clock(clock).receiptListener(seen).build())) {
      String body = receipts("R1", receipt("M1", "READ"));
      post(server, body);
      clock.advance(Duration.ofDays(7).minusSeconds(1));
      post(server, body);
      clock.advance(Duration.ofSeconds(1));
      post(server, body);
      assertEquals(List.of("M1|READ", "M1|READ"), seen.list());
    }
  }

  @Test
  void releasedClaimsOnListenerFailureLeaveNothingBehind() {
    InMemoryDeduplicator d = (InMemoryDeduplicator) Deduplicator.inMemory();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(d)
        .receiptListener(e -> {
          throw new IllegalStateException("down");
        }).build())) {
      assertEquals(500, post(server, receipts("R1", receipt("M1", "READ"), receipt("M2", "READ"))).statusCode());
      assertEquals(0, d.size());
    }
  }

  /**
   * A store of the host's own: the in-memory one behind the interface, with every call recorded
   * (RbmWebhookTest's stores too).
   */
  static class RecordingStore implements Deduplicator {
    final Deduplicator inner = Deduplicator.inMemory();
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized Claim claim(String key) {
      Claim c = inner.claim(key);
      calls.add("claim " + key + " " + c);
      return c;
    }

    @Override
    public synchronized void commit(String key) {
      calls.add("commit " + key);
      inner.commit(key);
    }

    @Override
    public synchronized void release(String key) {
      calls.add("release " + key);
      inner.release(key);
    }
  }

  @Test
  void aStoreOfTheHostsOwnSeesEachKeyClaimedThenCommittedOrReleased() {
    RecordingStore store = new RecordingStore();
    AtomicInteger failures = new AtomicInteger(1);
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .receiptListener(e -> {
          if (failures.getAndDecrement() > 0) {
            throw new IllegalStateException("down once");
          }
        }).receiptListener(seen).build())) {
      String body = receipts("R1", receipt("M1", "READ"), receipt("M1", "READ"),
          receipt("M2", "DELIVERED"));
      String m1 = "receipt 4 READ conversations/C/messages/M1";
      String m2 = "receipt 9 DELIVERED conversations/C/messages/M2";
      assertEquals(500, post(server, body).statusCode());
      assertEquals(List.of("claim request R1 CLAIMED", "claim " + m1 + " CLAIMED",
          "claim " + m2 + " CLAIMED", "release request R1", "release " + m1, "release " + m2),
          store.calls);
      store.calls.clear();
      assertEquals(200, post(server, body).statusCode());
      assertEquals(List.of("claim request R1 CLAIMED", "claim " + m1 + " CLAIMED",
          "claim " + m2 + " CLAIMED", "commit request R1", "commit " + m1, "commit " + m2),
          store.calls);
      store.calls.clear();
      // a redelivery stops at its request id
      assertEquals(200, post(server, body).statusCode());
      assertEquals(List.of("claim request R1 DELIVERED"), store.calls);
      store.calls.clear();
      // a delivered receipt in a new request is skipped; the new one claimed and committed
      assertEquals(200, post(server, receipts("R2", receipt("M2", "DELIVERED"),
          receipt("M3", "READ"))).statusCode());
      String m3 = "receipt 4 READ conversations/C/messages/M3";
      assertEquals(List.of("claim request R2 CLAIMED", "claim " + m2 + " DELIVERED",
          "claim " + m3 + " CLAIMED", "commit request R2", "commit " + m3), store.calls);
      assertEquals(List.of("M1|READ", "M2|DELIVERED", "M3|READ"), seen.list());
    }
  }

  @Test
  void aStoreThatFailsMidClaimGets503AndKeepsNothingInFlight() {
    AtomicInteger down = new AtomicInteger(1);
    RecordingStore store = new RecordingStore() {
      @Override
      public synchronized Claim claim(String key) {
        if (key.equals("receipt 4 READ conversations/C/messages/M2") && down.getAndDecrement() > 0) {
          calls.add("claim " + key + " threw");
          throw new IllegalStateException("store unreachable");
        }
        return super.claim(key);
      }
    };
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .receiptListener(seen).build())) {
      String body = receipts("R1", receipt("M1", "READ"), receipt("M2", "READ"));
      HttpResponse<String> failed = post(server, body);
      assertEquals(503, failed.statusCode());
      assertEquals("dedupe store unavailable; retry later", failed.body());
      assertEquals("1", failed.headers().firstValue("Retry-After").orElseThrow());
      String m1 = "receipt 4 READ conversations/C/messages/M1";
      assertEquals(List.of("claim request R1 CLAIMED", "claim " + m1 + " CLAIMED",
          "claim receipt 4 READ conversations/C/messages/M2 threw", "release request R1", "release " + m1),
          store.calls);
      assertEquals(List.of(), seen.list());
      // Google's retry finds nothing held
      assertEquals(200, post(server, body).statusCode());
      assertEquals(List.of("M1|READ", "M2|READ"), seen.list());
    }
  }

  @Test
  void aStoreThatIsDownLogsOneLinePerRequestAndOneStackTrace() {
    RecordingStore store = new RecordingStore() {
      @Override
      public synchronized Claim claim(String key) {
        throw new IllegalStateException("store unreachable");
      }
    };
    FailureLogTest.Recording log = new FailureLogTest.Recording(System.Logger.Level.DEBUG);
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .log(log).build())) {
      for (int i = 0; i < 5; i++) {
        assertEquals(503, post(server, receipts("R" + i, receipt("M" + i, "READ"))).statusCode());
      }
    }
    List<FailureLogTest.Logged> warnings = log.at(System.Logger.Level.WARNING);
    assertEquals(5, warnings.size(), warnings::toString);
    assertEquals(1, warnings.stream().filter(l -> l.thrown() != null).count());
    assertTrue(warnings.get(4).message().startsWith("dedupe store failed to claim 2 keys; answered"
        + " 503: IllegalStateException: store unreachable"), warnings.get(4).message());
  }

  @Test
  void aStoreWhoseCommitFailsGets503NotOkAndTheRetryIsDeliveredAgain() {
    AtomicInteger down = new AtomicInteger(1);
    RecordingStore store = new RecordingStore() {
      @Override
      public synchronized void commit(String key) {
        if (down.getAndDecrement() > 0) {
          calls.add("commit " + key + " threw");
          throw new IllegalStateException("store unreachable");
        }
        super.commit(key);
      }
    };
    AtomicInteger payloads = new AtomicInteger();
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .receiptListener(seen).payloadListener(p -> payloads.incrementAndGet()).build())) {
      String body = receipts("R1", receipt("M1", "READ"));
      HttpResponse<String> failed = post(server, body);
      // the listener ran, but the store did not record the delivery: not acknowledged
      assertEquals(503, failed.statusCode());
      assertEquals("1", failed.headers().firstValue("Retry-After").orElseThrow());
      String m1 = "receipt 4 READ conversations/C/messages/M1";
      assertEquals(List.of("claim request R1 CLAIMED", "claim " + m1 + " CLAIMED",
          "commit request R1 threw", "release request R1", "release " + m1), store.calls);
      assertEquals(200, post(server, body).statusCode());
      assertEquals(List.of("M1|READ", "M1|READ"), seen.list());

      down.set(1);
      String message = "{\"requestId\":\"R9\",\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}";
      assertEquals(503, post(server, message).statusCode());
      assertEquals(200, post(server, message).statusCode());
      assertEquals(200, post(server, message).statusCode());
      assertEquals(2, payloads.get());
    }
  }

  @Test
  void theDefaultStoreAndAStoreOfTheHostsOwnAnswerAlike() throws Exception {
    List<String> bodies = List.of(
        receipts("R1", receipt("M1", "READ"), receipt("M2", "READ")),
        receipts("R1", receipt("M1", "READ"), receipt("M2", "READ")),
        receipts("R2", receipt("M2", "READ"), receipt("M3", "DELIVERED")),
        receipts(null, receipt("M3", "DELIVERED"), receipt("M3", "READ"), receipt("M3", "READ")),
        receipts(null),
        receipts("R3"),
        receipts("R3", receipt("M4", "READ")));
    List<String> answers = new ArrayList<>();
    List<List<String>> seenLists = new ArrayList<>();
    for (Deduplicator store : List.of(Deduplicator.inMemory(), new RecordingStore())) {
      WebhookFixture.Seen seen = new WebhookFixture.Seen();
      StringBuilder statuses = new StringBuilder();
      try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
          .receiptListener(seen).build())) {
        for (String body : bodies) {
          statuses.append(post(server, body).statusCode()).append(' ');
        }
      }
      answers.add(statuses.toString());
      seenLists.add(seen.list());
    }
    assertEquals("200 200 200 200 200 200 200 ", answers.get(0));
    assertEquals(answers.get(0), answers.get(1));
    assertEquals(List.of("M1|READ", "M2|READ", "M3|DELIVERED", "M3|READ"), seenLists.get(0));
    assertEquals(seenLists.get(0), seenLists.get(1));
  }

  @Test
  void inMemoryRejectsBadBounds() {
    assertEquals("maxEntries must be at least 1, was 0", assertThrows(IllegalArgumentException.class,
        () -> Deduplicator.inMemory(0, Duration.ofDays(1), Clock.systemUTC())).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Deduplicator.inMemory(1, Duration.ZERO, Clock.systemUTC()));
  }

  @Test
  void concurrentCommitsPastTheCapKeepItAndForgetOnlyTheOldest() throws Exception {
    InMemoryDeduplicator d = (InMemoryDeduplicator) Deduplicator.inMemory(100, Duration.ofHours(1),
        new MutableClock());
    int threads = 8;
    int perThread = 2_000;
    java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> claimed = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        claimed.add(pool.submit(() -> {
          int n = 0;
          for (int i = 0; i < perThread; i++) {
            String key = id + "/" + i;
            if (d.claim(key) == Deduplicator.Claim.CLAIMED) {
              n++;
              d.commit(key);
            }
          }
          return n;
        }));
      }
      for (Future<Integer> f : claimed) {
        assertEquals(perThread, f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(100, d.size());
    // every thread's first key was forgotten long ago: claimable again
    for (int t = 0; t < threads; t++) {
      assertEquals(Deduplicator.Claim.CLAIMED, d.claim(t + "/0"));
    }
  }

  @Test
  void aStoreOfTheHostsOwnStopsAtABusyKeyAndReleasesWhatItClaimed() throws Exception {
    RecordingStore store = new RecordingStore();
    Hold hold = new Hold("M1");
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .receiptListener(hold::onReceipt).build())) {
      CompletableFuture<HttpResponse<String>> first =
          CompletableFuture.supplyAsync(() -> post(server, receipts("R1", receipt("M1", "READ"))));
      assertTrue(hold.inside.await(10, TimeUnit.SECONDS));
      String m1 = "receipt 4 READ conversations/C/messages/M1";
      String m2 = "receipt 4 READ conversations/C/messages/M2";
      synchronized (store) {
        store.calls.clear();
      }
      HttpResponse<String> busy = post(server,
          receipts("R2", receipt("M2", "READ"), receipt("M1", "READ"), receipt("M3", "READ")));
      assertEquals(503, busy.statusCode());
      assertEquals("duplicate delivery in progress; retry later", busy.body());
      synchronized (store) {
        // M3, after the busy key, is not looked at
        assertEquals(List.of("claim request R2 CLAIMED", "claim " + m2 + " CLAIMED",
            "claim " + m1 + " BUSY", "release request R2", "release " + m2), store.calls);
      }
      hold.release.countDown();
      assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
    } finally {
      hold.release.countDown();
    }
  }

  /** A listener that holds the delivery of one message in flight until released. */
  private static final class Hold {
    final String messageId;
    final CountDownLatch inside = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Hold(String messageId) {
      this.messageId = messageId;
    }

    void onReceipt(ReceiptEvent e) throws InterruptedException {
      if (e.message().messageId().equals(messageId)) {
        inside.countDown();
        assertTrue(release.await(10, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void otherPayloadKindsTakeTheSameBatchThroughAStoreOfTheHostsOwn() {
    RecordingStore store = new RecordingStore();
    AtomicInteger failures = new AtomicInteger(1);
    AtomicInteger calls = new AtomicInteger();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .payloadListener(p -> {
          if (failures.getAndDecrement() > 0) {
            throw new IllegalStateException("down once");
          }
          calls.incrementAndGet();
        }).build())) {
      String body = "{\"requestId\":\"R5\",\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}";
      assertEquals(500, post(server, body).statusCode());
      assertEquals(200, post(server, body).statusCode());
      assertEquals(200, post(server, body).statusCode());
      assertEquals(List.of("claim request R5 CLAIMED", "release request R5",
          "claim request R5 CLAIMED", "commit request R5", "claim request R5 DELIVERED"),
          store.calls);
      assertEquals(1, calls.get());
    }
  }

  /** A store whose batches record on which thread, and how often, each was finished. */
  private static final class ThreadRecordingStore implements Deduplicator {
    final Deduplicator inner = Deduplicator.inMemory();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();

    @Override
    public Claim claim(String key) {
      throw new AssertionError("the webhook claims through claimAll only");
    }

    @Override
    public void commit(String key) {
      throw new AssertionError("the webhook commits through the batch only");
    }

    @Override
    public void release(String key) {
      throw new AssertionError("the webhook releases through the batch only");
    }

    @Override
    public Batch claimAll(List<String> keys, boolean firstIsRequest) {
      Thread claimer = Thread.currentThread();
      Batch batch = inner.claimAll(keys, firstIsRequest);
      batches.incrementAndGet();
      AtomicInteger finishes = new AtomicInteger();
      return new Batch() {
        @Override
        public Claim claim(int i) {
          return batch.claim(i);
        }

        @Override
        public void commit() {
          check("commit");
          batch.commit();
        }

        @Override
        public void release() {
          check("release");
          batch.release();
        }

        private void check(String what) {
          finished.incrementAndGet();
          if (finishes.incrementAndGet() != 1) {
            problems.add(what + " of " + keys + " was a second finish");
          }
          if (Thread.currentThread() != claimer) {
            problems.add(what + " of " + keys + " on " + Thread.currentThread().getName()
                + ", claimed on " + claimer.getName());
          }
          if (!claimer.getName().startsWith("bm-webhook-")) {
            problems.add(keys + " claimed on " + claimer.getName() + ", not a request thread");
          }
        }
      };
    }
  }

  @Test
  void everyBatchIsCommittedOrReleasedExactlyOnceOnTheRequestThread() throws Exception {
    ThreadRecordingStore store = new ThreadRecordingStore();
    Hold hold = new Hold("HOLD");
    AtomicInteger failures = new AtomicInteger(1);
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .receiptListener(e -> {
          hold.onReceipt(e);
          if (e.message().messageId().equals("FAIL") && failures.getAndDecrement() > 0) {
            throw new IllegalStateException("down once");
          }
        })
        .payloadListener(p -> { })
        .build())) {
      CompletableFuture<HttpResponse<String>> held =
          CompletableFuture.supplyAsync(() -> post(server, receipts("R0", receipt("HOLD", "READ"))));
      assertTrue(hold.inside.await(10, TimeUnit.SECONDS));
      String ok = receipts("R1", receipt("M1", "READ"), receipt("M2", "DELIVERED"));
      assertEquals(200, post(server, ok).statusCode());
      assertEquals(200, post(server, ok).statusCode()); // a redelivery
      assertEquals(200, post(server, receipts(null, receipt("M1", "READ"))).statusCode());
      String fail = receipts("R2", receipt("FAIL", "READ"));
      assertEquals(500, post(server, fail).statusCode());
      assertEquals(200, post(server, fail).statusCode());
      assertEquals(503, post(server, receipts("R3", receipt("HOLD", "READ"))).statusCode());
      String message = "{\"requestId\":\"R4\",\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}";
      assertEquals(200, post(server, message).statusCode());
      assertEquals(200, post(server, message).statusCode());
      // no keys, no batch: a payload without a request id, receipts without any
      assertEquals(200, post(server, "{\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}")
          .statusCode());
      assertEquals(200, post(server, receipts(null)).statusCode());
      hold.release.countDown();
      assertEquals(200, held.get(10, TimeUnit.SECONDS).statusCode());
    } finally {
      hold.release.countDown();
    }
    assertEquals(List.of(), store.problems);
    assertEquals(9, store.batches.get());
    assertEquals(9, store.finished.get());
  }

  @Test
  void aStoreThatThrowsGets503AndNoListenerRuns() {
    AtomicInteger calls = new AtomicInteger();
    Deduplicator down = new RecordingStore() {
      @Override
      public Batch claimAll(List<String> keys, boolean firstIsRequest) {
        throw new IllegalStateException("store unreachable");
      }
    };
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(down)
        .receiptListener(e -> calls.incrementAndGet())
        .payloadListener(p -> calls.incrementAndGet()).build())) {
      for (String body : List.of(receipts("R1", receipt("M1", "READ")),
          "{\"requestId\":\"R2\",\"message\":{\"messageId\":\"M\",\"text\":\"hi\"}}")) {
        HttpResponse<String> r = post(server, body);
        assertEquals(503, r.statusCode());
        assertEquals("dedupe store unavailable; retry later", r.body());
      }
      assertEquals(0, calls.get());
    }
  }

  @Test
  void aCommitThatThrowsGets503AndIsNotFollowedByARelease() {
    RecordingStore store = new RecordingStore() {
      @Override
      public synchronized void commit(String key) {
        calls.add("commit " + key + " threw");
        throw new IllegalStateException("store unreachable");
      }
    };
    WebhookFixture.Seen seen = new WebhookFixture.Seen();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY).deduplicator(store)
        .receiptListener(seen).build())) {
      String m1 = "receipt 4 READ conversations/C/messages/M1";
      assertEquals(503, post(server, receipts("R1", receipt("M1", "READ"))).statusCode());
      // the default batch releases what it could not commit; the webhook calls nothing more
      assertEquals(List.of("claim request R1 CLAIMED", "claim " + m1 + " CLAIMED",
          "commit request R1 threw", "release request R1", "release " + m1), store.calls);
      assertEquals(List.of("M1|READ"), seen.list());
    }
  }

  /** With {@code message + "|" + type}, these two receipts had one key and the second was lost. */
  @Test
  void receiptKeysAreUnambiguousWhenIdsAndTypesHoldTheSeparator() {
    List<String> seen = new ArrayList<>();
    try (WebhookServer server = start(Webhook.builder().signingKey(KEY)
        .receiptListener(e -> seen.add(e.message().messageId() + " type=" + e.receipt().rawType()))
        .build())) {
      String first = "{\"receipts\":{\"receipts\":[{\"message\":\"conversations/C/messages/p|READ\","
          + "\"receiptType\":\"\"}]}}";
      String second = "{\"receipts\":{\"receipts\":[{\"message\":\"conversations/C/messages/p\","
          + "\"receiptType\":\"READ|\"}]}}";
      assertEquals(200, post(server, first).statusCode());
      assertEquals(200, post(server, second).statusCode());
    }
    assertEquals(List.of("p|READ type=", "p type=READ|"), seen);
  }

  @Test
  void keysComeFromOnePlaceAndNeverCollideAcrossKinds() {
    dev.bmreceipts.core.Receipt r = dev.bmreceipts.core.Receipt.of(
        dev.bmreceipts.core.MessageName.of("C", "p|READ"), dev.bmreceipts.core.ReceiptType.READ);
    assertEquals("receipt 4 READ conversations/C/messages/p|READ", Deduplicator.receiptKey(r));
    assertEquals("request R1", Deduplicator.requestKey("R1"));
    assertTrue(Deduplicator.receiptKey(new dev.bmreceipts.core.Receipt(
        dev.bmreceipts.core.MessageName.of("C", "p"), dev.bmreceipts.core.ReceiptType.READ, "READ 4"))
        .startsWith("receipt 6 READ 4 "));
  }
}
