package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

func TestTheSweepMarksOverdueComplaintsOnceAndTellsTheGMOffice(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		office := e.user("office", crm.RoleGMOffice) // whose step an unassigned complaint waits for
		cust, _ := o.create(o.am1, `{"name":"台州阀门"}`)
		old := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","received_at":"2025-09-30T10:00:00+08:00","description":"无人回复"}`, cust.ID)), as(clerk))
		fresh := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"刚收到"}`, cust.ID)), as(clerk))
		var oldC, freshC struct{ ID int64 }
		_ = json.Unmarshal(old.Body, &oldC)
		_ = json.Unmarshal(fresh.Body, &freshC)

		marked, err := e.db.MarkOverdue(context.Background(), time.Now(), complaint.OverdueRule(nil))
		if err != nil || len(marked) != 1 || marked[0].ID != oldC.ID {
			t.Fatalf("first sweep marked %v (%v), want only the old complaint", marked, err)
		}
		if again, _ := e.db.MarkOverdue(context.Background(), time.Now(), complaint.OverdueRule(nil)); len(again) != 0 {
			t.Errorf("a second sweep marked %d again", len(again))
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", oldC.ID), nil, as(clerk)); !strings.Contains(string(r.Body), `"overdue_at"`) {
			t.Errorf("the complaint does not show it is overdue: %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", freshC.ID), nil, as(clerk)); strings.Contains(string(r.Body), `"overdue_at"`) {
			t.Errorf("a fresh complaint is marked overdue")
		}
		r := e.do("GET", "/api/v1/notifications?unread=true", nil, as(office))
		var inbox struct {
			Items []struct {
				ID      int64
				Message string
			}
		}
		if err := json.Unmarshal(r.Body, &inbox); err != nil || len(inbox.Items) != 1 || !strings.Contains(inbox.Items[0].Message, "逾期") {
			t.Fatalf("the GM office's inbox = %s", r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", inbox.Items[0].ID), nil, as(o.gm)); r.Status != 404 {
			t.Errorf("someone else marking the GM office's notification = %d, want 404", r.Status)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", inbox.Items[0].ID), nil, as(office)); r.Status != 204 {
			t.Errorf("marking read = %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/notifications?unread=true", nil, as(office)); strings.Contains(string(r.Body), "逾期") {
			t.Errorf("the read notification is still unread")
		}
	})
}
