-- The interactions timeline of a customer (沟通记录/拜访记录).
CREATE TABLE interactions (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    at           TIMESTAMP NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('visit', 'phone', 'sms', 'email', 'wechat', 'meeting', 'other')),
    participants TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL,
    feedback     TEXT NOT NULL DEFAULT '',
    next_step    TEXT NOT NULL DEFAULT '',
    next_due_at  TIMESTAMP,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX interactions_customer ON interactions (customer_id, at DESC, id DESC);
CREATE INDEX interactions_due ON interactions (next_due_at) WHERE next_due_at IS NOT NULL;
