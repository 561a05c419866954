package identity_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/identity/identitytest"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// answer is what a sign-in tells its caller: the error's code and text.
func answer(err error) string {
	if err == nil {
		return "signed in"
	}
	var e *crm.Error
	if !asError(err, &e) {
		return "internal: " + err.Error()
	}
	s, _ := e.In(msg.En)
	return e.Code + ": " + s
}

func from(ip string) context.Context {
	return crm.WithRequestMeta(context.Background(), ip, "req-"+ip)
}

func TestTheLockoutAnswersAnUnknownUsernameExactlyAsAKnownOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "liu", crm.RoleFinance)
		start := f.Now
		// Attempts a few minutes apart, some of them right, through a lock
		// and past its end: the known account and the unknown name must get
		// the same answers, unlock times included.
		steps := []struct {
			after time.Duration
			pw    string
		}{
			{0, "Wrong-pass-1"}, {1 * time.Minute, "Wrong-pass-1"}, {3 * time.Minute, "Wrong-pass-1"}, {4 * time.Minute, "Wrong-pass-1"},
			{7 * time.Minute, "Wrong-pass-1"}, // the fifth: locks until 09:22
			{8 * time.Minute, "Wrong-pass-1"}, {12 * time.Minute, goodPassword}, {21 * time.Minute, "Wrong-pass-1"},
			{22 * time.Minute, "Wrong-pass-1"}, // the lock has ended: counted afresh
			{23 * time.Minute, "Wrong-pass-1"},
		}
		for i, s := range steps {
			f.Now = start.Add(s.after)
			_, _, errKnown := f.ID.Login(from("10.0.0.1"), "liu", s.pw, "api")
			pw := s.pw
			if pw == goodPassword {
				pw = "Other-2026-pass" // an unknown name has no right password
			}
			_, _, errUnknown := f.ID.Login(from("10.0.0.2"), "ghost", pw, "api")
			if answer(errKnown) != answer(errUnknown) {
				t.Errorf("step %d (+%v): known %q, unknown %q", i+1, s.after, answer(errKnown), answer(errUnknown))
			}
			if i == 5 && crm.ErrorCode(errKnown) != crm.ELocked {
				t.Errorf("after five failures: %v, want account_locked", errKnown)
			}
		}
	})
}

func TestParallelWrongAttemptsCheckNoMorePasswordsThanTheLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := identitytest.NewWith(t, db, func(c *identity.AuthConfig) { c.FailuresPerUser, c.LoginsPerUser = 0, 0 }) // the lockout alone
		f.Add(t, "target", crm.RoleFinance)
		for _, name := range []string{"target", "nobody"} {
			var mu sync.Mutex
			answers := map[string]int{}
			var wg sync.WaitGroup
			for i := range 24 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, err := f.ID.Login(from(fmt.Sprintf("10.1.0.%d", i)), name, "Wrong-pass-1", "api")
					mu.Lock()
					answers[crm.ErrorCode(err)]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if answers[crm.EUnauthorized] != 5 || answers[crm.ELocked] != 19 {
				t.Errorf("%s: 24 parallel wrong passwords answered %v; want exactly 5 checked (unauthorized) and 19 locked", name, answers)
			}
		}
		if _, _, err := f.ID.Login(context.Background(), "target", goodPassword, "api"); crm.ErrorCode(err) != crm.ELocked {
			t.Errorf("the right password after the burst: %v, want account_locked", err)
		}
	})
}

func TestAUsernamesFailuresFromManyAddressesGet429BeforeTheLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := identitytest.NewWith(t, db, nil) // the default rules: 4 failures a minute per username
		f.Add(t, "wu", crm.RoleFinance)
		f.Now = f.Now.Truncate(time.Minute)
		var mu sync.Mutex
		answers := map[string]int{}
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := f.ID.Login(from(fmt.Sprintf("192.0.2.%d", i)), "wu", "Wrong-pass-1", "api")
				mu.Lock()
				answers[crm.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if answers[crm.EUnauthorized] != 4 || answers[crm.ERateLimited] != 16 || answers[crm.ELocked] != 0 {
			t.Errorf("20 wrong passwords from 20 addresses in a minute answered %v; want 4 unauthorized, 16 rate_limited, none locked", answers)
		}
		f.Now = f.Now.Add(time.Minute)
		if _, err := f.Login(t, "wu", goodPassword); err != nil {
			t.Errorf("the next minute the owner signs in: %v; the burst must not have locked the account", err)
		}
	})
}

func TestChangingPasswordCountsWrongCurrentPasswordsAndRefusesTheSameOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "qian", crm.RoleFinance)
		ctx, err := f.Login(t, "qian", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		err = f.ID.ChangePassword(ctx, goodPassword, goodPassword, "en")
		var e *crm.Error
		if !asError(err, &e) || e.Code != crm.EInvalid || len(e.Fields) != 1 || e.Fields[0].Code != "same_as_old" {
			t.Errorf("the same password again: %v, want validation_failed same_as_old", err)
		}
		for i := range 5 {
			if err := f.ID.ChangePassword(ctx, "Wrong-pass-1", "Fresh-2026-word", "en"); crm.ErrorCode(err) != crm.EInvalid {
				t.Fatalf("wrong current password %d: %v, want validation_failed", i+1, err)
			}
		}
		if err := f.ID.ChangePassword(ctx, goodPassword, "Fresh-2026-word", "en"); crm.ErrorCode(err) != crm.ELocked {
			t.Errorf("after five wrong current passwords: %v, want account_locked", err)
		}
		if _, err := f.Login(t, "qian", goodPassword); crm.ErrorCode(err) != crm.ELocked {
			t.Errorf("signing in after five wrong current passwords: %v, want account_locked", err)
		}
		f.Now = f.Now.Add(16 * time.Minute)
		ctx, err = f.Login(t, "qian", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.ID.ChangePassword(ctx, goodPassword, "Fresh-2026-word", "en"); err != nil {
			t.Errorf("a right change after the lock: %v", err)
		}
		if _, err := f.Login(t, "qian", "Fresh-2026-word"); err != nil {
			t.Errorf("the new password: %v", err)
		}
	})
}

func TestCommonPasswordsAndPasswordsHoldingTheUsernameAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, tt := range []struct {
			username, password, code string
		}{
			{"zhou", "Password123!", "common"},
			{"zhou", "P@ssw0rd2026", "common"},
			{"zhou", "Woaini1314!", "common"},
			{"zhou", "1qaz@WSX", "common"},
			{"zhou", "Admin@123", "common"},
			{"zhang.wei", "Zhang.Wei#2026", "contains_username"},
			{"sun", "x-Sun-2026-9", "contains_username"},
			{"zhou", "Kehu-2026-pass", ""},
		} {
			_, err := f.ID.AddUser(f.Sys, identity.NewUser{Username: tt.username, Role: crm.RoleService, Password: tt.password}, "zh-CN")
			got := ""
			var e *crm.Error
			if asError(err, &e) {
				for _, fe := range e.Fields {
					if fe.Field == "password" {
						got = fe.Code
					}
				}
			}
			if got != tt.code || (tt.code == "" && err != nil) {
				t.Errorf("%s / %s: %v; want the password refused as %q", tt.username, tt.password, err, tt.code)
			}
			if tt.code != "" && (e == nil || len(e.Fields) == 0 || e.Fields[len(e.Fields)-1].Message == "") {
				t.Errorf("%s: the refusal has no message", tt.password)
			}
		}
	})
	n := 0
	for _, pw := range []string{"password1", "PASSWORD1", "qwerty123", "huawei@123", "kehu2026", "Abc@1234"} {
		if identity.IsCommonPassword(pw) {
			n++
		}
	}
	if n < 5 {
		t.Errorf("only %d of 6 common passwords are known", n)
	}
}

func TestEndSessionEndsTheBrowsersEarlierSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "he", crm.RoleFinance)
		old, _, err := f.ID.Login(context.Background(), "he", goodPassword, "ui")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.ID.EndSession(context.Background(), old); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ID.Authenticate(context.Background(), old); crm.ErrorCode(err) != crm.EUnauthorized {
			t.Errorf("the earlier session after EndSession: %v, want unauthorized", err)
		}
		if err := f.ID.EndSession(context.Background(), "sess_not-a-session"); err != nil {
			t.Errorf("ending no session: %v", err)
		}
	})
}
