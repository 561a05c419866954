package identity

import (
	"context"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/secure"
)

// loginGuard is the storage of the lockout's slots (see checkGuarded).
type loginGuard interface {
	// ClaimLoginAttempt takes one of an account's max failed-attempt
	// slots, atomically, unless it is locked or every slot is taken;
	// userID 0 is a username no account has. It returns the slot (1 …
	// max), or 0 and the lock's end (nil: slots taken by attempts still
	// being checked).
	ClaimLoginAttempt(ctx context.Context, userID int64, username string, max int, now time.Time) (int, *time.Time, error)
	// SettleLoginFailure writes fail and, when lockUntil is set, locks
	// until then, frees the slots and writes lock, in one transaction.
	SettleLoginFailure(ctx context.Context, userID int64, username string, lockUntil *time.Time, fail, lock *crm.AuditEntry) error
	// ReleaseLoginAttempt gives a slot back.
	ReleaseLoginAttempt(ctx context.Context, userID int64, username string) error
	// Unhit takes back one event Hit counted against key.
	Unhit(ctx context.Context, key string, window time.Duration, now time.Time) error
}

// checkGuarded checks a password under the lockout, the same way for a
// known account (u, known) and for a username no account has, so that
// neither the answers nor the unlock times tell which usernames exist:
//
//   - a slot is taken before the password is checked, so that parallel
//     attempts can never check more than MaxFailures passwords between
//     two locks (a locked account checks none);
//   - the failure that takes the MaxFailures-th slot locks for LockFor
//     from that failure, and the attempts after it are answered "locked
//     until" that time, the password not checked;
//   - the right password of an enabled account passes (signing in clears
//     the slots); anything else is a failure, audited.
//
// It reports whether the stored hash should be rehashed.
func (id *Service) checkGuarded(ctx context.Context, u User, known bool, username, password string, now time.Time, fail *crm.AuditEntry) (bool, error) {
	g := id.store
	var uid int64
	if known {
		uid = u.ID
	}
	// The username's failures from any address: taken before the check as
	// well, so a parallel burst cannot pass it either; a right password
	// gives its place back.
	failKey := "login:fail:" + username
	if id.cfg.FailuresPerUser > 0 {
		hits, windowEnd, err := id.store.Hit(ctx, failKey, loginWindow, now)
		if err != nil {
			return false, err
		}
		if hits > id.cfg.FailuresPerUser {
			secure.DummyVerify(password)
			wait := windowEnd.Sub(now)
			e := crm.Fail(crm.ERateLimited, "identity.rate_limited", int(wait.Seconds()+0.999))
			e.RetryAfter = wait
			return false, e
		}
	}
	unfail := func() {
		if id.cfg.FailuresPerUser > 0 {
			_ = g.Unhit(context.WithoutCancel(ctx), failKey, loginWindow, now)
		}
	}
	slot, until, err := g.ClaimLoginAttempt(ctx, uid, username, id.cfg.MaxFailures, now)
	if err != nil {
		return false, err
	}
	if slot == 0 {
		secure.DummyVerify(password)
		if err := id.store.Audit(ctx, fail); err != nil {
			return false, err
		}
		if until == nil { // the last slots are being checked: they lock about now
			t, _ := id.cfg.lockAfter(id.cfg.MaxFailures, now)
			until = &t
		}
		return false, errLocked(*until)
	}
	ok, rehash := false, false
	if known {
		ok, rehash, err = secure.VerifyPassword(u.PasswordHash, password)
		if err != nil {
			_ = g.ReleaseLoginAttempt(context.WithoutCancel(ctx), uid, username)
			return false, err
		}
	} else {
		secure.DummyVerify(password)
	}
	if ok && !u.Disabled() {
		unfail()
		return rehash, nil
	}
	var lockUntil *time.Time
	lock := crm.AuditEntry{}
	if t, locks := id.cfg.lockAfter(slot, now); locks {
		lockUntil = &t
		lock = crm.NewAudit(ctx, crm.AuditLocked, "user", fail.EntityID, map[string]string{"until": t.Format(time.RFC3339), "username": username})
		lock.UserID, lock.Username = fail.UserID, username
	}
	if err := g.SettleLoginFailure(ctx, uid, username, lockUntil, fail, &lock); err != nil {
		return false, err
	}
	return false, errBadCredentials()
}

// EndSession ends the session whose token the browser still sends when
// it signs in again, so that a sign-in never leaves the browser's earlier
// session alive (whoever it belonged to). A token that is no session is
// ignored.
func (id *Service) EndSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	hash := hex.EncodeToString(secure.HashToken(token))
	s, err := id.store.SessionByHash(ctx, hash)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditLogout, "user", strconv.FormatInt(s.UserID, 10), map[string]string{"reason": "signed_in_again"})
	e.UserID, e.Username = s.UserID, s.User.Username
	return id.store.DeleteSession(ctx, hash, &e)
}
