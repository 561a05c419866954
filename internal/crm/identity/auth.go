package identity

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// Session is a signed-in browser or API client, found by the hash of its
// token. User is the user as stored now (ID, username, role, team and
// disabled and language only), so a changed role or a disabled account takes effect on
// the next request.
type Session struct {
	TokenHash  string
	UserID     int64
	Kind       string // "ui" or "api"
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	User       User
}

// APIToken is a long-lived bearer token made with `kehu token create`.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	User       User       `json:"-"`
}

// errBadCredentials is the one answer to a wrong username or a wrong
// password, so the answer does not tell which.
func errBadCredentials() error {
	return crm.Fail(crm.EUnauthorized, "identity.wrong_username_password")
}

// errLocked answers a locked account, known or not.
func errLocked(until time.Time) error {
	return crm.Fail(crm.ELocked, "identity.locked", until.In(crm.Shanghai).Format("15:04"))
}

// Login checks a username and password and starts a session of kind "ui"
// or "api", returning its token (shown once) and when it ends at the
// latest. An unknown username costs the same password check as a known
// one, gets the same answer as a wrong password, and after as many
// failures is "locked" just like a real account, so neither the answer
// nor the lockout tells which usernames exist.
func (id *Service) Login(ctx context.Context, username, password, kind string) (string, time.Time, error) {
	now := id.now().UTC()
	username = NormalizeUsername(username)
	if ValidateUsername(username) != nil {
		// Not a name an account can have: answer as for an unknown user,
		// but keep the raw input out of the rate-limit keys and the
		// append-only audit log, which an anonymous caller could fill.
		username = "(invalid)"
	}
	if err := id.rateLimit(ctx, username, now); err != nil {
		return "", time.Time{}, err
	}
	fail := crm.NewAudit(ctx, crm.AuditLoginFailed, "user", "", map[string]string{"username": username})
	fail.Username = username
	u, err := id.store.UserByUsername(ctx, username)
	known := err == nil
	if err != nil && !isNotFound(err) {
		return "", time.Time{}, err
	}
	if known {
		fail.UserID, fail.EntityID = u.ID, strconv.FormatInt(u.ID, 10)
	}
	// The lockout takes a slot before the password is checked (see
	// checkGuarded), for a known and an unknown username alike.
	rehash, err := id.checkGuarded(ctx, u, known, username, password, now, &fail)
	if err != nil {
		return "", time.Time{}, err
	}
	// VerifyPassword judges a hash against the default parameters; act on
	// that only when the defaults are what this installation writes.
	if rehash && id.cfg.Argon2 == secure.DefaultArgon2Params() {
		if h, err := secure.HashPassword(password, id.cfg.Argon2); err == nil {
			u.PasswordHash, u.UpdatedAt = h, id.now().UTC()
			e := crm.NewAudit(ctx, crm.AuditUpdate, "user", strconv.FormatInt(u.ID, 10), map[string]string{"password_hash": "rehashed"})
			_ = id.store.UpdateUser(ctx, &u, &e)
		}
	}
	plain, hash := secure.NewToken(secure.PrefixSession)
	s := Session{TokenHash: hex.EncodeToString(hash), UserID: u.ID, Kind: kind, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(id.cfg.MaxSession)}
	ok2 := crm.NewAudit(ctx, crm.AuditLogin, "user", strconv.FormatInt(u.ID, 10), map[string]string{"kind": kind})
	ok2.UserID, ok2.Username = u.ID, u.Username
	if err := id.store.CreateSession(ctx, s, u.ID, &ok2); err != nil {
		return "", time.Time{}, err
	}
	return plain, s.ExpiresAt, nil
}

// touchEvery limits how often a session's last-seen time is written: the
// idle timeout is 30 minutes, so a minute's precision is plenty and most
// requests write nothing.
const touchEvery = time.Minute

// Authenticate turns a session or API token into the principal it acts
// for. Expired, idle, revoked and disabled ones are refused, and a dead
// session is removed.
//
// A principal read for a token is cached until the store's auth version
// changes (see principalCache), so a logout, a revoked token or a disabled
// user takes effect on the very next request, while a signed-in request
// usually reads nothing. The cached entry still ends by the clock: at the
// session's or token's expiry, at the idle limit, and after touchEvery,
// when the database path runs again to record the use.
func (id *Service) Authenticate(ctx context.Context, token string) (crm.Principal, error) {
	now := id.now().UTC()
	hash := hex.EncodeToString(secure.HashToken(token))
	version, cacheable := id.store.AuthVersion()
	if cacheable {
		if e, ok := id.cache.get(version, hash); ok && (e.expiresAt.IsZero() || !now.After(e.expiresAt)) && now.Sub(e.seenAt) <= touchEvery {
			return e.p, nil
		}
	}
	p, e, err := id.authenticate(ctx, token, hash, now)
	if err == nil && cacheable {
		id.cache.put(version, hash, e)
	}
	return p, err
}

func (id *Service) authenticate(ctx context.Context, token, hash string, now time.Time) (crm.Principal, cachedPrincipal, error) {
	unauth := crm.Fail(crm.EUnauthorized, "identity.session_has_ended_sign")
	switch {
	case strings.HasPrefix(token, secure.PrefixSession):
		s, err := id.store.SessionByHash(ctx, hash)
		if isNotFound(err) {
			return crm.Principal{}, cachedPrincipal{}, unauth
		}
		if err != nil {
			return crm.Principal{}, cachedPrincipal{}, err
		}
		if now.After(s.ExpiresAt) || now.Sub(s.LastSeenAt) > id.cfg.IdleTimeout || s.User.Disabled() {
			_ = id.store.DeleteSession(ctx, hash, nil)
			return crm.Principal{}, cachedPrincipal{}, unauth
		}
		seen := s.LastSeenAt
		if now.Sub(seen) > touchEvery {
			if err := id.store.TouchSession(ctx, hash, now); err != nil {
				return crm.Principal{}, cachedPrincipal{}, err
			}
			seen = now
		}
		// Idle expiry: the session dies IdleTimeout after seen, so the
		// cached entry must not outlive that either (touchEvery is shorter).
		p := principalOf(s.User, hash)
		return p, cachedPrincipal{p: p, expiresAt: s.ExpiresAt, seenAt: seen}, nil
	case strings.HasPrefix(token, secure.PrefixAPIToken):
		t, err := id.store.APITokenByHash(ctx, hash)
		if isNotFound(err) {
			return crm.Principal{}, cachedPrincipal{}, crm.Fail(crm.EUnauthorized, "identity.unknown_revoked_api_token")
		}
		if err != nil {
			return crm.Principal{}, cachedPrincipal{}, err
		}
		if t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) || t.User.Disabled() {
			return crm.Principal{}, cachedPrincipal{}, crm.Fail(crm.EUnauthorized, "identity.api_token_revoked_expired")
		}
		seen := now
		if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
			if err := id.store.TouchAPIToken(ctx, t.ID, now); err != nil {
				return crm.Principal{}, cachedPrincipal{}, err
			}
		} else {
			seen = *t.LastUsedAt
		}
		p := principalOf(t.User, hash)
		e := cachedPrincipal{p: p, seenAt: seen}
		if t.ExpiresAt != nil {
			e.expiresAt = *t.ExpiresAt
		}
		return p, e, nil
	default:
		return crm.Principal{}, cachedPrincipal{}, crm.Fail(crm.EUnauthorized, "identity.not_kehu_session_api")
	}
}

func principalOf(u User, sessionHash string) crm.Principal {
	return crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, TeamID: u.TeamID, DealerID: u.DealerID, Lang: u.Lang, SessionID: sessionHash}
}

// Logout ends the session the request came with.
func (id *Service) Logout(ctx context.Context) error {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	e := crm.NewAudit(ctx, crm.AuditLogout, "user", strconv.FormatInt(p.UserID, 10), nil)
	return id.store.DeleteSession(ctx, p.SessionID, &e)
}

// ChangePassword lets signed-in users change their own password; the old
// one must be right. Their other sessions end.
func (id *Service) ChangePassword(ctx context.Context, oldPassword, newPassword, lang string) error {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	u, err := id.store.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	// A wrong current password is a failed sign-in: it counts toward the
	// lockout, so a borrowed session cannot guess the password unbounded.
	now := id.now().UTC()
	fail := crm.NewAudit(ctx, crm.AuditLoginFailed, "user", strconv.FormatInt(u.ID, 10), map[string]string{"username": u.Username, "during": "change_password"})
	fail.UserID, fail.Username = u.ID, u.Username
	if _, err := id.checkGuarded(ctx, u, true, u.Username, oldPassword, now, &fail); err != nil {
		if crm.ErrorCode(err) == crm.EUnauthorized {
			return crm.Invalid(crm.Bad("old_password", "wrong", "identity.old_password.wrong"))
		}
		return err // locked: the same answer as the sign-in's
	}
	if err := id.store.ReleaseLoginAttempt(ctx, u.ID, u.Username); err != nil { // it was right
		return err
	}
	if newPassword == oldPassword {
		return crm.Invalid(crm.BadIn(lang, "password", "same_as_old", msg.M("identity.password.same_as_old")))
	}
	return id.setPassword(ctx, u, newPassword, lang)
}

// CreateAPIToken makes a bearer token for a user, shown once. Only an
// administrator may make one for someone else.
func (id *Service) CreateAPIToken(ctx context.Context, username, name string, ttl time.Duration) (string, APIToken, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok {
		return "", APIToken{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	if err != nil {
		return "", APIToken{}, err
	}
	if u.ID != p.UserID && !p.Role.Can(crm.ActUserManage) {
		return "", APIToken{}, crm.Fail(crm.EForbidden, "identity.may_make_tokens_only")
	}
	if strings.TrimSpace(name) == "" {
		return "", APIToken{}, crm.Invalid(crm.Bad("name", "required", "identity.required"))
	}
	now := id.now().UTC()
	plain, hash := secure.NewToken(secure.PrefixAPIToken)
	t := APIToken{UserID: u.ID, Name: strings.TrimSpace(name), TokenHash: hex.EncodeToString(hash), CreatedAt: now, User: u}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	e := crm.NewAudit(ctx, crm.AuditTokenCreate, "api_token", "", map[string]any{"user": u.Username, "name": t.Name, "expires_at": t.ExpiresAt})
	if err := id.store.CreateAPIToken(ctx, &t, &e); err != nil {
		return "", APIToken{}, err
	}
	return plain, t, nil
}

// loginWindow is the window of the sign-in rate limits.
const loginWindow = time.Minute

// rateLimit counts a sign-in attempt against the client address and the
// username, refusing past the configured rates with a time to retry.
func (id *Service) rateLimit(ctx context.Context, username string, now time.Time) error {
	ip := crm.RequestIP(ctx)
	for _, l := range []struct {
		key string
		max int
	}{{"login:ip:" + ip, id.cfg.LoginsPerIP}, {"login:user:" + username, id.cfg.LoginsPerUser}} {
		if l.max <= 0 {
			continue
		}
		hits, windowEnd, err := id.store.Hit(ctx, l.key, loginWindow, now)
		if err != nil {
			return err
		}
		crm.NoteRateLimit(ctx, l.key, l.max, hits, windowEnd)
		if hits > l.max {
			wait := windowEnd.Sub(now)
			e := crm.Fail(crm.ERateLimited, "identity.rate_limited", int(wait.Seconds()+0.999))
			e.RetryAfter = wait
			return e
		}
	}
	return nil
}

// APITokens lists a user's tokens (never their secrets). Users see their
// own; administrators anyone's.
func (id *Service) APITokens(ctx context.Context, username string) ([]APIToken, error) {
	u, err := id.tokenOwner(ctx, username)
	if err != nil {
		return nil, err
	}
	return id.store.APITokens(ctx, u.ID)
}

// RevokeAPIToken ends a token at once.
func (id *Service) RevokeAPIToken(ctx context.Context, username, name string) error {
	u, err := id.tokenOwner(ctx, username)
	if err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditTokenRevoke, "api_token", "", map[string]string{"user": u.Username, "name": name})
	return id.store.RevokeAPIToken(ctx, u.ID, name, id.now(), &e)
}

func (id *Service) tokenOwner(ctx context.Context, username string) (User, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok {
		return User{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	if err != nil {
		return User{}, err
	}
	if u.ID != p.UserID && !p.Role.Can(crm.ActUserManage) {
		return User{}, crm.Fail(crm.EForbidden, "identity.may_manage_only_own")
	}
	return u, nil
}
