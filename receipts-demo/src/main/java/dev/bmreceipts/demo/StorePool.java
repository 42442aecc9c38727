// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code serve --store}'s connections: at most {@code size} open at once, kept open between
 * requests. A new PostgreSQL connection costs the server a process and costs more than the
 * request's own two statements: without a pool, {@code serve --store} answered 48 requests a
 * second on two cores, most of it spent starting backends.
 *
 * <p>A borrower waits up to {@code wait} for a connection, then gets an
 * {@link SQLTransientConnectionException} (the webhook answers {@code 503}). Idle connections
 * are lent newest first; one idle longer than {@code validateAfter} is checked with
 * {@link Connection#isValid} first and replaced when it fails, so a database restarted while
 * the pool was idle costs no request. Closing a lent connection gives it back, unless the driver
 * has closed it (after an I/O error it does) or its open transaction cannot be rolled back: then
 * it is closed, and the next borrower opens a new one.
 *
 * <p>No logging framework: this is the JDK and the driver only, as every pool that could take its
 * place brings one.
 */
final class StorePool extends SimpleDataSource implements AutoCloseable {
  /** The source of new connections. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  private record Idle(Connection connection, long since) {}

  private final Connector connector;
  private final Semaphore lendable;
  private final long waitNanos;
  private final long validateAfterNanos;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed; // guarded by idle

  StorePool(Connector connector, int size, Duration wait, Duration validateAfter) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1: " + size);
    }
    this.connector = Objects.requireNonNull(connector, "connector");
    this.lendable = new Semaphore(size, true);
    this.waitNanos = wait.toNanos();
    this.validateAfterNanos = validateAfter.toNanos();
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      if (!lendable.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
        throw new SQLTransientConnectionException("no store connection free within "
            + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLTransientConnectionException("interrupted waiting for a store connection", e);
    }
    try {
      Connection c = reuse();
      return lend(c != null ? c : connector.connect());
    } catch (SQLException | RuntimeException | Error e) {
      lendable.release();
      throw e;
    }
  }

  /** An idle connection that is still good, or null. */
  private Connection reuse() throws SQLException {
    while (true) {
      Idle i;
      synchronized (idle) {
        if (closed) {
          throw new SQLException("the store's connection pool is closed", "08003");
        }
        i = idle.pollFirst();
      }
      if (i == null) {
        return null;
      }
      if (System.nanoTime() - i.since() < validateAfterNanos || valid(i.connection())) {
        return i.connection();
      }
      closeQuietly(i.connection());
    }
  }

  private static boolean valid(Connection c) {
    try {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  /** {@code c} behind a connection whose {@code close()} gives it back, once. */
  private Connection lend(Connection c) {
    AtomicBoolean returned = new AtomicBoolean();
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "close":
              if (returned.compareAndSet(false, true)) {
                giveBack(c);
              }
              return null;
            case "isClosed":
              return returned.get() || c.isClosed();
            case "equals":
              return proxy == args[0];
            case "hashCode":
              return System.identityHashCode(proxy);
            case "toString":
              return "pooled " + c;
            default:
              break;
          }
          if (returned.get()) {
            throw new SQLException("connection already given back to the pool", "08003");
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private void giveBack(Connection c) {
    try {
      boolean keep = reset(c);
      synchronized (idle) {
        if (keep && !closed) {
          idle.addFirst(new Idle(c, System.nanoTime()));
          return;
        }
      }
      closeQuietly(c);
    } finally {
      lendable.release();
    }
  }

  /** Whether {@code c} is open and out of any transaction (rolled back if it was in one). */
  private static boolean reset(Connection c) {
    try {
      if (c.isClosed()) {
        return false;
      }
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // it is being discarded either way
    }
  }

  /** How many connections are open and idle (for tests). */
  int idleCount() {
    synchronized (idle) {
      return idle.size();
    }
  }

  /** Closes the idle connections; lent ones are closed when given back. Later borrowers fail. */
  @Override
  public void close() {
    List<Idle> open;
    synchronized (idle) {
      closed = true;
      open = new ArrayList<>(idle);
      idle.clear();
    }
    open.forEach(i -> closeQuietly(i.connection()));
  }
}
