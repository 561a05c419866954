-- Customers (客户档案): the core record. Contacts, the data card and
-- interactions hang off it (later migrations).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('customer_code', 0);

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE, -- KH00000001, allocated in the creating transaction
    kind          TEXT NOT NULL CHECK (kind IN ('company', 'individual')),
    name          TEXT NOT NULL,
    short_name    TEXT NOT NULL DEFAULT '',
    uscc          TEXT NOT NULL DEFAULT '',
    legal_rep     TEXT NOT NULL DEFAULT '',
    industry_code TEXT NOT NULL DEFAULT '',
    region_code   TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT 'other',
    stage         TEXT NOT NULL DEFAULT 'potential',
    owner_id      INTEGER NOT NULL REFERENCES users (id),
    team_id       INTEGER REFERENCES teams (id),
    notes         TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    deleted_at    TIMESTAMP
);
CREATE INDEX customers_owner ON customers (owner_id, id);
CREATE INDEX customers_team ON customers (team_id, id);
CREATE UNIQUE INDEX customers_uscc ON customers (uscc) WHERE uscc <> '' AND deleted_at IS NULL;

-- Access grants: a user asks to see a record outside their scope, with a
-- reason; the owner's manager or the GM decides; an approval expires.
CREATE TABLE access_requests (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    entity      TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by  INTEGER REFERENCES users (id),
    decided_at  TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT '',
    expires_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX access_requests_grant ON access_requests (user_id, entity, record_id, status);
CREATE INDEX access_requests_status ON access_requests (status, id);
