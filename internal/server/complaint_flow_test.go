package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// complaintActors are the departments of the 客诉处理办法.
type complaintActors struct {
	o                   org
	clerk, qa, producer string
}

func (a complaintActors) move(t *testing.T, id int64, token, to, note string, fields map[string]string) response {
	t.Helper()
	e := a.o.e
	r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", id), nil, as(a.clerk))
	var c struct{ Version int }
	_ = json.Unmarshal(r.Body, &c)
	body, _ := json.Marshal(map[string]any{"to": to, "note": note, "version": c.Version, "fields": fields})
	return e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/transitions", id), strings.NewReader(string(body)), as(token))
}

func TestAQualityComplaintGoesFromIntakeToClosedThroughEveryDepartment(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a := complaintActors{o: o, clerk: e.user("kefu", crm.RoleService), qa: e.user("zhijian", crm.RoleQA), producer: e.user("shengchan", crm.RoleProduction)}
		cust, _ := o.create(o.am1, `{"name":"嘉兴电机"}`)
		r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"product_quality","description":"电机异响","quantity":50,"defective_quantity":3}`, cust.ID)), as(a.clerk))
		var c struct{ ID int64 }
		if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
			t.Fatalf("intake = %d %s", r.Status, r.Body)
		}
		// Refusals first: each changes nothing.
		if r := a.move(t, c.ID, o.gm, "closed", "直接结案", nil); r.Status != 422 || !strings.Contains(string(r.Body), "accepted") {
			t.Errorf("an illegal jump = %d %s, want 422 naming the legal next step", r.Status, r.Body)
		}
		if r := a.move(t, c.ID, a.clerk, "accepted", "受理", nil); r.Status != 403 {
			t.Errorf("the service desk accepting = %d, want 403 (the GM office accepts)", r.Status)
		}
		if r := a.move(t, c.ID, o.gm, "accepted", "受理", nil); r.Status != 422 || !strings.Contains(string(r.Body), "fields.order_no") {
			t.Errorf("accepting a quality complaint without its order particulars = %d %s", r.Status, r.Body)
		}
		if r := a.move(t, c.ID, o.gm, "accepted", "", map[string]string{"order_no": "PO-1", "part_no": "M-220", "delivery_date": "2026-11-01", "demand": "换货"}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"note"`) {
			t.Errorf("a step without a note = %d %s", r.Status, r.Body)
		}
		steps := []struct {
			token, to, note string
			fields          map[string]string
		}{
			{o.gm, "accepted", "登记审核完毕", map[string]string{"order_no": "PO-1", "part_no": "M-220", "delivery_date": "2026-11-01", "demand": "换货"}},
			{o.gm, "assigned", "交质量部调查", map[string]string{"department": "质量管理部", "assignee": "zhijian"}},
			{a.producer, "investigating", "生产追溯", map[string]string{"batch_no": "B2611", "line_no": "L3", "shift": "夜班", "operator_name": "王五", "production_date": "2026-10-20"}},
			{a.qa, "solution_proposed", "轴承装配不良", map[string]string{"cause": "轴承压装不到位", "handling": "换货并赔付运费", "responsibility": "制造部"}},
			{o.gm, "approved", "同意", nil},
			{o.am1, "customer_informed", "已电话告知客户", nil},
			{o.am1, "investigating", "客户不同意赔付方案", nil},
			{a.qa, "solution_proposed", "补充方案", map[string]string{"cause": "轴承压装不到位", "handling": "换货、赔付运费并延长保修", "responsibility": "制造部"}},
			{o.gm, "approved", "同意", nil},
			{o.am1, "customer_informed", "已再次告知", nil},
			{o.am1, "customer_confirmed", "客户确认", nil},
			{a.qa, "verified", "改善有效", map[string]string{"corrective_action": "增加压装力检测", "effect_confirmed": "连续两周零不良"}},
			{a.clerk, "return_visited", "回访满意", nil},
			{a.clerk, "closed", "结案", nil},
		}
		for i, s := range steps {
			if r := a.move(t, c.ID, s.token, s.to, s.note, s.fields); r.Status != 200 {
				t.Fatalf("step %d to %s = %d %s", i+1, s.to, r.Status, r.Body)
			}
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/complaints/%d/events", c.ID), nil, as(a.qa))
		if n := strings.Count(string(r.Body), `"to":`); n != len(steps) {
			t.Errorf("the timeline has %d steps, want %d", n, len(steps))
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", c.ID), nil, as(a.qa))
		for _, want := range []string{`"status":"closed"`, `"batch_no":"B2611"`, `"responsibility":"制造部"`, `"closed_at"`} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("the closed complaint lacks %s", want)
			}
		}
	})
}

func TestClosingAnOverdueComplaintNeedsTheReasonForTheDelay(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrg(e)
	a := complaintActors{o: o, clerk: e.user("kefu", crm.RoleService), qa: e.user("zhijian", crm.RoleQA)}
	cust, _ := o.create(o.am1, `{"name":"绍兴印染"}`)
	r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"email","category":"logistics","received_at":"2025-09-30T10:00:00+08:00","description":"送货延误"}`, cust.ID)), as(a.clerk))
	var c struct{ ID int64 }
	_ = json.Unmarshal(r.Body, &c)
	for _, s := range []struct{ token, to string }{{o.gm, "accepted"}, {o.gm, "assigned"}, {a.clerk, "investigating"}, {a.clerk, "solution_proposed"},
		{o.gm, "approved"}, {a.clerk, "customer_informed"}, {a.clerk, "customer_confirmed"}, {a.qa, "verified"}, {a.clerk, "return_visited"}} {
		f := map[string]string{"department": "物流部", "assignee": "kefu", "cause": "承运商延误", "handling": "道歉并减免运费", "responsibility": "承运商",
			"corrective_action": "更换承运商", "effect_confirmed": "后续准时"}
		if r := a.move(t, c.ID, s.token, s.to, "推进", f); r.Status != 200 {
			t.Fatalf("to %s = %d %s", s.to, r.Status, r.Body)
		}
	}
	if r := a.move(t, c.ID, a.clerk, "closed", "结案", nil); r.Status != 422 || !strings.Contains(string(r.Body), "fields.delay_reason") {
		t.Errorf("closing an overdue complaint without a reason = %d %s", r.Status, r.Body)
	}
	if r := a.move(t, c.ID, a.clerk, "closed", "结案", map[string]string{"delay_reason": "国庆假期承运商停运"}); r.Status != 200 {
		t.Errorf("closing with the reason = %d %s", r.Status, r.Body)
	}
}
