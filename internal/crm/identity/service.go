package identity

import (
	"context"
	"errors"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// IdentityStore is what the identity service needs from storage. Every
// method that changes something writes the given audit entry in the same
// transaction.
type IdentityStore interface {
	CountUsers(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, u *User, e *crm.AuditEntry) error
	UserByID(ctx context.Context, id int64) (User, error)
	UserByUsername(ctx context.Context, username string) (User, error)
	ListUsers(ctx context.Context, afterID int64, limit int) ([]User, error)
	UpdateUser(ctx context.Context, u *User, e *crm.AuditEntry) error
	EnsureTeam(ctx context.Context, name string, now time.Time, e *crm.AuditEntry) (Team, error)
	UpdateUserEnding(ctx context.Context, u *User, e *crm.AuditEntry, revokeTokens bool) error

	// RecordLoginFailure counts a failed sign-in atomically and writes
	// fail; when lockAfter says the new count locks, it locks the account
	// until the time lockAfter gives, resets the count and writes lock too.
	// It reports whether it locked.
	RecordLoginFailure(ctx context.Context, userID int64, lockAfter func(failures int) (time.Time, bool), fail, lock *crm.AuditEntry) (bool, error)
	loginGuard // the lockout's slots, taken before a password is checked
	CreateSession(ctx context.Context, s Session, userID int64, e *crm.AuditEntry) error
	SessionByHash(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string, at time.Time) error
	DeleteSession(ctx context.Context, hash string, e *crm.AuditEntry) error
	CreateAPIToken(ctx context.Context, t *APIToken, e *crm.AuditEntry) error
	APITokenByHash(ctx context.Context, hash string) (APIToken, error)
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	APITokens(ctx context.Context, userID int64) ([]APIToken, error)
	RevokeAPIToken(ctx context.Context, userID int64, name string, at time.Time, e *crm.AuditEntry) error
	Audit(ctx context.Context, e *crm.AuditEntry) error
	UserByMobileIndex(ctx context.Context, idx string) (User, error)
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	// AuthVersion changes whenever sessions, tokens or users may have
	// changed, anywhere; false means it cannot tell (no caching then).
	AuthVersion() (uint64, bool)
}

// AuthConfig holds the sign-in rules; an administrator may change them.
type AuthConfig struct {
	MaxFailures int           // failed sign-ins before the account locks (default 5)
	LockFor     time.Duration // how long a locked account stays locked (default 15 min)
	IdleTimeout time.Duration // a session unused this long ends (default 30 min)
	MaxSession  time.Duration // any session ends this long after sign-in (default 12 h)
	// Sign-in attempts allowed per minute from one client address and for
	// one username (defaults 30 and 10). They sit in front of the lockout:
	// the lockout protects one account, these protect the server.
	LoginsPerIP   int
	LoginsPerUser int
	// FailuresPerUser is how many failed sign-ins one username may have
	// in a minute, from any address (default 4, below MaxFailures): a
	// burst of wrong passwords from many addresses gets 429 before it can
	// lock the account, so locking someone out takes minutes, not one
	// burst. 0 turns it off.
	FailuresPerUser int
	Policy          secure.PasswordPolicy
	Argon2          secure.Argon2Params
}

// DefaultAuthConfig returns the rules Kehu enforces out of the box.
func DefaultAuthConfig() AuthConfig {
	return AuthConfig{MaxFailures: 5, LockFor: 15 * time.Minute, IdleTimeout: 30 * time.Minute, MaxSession: 12 * time.Hour,
		LoginsPerIP: 30, LoginsPerUser: 10, FailuresPerUser: 4, Policy: secure.DefaultPasswordPolicy(), Argon2: secure.DefaultArgon2Params()}
}

// Service manages users, teams, sign-in, sessions and API tokens.
type Service struct {
	store  IdentityStore
	cfg    AuthConfig
	now    func() time.Time
	sealer crm.Sealer
	cache  principalCache
	// dealerKind reports whether a customer is a live dealer; nil: no
	// dealer can be named (see SetDealerCheck).
	dealerKind func(ctx context.Context, customerID int64) (bool, error)
}

// SetDealerCheck sets how a dealer account's dealer is checked: is reports
// whether the customer is a live customer of kind dealer.
func (id *Service) SetDealerCheck(is func(ctx context.Context, customerID int64) (bool, error)) {
	id.dealerKind = is
}

// checkDealer checks the dealer of an account of role r: required for a
// dealer account and a live dealer, absent for any other role.
func (id *Service) checkDealer(ctx context.Context, r crm.Role, dealerID int64) (*crm.FieldError, error) {
	bad := func(code, key string, args ...any) (*crm.FieldError, error) {
		f := crm.Bad("dealer_id", code, key, args...)
		return &f, nil
	}
	if r != crm.RoleDealer {
		if dealerID != 0 {
			return bad("not_dealer", "identity.dealer_id.not_dealer_role")
		}
		return nil, nil
	}
	if dealerID <= 0 {
		return bad("required", "identity.dealer_id.required")
	}
	if id.dealerKind == nil {
		return bad("unknown", "identity.dealer_id.unknown", dealerID)
	}
	ok, err := id.dealerKind(ctx, dealerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return bad("unknown", "identity.dealer_id.unknown", dealerID)
	}
	return nil, nil
}

// New returns the identity service. now is the clock (time.Now
// outside tests).
func New(s IdentityStore, cfg AuthConfig, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, cfg: cfg, sealer: sealer, now: now}
}

// Config returns the sign-in rules in force.
func (id *Service) Config() AuthConfig { return id.cfg }

// HasUsers reports whether any user exists yet; an empty database tells
// the operator how to create the first administrator.
func (id *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := id.store.CountUsers(ctx)
	return n > 0, err
}

// checkPassword applies the password policy, as a validation error on
// the field "password".
func (id *Service) checkPassword(username, pw, lang string) error {
	vs := id.cfg.Policy.Check(username, pw)
	more := localized(lang, passwordHardening(username, pw)) // common, or holding the username
	if len(vs) == 0 && len(more) == 0 {
		return nil
	}
	fields := make([]crm.FieldError, len(vs))
	for i, v := range vs {
		fields[i] = crm.BadIn(lang, "password", v.Code, msg.Of(v))
	}
	return crm.Invalid(append(fields, more...)...)
}

// isNotFound reports whether err is a not_found error.
func isNotFound(err error) bool {
	var e *crm.Error
	return errors.As(err, &e) && e.Code == crm.ENotFound
}
