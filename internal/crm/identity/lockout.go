package identity

import "time"

// The lockout ("5 failed sign-ins lock 15 minutes", AuthConfig.MaxFailures
// and LockFor): failed sign-ins of an account are counted; the one that
// brings the count to MaxFailures locks the account for LockFor from that
// failure and starts the count afresh. Attempts on a locked account are
// refused without a password check and are not counted. A successful
// sign-in (the store's CreateSession) or a password reset clears the count
// and the lock. The store keeps the count, atomically, so that parallel
// wrong passwords still lock; the rule itself is here.

// Locked reports whether u's account is locked at now. A lock lapses by
// itself at LockedUntil; nothing has to clear it.
func (u User) Locked(now time.Time) bool {
	return u.LockedUntil != nil && now.Before(*u.LockedUntil)
}

// lockAfter reports whether the failures-th failed sign-in in a row, made
// at at, locks the account, and until when.
func (c AuthConfig) lockAfter(failures int, at time.Time) (until time.Time, locks bool) {
	if failures < c.MaxFailures {
		return time.Time{}, false
	}
	return at.Add(c.LockFor), true
}

// unknownUserLock is the lockout of a username no account has, so that it
// is "locked" at the same attempt as a real account and the lockout does
// not tell which usernames exist. Its failures are counted in fixed
// windows of LockFor (hits includes this attempt); the attempt after the
// MaxFailures-th is refused as locked until the window ends.
func (c AuthConfig) unknownUserLock(hits int, now time.Time) (until time.Time, locked bool) {
	if hits <= c.MaxFailures {
		return time.Time{}, false
	}
	return now.Truncate(c.LockFor).Add(c.LockFor), true
}

// clearLock forgets u's failed sign-ins and lock, as a new password does.
func (u *User) clearLock() { u.FailedLogins, u.LockedUntil = 0, nil }
