package identity

import "time"

// The lockout ("5 failed sign-ins lock 15 minutes", AuthConfig.MaxFailures
// and LockFor): failed sign-ins of an account are counted; the one that
// brings the count to MaxFailures locks the account for LockFor from that
// failure and starts the count afresh. Attempts on a locked account are
// refused without a password check and are not counted. A successful
// sign-in (the store's CreateSession) or a password reset clears the count
// and the lock. The store keeps the count, atomically, taking a slot
// before each password is checked, so that parallel wrong passwords
// cannot check more than MaxFailures passwords; a username no account has
// is kept by the same rule (see checkGuarded); the rule itself is here.

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

// clearLock forgets u's failed sign-ins and lock, as a new password does.
func (u *User) clearLock() { u.FailedLogins, u.LockedUntil = 0, nil }
