// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Test helpers: a fresh table prefix per test, and plain queries. */
final class Db {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private Db() {}

  /** A prefix no other test uses, with the schema applied. */
  static String migrated(DataSource ds) {
    String prefix = "t" + ProcessHandle.current().pid() + "_" + PREFIXES.incrementAndGet() + "_";
    JdbcStore.migrate(ds, prefix);
    return prefix;
  }

  static List<String> column(DataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(DataSource ds, String sql) {
    return Long.parseLong(column(ds, sql).get(0));
  }
}
