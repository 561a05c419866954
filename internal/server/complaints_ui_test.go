package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

var complaintCreatedAt = regexp.MustCompile(`^/complaints/(\d+)\?notice=created$`)

// version reads the version a complaint page's step forms carry.
var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)

func TestTheComplaintPagesTakeAComplaintFromIntakeThroughItsSteps(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		owner := e.userIn("am1", crm.RoleAccountManager, "华东", "")
		e.userIn("am2", crm.RoleAccountManager, "华南", "")
		for _, u := range []struct {
			name string
			role crm.Role
		}{{"kefu", crm.RoleService}, {"gm", crm.RoleGM}, {"office", crm.RoleGMOffice}, {"root", crm.RoleAdmin}} {
			e.user(u.name, u.role)
		}
		clerk, gm, am2, root := e.formSignIn("kefu"), e.formSignIn("gm"), e.formSignIn("am2"), e.formSignIn("root")
		office := e.formSignIn("office")
		cust, _ := (org{e: e}).create(owner, `{"name":"湖州电机"}`)
		page := func(path, cookie string, status int) string {
			t.Helper()
			r := e.page(path, "zh-CN", cookie)
			if r.Status != status {
				t.Fatalf("GET %s = %d, want %d:\n%s", path, r.Status, status, r.Body)
			}
			return string(r.Body)
		}

		body := page("/complaints/new", clerk, 200)
		wantAll(t, "the intake form", body, `id="complaint-form"`, `name="customer"`, `name="caller_phone"`, `value="logistics"`)
		// A refused intake keeps what was typed and says what is wrong where.
		bad := url.Values{"customer": {"KH99999999"}, "channel": {"phone"}, "category": {"logistics"}, "severity": {"normal"},
			"order_no": {"PO-778"}, "quantity": {"5"}, "defective_quantity": {"9"}, "description": {""}}
		r := e.post("/complaints/new", clerk, bad)
		if r.Status != 422 {
			t.Fatalf("a bad intake = %d", r.Status)
		}
		wantAll(t, "the refused intake", string(r.Body), `id="customer-error"`, `id="description-error"`, `value="PO-778"`, `value="KH99999999"`)
		bad.Set("customer", cust.Code)
		bad.Set("description", "到货延误三天")
		if r := e.post("/complaints/new", clerk, bad); r.Status != 422 || !strings.Contains(string(r.Body), `id="defective_quantity-error"`) {
			t.Errorf("more defective than delivered = %d", r.Status)
		}
		bad.Set("defective_quantity", "2")
		r = e.post("/complaints/new", clerk, bad)
		m := complaintCreatedAt.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("intake = %d → %q\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		detail := "/complaints/" + m[1]
		month := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
		number := strings.ReplaceAll(month, "-", "") + "-0001"
		body = page(detail+"?notice=created", clerk, 200)
		wantAll(t, "the new complaint", body, `id="notice"`, `data-status="registered"`, "湖州电机", `data-clock`, `id="no-steps"`, number)
		if strings.Contains(body, `id="move-`) {
			t.Errorf("the service desk is offered a step the GM takes")
		}

		// The GM office registers it; the gm hears only of major and
		// overdue complaints.
		body = page("/complaints", office, 200)
		wantAll(t, "the GM office's queue", body, `data-complaint="`+m[1]+`"`, `data-clock`, "答复期限")
		if body = page("/complaints", gm, 200); strings.Contains(body, `data-complaint="`+m[1]+`"`) {
			t.Errorf("the gm's own queue lists a normal complaint on time")
		}
		body = page(detail, gm, 200)
		wantAll(t, "the GM's view", body, `id="move-accepted"`)
		version := versionInput.FindStringSubmatch(body)[1]
		move := func(cookie, to string, form url.Values) response {
			t.Helper()
			form.Set("to", to)
			if form.Get("version") == "" {
				form.Set("version", versionInput.FindStringSubmatch(page(detail, cookie, 200))[1])
			}
			return e.post(detail+"/move", cookie, form)
		}
		if r := move(gm, "accepted", url.Values{"version": {version}}); r.Status != 422 || !strings.Contains(string(r.Body), `id="accepted-note-error"`) {
			t.Errorf("a step without a note = %d:\n%s", r.Status, r.Body)
		}
		if r := move(gm, "accepted", url.Values{"note": {"登记审核完毕"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("accept = %d %s", r.Status, r.Body)
		}
		if r := move(gm, "assigned", url.Values{"note": {"旧版本"}, "version": {version}, "department": {"物流部"}, "assignee": {"kefu"}}); r.Status != 409 {
			t.Errorf("a step from a stale page = %d, want 409", r.Status)
		}
		body = page(detail, gm, 200)
		wantAll(t, "the accepted complaint", body, `id="move-assigned"`, `<select name="department"`, `<select name="assignee"`, `value="kefu"`, `data-event="accepted"`, "登记审核完毕")
		if r := move(gm, "assigned", url.Values{"note": {"交物流"}, "assignee": {"kefu"}}); r.Status != 422 || !strings.Contains(string(r.Body), `id="assigned-department-error"`) || !strings.Contains(string(r.Body), `value="kefu"`) {
			t.Errorf("assigning without a department = %d:\n%s", r.Status, r.Body)
		}
		if r := move(gm, "assigned", url.Values{"note": {"交物流"}, "department": {"物流部"}, "assignee": {"nobody"}}); r.Status != 422 || !strings.Contains(string(r.Body), `id="assigned-assignee-error"`) {
			t.Errorf("assigning to nobody = %d", r.Status)
		}
		if r := move(gm, "assigned", url.Values{"note": {"交物流"}, "department": {"物流部"}, "assignee": {"kefu"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("assign = %d %s", r.Status, r.Body)
		}
		wantAll(t, "the service desk's queue", page("/complaints", clerk, 200), `data-complaint="`+m[1]+`"`, "解决期限")
		if r := move(clerk, "approved", url.Values{"note": {"越级"}}); r.Status != 422 && r.Status != 403 {
			t.Errorf("an illegal step = %d", r.Status)
		}

		body = page("/complaints/ledger?month="+month, gm, 200)
		wantAll(t, "the ledger", body, `data-number="`+number+`"`, `id="export-xlsx"`, "/api/v1/complaints/ledger.xlsx?month="+month, `data-kept="met"`, "物流部")
		if r := e.page("/api/v1/complaints/ledger.xlsx?month="+month, "zh-CN", gm); r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("the export button's link with the page's session = %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		body = page("/complaints/analysis?month="+month, gm, 200)
		wantAll(t, "the analysis", body, `id="figure-total">1<`, `id="chart-pareto-data"`, `id="chart-sla-data"`, `id="chart-category-data"`, `/static/complaints.js`)
		if r := e.page("/complaints/ledger?month="+month, "en", gm); !strings.Contains(string(r.Body), "Complaint ledger") || strings.Contains(string(r.Body), "⟦") {
			t.Errorf("the English ledger:\n%s", r.Body)
		}
		for _, path := range []string{"/complaints", "/complaints/new", detail, "/complaints/ledger", "/complaints/analysis"} {
			for _, lang := range []string{"zh-CN", "en"} {
				if r := e.page(path, lang, gm); strings.Contains(string(r.Body), "⟦") {
					t.Errorf("%s in %s has a missing message: %s", path, lang, r.Body)
				}
			}
		}
		if r := e.page("/complaints/ledger?month=2025-13", "zh-CN", gm); r.Status != 400 || !strings.Contains(string(r.Body), `id="form-error"`) {
			t.Errorf("a bad month = %d", r.Status)
		}
		if r := e.page(detail, "zh-CN", am2); r.Status != 404 {
			t.Errorf("a complaint out of scope = %d, want 404", r.Status)
		}
		if r := e.page("/complaints", "zh-CN", root); r.Status != 403 {
			t.Errorf("the administrator's queue = %d, want 403", r.Status)
		}
		if r := e.page("/complaints/new", "zh-CN", e.formSignIn("am2")); r.Status != 200 {
			t.Errorf("an account manager registers complaints too: %d", r.Status)
		}
	})
}

func TestTheQueueListsTheNearestDeadlineFirstAndOnlyWhatTheRoleTakes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		clerk := e.user("kefu", crm.RoleService)
		gmToken := e.user("office", crm.RoleGMOffice)
		e.user("zhijian", crm.RoleQA)
		gm, qa := e.formSignIn("office"), e.formSignIn("zhijian")
		now := time.Now()
		intake := func(received time.Time) int64 {
			return ledgerFile(t, e, clerk, `{"caller_name":"张三","caller_phone":"13600001111","channel":"phone","category":"service","received_at":"`+
				received.Format(time.RFC3339)+`","description":"排队"}`)
		}
		later := intake(now.Add(-time.Hour))        // reply due in 23 hours
		overdue := intake(now.AddDate(0, 0, -3))    // reply due two days ago
		soon := intake(now.Add(-23 * time.Hour))    // reply due within the hour
		accepted := intake(now.Add(-2 * time.Hour)) // accepted: runs against the solution deadline
		ledgerStep(t, e, gmToken, accepted, "accepted", nil)
		body := string(e.page("/complaints", "zh-CN", gm).Body)
		var order []string
		for _, m := range regexp.MustCompile(`data-complaint="(\d+)"`).FindAllStringSubmatch(body, -1) {
			order = append(order, m[1])
		}
		itoa := func(id int64) string { return strconv.FormatInt(id, 10) }
		want := []string{itoa(overdue), itoa(soon), itoa(later), itoa(accepted)}
		if strings.Join(order, " ") != strings.Join(want, " ") {
			t.Errorf("the GM office's queue is in the order %v, want overdue, then the nearest deadline: %v", order, want)
		}
		if !strings.Contains(body, `data-complaint="`+itoa(overdue)+`" data-overdue`) || !strings.Contains(body, "已逾期") {
			t.Errorf("the overdue complaint is not marked overdue:\n%s", body)
		}
		if body := string(e.page("/complaints", "zh-CN", qa).Body); !strings.Contains(body, `id="queue-empty"`) {
			t.Errorf("QA's own queue holds complaints QA takes no step on:\n%s", body)
		}
		if body := string(e.page("/complaints?all=1", "zh-CN", qa).Body); strings.Count(body, `data-complaint="`) != 4 {
			t.Errorf("QA's view of every open complaint:\n%s", body)
		}
	})
}

func TestTheCustomerPageListsItsComplaints(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c, _ := o.create(o.am1, `{"name":"金华火腿"}`)
		r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"logistics","description":"到货延误"}`, c.ID)), as(clerk))
		var k struct {
			ID     int64
			Number string
		}
		if err := json.Unmarshal(r.Body, &k); err != nil || r.Status != 201 {
			t.Fatalf("complaint = %d %s", r.Status, r.Body)
		}
		page := fmt.Sprintf("/customers/%d", c.ID)
		body := string(e.page(page, "zh-CN", e.formSignIn("am1")).Body)
		wantAll(t, "the owner's view", body, fmt.Sprintf(`<a href="/complaints/%d">%s</a>`, k.ID, k.Number), `data-category="logistics">`,
			`data-status="registered">`, "data-reply-due", "data-solution-due")
		body = string(e.page(page, "en", e.formSignIn("kefu")).Body)
		wantAll(t, "the service desk's view", body, k.Number)
		if r := e.page(page, "zh-CN", e.formSignIn("am2")); r.Status != 404 {
			t.Errorf("a teammate sees the page = %d", r.Status)
		}
	})
}
