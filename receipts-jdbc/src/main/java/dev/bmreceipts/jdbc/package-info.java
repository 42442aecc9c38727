// SPDX-License-Identifier: Apache-2.0
/**
 * Dedupe keys and a durable inbox in PostgreSQL, shared by every webhook instance.
 *
 * <p>{@link dev.bmreceipts.jdbc.JdbcStore} gives the webhook a
 * {@link dev.bmreceipts.http.Deduplicator} and listeners that stage a request's new receipts and
 * payloads; the batch's commit writes its dedupe keys and its inbox rows in one statement, so a
 * {@code 2xx} means "committed in PostgreSQL". A redelivery, on any instance, finds its keys
 * delivered, is answered {@code 200} and is recorded nowhere.
 *
 * <h2>Tables</h2> (prefix {@code bm_} by default; see {@code V1__receipts.sql} and
 * {@code V2__protocol.sql} in this package)
 *
 * <pre>
 * bm_dedupe (key text PRIMARY KEY, owner bigint, expires_at timestamptz NOT NULL)
 * bm_inbox  (id bigint identity PRIMARY KEY, received_at timestamptz, dedupe_key text,
 *            kind text, agent text, conversation_id text, custom_agent_id text, request_id text,
 *            message text, receipt_type text, create_time text, send_time text, body jsonb,
 *            processed_at timestamptz, protocol text NOT NULL DEFAULT 'bm')
 * bm_schema_version (version int PRIMARY KEY, description text, applied_at timestamptz)
 * </pre>
 *
 * <p>{@code kind} is {@code RECEIPT} for a receipt (with {@code message},
 * {@code receipt_type}, {@code create_time}) or the payload kind ({@code MESSAGE},
 * {@code USER_STATUS}, …) with the payload's own members in {@code body}. {@code protocol} is
 * {@code bm} (Business Messages; every row written before schema version 2) or {@code rbm} (RCS
 * Business Messaging, whose {@code conversation_id} is the user's phone number: personal data,
 * for the inbox, not for logs).
 *
 * <h2>A worker that drains the inbox</h2>
 *
 * Any number of workers, each in its own transaction:
 *
 * <pre>{@code
 * BEGIN;
 * SELECT id, kind, message, receipt_type, create_time, body
 *   FROM bm_inbox WHERE processed_at IS NULL
 *   ORDER BY id LIMIT 100
 *   FOR UPDATE SKIP LOCKED;
 * -- handle the rows, then
 * UPDATE bm_inbox SET processed_at = now() WHERE id = ANY(:ids);
 * COMMIT;
 * }</pre>
 *
 * <p>{@code SKIP LOCKED} hands each row to one worker; a worker that dies rolls back and its rows
 * go to the next. Deleting handled rows instead of marking them works the same way.
 */
package dev.bmreceipts.jdbc;
