// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.http.sender;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Predicate;

/** A {@link Scheduler} that runs nothing by itself: a test finds a task and runs it when it chooses. */
final class ManualScheduler implements Scheduler {
  /** A task as scheduled, with the delay it asked for; {@link #run()} runs it unless cancelled. */
  static final class Task extends FutureTask<Void> {
    private final long delayMillis;

    Task(Runnable r, long delayMillis) {
      super(r, null);
      this.delayMillis = delayMillis;
    }

    long delayMillis() {
      return delayMillis;
    }
  }

  private final List<Task> tasks = new ArrayList<>();
  private boolean shutdown;

  @Override
  public synchronized Future<?> schedule(Runnable task, long delayMillis) {
    Task t = new Task(task, delayMillis);
    if (shutdown) {
      t.cancel(false);
      return t;
    }
    tasks.add(t);
    notifyAll();
    return t;
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    tasks.forEach(t -> t.cancel(false));
  }

  synchronized boolean isShutdown() {
    return shutdown;
  }

  /** Waits (at most {@code timeout}) for a task not cancelled, not run, that {@code which} accepts. */
  synchronized Task await(Predicate<Task> which, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Task t : tasks) {
        if (!t.isDone() && which.test(t)) {
          return t;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no such task was scheduled within " + timeout + ": " + tasks.size() + " tasks");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
