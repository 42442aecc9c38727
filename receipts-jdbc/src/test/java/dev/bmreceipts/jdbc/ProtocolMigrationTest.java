// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Schema version 2 on tables that version 1 made and filled: the rows already there read as
 * Business Messages, and an instance of the version before keeps writing while a fleet upgrades.
 */
class ProtocolMigrationTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private final DataSource ds = TestPostgres.shared().dataSource();
  private final String prefix = "v" + ProcessHandle.current().pid() + "_"
      + PREFIXES.incrementAndGet() + "_";

  /** An inbox row as the version before wrote it: its eleven columns, no protocol. */
  private String v1Row(String key, String kind, String message, String type, String requestId) {
    return "INSERT INTO " + prefix + "inbox (dedupe_key, kind, agent, conversation_id,"
        + " custom_agent_id, request_id, message, receipt_type, create_time, send_time, body)"
        + " VALUES ('" + key + "', '" + kind + "', 'brands/B/agents/A', 'C', 'X', '" + requestId
        + "', '" + message + "', " + (type == null ? "NULL" : "'" + type + "'")
        + ", '2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123456789Z', "
        + (type == null ? "'{\"message\": {\"text\": \"hi\"}}'" : "NULL") + ")";
  }

  private void execute(String... sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static ReceiptEvent bm(String messageId, ReceiptType type, String requestId) {
    return new ReceiptEvent(Receipt.of(MessageName.of("C", messageId), type), "brands/B/agents/A",
        "C", "X", Optional.of(requestId), Timestamp.parse("2024-01-02T03:04:05.123456789Z"),
        Timestamp.parse("2024-01-02T03:04:05Z"));
  }

  @Test
  void rowsOfVersionOneReadAsBusinessMessagesAfterVersionTwo() throws Exception {
    assertEquals(1, JdbcStore.migrate(ds, prefix, 1));
    assertEquals(1, JdbcStore.schemaVersion(ds, prefix));
    MutableClock clock = new MutableClock();
    // the version before's traffic: two receipts and a message, their keys delivered
    execute(v1Row("receipt 9 DELIVERED conversations/C/messages/M1", "RECEIPT",
            "conversations/C/messages/M1", "DELIVERED", "R1"),
        v1Row("receipt 4 READ conversations/C/messages/M1", "RECEIPT",
            "conversations/C/messages/M1", "READ", "R2"),
        v1Row("request R9", "MESSAGE", "conversations/C/messages/U1", null, "R9"),
        "INSERT INTO " + prefix + "dedupe (key, owner, expires_at) VALUES ('request R1', NULL,"
            + " '2024-01-10T00:00:00Z'), ('receipt 9 DELIVERED conversations/C/messages/M1',"
            + " NULL, '2024-01-10T00:00:00Z')");
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).clock(clock).build();
    StoreException old = assertThrows(StoreException.class, store::checkSchema);
    assertEquals("the tables with prefix " + prefix + " are at schema version 1, this store needs"
        + " 2: apply the schema with JdbcStore.migrate (serve --store-migrate)", old.getMessage());

    assertEquals(2, JdbcStore.migrate(ds, prefix));
    store.checkSchema();
    assertEquals(List.of("1 V1__receipts.sql", "2 V2__protocol.sql"), Db.column(ds,
        "SELECT version || ' ' || description FROM " + prefix + "schema_version ORDER BY 1"));
    assertEquals(List.of("RECEIPT bm", "RECEIPT bm", "MESSAGE bm"), Db.column(ds,
        "SELECT kind || ' ' || protocol FROM " + prefix + "inbox ORDER BY id"));
    assertEquals(List.of("text NO 'bm'::text"), Db.column(ds, "SELECT data_type || ' ' ||"
        + " is_nullable || ' ' || column_default FROM information_schema.columns WHERE table_name"
        + " = '" + prefix + "inbox' AND column_name = 'protocol'"));

    // the receipts come back as they were written, as Business Messages ones
    List<ReceiptEvent> events = new ArrayList<>();
    assertEquals(new JdbcStore.Replay(2, 0), store.replayReceipts(events::add));
    assertEquals(List.of(bm("M1", ReceiptType.DELIVERED, "R1"), bm("M1", ReceiptType.READ, "R2")),
        events);
    assertEquals(Protocol.BUSINESS_MESSAGES, events.get(0).protocol());
    // and their keys are still delivered: a redelivery is recorded nowhere
    Deduplicator.Batch again = store.deduplicator().claimAll(List.of("request R1",
        "receipt 9 DELIVERED conversations/C/messages/M1"), false);
    assertEquals(Deduplicator.Claim.DELIVERED, again.claim(0));
    assertEquals(Deduplicator.Claim.DELIVERED, again.claim(1));
    again.commit();

    // an instance of the version before, still running, writes as it did: its rows are bm
    execute(v1Row("receipt 4 READ conversations/C/messages/M2", "RECEIPT",
        "conversations/C/messages/M2", "READ", "R3"));
    assertEquals(List.of("conversations/C/messages/M2 bm"), Db.column(ds, "SELECT message || ' '"
        + " || protocol FROM " + prefix + "inbox WHERE request_id = 'R3'"));
  }

  @Test
  void theInboxTakesNoProtocolButBmAndRbm() throws Exception {
    assertEquals(2, JdbcStore.migrate(ds, prefix));
    execute(v1Row("k1", "RECEIPT", "conversations/C/messages/M1", "READ", "R1"));
    SQLException e = assertThrows(SQLException.class, () -> execute("UPDATE " + prefix
        + "inbox SET protocol = 'sms'"));
    assertEquals("23514", e.getSQLState());
    SQLException none = assertThrows(SQLException.class, () -> execute("UPDATE " + prefix
        + "inbox SET protocol = NULL"));
    assertEquals("23502", none.getSQLState());
    execute("UPDATE " + prefix + "inbox SET protocol = 'rbm'");
    assertEquals(List.of("rbm"), Db.column(ds, "SELECT protocol FROM " + prefix + "inbox"));
  }

  @Test
  void aRowWithAProtocolThisVersionDoesNotKnowIsSkippedByTheReplay() throws Exception {
    assertEquals(2, JdbcStore.migrate(ds, prefix));
    execute(v1Row("k1", "RECEIPT", "conversations/C/messages/M1", "READ", "R1"),
        v1Row("k2", "RECEIPT", "conversations/C/messages/M2", "READ", "R2"),
        // as a later version might, with its constraint widened
        "ALTER TABLE " + prefix + "inbox DROP CONSTRAINT " + prefix + "inbox_protocol",
        "UPDATE " + prefix + "inbox SET protocol = 'later' WHERE dedupe_key = 'k1'");
    List<ReceiptEvent> events = new ArrayList<>();
    JdbcStore store = JdbcStore.builder(ds).prefix(prefix).build();
    assertEquals(new JdbcStore.Replay(1, 1), store.replayReceipts(events::add));
    assertEquals("conversations/C/messages/M2", events.get(0).message().toString());
  }
}
