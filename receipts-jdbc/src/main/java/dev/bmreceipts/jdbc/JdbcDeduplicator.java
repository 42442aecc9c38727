// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import dev.bmreceipts.http.Deduplicator;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link JdbcStore#deduplicator()}: keys in {@code PREFIX_dedupe}, one statement per phase.
 *
 * <p>A request's work is a {@link Session} bound to its thread: the keys it claimed (under one
 * owner number, the lease holder) and the inbox rows its listeners staged. {@link #claimAll}
 * opens one and answers it as the {@link Batch}; {@link #claim} opens one on a thread's first
 * claim and closes it when its last claimed key is committed or released. The session keeps one
 * connection from its claim to its commit or release, so a request takes one connection.
 */
final class JdbcDeduplicator implements Deduplicator {
  private static final System.Logger LOG = System.getLogger(JdbcDeduplicator.class.getName());

  private final JdbcStore store;
  private final ThreadLocal<Session> current = new ThreadLocal<>();

  JdbcDeduplicator(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Claim claim(String key) {
    Session s = current.get();
    if (s == null || s.finished) {
      s = new Session(store.nextOwner());
    }
    Claim c = s.claim(List.of(key))[0];
    if (c == Claim.CLAIMED) {
      s.held.add(key);
      if (current.get() != s) {
        s.previous = current.get();
        current.set(s);
      }
    } else if (s.held.isEmpty() && s.toCommit.isEmpty() && s.toDrop.isEmpty()) {
      s.close();
    }
    return c;
  }

  /**
   * Marks {@code key} for commit; the thread's keys are committed, with the rows its listeners
   * staged, in one statement when its last claimed key is committed or released.
   *
   * @throws StoreException when that statement fails; nothing of it was recorded
   * @throws IllegalStateException when this thread holds no claim of {@code key}
   */
  @Override
  public void commit(String key) {
    Session s = current.get();
    if (s == null || !s.held.remove(key)) {
      throw new IllegalStateException("key not claimed on this thread: commit or release a key"
          + " on the thread that claimed it");
    }
    s.toCommit.add(key);
    if (s.held.isEmpty()) {
      s.flush();
    }
  }

  /**
   * Marks {@code key} for release, done with the thread's other keys when its last claimed key is
   * committed or released. A key this thread does not hold is ignored: after a failed commit
   * there is nothing left to release. Never throws: keys it could not release are taken over when
   * their lease ends.
   */
  @Override
  public void release(String key) {
    Session s = current.get();
    if (s == null || !s.held.remove(key)) {
      return;
    }
    s.toDrop.add(key);
    if (s.held.isEmpty()) {
      s.flush();
    }
  }

  @Override
  public Batch claimAll(List<String> keys, boolean firstIsRequest) {
    Session s = new Session(store.nextOwner());
    Claim[] all = s.claim(keys);
    // the contract's view: claiming stops at a delivered request id or at the first busy key;
    // keys after the stop were claimed by the one statement all the same, and are dropped again
    // by the batch's commit or release
    int stop = all.length;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == Claim.BUSY || (i == 0 && firstIsRequest && all[i] == Claim.DELIVERED)) {
        stop = i + 1;
        break;
      }
    }
    Claim[] visible = Arrays.copyOf(all, stop);
    List<String> passed = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (int i = 0; i < all.length; i++) {
      if (all[i] == Claim.CLAIMED) {
        (i < stop ? passed : dropped).add(keys.get(i));
      }
    }
    s.held.addAll(passed);
    s.held.addAll(dropped);
    if (s.held.isEmpty()) {
      s.close();
    } else {
      // the newest batch of the thread gets its listeners' rows; an older one that is still
      // open (a host finishing batches out of order) is current again once this one finishes
      s.previous = current.get();
      current.set(s);
    }
    return new Batch() {
      private boolean done;

      @Override
      public Claim claim(int i) {
        return i < visible.length ? visible[i] : null;
      }

      @Override
      public void commit() {
        finish();
        if (!s.held.isEmpty()) {
          s.toCommit.addAll(passed);
          s.toDrop.addAll(dropped);
          s.held.clear();
          s.flush();
        }
      }

      @Override
      public void release() {
        finish();
        if (!s.held.isEmpty()) {
          s.toDrop.addAll(s.held);
          s.held.clear();
          s.flush();
        }
      }

      private void finish() {
        if (done) {
          throw new IllegalStateException("batch already committed or released");
        }
        done = true;
      }
    };
  }

  /** Stages {@code rows} into this thread's request, or writes them now when it has none. */
  void stage(List<InboxRow> rows) {
    Session s = current.get();
    if (s != null && !s.finished) {
      s.rows.addAll(rows);
      return;
    }
    try (Connection c = store.connect(); PreparedStatement ps = store.prepare(c,
        store.statements().insert)) {
      bindRows(c, ps, 1, rows);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw store.failed("write to the inbox", e);
    }
  }

  /** Binds the rows' columns as {@link InboxRow#COLUMNS} text arrays from parameter {@code at}. */
  static int bindRows(Connection c, PreparedStatement ps, int at, List<InboxRow> rows)
      throws SQLException {
    for (int col = 0; col < InboxRow.COLUMNS; col++) {
      String[] values = new String[rows.size()];
      for (int r = 0; r < values.length; r++) {
        values[r] = rows.get(r).column(col);
      }
      ps.setArray(at++, c.createArrayOf("text", values));
    }
    return at;
  }

  static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /**
   * Whether the database did not answer: the connection failed or timed out (SQLSTATE class
   * {@code 08}), or the statement was cancelled when its timeout ran out ({@code 57014}).
   */
  static boolean unanswered(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.equals("57014");
  }

  /** One request's claims, staged rows and connection; used by its thread only. */
  private final class Session {
    final long owner;
    /** Keys claimed and neither committed nor released yet. */
    final Set<String> held = new HashSet<>();
    /** Keys committed or released, written when {@link #held} is empty. */
    final List<String> toCommit = new ArrayList<>();
    final List<String> toDrop = new ArrayList<>();
    final List<InboxRow> rows = new ArrayList<>();
    Connection connection;
    Session previous;
    boolean finished;

    Session(long owner) {
      this.owner = owner;
    }

    Claim[] claim(List<String> keys) {
      Instant now = store.clock().instant();
      try {
        Connection c = connection();
        try (PreparedStatement ps = store.prepare(c, store.statements().claim)) {
          ps.setArray(1, c.createArrayOf("text", keys.toArray()));
          ps.setLong(2, owner);
          ps.setObject(3, at(now.plus(store.lease())));
          ps.setObject(4, at(now));
          Claim[] claims = new Claim[keys.size()];
          try (ResultSet rs = ps.executeQuery()) {
            for (int i = 0; i < claims.length && rs.next(); i++) {
              String s = rs.getString(1);
              claims[i] = s.equals("C") ? Claim.CLAIMED
                  : s.equals("D") ? Claim.DELIVERED : Claim.BUSY;
            }
          }
          return claims;
        }
      } catch (SQLException e) {
        // one statement, one transaction: a claim that failed holds nothing; keys claimed
        // before it still wait for their commit or release
        if (held.isEmpty() && toCommit.isEmpty() && toDrop.isEmpty()) {
          close();
        } else {
          dropConnection();
        }
        throw store.failed("claim", e);
      }
    }

    /** Writes the committed and released keys in one statement, then ends the session. */
    void flush() {
      try {
        if (toCommit.isEmpty()) {
          release(toDrop);
          return;
        }
        try {
          commit(toCommit, toDrop);
        } catch (StoreException e) {
          // nothing was recorded: give the keys back now if the database answered (if the lease
          // was lost they are another request's, and the statement touches none of them); not
          // when it did not answer in time, since a release would wait as long again past the
          // request's deadline: the keys are taken over when their lease ends
          if (!(e.getCause() instanceof SQLException cause && unanswered(cause))) {
            List<String> all = new ArrayList<>(toCommit);
            all.addAll(toDrop);
            release(all);
          }
          throw e;
        }
      } finally {
        close();
      }
    }

    void commit(List<String> keys, List<String> dropped) {
      Set<String> committing = new HashSet<>(keys);
      List<InboxRow> mine = new ArrayList<>();
      for (InboxRow r : rows) {
        if (committing.contains(r.dedupeKey())) {
          mine.add(r);
        }
      }
      Instant now = store.clock().instant();
      try {
        Connection c = connection();
        try (PreparedStatement ps = store.prepare(c, store.statements().commit)) {
          ps.setObject(1, at(now.plus(store.retention())));
          ps.setArray(2, c.createArrayOf("text", keys.toArray()));
          ps.setLong(3, owner);
          ps.setArray(4, c.createArrayOf("text", dropped.toArray()));
          ps.setLong(5, owner);
          int at = bindRows(c, ps, 6, mine);
          ps.setInt(at, keys.size());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
          }
        }
      } catch (SQLException e) {
        dropConnection();
        if (e.getMessage() != null && e.getMessage().contains(Statements.LEASE_LOST)) {
          throw new StoreException("commit failed: the lease on a key ran out and another"
              + " request took it over; nothing was recorded", JdbcStore.redacted(e));
        }
        throw store.failed("commit", e);
      }
      rows.removeAll(mine);
    }

    void release(List<String> keys) {
      try {
        Connection c = connection();
        try (PreparedStatement ps = store.prepare(c, store.statements().release)) {
          ps.setArray(1, c.createArrayOf("text", keys.toArray()));
          ps.setLong(2, owner);
          ps.executeUpdate();
        }
      } catch (SQLException e) {
        dropConnection();
        // not thrown: the keys stay in flight until their lease runs out, then are taken over
        LOG.log(Level.WARNING, () -> "could not release " + keys.size() + " claimed keys; they are"
            + " taken over when their lease ends: " + JdbcStore.oneLine(e));
      }
    }

    Connection connection() throws SQLException {
      if (connection == null) {
        connection = store.connect();
      }
      return connection;
    }

    void dropConnection() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          LOG.log(Level.DEBUG, "closing a connection failed", e);
        }
        connection = null;
      }
    }

    void close() {
      finished = true;
      rows.clear();
      if (current.get() == this) {
        Session p = previous;
        while (p != null && p.finished) {
          p = p.previous;
        }
        if (p == null) {
          current.remove();
        } else {
          current.set(p);
        }
      }
      previous = null;
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          LOG.log(Level.DEBUG, "closing a connection failed", e);
        }
        connection = null;
      }
    }
  }
}
