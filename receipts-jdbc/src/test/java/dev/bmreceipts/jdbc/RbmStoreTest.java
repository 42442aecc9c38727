// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bmreceipts.core.MessageName;
import dev.bmreceipts.core.Protocol;
import dev.bmreceipts.core.Receipt;
import dev.bmreceipts.core.ReceiptType;
import dev.bmreceipts.core.Timestamp;
import dev.bmreceipts.core.rbm.PhoneNumber;
import dev.bmreceipts.core.rbm.RbmEnvelope;
import dev.bmreceipts.core.rbm.RbmEventType;
import dev.bmreceipts.core.rbm.RbmKeys;
import dev.bmreceipts.core.rbm.RbmUserEvent;
import dev.bmreceipts.http.Deduplicator;
import dev.bmreceipts.http.Deduplicator.Batch;
import dev.bmreceipts.http.Deduplicator.Claim;
import dev.bmreceipts.http.ReceiptEvent;
import dev.bmreceipts.testsupport.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * RCS Business Messaging receipts in the shared store, beside Business Messages ones: written
 * with their protocol under the key an RBM webhook claims, read back as they came, and the user's
 * phone, stored whole, never in a message of the store.
 */
class RbmStoreTest {
  private static final String PHONE = "+15551234567";
  /** What must not appear in any message: the phone's digits, with or without the {@code +}. */
  private static final String DIGITS = "5551234567";
  private static final RbmEnvelope PUSH = new RbmEnvelope(Map.of(), new byte[0], "push-1",
      Timestamp.parse("2026-12-04T10:00:01Z"), "");

  private final DataSource ds = TestPostgres.shared().dataSource();
  private final String prefix = Db.migrated(ds);

  private JdbcStore store() {
    return JdbcStore.builder(ds).prefix(prefix).clock(new MutableClock()).build();
  }

  private static ReceiptEvent rbm(RbmEventType type, String eventId, String messageId) {
    return ReceiptEvent.of(PUSH, new RbmUserEvent(PhoneNumber.of(PHONE), type, type.name(),
        eventId, messageId, Timestamp.parse("2026-12-04T10:00:00.5Z"), "acme-sales"));
  }

  private static ReceiptEvent bm(String messageId, ReceiptType type) {
    return new ReceiptEvent(Receipt.of(MessageName.of("C", messageId), type), "brands/B/agents/A",
        "C", "X", Optional.of("R1"), Timestamp.parse("2024-01-02T03:04:05.123456789Z"),
        Timestamp.parse("2024-01-02T03:04:05Z"));
  }

  private static String eventKey(String eventId) {
    return RbmKeys.eventKey(eventId, PhoneNumber.of(PHONE));
  }

  /** What a webhook does for one request: claim its keys, stage its receipts, commit. */
  private static void request(JdbcStore store, List<String> keys, List<ReceiptEvent> receipts)
      throws Exception {
    Batch b = store.deduplicator().claimAll(keys, false);
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(Claim.CLAIMED, b.claim(i), keys.get(i));
    }
    store.receiptListener().onReceipts(receipts);
    b.commit();
  }

  @Test
  void rbmReceiptsAreWrittenWithTheirProtocolAndReadBackAsTheyCame() throws Exception {
    JdbcStore store = store();
    ReceiptEvent bmDelivered = bm("msg-1", ReceiptType.DELIVERED);
    ReceiptEvent rbmDelivered = rbm(RbmEventType.DELIVERED, "ev-1", "msg-1");
    ReceiptEvent rbmRead = rbm(RbmEventType.READ, "ev-2", "msg-1");
    request(store, List.of(Deduplicator.requestKey("R1"),
        Deduplicator.receiptKey(bmDelivered.receipt())), List.of(bmDelivered));
    // an RBM push carries one event: the webhook claims its (event id, phone) key
    request(store, List.of(eventKey("ev-1")), List.of(rbmDelivered));
    request(store, List.of(eventKey("ev-2")), List.of(rbmRead));

    assertEquals(List.of(
        "bm receipt 9 DELIVERED conversations/C/messages/msg-1 | C | conversations/C/messages/"
            + "msg-1 | DELIVERED | R1",
        "rbm rbm-event 4 ev-1 +15551234567 | +15551234567 | conversations/+15551234567/messages/"
            + "msg-1 | DELIVERED | ev-1",
        "rbm rbm-event 4 ev-2 +15551234567 | +15551234567 | conversations/+15551234567/messages/"
            + "msg-1 | READ | ev-2"),
        Db.column(ds, "SELECT protocol || ' ' || dedupe_key || ' | ' || conversation_id || ' | '"
            + " || message || ' | ' || receipt_type || ' | ' || request_id FROM " + prefix
            + "inbox ORDER BY id"));

    List<ReceiptEvent> events = new ArrayList<>();
    assertEquals(new JdbcStore.Replay(3, 0), store.replayReceipts(events::add));
    assertEquals(List.of(bmDelivered, rbmDelivered, rbmRead), events);
    assertEquals(List.of(Protocol.BUSINESS_MESSAGES, Protocol.RBM, Protocol.RBM),
        events.stream().map(ReceiptEvent::protocol).toList());

    // RBM's redelivery of an event, on any instance, is recorded nowhere
    Batch again = store().deduplicator().claimAll(List.of(eventKey("ev-2")), false);
    assertEquals(Claim.DELIVERED, again.claim(0));
    again.commit();
    assertEquals(3, Db.count(ds, "SELECT count(*) FROM " + prefix + "inbox"));
  }

  @Test
  void anRbmReceiptWrittenOutsideABatchKeepsItsProtocol() throws Exception {
    JdbcStore store = store();
    // a webhook with another Deduplicator: the listener writes at once
    store.receiptListener().onReceipt(rbm(RbmEventType.READ, "ev-3", "msg-3"));
    assertEquals(List.of("rbm READ"), Db.column(ds, "SELECT protocol || ' ' || receipt_type"
        + " FROM " + prefix + "inbox"));
  }

  @Test
  void theStoreSaysWhatFailedWithoutThePhoneItStores() throws Exception {
    JdbcStore store = store();
    // a rule of the host's that refuses the row: PostgreSQL quotes the failing row in its detail
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + prefix + "inbox ADD CONSTRAINT " + prefix + "no_phones CHECK"
          + " (conversation_id NOT LIKE '+%')");
      SQLException raw = assertThrows(SQLException.class, () -> st.execute("INSERT INTO "
          + prefix + "inbox (kind, agent, conversation_id, custom_agent_id) VALUES ('RECEIPT',"
          + " 'a', '" + PHONE + "', '')"));
      // the driver's own exception holds the phone: what the store must not pass on
      assertTrue(raw.getMessage().contains(PHONE), raw.getMessage());
    }
    Batch b = store.deduplicator().claimAll(List.of(eventKey("ev-1")), false);
    store.receiptListener().onReceipts(List.of(rbm(RbmEventType.READ, "ev-1", "msg-1")));
    StoreException e = assertThrows(StoreException.class, b::commit);
    assertEquals("could not commit in PostgreSQL: ERROR: new row for relation \"" + prefix
        + "inbox\" violates check constraint \"" + prefix + "no_phones\" (SQLSTATE 23514)",
        e.getMessage());
    // the cause keeps the class of error for the host, not the server's detail
    SQLException cause = (SQLException) e.getCause();
    assertEquals("23514", cause.getSQLState());
    assertEquals("ERROR: new row for relation \"" + prefix + "inbox\" violates check constraint \""
        + prefix + "no_phones\" (SQLSTATE 23514)", cause.getMessage());
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains(DIGITS), trace.toString());
    // the database answered, so the key was given back: Google's redelivery can try again
    assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + prefix + "dedupe"));

    // a listener that fails while reading the inbox: its words, the phone masked
    store.receiptListener().onReceipt(bm("msg-1", ReceiptType.READ));
    StoreException listener = assertThrows(StoreException.class, () -> store.replayReceipts(
        ev -> {
          throw new Exception("cannot handle " + PHONE);
        }));
    assertEquals("a listener failed while reading the inbox: cannot handle +****4567",
        listener.getMessage());
  }

  @Test
  void everyPhoneInAMessageOfTheStoreIsMasked() {
    assertEquals("ERROR: duplicate key +****4567 (SQLSTATE 23505)", JdbcStore.oneLine(
        new SQLException("ERROR: duplicate key +15551234567\n  Detail: Key (key)=(rbm-event 4"
            + " ev-1 +15551234567) already exists.", "23505")));
    assertEquals("keys of +****0123 and +****4567; not +1234567, 2024-01-02T03:04:05+01:00 nor"
        + " +1234567890123456", JdbcStore.masked("keys of +447700900123 and +15551234567; not"
        + " +1234567, 2024-01-02T03:04:05+01:00 nor +1234567890123456"));
    SQLException lost = new SQLException("An I/O error occurred\n  more", "08006", 0,
        new java.io.IOException("Connection reset"));
    SQLException r = JdbcStore.redacted(lost);
    assertEquals("An I/O error occurred (SQLSTATE 08006)", r.getMessage());
    assertEquals("08006", r.getSQLState());
    assertEquals("Connection reset", r.getCause().getMessage());
    assertArrayEquals(lost.getStackTrace(), r.getStackTrace());
  }
}
