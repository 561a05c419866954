-- A keyed audit chain: entries from keyed_from on are hashed with
-- HMAC-SHA256 under the audit key kept apart from the database; entries
-- before it (written before the key existed) keep their plain SHA-256.
-- 0 means no keyed entry yet.
ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER NOT NULL DEFAULT 0;

-- Separation of duties (三员分立): changes an administrator asks for that
-- give someone a role reading customer data or the audit log, and hard
-- deletes of customers, wait here for a second person's approval.
CREATE TABLE duty_requests (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    side         TEXT NOT NULL, -- who decides: account (administrators) or customer (the GM)
    target_id    INTEGER NOT NULL DEFAULT 0,
    target       TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'pending',
    requested_by INTEGER NOT NULL,
    requester    TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    decided_by   INTEGER,
    decider      TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX duty_requests_side ON duty_requests (side, id);
CREATE INDEX duty_requests_side_status ON duty_requests (side, status, id);
