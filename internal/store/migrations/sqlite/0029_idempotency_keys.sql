-- Idempotency keys: the outcome of a creating POST, kept for 24 hours per
-- caller (scope: "user:<id>", or "ip:<address>" for the anonymous public
-- form) so a retry with the same key and body replays it instead of
-- creating twice. status 0 marks a request still in flight, held until
-- locked_until; body is the response sealed with the field keyring.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    header       TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
