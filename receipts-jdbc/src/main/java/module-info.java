// SPDX-License-Identifier: Apache-2.0
/**
 * A shared {@link dev.bmreceipts.http.Deduplicator} and a durable receipt inbox on PostgreSQL,
 * for several webhook instances behind one load balancer. The JDBC driver is the host's choice.
 *
 * <pre>{@code
 * DataSource ds = ...; // the host's pool, or the driver's PGSimpleDataSource
 * JdbcStore.migrate(ds); // once, on request: applies the shipped schema
 * JdbcStore store = JdbcStore.builder(ds).build();
 * Webhook webhook = Webhook.builder()
 *     .signingKey(key)
 *     .deduplicator(store.deduplicator())
 *     .receiptListener(store.receiptListener())
 *     .payloadListener(store.payloadListener())
 *     .build();
 * }</pre>
 */
module dev.bmreceipts.jdbc {
  // transitive: JdbcStore hands out Deduplicator, ReceiptListener and PayloadListener
  requires transitive dev.bmreceipts.http;
  // transitive: JdbcStore.builder and migrate take a javax.sql.DataSource
  requires transitive java.sql;

  exports dev.bmreceipts.jdbc;
}
