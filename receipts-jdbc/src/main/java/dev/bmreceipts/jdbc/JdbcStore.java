// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.PayloadListener;
import dev.bmreceipts.http.RbmPayloadListener;
import dev.bmreceipts.http.RbmWebhook;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.http.ReceiptListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Dedupe keys and a durable inbox in PostgreSQL, shared by several webhook instances: give the
 * webhook its {@link #deduplicator()}, {@link #receiptListener()} and {@link #payloadListener()}
 * (an {@link RbmWebhook} the same {@link #deduplicator()} and {@link #receiptListener()}, and
 * {@link #rbmPayloadListener()}).
 *
 * <p>For each request the webhook claims its keys (one statement), calls the listeners (the
 * store's stage the request's new receipts and payloads in memory, on the request's thread), and
 * commits (one statement: the keys marked delivered and the staged rows inserted in one
 * transaction) or releases (one statement). So the webhook's {@code 2xx} means "committed in
 * PostgreSQL": a redelivery, on any instance, finds its keys delivered, is answered {@code 200},
 * and is recorded nowhere. Register the store's listeners after any listener that may refuse a
 * payload, or before: a refusal releases the batch and its staged rows are dropped.
 *
 * <p>A claim is held with a lease ({@link Builder#lease}, default 30 s): a key claimed by an
 * instance that died is taken over by the next claim after its lease. Delivered keys are kept
 * for {@link Builder#retention} (default 8 days: Google redelivers for 7) and then deleted, a
 * bounded batch at a time, by {@link #purgeExpired}, which the host schedules.
 *
 * <p>Every statement has the {@link Builder#timeout} (default 5 s) as its query timeout and its
 * connection's network timeout; a failure throws {@link StoreException}, which the webhook
 * answers with {@code 503} and {@code Retry-After}. Nothing is cached between requests: when
 * the database is back, the next request works. Connection set-up is the {@link DataSource}'s:
 * give it a connect and login timeout too, and a short cancel timeout: a statement past its
 * timeout is cancelled over a new connection, and the PostgreSQL driver waits for that cancel
 * ({@code cancelSignalTimeout}, 10 s by default; the demo sets 1 s) before the request can answer.
 * A commit that got no answer is not followed by a release: its keys are taken over after the
 * lease, so that a stalled database costs a request one timeout, not two.
 *
 * <p><b>Both protocols.</b> RCS Business Messaging receipts go into the same inbox as Business
 * Messages ones, each row with its protocol ({@code bm} or {@code rbm}, from
 * {@link ReceiptEvent#protocol()}; schema version 2), an RBM receipt's row under the key an RBM
 * webhook claims for its event ({@code RbmKeys.eventKey}). An RBM user's phone number is the
 * conversation id: stored whole in the inbox and in the keys, and never put in a log line or an
 * exception message of the store. Messages mask it ({@code +****4567}), and a
 * {@link StoreException}'s cause carries the driver's first line only, not the server's detail,
 * which can quote a row or a key.
 *
 * <p>The schema is applied only on request, by {@link #migrate}. Instances are thread-safe.
 */
public final class JdbcStore {
  private static final System.Logger LOG = System.getLogger(JdbcStore.class.getName());

  /**
   * The schema version this code needs: 2, which records each inbox row's protocol
   * ({@code V2__protocol.sql}; the rows written before read as Business Messages).
   */
  public static final int SCHEMA_VERSION = 2;
  /** The default table prefix. */
  public static final String DEFAULT_PREFIX = "bm_";
  /** The default lease of an in-flight claim. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  /** The default retention of a delivered key: Google's 7 days of retries, plus one. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(8);
  /** The default statement and network timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final String[] MIGRATIONS = {"V1__receipts.sql", "V2__protocol.sql"};
  /**
   * An E.164 phone number anywhere in a text: {@code +} and 8 to 15 digits, the first not 0. An
   * RBM user's phone is stored whole (it is the conversation id, and in the dedupe keys); a
   * database error can quote it, and no message or log line of the store may.
   */
  private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{3,10}([0-9]{4})(?![0-9])");

  private final DataSource dataSource;
  private final Tables tables;
  private final Statements statements;
  private final Duration lease;
  private final Duration retention;
  private final Duration timeout;
  private final Clock clock;
  private final AtomicLong owners = new AtomicLong(new SecureRandom().nextLong());
  private final JdbcDeduplicator deduplicator;

  private JdbcStore(Builder b) {
    this.dataSource = b.dataSource;
    this.tables = b.tables;
    this.statements = new Statements(tables);
    this.lease = b.lease;
    this.retention = b.retention;
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.deduplicator = new JdbcDeduplicator(this);
  }

  /** A builder over {@code dataSource}, with the defaults. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * The shared dedupe store. Its {@link Deduplicator#claimAll} claims a request's keys in one
   * statement; its batch's {@code commit()} writes the keys and the rows the store's listeners
   * staged in one statement, {@code release()} drops them in one. {@code claim}, {@code commit}
   * and {@code release} of single keys work too, on the claiming thread: one statement per claim,
   * and the thread's commits and releases written together, in one statement, when its last
   * claimed key is committed or released (so a failure records none of a request's keys).
   */
  public Deduplicator deduplicator() {
    return deduplicator;
  }

  /**
   * A listener that stages each new receipt as an inbox row of the current request, written by
   * its batch's commit. Called on the request's thread, once per payload with new receipts;
   * it does not throw while a batch of this store is open on the thread. Outside one (the
   * webhook uses another {@link Deduplicator}) it writes the rows at once, and throws
   * {@link StoreException} when it cannot.
   */
  public ReceiptListener receiptListener() {
    return new ReceiptListener() {
      @Override
      public void onReceipt(ReceiptEvent event) {
        deduplicator.stage(List.of(InboxRow.of(event)));
      }

      @Override
      public void onReceipts(List<ReceiptEvent> events) {
        List<InboxRow> rows = new ArrayList<>(events.size());
        for (ReceiptEvent e : events) {
          rows.add(InboxRow.of(e));
        }
        deduplicator.stage(rows);
      }
    };
  }

  /**
   * A listener that stages each other payload (user message, status, …) as an inbox row. Called
   * on the request's thread, once per payload. A payload with a request id is written with its
   * key by the commit; one without (nothing to dedupe it by) is written at once, so a later
   * listener's refusal makes Google's redelivery write it again. Throws {@link StoreException}
   * when a write fails.
   */
  public PayloadListener payloadListener() {
    return p -> deduplicator.stage(List.of(InboxRow.of(p)));
  }

  /**
   * The RBM counterpart of {@link #payloadListener()}, for an {@link RbmWebhook}: stages each RBM
   * payload that is not a receipt (user messages, typing and subscription events, server and agent
   * launch events) as an inbox row with protocol {@code rbm}. A user event or message is written
   * with the key the webhook claims for it, by the commit; another kind (no key) is written at
   * once. Throws {@link StoreException} when a write fails.
   */
  public RbmPayloadListener rbmPayloadListener() {
    return p -> deduplicator.stage(List.of(InboxRow.of(p)));
  }

  /**
   * Deletes up to {@code limit} keys past their retention or past a lease nobody took over, in
   * one statement, and answers how many. Run it every minute or so from one or every instance;
   * concurrent runs skip each other's rows.
   *
   * @throws StoreException when the database cannot be reached
   */
  public int purgeExpired(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    try (Connection c = connect(); PreparedStatement ps = prepare(c, statements.purge)) {
      var now = JdbcDeduplicator.at(clock.instant());
      ps.setObject(1, now);
      ps.setInt(2, limit);
      ps.setObject(3, now);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failed("purge expired keys", e);
    }
  }

  /**
   * Passes every receipt in the inbox to {@code listener}, oldest first, one
   * {@link ReceiptListener#onReceipt} per row, on the calling thread; a listener that throws
   * stops the reading and its exception is rethrown wrapped in a {@link StoreException}. This is
   * the whole traffic of every instance: a DELIVERED and its READ meet even when they reached
   * different instances. Each event has the {@link ReceiptEvent#protocol()} its row recorded
   * (Business Messages for the rows written before schema version 2).
   *
   * @return the receipts passed on, and the rows skipped because their message name or protocol
   *     is not one
   */
  public Replay replayReceipts(ReceiptListener listener) {
    Objects.requireNonNull(listener, "listener cannot be null");
    long receipts = 0;
    long bad = 0;
    try (Connection c = connect()) {
      c.setAutoCommit(false); // the driver streams rows only inside a transaction
      try (PreparedStatement ps = c.prepareStatement(statements.receipts)) {
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            MessageName name;
            Protocol protocol;
            try {
              name = MessageName.parse(rs.getString(5));
              protocol = Protocol.fromId(rs.getString(9));
            } catch (IllegalArgumentException | NullPointerException e) {
              bad++;
              continue;
            }
            String raw = rs.getString(6);
            Receipt receipt = new Receipt(name, ReceiptType.fromWire(raw), raw);
            listener.onReceipt(new ReceiptEvent(receipt, rs.getString(1), rs.getString(2),
                rs.getString(3), Optional.ofNullable(rs.getString(4)),
                Timestamp.parse(orEmpty(rs.getString(8))),
                Timestamp.parse(orEmpty(rs.getString(7))), protocol));
            receipts++;
          }
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw failed("read the inbox", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StoreException("a listener failed while reading the inbox: "
          + masked(String.valueOf(e.getMessage())), e);
    }
    return new Replay(receipts, bad);
  }

  /**
   * What {@link #replayReceipts} read.
   *
   * @param receipts rows passed to the listener
   * @param skipped rows whose message name does not parse or whose protocol is not known
   */
  public record Replay(long receipts, long skipped) {}

  /**
   * Fails unless the tables are at {@link #SCHEMA_VERSION}; a host calls it at start so that a
   * missing schema is said once, plainly, rather than by every request's {@code 503}.
   *
   * @throws StoreException naming the version found and how to apply the schema
   */
  public void checkSchema() {
    int found = schemaVersion(dataSource, tables.prefix());
    if (found != SCHEMA_VERSION) {
      throw new StoreException("the tables with prefix " + tables.prefix() + " are at schema"
          + " version " + found + ", this store needs " + SCHEMA_VERSION
          + ": apply the schema with JdbcStore.migrate (serve --store-migrate)");
    }
  }

  /** {@link #migrate(DataSource, String)} with the default prefix. */
  public static int migrate(DataSource dataSource) {
    return migrate(dataSource, DEFAULT_PREFIX);
  }

  /**
   * Applies the schema versions shipped in this jar that the database has not got yet, each in
   * its own transaction, under a transaction-scoped advisory lock so that instances migrating at
   * once apply each version once. Never called by the store itself. Version 2 only adds a column
   * with a default, so instances of the versions before keep working on it: migrate first, then
   * upgrade the instances.
   *
   * @return the schema version now in the database
   * @throws StoreException when the database cannot be reached or a script fails
   */
  public static int migrate(DataSource dataSource, String prefix) {
    return migrate(dataSource, prefix, MIGRATIONS.length);
  }

  /** {@link #migrate(DataSource, String)} up to version {@code target} only (for tests). */
  static int migrate(DataSource dataSource, String prefix, int target) {
    Objects.requireNonNull(dataSource, "dataSource cannot be null");
    Tables t = new Tables(prefix);
    try (Connection c = dataSource.getConnection()) {
      int version = 0;
      for (int v = 1; v <= target; v++) {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(hashtext('bm-receipts schema " + prefix + "'))");
          st.execute("CREATE TABLE IF NOT EXISTS " + t.schemaVersion() + " (version integer"
              + " PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL"
              + " DEFAULT now())");
          try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM "
              + t.schemaVersion())) {
            rs.next();
            version = rs.getInt(1);
          }
          if (version < v) {
            st.execute(t.expand(script(MIGRATIONS[v - 1])));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.schemaVersion()
                + " (version, description) VALUES (?, ?)")) {
              ps.setInt(1, v);
              ps.setString(2, MIGRATIONS[v - 1]);
              ps.executeUpdate();
            }
            version = v;
            LOG.log(System.Logger.Level.INFO, "applied schema " + MIGRATIONS[v - 1]
                + " with prefix " + prefix);
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
      return version;
    } catch (SQLException e) {
      throw new StoreException("could not migrate the schema: " + oneLine(e), redacted(e));
    }
  }

  /** The schema version of the tables with {@code prefix}: {@code 0} when there are none. */
  public static int schemaVersion(DataSource dataSource, String prefix) {
    Tables t = new Tables(prefix);
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + t.schemaVersion() + "')"
          + " IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM "
          + t.schemaVersion())) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new StoreException("could not read the schema version: " + oneLine(e), redacted(e));
    }
  }

  private static String script(String name) {
    try (InputStream in = JdbcStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The SQL of each phase, for a host's own tools or a benchmark that runs the same statements.
   *
   * @param claim parameters: keys {@code text[]}, owner {@code bigint}, lease end and now
   *     ({@code timestamptz}); one row per key, {@code C}, {@code D} or {@code B}, in order
   * @param commit parameters: retention end, keys, owner, dropped keys, owner, the twelve inbox
   *     columns as {@code text[]} (the last one the protocol, {@code bm} or {@code rbm}), and the
   *     number of keys
   * @param release parameters: keys, owner
   */
  public record Sql(String claim, String commit, String release) {}

  /** The statements this store runs, for its table prefix. */
  public Sql sql() {
    return new Sql(statements.claim, statements.commit, statements.release);
  }

  // --- for the deduplicator

  Statements statements() {
    return statements;
  }

  Duration lease() {
    return lease;
  }

  Duration retention() {
    return retention;
  }

  Clock clock() {
    return clock;
  }

  long nextOwner() {
    return owners.incrementAndGet();
  }

  /** A connection with the network timeout set; closed by the caller. */
  Connection connect() throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      c.setNetworkTimeout(Runnable::run, (int) timeout.plusSeconds(1).toMillis());
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
    return ps;
  }

  StoreException failed(String what, SQLException e) {
    return new StoreException("could not " + what + " in PostgreSQL: " + oneLine(e), redacted(e));
  }

  /**
   * The first line of {@code e}'s message, phone numbers masked, and its SQLSTATE. The PostgreSQL
   * driver puts the server's detail (a failing row, a key's value: an RBM user's phone among
   * them) on the lines after the first.
   */
  static String oneLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return masked(nl < 0 ? m : m.substring(0, nl)) + (e.getSQLState() == null ? ""
        : " (SQLSTATE " + e.getSQLState() + ")");
  }

  /** {@code text} with every E.164 phone number in it masked as {@code +****} and its last four. */
  static String masked(String text) {
    return PHONE.matcher(text).replaceAll("+****$1");
  }

  /**
   * What a {@link StoreException} carries as its cause instead of {@code e}: an
   * {@link SQLException} of the same class of error, with {@link #oneLine} as its message, the
   * same SQLSTATE, error code and stack, and {@code e}'s own cause (the I/O error of a lost
   * connection). A logger that prints the chain (the webhook's failure log does) so never prints
   * the server's detail lines, which can quote a phone number stored in a row or a key.
   */
  static SQLException redacted(SQLException e) {
    SQLException r = new SQLException(oneLine(e), e.getSQLState(), e.getErrorCode(),
        e.getCause() instanceof SQLException ? null : e.getCause());
    r.setStackTrace(e.getStackTrace());
    return r;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Configures a {@link JdbcStore}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private Tables tables = new Tables(DEFAULT_PREFIX);
    private Duration lease = DEFAULT_LEASE;
    private Duration retention = DEFAULT_RETENTION;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource cannot be null");
    }

    /** The tables' prefix (default {@code bm_}): 1 to 40 of {@code a-z}, {@code 0-9}, {@code _}. */
    public Builder prefix(String prefix) {
      this.tables = new Tables(Objects.requireNonNull(prefix, "prefix cannot be null, use \"bm_\""));
      return this;
    }

    /** How long a claim holds its key before another instance may take it over (default 30 s). */
    public Builder lease(Duration lease) {
      this.lease = positive("lease", lease);
      return this;
    }

    /** How long a delivered key is kept (default 8 days; Google redelivers for 7). */
    public Builder retention(Duration retention) {
      this.retention = positive("retention", retention);
      return this;
    }

    /** Each statement's query timeout and its connection's network timeout (default 5 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** The clock of leases and retention (default the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null, use Clock.systemUTC()");
      return this;
    }

    /** The store; touches no database (see {@link JdbcStore#checkSchema()}). */
    public JdbcStore build() {
      return new JdbcStore(this);
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what + " cannot be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
