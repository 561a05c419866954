package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestComplaintIntakeNumbersAndDeadlines(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c, _ := o.create(o.am1, `{"name":"湖州电机"}`)
		post := func(token, body string) (response, map[string]any) {
			r := e.do("POST", "/api/v1/complaints", strings.NewReader(body), as(token))
			var m map[string]any
			_ = json.Unmarshal(r.Body, &m)
			return r, m
		}
		// Received Tuesday 2025-09-30 10:00 China time, before National Day.
		r, m := post(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"logistics","received_at":"2025-09-30T10:00:00+08:00","description":"到货延误三天","order_no":"PO-778"}`, c.ID))
		if r.Status != 201 {
			t.Fatalf("intake = %d %s", r.Status, r.Body)
		}
		if m["number"] != "202509-0001" || m["quality"] != false || m["status"] != "registered" {
			t.Errorf("number/quality/status = %v %v %v", m["number"], m["quality"], m["status"])
		}
		if m["reply_due_at"] != "2025-10-01T02:00:00Z" {
			t.Errorf("reply due %v, want 24 hours later", m["reply_due_at"])
		}
		if due, _ := time.Parse(time.RFC3339, fmt.Sprint(m["solution_due_at"])); due.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") != "2025-10-10" {
			t.Errorf("solution due %v, want the second working day after the National Day holiday (2025-10-10)", m["solution_due_at"])
		}
		_, m = post(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"email","category":"product_quality","received_at":"2025-09-30T11:00:00+08:00","description":"外壳开裂","quantity":100,"defective_quantity":7}`, c.ID))
		if m["number"] != "202509-0002" || m["quality"] != true || m["abnormality_id"] == nil {
			t.Errorf("a quality complaint: %v", m)
		}
		if due, _ := time.Parse(time.RFC3339, fmt.Sprint(m["solution_due_at"])); due.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") != "2025-10-09" {
			t.Errorf("a quality complaint's solution due %v, want the next working day after the holiday (2025-10-09)", m["solution_due_at"])
		}
		_, m = post(clerk, `{"caller_name":"路人甲","caller_phone":"13600001111","channel":"phone","category":"service","received_at":"2025-10-01T09:00:00+08:00","description":"服务态度差"}`)
		if m["number"] != "202510-0001" || m["caller_phone"] != "136****1111" {
			t.Errorf("the serial restarts each month and the caller's phone is masked: %v", m)
		}
		bad := []struct{ body, field string }{
			{`{"channel":"fax","category":"service","description":"x","customer_id":` + fmt.Sprint(c.ID) + `}`, "channel"},
			{`{"channel":"phone","category":"service","description":"x"}`, "customer_id"},
			{`{"channel":"phone","category":"service","description":"x","customer_id":999999}`, "customer_id"},
			{`{"channel":"phone","category":"service","description":"x","customer_id":` + fmt.Sprint(c.ID) + `,"quantity":5,"defective_quantity":9}`, "defective_quantity"},
		}
		for _, b := range bad {
			if r, _ := post(clerk, b.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+b.field+`"`) {
				t.Errorf("%s = %d %s, want 422 naming %s", b.body, r.Status, r.Body, b.field)
			}
		}
		if r := e.do("GET", "/api/v1/complaints", nil, as(o.am1)); strings.Count(string(r.Body), `"number"`) != 2 {
			t.Errorf("the owner sees the complaints of their customer only: %s", r.Body)
		}
		if r := e.do("GET", "/api/v1/complaints", nil, as(o.am2)); strings.Count(string(r.Body), `"number"`) != 0 {
			t.Errorf("a colleague sees complaints of customers out of scope: %s", r.Body)
		}
		if r, _ := post(o.qa, `{"channel":"phone","category":"service","description":"x"}`); r.Status != 403 {
			t.Errorf("QA registering = %d, want 403", r.Status)
		}
	})
}

// TestComplaintNumbersNeverRepeatUnderConcurrency creates complaints from
// several goroutines, and on PostgreSQL from two separate connection
// pools as two kehu instances would.
func TestComplaintNumbersNeverRepeatUnderConcurrency(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			var dbs []*store.DB
			instances := 2
			if engine == store.SQLite {
				instances = 1 // one kehu owns a SQLite file
			}
			for range instances {
				db, err := store.Open(context.Background(), dsn, store.Options{Shared: true})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				dbs = append(dbs, db)
			}
			now := time.Now().UTC()
			u := identity.User{Username: "clerk", Role: crm.RoleService, PasswordHash: "x", PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
			ue := crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}
			if err := dbs[0].CreateUser(context.Background(), &u, &ue); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			seen := map[string]bool{}
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db := dbs[w%len(dbs)]
					for range 10 {
						c := complaint.Complaint{CallerName: "x", ReceivedAt: now, Channel: "phone", Category: "service", Severity: "normal",
							Description: "并发", Status: "registered", ReplyDueAt: now, CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
						e := crm.AuditEntry{At: time.Now(), Action: crm.AuditCreate}
						if err := db.CreateComplaint(context.Background(), &c, complaint.RegistrationOf(c), &e); err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						if seen[c.Number] {
							t.Errorf("number %s handed out twice", c.Number)
						}
						seen[c.Number] = true
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(seen) != 80 {
				t.Errorf("%d distinct numbers, want 80", len(seen))
			}
			if _, problem, err := dbs[0].VerifyAudit(context.Background()); problem != nil || err != nil {
				t.Errorf("the audit chain after concurrent creation: %+v %v", problem, err)
			}
		})
	}
}

func TestComplaintCountsByPeriodForTiering(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c, _ := o.create(o.am1, `{"name":"金华五金"}`)
		for _, at := range []string{"2026-10-31T23:30:00+08:00", "2026-11-01T00:30:00+08:00", "2026-11-15T10:00:00+08:00"} {
			body := fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"price","received_at":%q,"description":"价格异议"}`, c.ID, at)
			if r := e.do("POST", "/api/v1/complaints", strings.NewReader(body), as(clerk)); r.Status != 201 {
				t.Fatalf("intake = %d %s", r.Status, r.Body)
			}
		}
		r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/complaint-counts?period=month", c.ID), nil, as(o.am1))
		if !strings.Contains(string(r.Body), `[{"period":"2026-10","count":1},{"period":"2026-11","count":2}]`) {
			t.Errorf("monthly counts in China time = %s", r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/complaint-counts?period=quarter", c.ID), nil, as(o.am1))
		if !strings.Contains(string(r.Body), `[{"period":"2026-Q4","count":3}]`) {
			t.Errorf("quarterly counts = %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/complaint-counts", c.ID), nil, as(o.am2)); r.Status != 404 {
			t.Errorf("a colleague out of scope = %d, want 404", r.Status)
		}
	})
}
