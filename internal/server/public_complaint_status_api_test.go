package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// TestThePublicStatusAPIAnswersTheReplyAndTheSolutionOnceGiven: the
// status link's JSON carries the reply written for the complainant and
// the approved solution once they are given, and nothing internal: no
// cause, responsibility, notes, staff or the complainant's own details.
func TestThePublicStatusAPIAnswersTheReplyAndTheSolutionOnceGiven(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		desk := e.staffNamed("kefu", "吴客服", crm.RoleService)
		office := e.staffNamed("ma.office", "马秘书", crm.RoleGMOffice)
		qa := e.staffNamed("sun.qa", "孙质检", crm.RoleQA)
		r := e.do("POST", "/api/v1/public/complaints", strings.NewReader(`{"name":"王女士","phone":"13812345678","category":"product_quality","order_no":"SO-88","description":"外壳开裂"}`), jsonHeader)
		var filed struct {
			StatusURL string `json:"status_url"`
		}
		if r.Status != 201 || json.Unmarshal(r.Body, &filed) != nil || filed.StatusURL == "" {
			t.Fatalf("file = %d %s", r.Status, r.Body)
		}
		status := func() map[string]any {
			t.Helper()
			r := e.do("GET", filed.StatusURL, nil, nil)
			var st map[string]any
			if r.Status != 200 || json.Unmarshal(r.Body, &st) != nil {
				t.Fatalf("status = %d %s", r.Status, r.Body)
			}
			for _, internal := range []string{"注塑温度偏低", "制造部", "登记审核完毕", "推进", "13812345678", "王女士", "孙质检", "马秘书", "sun.qa"} {
				if strings.Contains(string(r.Body), internal) {
					t.Errorf("the public status answers %q: %s", internal, r.Body)
				}
			}
			return st
		}
		if st := status(); st["reply"] != nil || st["solution"] != nil || st["replied_at"] != nil {
			t.Errorf("a new complaint answers a reply or a solution: %v", st)
		}
		var list struct{ Items []complaintOut }
		_ = json.Unmarshal(e.do("GET", "/api/v1/complaints", nil, as(desk)).Body, &list)
		if len(list.Items) == 0 {
			t.Fatal("the filed complaint is not listed")
		}
		id := list.Items[0].ID
		quality := map[string]string{"part_no": "P-1", "delivery_date": "2026-11-01", "demand": "换货", "reply": "您好，投诉已受理，质量部正在调查。"}
		if r := e.step(office, id, "accepted", "登记审核完毕", quality); r.Status != 200 {
			t.Fatalf("accept = %d %s", r.Status, r.Body)
		}
		if st := status(); st["reply"] != "您好，投诉已受理，质量部正在调查。" || st["replied_at"] == nil || st["solution"] != nil {
			t.Errorf("the accepted complaint's status = %v, want the reply and when, no solution", st)
		}
		for _, s := range []struct {
			token, to string
			fields    map[string]string
		}{
			{office, "assigned", map[string]string{"department": "qa", "assignee": "sun.qa"}},
			{qa, "investigating", nil},
			{qa, "solution_proposed", map[string]string{"cause": "注塑温度偏低", "handling": "免费更换外壳并赔付运费", "responsibility": "制造部"}},
		} {
			if r := e.step(s.token, id, s.to, "推进", s.fields); r.Status != 200 {
				t.Fatalf("%s = %d %s", s.to, r.Status, r.Body)
			}
		}
		if st := status(); st["solution"] != nil {
			t.Errorf("a proposed solution is answered before it is approved: %v", st)
		}
		if r := e.step(office, id, "approved", "同意", nil); r.Status != 200 {
			t.Fatalf("approve = %d %s", r.Status, r.Body)
		}
		if st := status(); st["solution"] != "免费更换外壳并赔付运费" || st["status"] != "approved" {
			t.Errorf("the approved complaint's status = %v, want the solution", st)
		}
	})
}
