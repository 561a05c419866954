-- Overdue complaints (逾期) and the in-app inbox that tells people.
ALTER TABLE complaints ADD COLUMN overdue_at TIMESTAMP;
CREATE INDEX complaints_overdue_scan ON complaints (overdue_at, status, reply_due_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    message    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, id);
