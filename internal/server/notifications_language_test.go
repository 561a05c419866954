package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/jobs"
)

// hasLatinLetter tells whether a text has a letter of an English word in
// it (hasHan, beside it, a Chinese character).
func hasLatinLetter(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) })
}

// TestAnOverdueNoticeSpeaksEachReadersLanguage checks that one overdue
// notice reads wholly in Chinese or wholly in English in the inbox,
// by the language of each request, and that its mail is written in the
// language its recipient saved (none: Chinese).
func TestAnOverdueNoticeSpeaksEachReadersLanguage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		zhang := e.userIn("zhang", crm.RoleService, "", "mgr_a") // the assignee, managed by mgr_a
		srv, mailer := smtpFor(t)
		e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"zhang@example.com"}`), as(zhang))
		e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"mgr.a@example.com"}`), as(o.mgrA))
		var me struct{ Version int }
		if r := e.do("GET", "/api/v1/me", nil, as(zhang)); json.Unmarshal(r.Body, &me) != nil {
			t.Fatalf("me = %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", "/api/v1/me", strings.NewReader(fmt.Sprintf(`{"version":%d,"lang":"en"}`, me.Version)), as(zhang)); r.Status != 200 {
			t.Fatalf("saving English = %d %s", r.Status, r.Body)
		}
		cust, _ := o.create(o.am1, `{"name":"温州鞋业"}`)
		c := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","received_at":"2025-09-30T10:00:00+08:00","description":"无人处理"}`, cust.ID))
		a := complaintActors{o: o, clerk: clerk}
		for _, step := range []struct{ to, note string }{{"accepted", "受理"}, {"assigned", "交服务部"}} {
			if r := a.move(t, c.ID, o.gm, step.to, step.note, map[string]string{"department": "服务部", "assignee": "zhang"}); r.Status != 200 {
				t.Fatal(r.Status, string(r.Body))
			}
		}
		now := time.Now()
		if res := e.sweep(now); len(res.Overdue) != 1 {
			t.Fatalf("the sweep marked %d complaints, want 1", len(res.Overdue))
		}

		inbox := func(token string, header ...string) string {
			t.Helper()
			r := e.do("GET", "/api/v1/notifications", nil, as(token, header...))
			var page struct {
				Items []struct{ Message string }
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || len(page.Items) != 1 {
				t.Fatalf("inbox = %d %s", r.Status, r.Body)
			}
			return page.Items[0].Message
		}
		for _, tc := range []struct {
			name   string
			token  string
			header []string
			want   string
		}{
			{"without a language it is Chinese", o.mgrA, nil, "zh-CN"},
			{"Accept-Language zh-CN reads it in Chinese", o.mgrA, []string{"Accept-Language", "zh-CN"}, "zh-CN"},
			{"Accept-Language en reads it in English", o.mgrA, []string{"Accept-Language", "en"}, "en"},
			{"the language cookie reads it in English", o.mgrA, []string{"Cookie", "kehu_lang=en"}, "en"},
			{"a user who saved English reads it in English whatever the browser asks", zhang, []string{"Accept-Language", "zh-CN"}, "en"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m := inbox(tc.token, tc.header...)
				if !strings.Contains(m, c.Number) {
					t.Errorf("the notice %q does not name the complaint", m)
				}
				if tc.want == "en" && (hasHan(m) || !strings.Contains(m, "overdue")) {
					t.Errorf("the English notice is %q", m)
				}
				if tc.want == "zh-CN" && (hasLatinLetter(m) || !strings.Contains(m, "逾期")) {
					t.Errorf("the Chinese notice is %q", m)
				}
			})
		}

		t.Run("each mail is written in its recipient's saved language", func(t *testing.T) {
			if sent, err := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", now); err != nil || sent != 2 {
				t.Fatalf("sent %d (%v), want 2", sent, err)
			}
			for _, m := range srv.Wait(2, 5*time.Second) {
				text := m.Subject + " " + strings.ReplaceAll(m.Body, "https://kehu.example.com/complaints/", "")
				switch m.To {
				case "zhang@example.com":
					if hasHan(text) || !strings.Contains(m.Subject, "complaint "+c.Number+" is overdue") {
						t.Errorf("zhang, who saved English, got %q %q", m.Subject, m.Body)
					}
				case "mgr.a@example.com":
					if hasLatinLetter(text) || !strings.Contains(m.Subject, "逾期") {
						t.Errorf("mgr_a, who saved no language, got %q %q", m.Subject, m.Body)
					}
				default:
					t.Errorf("a mail to %s", m.To)
				}
				if !strings.Contains(m.Body, fmt.Sprintf("https://kehu.example.com/complaints/%d", c.ID)) {
					t.Errorf("the mail to %s does not link the complaint: %q", m.To, m.Body)
				}
			}
		})
	})
}
