// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code serve --store}'s connection pool, on a real PostgreSQL. */
class StorePoolTest {
  private static final Duration NEVER = Duration.ofDays(1);

  private final String url = TestPostgres.shared().url();
  private final AtomicInteger opened = new AtomicInteger();

  private StorePool pool(int size, Duration wait, Duration validateAfter) {
    return new StorePool(() -> {
      opened.incrementAndGet();
      return DriverManager.getConnection(url);
    }, size, wait, validateAfter);
  }

  private static int backend(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private void terminate(int pid) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ")")) {
      rs.next();
      assertTrue(rs.getBoolean(1), "backend " + pid + " terminated");
    }
  }

  @Test
  void requestsInTurnShareOneConnection() throws Exception {
    try (StorePool pool = pool(4, Duration.ofSeconds(5), NEVER)) {
      int first;
      try (Connection c = pool.getConnection()) {
        first = backend(c);
      }
      for (int i = 0; i < 5; i++) {
        try (Connection c = pool.getConnection()) {
          assertEquals(first, backend(c));
        }
      }
      assertEquals(1, opened.get());
      assertEquals(1, pool.idleCount());
    }
  }

  @Test
  void atMostSizeAreLentAndAWaiterGetsTheFirstGivenBack() throws Exception {
    try (StorePool pool = pool(2, Duration.ofSeconds(30), NEVER)) {
      Connection a = pool.getConnection();
      Connection b = pool.getConnection();
      int pidA = backend(a);
      CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
        try (Connection c = pool.getConnection()) {
          return backend(c);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      // the waiter cannot have a third connection: it gets a's once a is given back
      assertThrows(java.util.concurrent.TimeoutException.class,
          () -> waiter.get(300, TimeUnit.MILLISECONDS));
      a.close();
      assertEquals(pidA, waiter.get(10, TimeUnit.SECONDS));
      assertEquals(2, opened.get());
      b.close();
    }
  }

  @Test
  void aBorrowerWaitsNoLongerThanTheWaitThenFailsAndTheSlotStaysFree() throws Exception {
    try (StorePool pool = pool(1, Duration.ofMillis(200), NEVER)) {
      try (Connection held = pool.getConnection()) {
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLTransientConnectionException.class,
            pool::getConnection);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
        assertEquals("no store connection free within 200 ms", e.getMessage());
        assertTrue(backend(held) > 0, "the holder's connection still works");
      }
      try (Connection c = pool.getConnection()) {
        assertTrue(backend(c) > 0);
      }
    }
  }

  @Test
  void aFailedConnectFreesItsSlot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (StorePool pool = new StorePool(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new SQLException("Connection to 127.0.0.1 refused", "08001");
      }
      return DriverManager.getConnection(url);
    }, 1, Duration.ofMillis(200), NEVER)) {
      assertEquals("Connection to 127.0.0.1 refused",
          assertThrows(SQLException.class, pool::getConnection).getMessage());
      try (Connection c = pool.getConnection()) {
        assertTrue(backend(c) > 0);
      }
    }
  }

  @Test
  void anIdleConnectionWhoseBackendEndedIsReplacedBeforeItIsLent() throws Exception {
    try (StorePool pool = pool(1, Duration.ofSeconds(5), Duration.ZERO)) {
      int first;
      try (Connection c = pool.getConnection()) {
        first = backend(c);
      }
      terminate(first);
      try (Connection c = pool.getConnection()) {
        assertNotEquals(first, backend(c));
      }
      assertEquals(2, opened.get());
    }
  }

  @Test
  void aConnectionTheDriverClosedIsNotKept() throws Exception {
    // validation never runs: only the driver's own closing tells the pool
    try (StorePool pool = pool(1, Duration.ofSeconds(5), NEVER)) {
      int first;
      try (Connection c = pool.getConnection()) {
        first = backend(c);
        terminate(first);
        assertThrows(SQLException.class, () -> backend(c));
        assertTrue(c.isClosed());
      }
      assertEquals(0, pool.idleCount());
      try (Connection c = pool.getConnection()) {
        assertNotEquals(first, backend(c));
      }
    }
  }

  @Test
  void anOpenTransactionIsRolledBackWhenGivenBack() throws Exception {
    String table = "pool_tx_" + ProcessHandle.current().pid();
    try (StorePool pool = pool(1, Duration.ofSeconds(5), NEVER)) {
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE IF NOT EXISTS " + table + " (n int)");
        c.setAutoCommit(false);
        st.execute("INSERT INTO " + table + " VALUES (1)");
      }
      try (Connection c = pool.getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
        assertTrue(c.getAutoCommit());
        rs.next();
        assertEquals(0, rs.getInt(1));
        st.execute("DROP TABLE " + table);
      }
      assertEquals(1, opened.get());
    }
  }

  @Test
  void aConnectionGivenBackCannotBeUsedAndClosingTwiceGivesItBackOnce() throws Exception {
    try (StorePool pool = pool(2, Duration.ofSeconds(5), NEVER)) {
      Connection c = pool.getConnection();
      c.close();
      c.close();
      assertTrue(c.isClosed());
      assertEquals("connection already given back to the pool",
          assertThrows(SQLException.class, c::createStatement).getMessage());
      assertEquals(1, pool.idleCount());
      try (Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
        assertNotEquals(backend(a), backend(b));
      }
    }
  }

  @Test
  void closingThePoolClosesItsIdleConnectionsAndOnesGivenBackLater() throws Exception {
    StorePool pool = pool(2, Duration.ofSeconds(5), NEVER);
    Connection lent = pool.getConnection();
    int lentPid = backend(lent);
    int idlePid;
    try (Connection c = pool.getConnection()) {
      idlePid = backend(c);
    }
    pool.close();
    lent.close();
    assertEquals(0, pool.idleCount());
    assertEquals("the store's connection pool is closed",
        assertThrows(SQLException.class, pool::getConnection).getMessage());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (alive(idlePid) + alive(lentPid) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, alive(idlePid) + alive(lentPid), "backends still connected");
  }

  private int alive(int pid) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
