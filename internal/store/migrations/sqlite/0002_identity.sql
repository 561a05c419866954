-- Identity and access: teams, users, sessions, API tokens, rate limits,
-- and the append-only, hash-chained audit log.
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL,
    team_id             INTEGER REFERENCES teams (id),
    manager_id          INTEGER REFERENCES users (id),
    password_hash       TEXT NOT NULL,
    password_changed_at TIMESTAMP NOT NULL,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMP,
    disabled_at         TIMESTAMP,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX users_team ON users (team_id);
CREATE INDEX users_manager ON users (manager_id);

-- Sessions and API tokens are stored by the SHA-256 of their secret only.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL, -- 'ui' (cookie) or 'api' (bearer from /auth/login)
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    UNIQUE (user_id, name)
);

CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    hits         INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    user_id    INTEGER,
    username   TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL DEFAULT '',
    entity_id  TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '{}',
    ip         TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);

-- The head of the hash chain. Appending locks this row, so entries from
-- concurrent transactions chain one after another.
CREATE TABLE audit_head (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    seq          INTEGER NOT NULL,
    last_hash    TEXT NOT NULL,
    purge_before TIMESTAMP NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash, purge_before) VALUES (1, 0, '', '1970-01-01 00:00:00+00:00');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Only a purge may delete, and only entries older than purge_before,
-- which itself can never be set later than six months ago.
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= (SELECT purge_before FROM audit_head WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries younger than the purge limit cannot be deleted');
END;

CREATE TRIGGER audit_head_purge_limit BEFORE UPDATE OF purge_before ON audit_head
WHEN NEW.purge_before > strftime('%Y-%m-%d %H:%M:%S', 'now', '-6 months')
BEGIN
    SELECT RAISE(ABORT, 'the audit log keeps at least 6 calendar months');
END;
