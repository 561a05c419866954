-- Sorting the customer list (GET /api/v1/customers?sort=): name_sort is
-- the name's pinyin key (crm.NameSortKey), written by the store with every
-- insert and update of a customer; rows older than this column start with
-- their normalised name until their next change. Each sort key gets an
-- index ending in id, the keyset cursor's tie-breaker (created_at has one
-- since 0011, code is unique).
ALTER TABLE customers ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
UPDATE customers SET name_sort = name_norm;
CREATE INDEX customers_name_sort ON customers (name_sort, id);
CREATE INDEX customers_updated ON customers (updated_at, id);

-- Attachments of interactions and complaints. The bytes are kept in the
-- database, content-addressed by SHA-256 (one copy of identical files),
-- so a file is written in the same transaction as its record, travels
-- with backups, and is shared by every kehu instance on one database; the
-- client's file name is only a label, never a path.
CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
);
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    interaction_id INTEGER REFERENCES interactions (id) ON DELETE CASCADE,
    complaint_id   INTEGER REFERENCES complaints (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL REFERENCES attachment_blobs (sha256),
    created_by     INTEGER REFERENCES users (id), -- NULL: the public complaint form
    created_at     TIMESTAMP NOT NULL,
    CHECK ((interaction_id IS NULL) <> (complaint_id IS NULL))
);
CREATE INDEX attachments_interaction ON attachments (interaction_id, id) WHERE interaction_id IS NOT NULL;
CREATE INDEX attachments_complaint ON attachments (complaint_id, id) WHERE complaint_id IS NOT NULL;
CREATE INDEX attachments_sha256 ON attachments (sha256);
