-- bm-receipts schema, version 1. ${p} is the tables' prefix (default bm_), checked as an SQL
-- identifier before it is put here. Applied by JdbcStore.migrate in one transaction.

-- Dedupe keys: Deduplicator.requestKey (request id) and Deduplicator.receiptKey (receipt).
-- In flight: owner is the claiming batch and expires_at the end of its lease (another instance
-- takes the key over after it). Delivered: owner is NULL and expires_at is when the key may be
-- forgotten (Google redelivers for 7 days; the store keeps keys 7 days plus a margin).
CREATE TABLE ${p}dedupe (
  key        text        PRIMARY KEY,
  owner      bigint,
  expires_at timestamptz NOT NULL
);
CREATE INDEX ${p}dedupe_expires ON ${p}dedupe (expires_at);

-- The inbox: one row per new receipt (kind RECEIPT) and per other payload (kind MESSAGE,
-- USER_STATUS, SUGGESTION_RESPONSE, AUTHENTICATION_RESPONSE, SURVEY_RESPONSE), written in the
-- same statement that marks its dedupe key delivered. Text columns keep the wire's values.
CREATE TABLE ${p}inbox (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at     timestamptz NOT NULL DEFAULT now(),
  dedupe_key      text,
  kind            text        NOT NULL,
  agent           text        NOT NULL,
  conversation_id text        NOT NULL,
  custom_agent_id text        NOT NULL,
  request_id      text,
  message         text,
  receipt_type    text,
  create_time     text,
  send_time       text,
  body            jsonb,
  processed_at    timestamptz
);
-- what a worker drains: rows not yet processed, oldest first
CREATE INDEX ${p}inbox_pending ON ${p}inbox (id) WHERE processed_at IS NULL;
