-- Sign-in hardening: the lockout of usernames no account has, kept
-- exactly as users.failed_logins / users.locked_until are, so that the
-- lockout answers an unknown username as it answers a known one.
CREATE TABLE login_guards (
    username      TEXT PRIMARY KEY,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX login_guards_updated ON login_guards (updated_at);
