// SPDX-License-Identifier: Apache-2.0
package dev.bmreceipts.jdbc;

/**
 * The SQL the store runs: one statement per phase of a batch, built once per table prefix.
 * The benchmark runs the very same text through {@link JdbcStore#statements()}.
 */
final class Statements {
  /** The text the commit's guard fails with when a lease was lost. */
  static final String LEASE_LOST = "bm-receipts: lease lost";

  final String claim;
  final String commit;
  final String release;
  final String insert;
  final String purge;
  final String receipts;

  Statements(Tables t) {
    // The keys in order; the insert takes them sorted, so that two batches sharing keys lock
    // them in the same order and never deadlock. A key already present is taken over only when
    // its lease or its retention has run out. A key not won is looked up by a subquery, not a
    // join: a pooled connection keeps the generic plan PostgreSQL made for its first executions,
    // and for a join, made while the table was new and empty, that is a scan of the whole table
    // (the claim then took 2 ms at 40,000 keys, and longer as keys grow); a subquery on the
    // primary key is an index lookup in every plan. The answer per key: C(laimed), D(elivered) or
    // B(usy); a key inserted by a batch that committed after this statement began is not
    // visible to its snapshot and answers B, which only delays its redelivery.
    //
    // The claim commits without waiting for its WAL to reach the disk (synchronous_commit off
    // for its own transaction only): a claim lost in a crash holds nothing, and the batch's
    // commit, which waits, flushes it too. A payload so waits for one flush, not two.
    claim = "WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true)),"
        + " k AS (SELECT key, i FROM unnest(?::text[]) WITH ORDINALITY AS k(key, i)),"
        + " won AS (INSERT INTO " + t.dedupe() + " AS d (key, owner, expires_at)"
        + " SELECT key, ?, ? FROM k ORDER BY key"
        + " ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at"
        + " WHERE d.expires_at <= ? RETURNING d.key)"
        + " SELECT CASE WHEN w.key IS NOT NULL THEN 'C'"
        + " WHEN (SELECT d.owner IS NULL FROM " + t.dedupe() + " d WHERE d.key = k.key) THEN 'D'"
        + " ELSE 'B' END"
        + " FROM k CROSS JOIN cfg LEFT JOIN won w ON w.key = k.key ORDER BY k.i";
    // Marks the batch's keys delivered, drops the keys it holds but did not pass on, and writes
    // the inbox rows of the keys it marked, all in one statement (one transaction). When fewer
    // keys than expected are still this batch's (a lease ran out and another instance took a
    // key over), the guard's cast fails and the whole statement rolls back.
    commit = "WITH done AS (UPDATE " + t.dedupe() + " SET owner = NULL, expires_at = ?"
        + " WHERE key = ANY(?::text[]) AND owner = ? RETURNING key),"
        + " dropped AS (DELETE FROM " + t.dedupe() + " WHERE key = ANY(?::text[]) AND owner = ?),"
        + " rows AS (INSERT INTO " + t.inbox() + " (dedupe_key, kind, agent, conversation_id,"
        + " custom_agent_id, request_id, message, receipt_type, create_time, send_time, body,"
        + " protocol)"
        + " SELECT r.dedupe_key, r.kind, r.agent, r.conversation_id, r.custom_agent_id,"
        + " r.request_id, r.message, r.receipt_type, r.create_time, r.send_time, r.body::jsonb,"
        + " r.protocol"
        + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
        + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS"
        + " r(dedupe_key, kind, agent, conversation_id, custom_agent_id, request_id, message,"
        + " receipt_type, create_time, send_time, body, protocol, i)"
        + " JOIN done ON done.key = r.dedupe_key ORDER BY r.i)"
        + " SELECT CAST(CASE WHEN count(*) = ? THEN '0' ELSE '" + LEASE_LOST + "' END AS integer)"
        + " FROM done";
    release = "DELETE FROM " + t.dedupe() + " WHERE key = ANY(?::text[]) AND owner = ?";
    // rows of a listener called outside a batch (a payload without a request id)
    insert = "INSERT INTO " + t.inbox() + " (dedupe_key, kind, agent, conversation_id,"
        + " custom_agent_id, request_id, message, receipt_type, create_time, send_time, body,"
        + " protocol)"
        + " SELECT r.dedupe_key, r.kind, r.agent, r.conversation_id, r.custom_agent_id,"
        + " r.request_id, r.message, r.receipt_type, r.create_time, r.send_time, r.body::jsonb,"
        + " r.protocol"
        + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
        + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS"
        + " r(dedupe_key, kind, agent, conversation_id, custom_agent_id, request_id, message,"
        + " receipt_type, create_time, send_time, body, protocol, i) ORDER BY r.i";
    // a bounded batch of keys past their retention (or past a lease nobody took over); a key
    // claimed meanwhile is skipped or re-checked, never deleted from under its new owner
    purge = "DELETE FROM " + t.dedupe() + " d USING (SELECT key FROM " + t.dedupe()
        + " WHERE expires_at < ? LIMIT ? FOR UPDATE SKIP LOCKED) x"
        + " WHERE d.key = x.key AND d.expires_at < ?";
    receipts = "SELECT agent, conversation_id, custom_agent_id, request_id, message, receipt_type,"
        + " create_time, send_time, protocol FROM " + t.inbox() + " WHERE kind = 'RECEIPT'"
        + " ORDER BY id";
  }
}
