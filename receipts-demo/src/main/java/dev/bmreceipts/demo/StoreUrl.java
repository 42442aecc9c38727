// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The {@code --store} URL: a {@code jdbc:postgresql://} URL whose user and password come from the
 * URL's {@code user} and {@code password} parameters or else from {@code PGUSER} and
 * {@code PGPASSWORD}. It is never printed as given: {@link #masked()} hides the password.
 *
 * <p>Connections come from the driver through {@link DriverManager}, so that the PostgreSQL
 * driver stays a run-time dependency: a new one per {@code getConnection()} from
 * {@link #dataSource()}, or kept for the next request by {@link #pool(int)} (the store holds one
 * per request, from its claim to its commit). Connect and login time out after 5 s, and a cancel
 * after 1 s, unless the URL says otherwise.
 */
final class StoreUrl {
  private static final Duration POOL_WAIT = Duration.ofSeconds(5);
  private static final Pattern PASSWORD = Pattern.compile("(?i)([?&](?:ssl)?password=)[^&]*");

  private final String url;
  private final Properties properties = new Properties();

  private StoreUrl(String url, Map<String, String> env) {
    this.url = url;
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("loginTimeout", "5");
    // a statement past the store's timeout is cancelled on a new connection; the driver waits for
    // that cancel (10 s by default) before the request can answer 503
    properties.setProperty("cancelSignalTimeout", "1");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "bm-receipts");
    if (!url.matches("(?i).*[?&]user=.*") && env.get("PGUSER") != null) {
      properties.setProperty("user", env.get("PGUSER"));
    }
    if (!url.matches("(?i).*[?&]password=.*") && env.get("PGPASSWORD") != null) {
      properties.setProperty("password", env.get("PGPASSWORD"));
    }
  }

  /** Option {@code name}'s URL, checked; its value is a secret and never echoed. */
  static StoreUrl of(Args args, String name) throws UsageException {
    String url = args.string(name).orElseThrow();
    if (!url.startsWith("jdbc:postgresql:") || url.chars().anyMatch(Character::isISOControl)) {
      throw args.bad(name, "must be a jdbc:postgresql:// URL", null);
    }
    return new StoreUrl(url, args.env());
  }

  /** The URL with its password and SSL key password, if any, replaced by {@code ***}. */
  String masked() {
    return PASSWORD.matcher(url).replaceAll("$1***");
  }

  /** The driver properties besides the URL (user and password from the environment, timeouts). */
  Properties properties() {
    Properties p = new Properties();
    p.putAll(properties);
    return p;
  }

  /** A new connection per {@code getConnection()} (for the commands that make one or two). */
  DataSource dataSource() {
    return new SimpleDataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connect();
      }
    };
  }

  /**
   * {@code serve}'s connections: at most {@code size} open, kept between requests; a request
   * waits for one as long as for a new connection's login (5 s).
   */
  StorePool pool(int size) {
    return new StorePool(this::connect, size, POOL_WAIT, Duration.ofSeconds(1));
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, properties);
  }

  @Override
  public String toString() {
    return masked();
  }
}
