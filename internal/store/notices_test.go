package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestANoticeKeepsItsTextForEachReadersLanguage checks that a notice's
// key and arguments come back from the inbox as they were sent, that a
// notice without a key reads as written, and that each recipient's mail
// is written in the language they saved (none: Chinese).
func TestANoticeKeepsItsTextForEachReadersLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
		if err != nil {
			t.Fatal(err)
		}
		cfg := identity.DefaultAuthConfig()
		cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
		id := identity.New(db, cfg, keys, nil)
		now := time.Date(2026, 11, 5, 2, 0, 0, 0, time.UTC)
		user := func(name, lang, email string) int64 {
			t.Helper()
			u, err := id.AddUser(crm.WithPrincipal(ctx, crm.SystemPrincipal("test")),
				identity.NewUser{Username: name, Role: crm.RoleService, Password: "Kehu-2026-pass"}, "en")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, "UPDATE users SET lang = ? WHERE id = ?", lang, u.ID); err != nil {
				t.Fatal(err)
			}
			e := crm.NewAudit(crm.WithPrincipal(ctx, crm.SystemPrincipal("test")), crm.AuditUpdate, "notification_email", "", nil)
			e.At = now
			if err := db.SetNotificationEmail(ctx, u.ID, email, now, &e); err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		zh, en := user("wang", "", "wang@example.com"), user("smith", "en", "smith@example.com")

		overdue := complaint.OverdueNotice(complaint.Complaint{ID: 7, Number: "202611-0007", Status: complaint.StatusInvestigating})
		overdue.To = crm.Audience{Users: []int64{zh, en}}
		written := crm.Notice{To: crm.Audience{Users: []int64{zh}}, Kind: complaint.NoticeOverdue, Entity: "complaint", EntityID: "8",
			Message: "客诉 202611-0008 已逾期 / complaint 202611-0008 is overdue", MailBody: "as written"}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return store.SendNotices(ctx, tx, []crm.Notice{overdue, written}, now)
		}); err != nil {
			t.Fatal(err)
		}

		t.Run("the inbox gives back the key and its arguments, nested ones too", func(t *testing.T) {
			for _, u := range []int64{zh, en} {
				list, err := db.Notifications(ctx, u, false, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				got := list[len(list)-1] // the oldest: the overdue notice
				if got.EntityID != "7" || !reflect.DeepEqual(got.Text, overdue.Text) || got.Message != overdue.Message {
					t.Errorf("user %d reads %#v %q, want %#v", u, got.Text, got.Message, overdue.Text)
				}
			}
		})
		t.Run("a notice without a key reads as written", func(t *testing.T) {
			list, err := db.Notifications(ctx, zh, false, 0, 10)
			if err != nil || len(list) != 2 {
				t.Fatalf("%d notifications, %v", len(list), err)
			}
			if n := list[0]; n.EntityID != "8" || !n.Text.IsZero() || n.In(msg.En).Message != written.Message {
				t.Errorf("the newest notification = %+v", n)
			}
		})
		t.Run("each mail speaks its recipient's language", func(t *testing.T) {
			mails, err := db.PendingMail(ctx, now, 10)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range mails {
				got[m.To] += m.Subject + "|" + m.Body + ";"
			}
			want := map[string]string{
				"wang@example.com": "客诉 202611-0007 已逾期（调查中）|客诉 202611-0007 已逾期（调查中）\n\n{{public_url}}/complaints/7\n;" +
					written.Message + "|as written;",
				"smith@example.com": "complaint 202611-0007 is overdue|complaint 202611-0007 is overdue\n\n{{public_url}}/complaints/7\n;",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("mails = %q, want %q", got, want)
			}
		})
	})
}
