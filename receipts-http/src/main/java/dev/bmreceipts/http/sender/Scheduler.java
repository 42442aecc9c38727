// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the sender's waits run: the backoff before a retry and the deadlines of attempts and sends.
 * Package-private so that a test can drive time itself instead of waiting for it.
 */
interface Scheduler {
  /**
   * Runs {@code task} once, after {@code delayMillis}, on a thread of its own (never the caller's).
   * The returned future cancels it. After {@link #shutdown()} the task is dropped, not refused:
   * only a receipt already finished can still ask, and it needs no timer.
   */
  Future<?> schedule(Runnable task, long delayMillis);

  /** Drops tasks not yet run and stops the thread; called once, when the sender has drained. */
  void shutdown();

  /** One daemon thread, {@code bm-receipts-sender-timer}; cancelled tasks leave its queue at once. */
  static Scheduler daemon() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bm-receipts-sender-timer");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    return new Scheduler() {
      @Override
      public Future<?> schedule(Runnable task, long delayMillis) {
        try {
          return s.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          return CompletableFuture.completedFuture(null);
        }
      }

      @Override
      public void shutdown() {
        s.shutdownNow();
      }
    };
  }
}
