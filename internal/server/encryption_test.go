package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestSensitiveValuesNeverReachTheDiskInTheClear writes known mobile
// numbers through the API and looks for them in the raw SQLite file, its
// WAL and a backup.
func TestSensitiveValuesNeverReachTheDiskInTheClear(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	admin := e.user("root", crm.RoleSecurityAdmin) // grants roles directly (三员分立)
	mobiles := []string{"13912345678", "15087654321", "18611112222"}
	for i, m := range mobiles {
		body := `{"username":"staff` + string(rune('a'+i)) + `","role":"service","password":"` + testPassword + `","mobile":"` + m + `"}`
		if r := e.do("POST", "/api/v1/users", strings.NewReader(body), as(admin)); r.Status != 201 {
			t.Fatalf("create user: %d %s", r.Status, r.Body)
		} else if strings.Contains(string(r.Body), m) || !strings.Contains(string(r.Body), m[:3]+"****"+m[7:]) {
			t.Errorf("the create response shows %s unmasked or not at all: %s", m, r.Body)
		}
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := store.Backup(context.Background(), db.Path, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db.Path, db.Path + "-wal", backup} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		if len(raw) == 0 {
			t.Fatalf("%s is empty; the test would prove nothing", f)
		}
		for _, m := range mobiles {
			if strings.Contains(string(raw), m) {
				t.Errorf("%s holds the mobile number %s in the clear", filepath.Base(f), m)
			}
		}
	}
}

func TestRevealingAMobileNeedsAReasonAndIsAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		clerk := e.user("clerk", crm.RoleService)
		auditor := e.user("shen", crm.RoleAuditor)
		sec := e.user("an", crm.RoleSecurityAdmin) // grants roles directly (三员分立)
		if r := e.do("POST", "/api/v1/users", strings.NewReader(`{"username":"li","role":"finance","password":"`+testPassword+`","mobile":"13700001111"}`), as(sec)); r.Status != 201 {
			t.Fatalf("create li = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/users/li/reveal", strings.NewReader(`{"field":"mobile","reason":""}`), as(admin)); r.Status != 422 {
			t.Errorf("reveal without a reason = %d, want 422", r.Status)
		}
		if r := e.do("POST", "/api/v1/users/li/reveal", strings.NewReader(`{"field":"mobile","reason":"核对通知号码"}`), as(clerk)); r.Status != 403 {
			t.Errorf("a clerk revealing = %d, want 403", r.Status)
		}
		r := e.do("POST", "/api/v1/users/li/reveal", strings.NewReader(`{"field":"mobile","reason":"核对通知号码"}`), as(admin))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"value":"13700001111"`) {
			t.Fatalf("reveal = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/audit?action=reveal", nil, as(auditor))
		if !strings.Contains(string(r.Body), "核对通知号码") {
			t.Errorf("the reveal and its reason are not in the audit log: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/audit?action=create&entity=user", nil, as(auditor))
		if strings.Contains(string(r.Body), "13700001111") {
			t.Errorf("the audit log holds the mobile in the clear: %s", r.Body)
		}
	})
}
