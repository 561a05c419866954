-- Tell every kehu instance, through NOTIFY kehu_auth, when what decides who
-- a token acts for changes: a session ends, a token is revoked, a user is
-- changed or removed. Each instance's principal cache (store/authwatch.go)
-- drops what it holds. Statement-level, so a bulk change notifies once, and
-- PostgreSQL folds equal notifications within one transaction.
CREATE FUNCTION kehu_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('kehu_auth', '');
	RETURN NULL;
END $$;

CREATE TRIGGER sessions_auth_notify AFTER DELETE ON sessions
	FOR EACH STATEMENT EXECUTE FUNCTION kehu_auth_notify();
CREATE TRIGGER api_tokens_auth_notify AFTER UPDATE OF revoked_at, expires_at OR DELETE ON api_tokens
	FOR EACH STATEMENT EXECUTE FUNCTION kehu_auth_notify();
CREATE TRIGGER users_auth_notify AFTER UPDATE OF username, role, team_id, disabled_at, password_hash OR DELETE ON users
	FOR EACH STATEMENT EXECUTE FUNCTION kehu_auth_notify();
