// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bmreceipts.testsupport.TestPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class SchemaTest {
  private final DataSource ds = TestPostgres.shared().dataSource();

  @Test
  void schemaIsAppliedOnlyOnRequestOnceAndItsVersionRecorded() {
    String prefix = "s" + ProcessHandle.current().pid() + "_";
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).build();
    assertEquals(0, JdbcStore.schemaVersion(ds, prefix));
    StoreException missing = assertThrows(StoreException.class, store::checkSchema);
    assertEquals("the tables with prefix " + prefix + " are at schema version 0, this store needs"
        + " 2: apply the schema with JdbcStore.migrate (serve --store-migrate)",
        missing.getMessage());
    // building and checking touched nothing
    assertEquals(List.of(), Db.column(ds, "SELECT tablename FROM pg_tables WHERE tablename LIKE '"
        + prefix + "%'"));

    assertEquals(2, JdbcStore.migrate(ds, prefix));
    assertEquals(2, JdbcStore.migrate(ds, prefix));
    store.checkSchema();
    assertEquals(List.of(prefix + "dedupe", prefix + "inbox", prefix + "schema_version"),
        Db.column(ds, "SELECT tablename FROM pg_tables WHERE tablename LIKE '" + prefix
            + "%' ORDER BY 1"));
    assertEquals(List.of("1 V1__receipts.sql", "2 V2__protocol.sql"), Db.column(ds,
        "SELECT version || ' ' || description FROM " + prefix + "schema_version ORDER BY 1"));
  }

  @Test
  void prefixMustBeAPlainSqlIdentifierAndIsNotEchoed() {
    for (String bad : List.of("", "Bm_", "1bm", "bm;drop table x", "bm-", "a".repeat(41))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JdbcStore.builder(ds).prefix(bad));
      assertEquals("table prefix must be 1 to 40 characters of a-z, 0-9 and _, not starting"
          + " with a digit", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> JdbcStore.migrate(ds, bad));
    }
    JdbcStore.builder(ds).prefix("_x9").build();
  }
}
