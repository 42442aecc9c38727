// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bmreceipts.jdbc.JdbcStore;
import dev.bmreceipts.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** {@code serve --store}'s purge keeps up with more expired keys than one batch. */
class StorePurgeTest {
  @Test
  void onePurgeDeletesEveryExpiredKeyNotOneBatch() throws Exception {
    DataSource ds = ServeCommand.config(Args.parse(new ServeCommand(),
        List.of("--store", TestPostgres.shared().url()), Map.of("BM_SIGNING_KEY", "k")))
        .store().orElseThrow().dataSource();
    String prefix = "purge" + ProcessHandle.current().pid() + "_";
    JdbcStore.migrate(ds, prefix);
    int expired = ReceiptService.PURGE_BATCH * 2 + 500;
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("INSERT INTO " + prefix + "dedupe (key, owner, expires_at) SELECT 'old ' || g,"
          + " NULL, now() - interval '1 day' FROM generate_series(1, " + expired + ") g");
      st.execute("INSERT INTO " + prefix + "dedupe (key, owner, expires_at)"
          + " VALUES ('kept', NULL, now() + interval '1 day')");
    }
    ReceiptService.purge(JdbcStore.builder(ds).prefix(prefix).build());
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), max(key) FROM " + prefix + "dedupe")) {
      rs.next();
      assertEquals("1 kept", rs.getLong(1) + " " + rs.getString(2));
    }
  }
}
