package identity

import (
	"testing"
	"time"
)

// t0 is a failed sign-in at 09:07 China time, inside a 15-minute window
// that began at 09:00.
var t0 = time.Date(2026, 11, 30, 1, 7, 0, 0, time.UTC)

func TestLockAfter(t *testing.T) {
	def := DefaultAuthConfig()
	strict := AuthConfig{MaxFailures: 3, LockFor: time.Hour}
	for _, tc := range []struct {
		name      string
		cfg       AuthConfig
		failures  int
		wantLocks bool
		wantUntil time.Time
	}{
		{"the first failure does not lock", def, 1, false, time.Time{}},
		{"four failures in a row do not lock", def, 4, false, time.Time{}},
		{"the fifth failure locks for fifteen minutes", def, 5, true, t0.Add(15 * time.Minute)},
		{"a failure counted past five by a parallel attempt locks too", def, 6, true, t0.Add(15 * time.Minute)},
		{"with three allowed, two failures do not lock", strict, 2, false, time.Time{}},
		{"with three allowed, the third locks for the configured hour", strict, 3, true, t0.Add(time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			until, locks := tc.cfg.lockAfter(tc.failures, t0)
			if locks != tc.wantLocks || !until.Equal(tc.wantUntil) {
				t.Errorf("lockAfter(%d) = %v, %v; want %v, %v", tc.failures, until, locks, tc.wantUntil, tc.wantLocks)
			}
		})
	}
}

func TestLocked(t *testing.T) {
	until, _ := DefaultAuthConfig().lockAfter(5, t0)
	locked := User{LockedUntil: &until}
	for _, tc := range []struct {
		name string
		u    User
		at   time.Time
		want bool
	}{
		{"an account never locked is not locked", User{}, t0, false},
		{"a lock holds from the failure that set it", locked, t0, true},
		{"a lock holds one second before its fifteen minutes end", locked, t0.Add(15*time.Minute - time.Second), true},
		{"a lock lapses at its end", locked, t0.Add(15 * time.Minute), false},
		{"a lock stays lapsed after its end", locked, t0.Add(15*time.Minute + time.Second), false},
		{"a lock ending later holds now", locked, t0.Add(-time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.u.Locked(tc.at); got != tc.want {
				t.Errorf("Locked(%v) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}

func TestClearLock(t *testing.T) {
	cfg := DefaultAuthConfig()
	until, _ := cfg.lockAfter(5, t0)
	u := User{FailedLogins: 4, LockedUntil: &until}
	u.clearLock()
	t.Run("a new password unlocks the account at once", func(t *testing.T) {
		if u.Locked(t0) {
			t.Errorf("locked after clearLock: %+v", u)
		}
	})
	t.Run("a new password starts the count afresh, so four more failures do not lock", func(t *testing.T) {
		if _, locks := cfg.lockAfter(u.FailedLogins+4, t0); u.FailedLogins != 0 || locks {
			t.Errorf("after clearLock the count is %d and four more failures lock: %v", u.FailedLogins, locks)
		}
	})
}
