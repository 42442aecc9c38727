// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.emulator;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's threads: a fixed number, and a read deadline on each request. The JDK server reads
 * a request's line, headers and body on the executor's thread with blocking reads; when the
 * request is not read whole by the deadline, the thread is interrupted, which closes the
 * connection's channel (an interruptible channel) and frees the thread. The handler calls
 * {@link #requestRead()} once the body is in, so answering (and a scripted delay) is not bound by
 * the read deadline.
 */
final class BoundedExecutor implements Executor {
  private static final ThreadLocal<Guard> CURRENT = new ThreadLocal<>();

  private final ThreadPoolExecutor pool;
  private final ScheduledThreadPoolExecutor timer;
  private final long deadlineNanos;

  BoundedExecutor(String name, int threads, Duration readTimeout) {
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, name + "-" + n.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name + "-deadlines"));
    timer.setRemoveOnCancelPolicy(true);
    this.deadlineNanos = readTimeout.toNanos();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(() -> {
      Guard g = new Guard(Thread.currentThread());
      g.timeout = timer.schedule(g::expire, deadlineNanos, TimeUnit.NANOSECONDS);
      CURRENT.set(g);
      try {
        task.run();
      } finally {
        CURRENT.remove();
        g.finish();
      }
    });
  }

  /** The current request is read whole: its read deadline no longer applies. */
  static void requestRead() {
    Guard g = CURRENT.get();
    if (g != null) {
      g.finish();
    }
  }

  void shutdown() {
    timer.shutdownNow();
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One request's deadline; interrupts its thread at most once, and never after it finished. */
  private static final class Guard {
    private final Thread thread;
    private Future<?> timeout;
    private boolean done;
    private boolean expired;

    Guard(Thread thread) {
      this.thread = thread;
    }

    synchronized void expire() {
      if (!done) {
        expired = true;
        thread.interrupt();
      }
    }

    void finish() {
      boolean wasExpired;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        wasExpired = expired;
      }
      timeout.cancel(false);
      if (wasExpired) {
        Thread.interrupted();
      }
    }
  }
}
