-- bm-receipts schema, version 2: the protocol each inbox row came by, bm (Business Messages) or
-- rbm (RCS Business Messaging), so that a team moving to RBM keeps both in one inbox. ${p} is the
-- tables' prefix, as in version 1. Applied by JdbcStore.migrate in one transaction.
--
-- Every row written before is a Business Messages one: the default gives them 'bm'. A constant
-- default is stored once in the catalogue, not written into each row, so this is quick on a large
-- inbox. Instances of the versions before keep working on this schema while a fleet is upgraded:
-- they do not name the column, and their rows get the default, which is right for them.
ALTER TABLE ${p}inbox ADD COLUMN protocol text NOT NULL DEFAULT 'bm';
-- NOT VALID: the rows already there hold the default, so checking them would only scan the whole
-- inbox under the migration's lock; every row written from now on is checked.
ALTER TABLE ${p}inbox ADD CONSTRAINT ${p}inbox_protocol CHECK (protocol IN ('bm', 'rbm')) NOT VALID;
