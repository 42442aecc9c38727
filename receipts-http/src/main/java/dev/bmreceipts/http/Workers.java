// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The webhook server's threads: {@code threads} of them, more while slow clients hold them, and a
 * read deadline for every request.
 *
 * <p>The JDK's {@code HttpServer} reads a request's line and headers on the executor thread that
 * runs the exchange, and the handler reads the body on that same thread; both reads block. A client
 * that sends slowly therefore holds a thread for as long as it likes. Three things bound that:
 *
 * <ul>
 *   <li><b>The deadline.</b> A request's deadline runs from when the server handed it over (its
 *       first bytes had arrived) and ends when it has arrived whole ({@link Worker#arrived()}, from
 *       the handler). A watchdog interrupts a thread still reading at the deadline: the JDK reads
 *       from a blocking {@code SocketChannel}, an interruptible channel, so the read fails at once
 *       with {@code ClosedByInterruptException} and the connection is closed. The interrupt can
 *       reach a thread only while it reads, so a listener (which runs once the request is whole) is
 *       never interrupted; a {@code FileChannel} it writes to would be closed by one.
 *   <li><b>More threads.</b> Requests wait in a queue for the {@code threads} threads, oldest
 *       first, as in a fixed pool, so a busy server keeps {@code threads} threads. When the oldest
 *       has waited {@link #SPILL_AFTER} while a thread has been reading one request for as long (a
 *       slow client holds it; a host that is merely busy gets no more threads), all that wait are
 *       handed to further threads, the newest first, up to {@code maxThreads} threads in all.
 *       Newest first, because
 *       starting a thread can take milliseconds on a loaded host, and a normal request that arrives
 *       during a burst of slow ones should not wait for a thread to be started for each of them.
 *       A further thread that has finished takes the next request that arrives, and ends after
 *       {@link #KEEP_ALIVE} without one.
 *   <li><b>{@code maxThreads}.</b> Beyond it, requests wait for a thread.
 * </ul>
 */
final class Workers implements Executor {
  /** How often the watchdog checks deadlines. */
  static final Duration TICK = Duration.ofMillis(100);
  /** How long the oldest waiting request waits before more threads start. */
  static final Duration SPILL_AFTER = Duration.ofMillis(50);
  /** How long a thread beyond {@code threads} stays without work before it ends. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

  private static final System.Logger LOG = System.getLogger(Workers.class.getName());

  private final long readTimeoutNanos;
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final Pool core;
  /** The threads beyond {@code threads}; {@code null} when there may be none. */
  private final Pool extra;
  private final ScheduledThreadPoolExecutor watchdog;

  Workers(String name, int threads, int maxThreads, Duration readTimeout) {
    this.readTimeoutNanos = readTimeout.toNanos();
    AtomicInteger ids = new AtomicInteger();
    this.core = new Pool(threads, threads, new LinkedBlockingQueue<>(), name, ids);
    this.extra = maxThreads > threads
        ? new Pool(0, maxThreads - threads, new SynchronousQueue<>(), name, ids)
        : null;
    this.watchdog = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, name + "-watchdog");
      t.setDaemon(true);
      return t;
    });
    long tick = TICK.toNanos();
    watchdog.scheduleWithFixedDelay(this::expire, tick, tick, TimeUnit.NANOSECONDS);
    if (extra != null) {
      long spill = SPILL_AFTER.toNanos() / 2;
      watchdog.scheduleWithFixedDelay(this::spill, spill, spill, TimeUnit.NANOSECONDS);
    }
  }

  /** The current thread as one of a {@code Workers}' threads, or {@code null}. */
  static Worker current() {
    return Thread.currentThread() instanceof Worker w ? w : null;
  }

  @Override
  public void execute(Runnable exchange) {
    Task task = new Task(exchange, System.nanoTime());
    // a further thread waiting for work (slow clients held threads a moment ago) takes it at
    // once; the offer fails at once when none waits: there is none while the server keeps up
    if (extra == null || !extra.getQueue().offer(task)) {
      core.execute(task);
    }
  }

  /** How many threads are reading a request that has not arrived whole yet. */
  int reading() {
    int n = 0;
    for (Worker w : workers) {
      n += w.isReading() ? 1 : 0;
    }
    return n;
  }

  /** Takes no more requests; those waiting and running go on. */
  void shutdown() {
    core.shutdown();
    if (extra != null) {
      extra.shutdown();
    }
  }

  /** Waits until every thread has ended, at most {@code nanos}; answers whether they have. */
  boolean awaitTermination(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    boolean done = core.awaitTermination(nanos, TimeUnit.NANOSECONDS)
        && (extra == null
            || extra.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
    if (done) {
      watchdog.shutdownNow();
    }
    return done;
  }

  /** Interrupts every thread, drops the requests that wait, and stops the watchdog. */
  void shutdownNow() {
    core.shutdownNow();
    if (extra != null) {
      extra.shutdownNow();
    }
    watchdog.shutdownNow();
  }

  private void expire() {
    try {
      long now = System.nanoTime();
      for (Worker w : workers) {
        w.expireIfDue(now);
      }
    } catch (RuntimeException e) {
      // a failing check must not end the watchdog's schedule
      LOG.log(System.Logger.Level.ERROR, "webhook watchdog failed", e);
    }
  }

  /**
   * When the oldest waiting request has waited too long, hands every waiting one to a further
   * thread, the newest first: each time a thread has been found, those that arrived meanwhile go
   * first.
   */
  private void spill() {
    try {
      BlockingQueue<Runnable> queue = core.getQueue();
      Task oldest = (Task) queue.peek();
      long now = System.nanoTime();
      if (oldest == null || now - oldest.queuedAt < SPILL_AFTER.toNanos() || !anyStuck(now)) {
        return;
      }
      LOG.log(System.Logger.Level.DEBUG, "every webhook thread is held: more start");
      List<Runnable> waiting = new ArrayList<>();
      while (queue.drainTo(waiting) > 0 || !waiting.isEmpty()) {
        Runnable newest = waiting.remove(waiting.size() - 1);
        try {
          extra.execute(newest);
        } catch (RejectedExecutionException e) {
          // maxThreads reached, or shutting down: the rest wait for a thread, oldest first
          waiting.add(newest);
          waiting.forEach(this::requeue);
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "webhook watchdog failed", e);
    }
  }

  /**
   * Whether a thread has been reading one request for {@link #SPILL_AFTER}: requests wait because
   * a client is slow, not because the host is busy (more threads would not help then).
   */
  private boolean anyStuck(long now) {
    for (Worker w : workers) {
      if (w.readingSince(now, SPILL_AFTER.toNanos())) {
        return true;
      }
    }
    return false;
  }

  private void requeue(Runnable task) {
    try {
      core.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down: stopping the server closes its connection
    }
  }

  /** An exchange the server handed over, and when. */
  private static final class Task implements Runnable {
    private final Runnable exchange;
    private final long queuedAt;

    Task(Runnable exchange, long queuedAt) {
      this.exchange = exchange;
      this.queuedAt = queuedAt;
    }

    @Override
    public void run() {
      exchange.run();
    }
  }

  /** A pool whose threads arm their read deadline for each task. */
  private final class Pool extends ThreadPoolExecutor {
    Pool(int threads, int maxThreads, BlockingQueue<Runnable> queue, String name,
        AtomicInteger ids) {
      super(threads, maxThreads, KEEP_ALIVE.toNanos(), TimeUnit.NANOSECONDS, queue);
      setThreadFactory(r -> new Worker(r, name + "-" + ids.incrementAndGet(), workers));
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
      ((Worker) t).arm(((Task) r).queuedAt + readTimeoutNanos);
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
      ((Worker) Thread.currentThread()).arrived();
      // an interrupt the watchdog delivered must not outlive its task
      Thread.interrupted();
    }
  }

  /** A pool thread with its read deadline. */
  static final class Worker extends Thread {
    private final Set<Worker> registry;
    private final Object lock = new Object();
    private boolean armed; // guarded by lock
    private boolean expired; // guarded by lock
    private long deadline; // guarded by lock
    private long startedAt; // guarded by lock

    private Worker(Runnable task, String name, Set<Worker> registry) {
      super(task, name);
      setDaemon(false);
      this.registry = registry;
    }

    @Override
    public void run() {
      registry.add(this);
      try {
        super.run();
      } finally {
        registry.remove(this);
      }
    }

    void arm(long deadline) {
      long now = System.nanoTime();
      synchronized (lock) {
        this.armed = true;
        this.expired = false;
        this.deadline = deadline;
        this.startedAt = now;
      }
    }

    /**
     * The request has arrived whole: the deadline no longer applies. Answers {@code false} when it
     * had passed already: this thread has then been interrupted (its interrupt status is set,
     * unless a read of the socket has consumed it and closed the connection).
     */
    boolean arrived() {
      synchronized (lock) {
        armed = false;
        return !expired;
      }
    }

    private boolean readingSince(long now, long nanos) {
      synchronized (lock) {
        return armed && now - startedAt >= nanos;
      }
    }

    boolean isReading() {
      synchronized (lock) {
        return armed;
      }
    }

    private void expireIfDue(long now) {
      synchronized (lock) {
        if (armed && now - deadline >= 0) {
          armed = false;
          expired = true;
          // under the lock, so that arrived() never returns while this interrupt is still to come
          interrupt();
        }
      }
    }
  }
}
