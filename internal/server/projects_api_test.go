package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

type projectJSON struct {
	ID                int64
	Code              string
	Status            string
	Step              string
	StepName          string `json:"step_name"`
	Capacity          int
	DedicatedRequired bool `json:"dedicated_required"`
	Fields            map[string]string
	Version           int
	Steps             []struct {
		Key        string
		Department string
		Status     string
		Fields     map[string]string
		Decisions  []struct {
			By       string
			Decision string
			Comment  string
		}
	}
}

// projectOrg is the departments of the default project workflow: the
// customer's account manager enters the application, the sales manager
// (营销部) accepts it, a technician surveys and checks
// construction, the sales manager sets the supply plan, qa reviews the
// design and the acceptance, the warehouse buys the equipment and
// production commissions.
type projectOrg struct {
	org
	tech, store, prod string
	customer          int64
}

func newProjectOrg(t *testing.T, e *env) projectOrg {
	t.Helper()
	o := projectOrg{org: newOrg(e)}
	o.tech = e.user("jishu", crm.RoleTechnician)
	o.store = e.user("wuzi", crm.RoleWarehouse)
	o.prod = e.user("yunxing", crm.RoleProduction)
	c, r := o.create(o.am1, `{"name":"湖州纺织有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	o.customer = c.ID
	return o
}

func (o projectOrg) apply(token string, capacity int, extra ...string) (projectJSON, response) {
	o.e.t.Helper()
	body := fmt.Sprintf(`{"customer_id":%d,"address":"浙江省湖州市吴兴区织里镇 8 号","nature":"industrial","voltage":"10","capacity":%d,"contact":"王工 13800138000"}`, o.customer, capacity)
	r := o.e.do("POST", "/api/v1/projects", strings.NewReader(body), as(token, extra...))
	var x projectJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

func (o projectOrg) decideProject(token string, id int64, decision, comment string, fields map[string]any) (projectJSON, response) {
	o.e.t.Helper()
	b, _ := json.Marshal(map[string]any{"decision": decision, "comment": comment, "fields": fields})
	r := o.e.do("POST", fmt.Sprintf("/api/v1/projects/%d/decisions", id), strings.NewReader(string(b)), as(token))
	var x projectJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

// projectDoc uploads a completion document to an interaction of the
// customer and returns its attachment id.
func (o projectOrg) projectDoc(t *testing.T) int64 {
	t.Helper()
	r := o.e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", o.customer), strings.NewReader(`{"channel":"visit","content":"竣工资料"}`), as(o.am1))
	var it struct{ ID int64 }
	if err := json.Unmarshal(r.Body, &it); err != nil || r.Status != 201 {
		t.Fatalf("interaction = %d %s", r.Status, r.Body)
	}
	r = o.e.upload(fmt.Sprintf("/api/v1/interactions/%d/attachments", it.ID), o.am1, "竣工图.png", "image/png", pngFile)
	var a attachmentJSON
	if err := json.Unmarshal(r.Body, &a); err != nil || r.Status != 201 {
		t.Fatalf("upload = %d %s", r.Status, r.Body)
	}
	return a.ID
}

func TestAProjectGoesThroughItsEightStepsByEachDepartment(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newProjectOrg(t, e)
		p, r := o.apply(o.am1, 800, "Idempotency-Key", "proj-1")
		if r.Status != 201 || p.Status != "in_progress" || p.Step != "accept" || p.StepName != "受理" || !strings.HasPrefix(p.Code, "GC") || p.DedicatedRequired {
			t.Fatalf("apply = %d %s", r.Status, r.Body)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/projects/%d", p.ID) || r.Header.Get("ETag") == "" {
			t.Errorf("Location %q ETag %q", loc, r.Header.Get("ETag"))
		} else if g := e.do("GET", loc, nil, as(o.am1)); g.Status != 200 {
			t.Errorf("GET Location = %d", g.Status)
		}
		doc := o.projectDoc(t)
		steps := []struct {
			key, name, token, wrong string
			fields                  map[string]any
		}{
			{"accept", "受理", o.mgrA, o.tech, map[string]any{"accept_no": "SL-001"}},
			{"survey", "现场勘察", o.tech, o.am1, map[string]any{"survey_date": "2026-12-08", "findings": "具备供电条件"}},
			{"plan", "供电方案", o.mgrA, o.tech, map[string]any{"supply_mode": "shared", "line": "10kV 织里线 12 号杆", "plan_date": "2026-12-10"}},
			{"design", "设计审查", o.qa, o.mgrA, map[string]any{"review_result": "pass"}},
			{"equipment", "设备购置", o.store, o.qa, map[string]any{"equipment": "S13-800 变压器一台"}},
			{"construction", "施工", o.tech, o.store, map[string]any{"inspection": "接地电阻合格"}},
			{"acceptance", "验收", o.qa, o.tech, map[string]any{"acceptance_result": "pass", "acceptance_date": "2027-01-05"}},
			{"commission", "投运", o.prod, o.qa, map[string]any{"completion_docs": []int64{doc}, "commissioned_on": "2027-01-06"}},
		}
		for i, s := range steps {
			if _, r := o.decideProject(s.wrong, p.ID, "approve", "越权", s.fields); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("step %s: a wrong department = %d %s, want 403", s.key, r.Status, r.Body)
			} else if r.Status == http.StatusForbidden && !strings.Contains(string(r.Body), s.name) {
				t.Errorf("step %s: the refusal does not name the step: %s", s.key, r.Body)
			}
			got, r := o.decideProject(s.token, p.ID, "approve", "同意 "+s.key, s.fields)
			if r.Status != 200 {
				t.Fatalf("step %s: decide = %d %s", s.key, r.Status, r.Body)
			}
			if i < len(steps)-1 && got.Step != steps[i+1].key {
				t.Errorf("step %s: next step = %q, want %q", s.key, got.Step, steps[i+1].key)
			}
			if got.Steps[i].Status != "approved" || len(got.Steps[i].Decisions) != 1 || got.Steps[i].Decisions[0].Comment != "同意 "+s.key {
				t.Errorf("step %s: course = %+v", s.key, got.Steps[i])
			}
			p = got
		}
		if p.Status != "completed" || p.Fields["line"] != "10kV 织里线 12 号杆" || p.Fields["completion_docs"] != fmt.Sprint(doc) {
			t.Errorf("after 投运: %+v", p)
		}
		if p.Steps[1].Department != "technician" || p.Steps[1].Fields["findings"] != "具备供电条件" {
			t.Errorf("the survey step = %+v", p.Steps[1])
		}
		if n := e.countRows(fmt.Sprintf("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow_decision' AND entity = 'project' AND entity_id = '%d'", p.ID)); n != 8 {
			t.Errorf("audited decisions = %d, want 8", n)
		}
		// The supply plan notice prints the plan.
		page := e.page(fmt.Sprintf("/projects/%d/notice", p.ID), "zh-CN", projectCookie(e, "am1"))
		if page.Status != 200 || !strings.Contains(string(page.Body), "供电方案通知书") || !strings.Contains(string(page.Body), "10kV 织里线 12 号杆") ||
			!strings.Contains(string(page.Body), "2026-12-10") || !strings.Contains(string(page.Body), "800 kVA") {
			t.Errorf("notice = %d %s", page.Status, page.Body)
		}
		// A replayed key answers the same project.
		again, r := o.apply(o.am1, 800, "Idempotency-Key", "proj-1")
		if r.Status != 201 || again.ID != p.ID {
			t.Errorf("replay = %d id %d, want 201 id %d", r.Status, again.ID, p.ID)
		}
	})
}

func TestAProjectOf3000KVAIsRefusedASharedLine(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newProjectOrg(t, e)
		p, r := o.apply(o.am1, 3000)
		if r.Status != 201 || !p.DedicatedRequired {
			t.Fatalf("apply = %d %s", r.Status, r.Body)
		}
		o.decideProject(o.mgrA, p.ID, "approve", "", nil)
		o.decideProject(o.tech, p.ID, "approve", "", map[string]any{"survey_date": "2026-12-08", "findings": "需新建线路"})
		_, r = o.decideProject(o.mgrA, p.ID, "approve", "", map[string]any{"supply_mode": "shared", "line": "10kV 公用线", "plan_date": "2026-12-10"})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "fields.supply_mode") || !strings.Contains(string(r.Body), "专线") {
			t.Fatalf("a shared line for 3000 kVA = %d %s, want 422 naming the rule", r.Status, r.Body)
		}
		got, _ := o.decideProject(o.mgrA, p.ID, "approve", "", nil)
		_ = got
		g := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", p.ID), nil, as(o.am1))
		var now projectJSON
		_ = json.Unmarshal(g.Body, &now)
		if now.Step != "plan" || now.Fields["supply_mode"] != "" {
			t.Errorf("after the refusals the project = %+v, want still at the plan with nothing recorded", now)
		}
		got, r = o.decideProject(o.mgrA, p.ID, "approve", "", map[string]any{"supply_mode": "dedicated", "line": "10kV 专线", "plan_date": "2026-12-10"})
		if r.Status != 200 || got.Step != "design" {
			t.Errorf("a dedicated line = %d %s", r.Status, r.Body)
		}
		// The threshold is configurable: at 5000 kVA a 4000 kVA project may share.
		if r := e.do("PUT", "/api/v1/project-settings", strings.NewReader(`{"dedicated_kva":5000}`), as(o.admin)); r.Status != 200 {
			t.Fatalf("settings = %d %s", r.Status, r.Body)
		}
		q, _ := o.apply(o.am1, 4000)
		if q.DedicatedRequired {
			t.Errorf("4000 kVA under a 5000 kVA threshold is marked dedicated")
		}
	})
}

func TestAProjectStepRefusesAMissingFieldAndAnotherAccountManagerSeesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newProjectOrg(t, e)
		p, _ := o.apply(o.am1, 500)
		o.decideProject(o.mgrA, p.ID, "approve", "", nil)
		_, r := o.decideProject(o.tech, p.ID, "approve", "", map[string]any{"survey_date": "2026-12-08"})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "fields.findings") {
			t.Errorf("a survey without findings = %d %s, want 422 naming findings", r.Status, r.Body)
		}
		_, r = o.decideProject(o.tech, p.ID, "approve", "", map[string]any{"survey_date": "8/12/2026", "findings": "好"})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "fields.survey_date") {
			t.Errorf("a bad date = %d %s", r.Status, r.Body)
		}
		// Scope: another account manager's customer answers 404.
		if r := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", p.ID), nil, as(o.am3)); r.Status != http.StatusNotFound {
			t.Errorf("am3 GET = %d, want 404", r.Status)
		}
		if r := e.page(fmt.Sprintf("/projects/%d", p.ID), "zh-CN", projectCookie(e, "am3")); r.Status != http.StatusNotFound {
			t.Errorf("am3's project page = %d, want 404", r.Status)
		}
		if _, r := o.decideProject(o.am3, p.ID, "approve", "", nil); r.Status != http.StatusNotFound {
			t.Errorf("am3 deciding = %d, want 404", r.Status)
		}
		var list struct{ Items []projectJSON }
		r = e.do("GET", "/api/v1/projects", nil, as(o.am3))
		if _ = json.Unmarshal(r.Body, &list); r.Status != 200 || len(list.Items) != 0 {
			t.Errorf("am3 list = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/projects?step=survey&status=in_progress", nil, as(o.tech))
		if _ = json.Unmarshal(r.Body, &list); r.Status != 200 || len(list.Items) != 1 {
			t.Errorf("the technician's survey list = %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/projects?overdue=true", nil, as(o.tech))
		if _ = json.Unmarshal(r.Body, &list); r.Status != 200 || len(list.Items) != 0 {
			t.Errorf("nothing is overdue yet: %d %s", r.Status, r.Body)
		}
		// Bad applications are named and write nothing.
		r = e.do("POST", "/api/v1/projects", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"address":"","nature":"moon","voltage":"7","capacity":0}`, o.customer)), as(o.am1))
		for _, f := range []string{"address", "nature", "voltage", "capacity"} {
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"`+f+`"`) {
				t.Errorf("a bad application = %d %s, want 422 naming %s", r.Status, r.Body, f)
			}
		}
		// The board shows the project in its step's column, in English too.
		tech := projectCookie(e, "jishu")
		page := e.page("/projects", "en", tech)
		if page.Status != 200 || !strings.Contains(string(page.Body), "Project board") || !strings.Contains(string(page.Body), p.Code) {
			t.Errorf("board = %d", page.Status)
		}
		page = e.page(fmt.Sprintf("/projects/%d", p.ID), "zh-CN", tech)
		if page.Status != 200 || !strings.Contains(string(page.Body), `name="f_findings"`) {
			t.Errorf("detail for the surveyor has no step form: %d", page.Status)
		}
		// The step form: a missing field is named on the page, then the step is decided.
		form := url.Values{"decision": {"approve"}, "f_survey_date": {"2026-12-08"}}
		if r := e.post(fmt.Sprintf("/projects/%d/decide", p.ID), tech, form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "勘察结论") {
			t.Errorf("the form without findings = %d", r.Status)
		}
		form.Set("f_findings", "具备供电条件")
		if r := e.post(fmt.Sprintf("/projects/%d/decide", p.ID), tech, form); r.Status != http.StatusSeeOther {
			t.Errorf("the survey form = %d %s", r.Status, r.Body)
		}
		g := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", p.ID), nil, as(o.tech))
		var now projectJSON
		if _ = json.Unmarshal(g.Body, &now); now.Step != "plan" || now.Fields["findings"] != "具备供电条件" {
			t.Errorf("after the form: %s", g.Body)
		}
		// The capacity rule speaks English too.
		big, _ := o.apply(o.am1, 3200)
		o.decideProject(o.mgrA, big.ID, "approve", "", nil)
		o.decideProject(o.tech, big.ID, "approve", "", map[string]any{"survey_date": "2026-12-08", "findings": "新建线路"})
		b, _ := json.Marshal(map[string]any{"decision": "approve", "fields": map[string]any{"supply_mode": "shared", "line": "公用线", "plan_date": "2026-12-10"}})
		r = e.do("POST", fmt.Sprintf("/api/v1/projects/%d/decisions", big.ID), strings.NewReader(string(b)), as(o.mgrA, "Accept-Language", "en"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "requires a dedicated line") {
			t.Errorf("the rule in English = %d %s", r.Status, r.Body)
		}
	})
}

// projectCookie signs an existing user in through the form.
func projectCookie(e *env, username string) string {
	e.t.Helper()
	form := url.Values{"username": {username}, "password": {testPassword}}.Encode()
	r := e.do("POST", "/login", strings.NewReader(form), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "kehu_session" {
			return c.Name + "=" + c.Value
		}
	}
	e.t.Fatalf("sign in %s: %d", username, r.Status)
	return ""
}
