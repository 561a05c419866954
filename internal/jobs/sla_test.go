package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/mail/mailtest"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestTheSLAJobMarksAndMailsThroughTheQueue runs the real queue: the
// sweep starts with it, marks an overdue complaint, and the mail it left
// in the outbox reaches the SMTP server after commit.
func TestTheSLAJobMarksAndMailsThroughTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		gm := identity.User{Username: "office", Role: crm.RoleGMOffice, PasswordHash: "x", PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateUser(ctx, &gm, &crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetNotificationEmail(ctx, gm.ID, "office@example.com", now, &crm.AuditEntry{At: time.Now(), Action: crm.AuditUpdate}); err != nil {
			t.Fatal(err)
		}
		old := now.Add(-72 * time.Hour)
		c := complaint.Complaint{CallerName: "x", ReceivedAt: old, Channel: "phone", Category: "service", Severity: "normal", Description: "无人回复",
			Status: "registered", ReplyDueAt: old.Add(24 * time.Hour), CreatedAt: old, UpdatedAt: old}
		if err := db.CreateComplaint(ctx, &c, complaint.RegistrationOf(c), &crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}); err != nil {
			t.Fatal(err)
		}
		srv := mailtest.Start(t, "kehu", "pw")
		m, err := mail.ParseURL("smtp://kehu:pw@" + srv.Addr + "?from=kehu@example.com")
		if err != nil {
			t.Fatal(err)
		}
		m.TLS = srv.ClientTLS
		q, err := jobs.New(db, jobs.Config{PollInterval: 20 * time.Millisecond, Mailer: m, PublicURL: "https://kehu.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		msgs := srv.Wait(1, 30*time.Second)
		if len(msgs) != 1 || msgs[0].To != "office@example.com" || !strings.Contains(msgs[0].Subject, c.Number) || !strings.Contains(msgs[0].Body, "https://kehu.example.com/complaints/") {
			t.Fatalf("mail: %+v", msgs)
		}
		got, err := db.Complaint(ctx, c.ID)
		if err != nil || got.OverdueAt == nil || got.EscalateAt == nil {
			t.Errorf("the complaint after the job: overdue %v, escalate at %v (%v)", got.OverdueAt, got.EscalateAt, err)
		}
	})
}
