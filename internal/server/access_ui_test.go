package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// formSignIn signs in a user who already exists through the web form and
// returns the Cookie header value of the session.
func (e *env) formSignIn(username string) string {
	e.t.Helper()
	r := e.post("/login", "", url.Values{"username": {username}, "password": {testPassword}})
	c := sessionCookie(r)
	if r.Status != http.StatusSeeOther || c == "" {
		e.t.Fatalf("sign in %s through the form: %d %s", username, r.Status, r.Body)
	}
	return c
}

// inbox is a company for the access-request pages: a team 华东 with its
// sales manager and two account managers, another team's sales manager,
// QA and an administrator, each signed in through the form, and one
// customer owned by am1.
type inbox struct {
	e                                  *env
	mgrA, mgrB, am1, am2, qa, gm, root string // session cookies
	customer                           int64
}

func newInbox(e *env) inbox {
	e.userIn("mgr_a", crm.RoleSalesManager, "华东", "")
	owner := e.userIn("am1", crm.RoleAccountManager, "华东", "mgr_a")
	e.userIn("am2", crm.RoleAccountManager, "华东", "mgr_a")
	e.userIn("mgr_b", crm.RoleSalesManager, "华南", "")
	e.user("qa1", crm.RoleQA)
	e.user("gm", crm.RoleGM)
	in := inbox{e: e, mgrA: e.formSignIn("mgr_a"), mgrB: e.formSignIn("mgr_b"), am1: e.formSignIn("am1"), am2: e.formSignIn("am2"),
		qa: e.formSignIn("qa1"), gm: e.formSignIn("gm"), root: e.signIn("root", crm.RoleAdmin)}
	c, r := org{e: e}.create(owner, `{"name":"苏州华达机械有限公司"}`)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create the customer: %d %s", r.Status, r.Body)
	}
	in.customer = c.ID
	return in
}

// ask sends the request form as cookie and returns the new request's ID.
func (in inbox) ask(cookie, reason string) int64 {
	in.e.t.Helper()
	r := in.e.post("/access-requests", cookie, url.Values{"entity": {"customer"}, "record_id": {fmt.Sprint(in.customer)}, "reason": {reason}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/access-requests?notice=requested" {
		in.e.t.Fatalf("POST /access-requests = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	m := requestRow.FindStringSubmatch(string(in.e.page("/access-requests", "en", cookie).Body))
	if m == nil {
		in.e.t.Fatal("the inbox does not list the new request")
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// status reads a request's stored status.
func (in inbox) status(id int64) string {
	in.e.t.Helper()
	r, err := in.e.db.AccessRequest(context.Background(), id)
	if err != nil {
		in.e.t.Fatal(err)
	}
	return string(r.Status)
}

var (
	requestRow = regexp.MustCompile(`<tr data-request="(\d+)">`)
	expiresAt  = regexp.MustCompile(`<time datetime="([^"]+)" data-expires>([^<]+)</time>`)
)

// The inbox lists requests with SQL of its own, so this runs on both engines.
func TestQAAsksForAccessAndTheOwnersManagerApprovesIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		in := newInbox(e)
		id := in.ask(in.qa, "质量投诉调查，需要查看交付记录")

		body := string(e.page("/access-requests?notice=requested", "en", in.qa).Body)
		for _, want := range []string{`id="notice">Your request is sent.`, `<td>qa1</td>`, `Customer #` + fmt.Sprint(in.customer),
			"质量投诉调查，需要查看交付记录", `data-status="pending">Pending<`} {
			if !strings.Contains(body, want) {
				t.Errorf("QA's inbox lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, `id="decide-`) {
			t.Error("QA, who may not decide requests, is offered the decision buttons")
		}

		body = string(e.page("/access-requests", "zh-CN", in.mgrA).Body)
		if !strings.Contains(body, fmt.Sprintf(`id="decide-%d"`, id)) || !strings.Contains(body, `data-status="pending">待审批<`) ||
			!strings.Contains(body, "批准") {
			t.Fatalf("the owner's sales manager is not offered the decision:\n%s", body)
		}
		r := e.post(fmt.Sprintf("/access-requests/%d/approve", id), in.mgrA, url.Values{"note": {"限七天内查看"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/access-requests?notice=approved" {
			t.Fatalf("approve = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		body = string(e.page(r.Header.Get("Location"), "zh-CN", in.mgrA).Body)
		if !strings.Contains(body, `id="notice">已批准该申请。<`) || strings.Contains(body, fmt.Sprintf(`id="decide-%d"`, id)) {
			t.Errorf("after approving, the manager's inbox shows no notice or still offers the decision:\n%s", body)
		}

		body = string(e.page("/access-requests", "en", in.qa).Body)
		m := expiresAt.FindStringSubmatch(body)
		if !strings.Contains(body, `data-status="approved">Approved<`) || !strings.Contains(body, "<td>mgr_a<br><small>限七天内查看</small></td>") || m == nil {
			t.Fatalf("QA's inbox does not show the approval by mgr_a with an expiry:\n%s", body)
		}
		until, err := time.Parse(time.RFC3339, m[1])
		if err != nil || time.Until(until) < 7*24*time.Hour-time.Hour || time.Until(until) > 7*24*time.Hour {
			t.Errorf("the approval lasts until %s, want 7 days from now", m[1])
		}
		if china := until.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04"); m[2] != china {
			t.Errorf("the expiry shows as %q, want %q in China time", m[2], china)
		}
		if r := e.post(fmt.Sprintf("/access-requests/%d/reject", id), in.mgrA, nil); r.Status != http.StatusConflict ||
			!strings.Contains(string(r.Body), `id="form-error">该申请已被审批`) {
			t.Errorf("deciding again = %d, want 409 and a message:\n%s", r.Status, r.Body)
		}
		if s := in.status(id); s != "approved" {
			t.Errorf("deciding again changed the request to %s", s)
		}

		// A second request, rejected by the general manager.
		id = in.ask(in.qa, "复查")
		if r := e.post(fmt.Sprintf("/access-requests/%d/reject", id), in.gm, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("reject = %d:\n%s", r.Status, r.Body)
		}
		body = string(e.page("/access-requests?status=rejected", "en", in.qa).Body)
		if strings.Count(body, "<tr data-request=") != 1 || !strings.Contains(body, `data-status="rejected">Rejected<`) ||
			!strings.Contains(body, "<td>gm</td>") {
			t.Errorf("QA's inbox filtered to rejected requests does not show the one rejection by gm:\n%s", body)
		}
	})
}

func TestOnlyTheOwnersManagerOrTheGMDecidesARequest(t *testing.T) {
	e := newEnvSQLite(t)
	in := newInbox(e)
	id := in.ask(in.qa, "售后质量回访")
	tests := []struct {
		name, cookie string
		status       int
		want         string
	}{
		{"a colleague account manager", in.am2, http.StatusForbidden, "You may not decide this request"},
		{"the owner, an account manager", in.am1, http.StatusForbidden, "You may not decide this request"},
		{"the sales manager of another team", in.mgrB, http.StatusForbidden, "You may not decide this request"},
		{"anyone, for a request that does not exist", in.mgrA, http.StatusNotFound, "There is no such access request"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name+" with a message", func(t *testing.T) {
			if page := string(e.page("/access-requests", "en", tt.cookie).Body); tt.status == http.StatusForbidden && strings.Contains(page, `id="decide-`) {
				t.Errorf("the inbox offers the decision buttons")
			}
			target := id
			if tt.status == http.StatusNotFound {
				target = 999999
			}
			r := e.do("POST", fmt.Sprintf("/access-requests/%d/approve", target), strings.NewReader("note=ok"),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + tt.cookie})
			body := string(r.Body)
			if r.Status != tt.status || !strings.Contains(body, `id="form-error">`+tt.want) || !strings.Contains(body, `id="access-form"`) {
				t.Errorf("forged approve = %d, want %d with %q on the inbox:\n%s", r.Status, tt.status, tt.want, body)
			}
			if s := in.status(id); s != "pending" {
				t.Fatalf("a refused decision changed the request to %s", s)
			}
		})
	}
	if r := e.post(fmt.Sprintf("/access-requests/%d/approve", id), in.qa, nil); r.Status != http.StatusForbidden || in.status(id) != "pending" {
		t.Errorf("the requester approving their own request = %d, status %s", r.Status, in.status(id))
	}
}

func TestTheRequestFormShowsWhatIsWrong(t *testing.T) {
	e := newEnvSQLite(t)
	in := newInbox(e)
	customer := fmt.Sprint(in.customer)
	tests := []struct {
		name, lang, recordID, reason string
		status                       int
		want                         string
	}{
		{"a missing reason next to the reason", "en", customer, "  ", 422, `id="reason-error">Say why you need access.<`},
		{"a missing reason in Chinese", "zh-CN", customer, "", 422, `id="reason-error">请说明申请理由。<`},
		{"a record ID that is not a number next to the ID", "en", "KH001", "复查", 422, `id="record_id-error">Enter a customer ID`},
		{"an unknown customer as a message", "en", "999999", "复查", 404, `id="form-error">There is no customer with this ID.<`},
		{"an unknown customer in Chinese", "zh-CN", "999999", "复查", 404, `id="form-error">没有这个 ID 的客户。<`},
	}
	for _, tt := range tests {
		t.Run("shows "+tt.name, func(t *testing.T) {
			form := url.Values{"entity": {"customer"}, "record_id": {tt.recordID}, "reason": {tt.reason}}
			r := e.do("POST", "/access-requests", strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + tt.lang + "; " + in.qa})
			body := string(r.Body)
			if r.Status != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, `value="`+tt.recordID+`"`) {
				t.Errorf("POST = %d, want %d with %q and the ID kept:\n%s", r.Status, tt.status, tt.want, body)
			}
			if strings.Contains(body, "⟦") {
				t.Error("the form shows a message key with no text")
			}
		})
	}
	if body := string(e.page("/access-requests", "en", in.qa).Body); strings.Contains(body, "<tr data-request=") {
		t.Error("a refused form stored a request anyway")
	}
}

func TestTheInboxRendersInBothLanguagesAndIsRefusedToAdministrators(t *testing.T) {
	e := newEnvSQLite(t)
	in := newInbox(e)
	id := in.ask(in.qa, "质量追溯")
	for _, lang := range []string{"zh-CN", "en"} {
		for who, cookie := range map[string]string{"qa1": in.qa, "mgr_a": in.mgrA, "gm": in.gm, "am2": in.am2} {
			t.Run(lang+" for "+who, func(t *testing.T) {
				r := e.page("/access-requests", lang, cookie)
				body := string(r.Body)
				if r.Status != http.StatusOK || !strings.Contains(body, `<html lang="`+lang+`">`) || !strings.Contains(body, `id="access-form"`) {
					t.Fatalf("GET /access-requests = %d:\n%s", r.Status, body)
				}
				if strings.Contains(body, "⟦") {
					t.Errorf("the page shows a message key with no text")
				}
			})
		}
	}
	auditor := e.signIn("shen", crm.RoleAuditor)
	tests := []struct{ name, method, path, cookie string }{
		{"the inbox to the administrator", "GET", "/access-requests", in.root},
		{"the inbox to the auditor", "GET", "/access-requests", auditor},
		{"a request to the administrator", "POST", "/access-requests", in.root},
		{"a decision to the administrator", "POST", fmt.Sprintf("/access-requests/%d/approve", id), in.root},
		{"a decision to the auditor", "POST", fmt.Sprintf("/access-requests/%d/reject", id), auditor},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			form := url.Values{"entity": {"customer"}, "record_id": {fmt.Sprint(in.customer)}, "reason": {"x"}}
			r := e.do(tt.method, tt.path, strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": tt.cookie})
			if body := string(r.Body); r.Status != http.StatusForbidden || strings.Contains(body, `id="access-form"`) || strings.Contains(body, "质量追溯") {
				t.Errorf("%s %s = %d, want the 403 page and no data:\n%s", tt.method, tt.path, r.Status, body)
			}
		})
	}
	if s := in.status(id); s != "pending" {
		t.Errorf("a refused decision changed the request to %s", s)
	}
	if r := e.get("/access-requests"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=/access-requests" {
		t.Errorf("GET /access-requests anonymously = %d → %q", r.Status, r.Header.Get("Location"))
	}
}

func TestTheInboxPagesToOlderRequests(t *testing.T) {
	e := newEnvSQLite(t)
	in := newInbox(e)
	first, second := in.ask(in.qa, "第一次"), in.ask(in.qa, "第二次")
	body := string(e.page("/access-requests?status=pending&limit=1", "en", in.mgrA).Body)
	m := olderLink.FindStringSubmatch(body)
	if strings.Count(body, "<tr data-request=") != 1 || !strings.Contains(body, fmt.Sprintf(`data-request="%d"`, second)) || m == nil {
		t.Fatalf("the first page of one request does not show the newest with an older link:\n%s", body)
	}
	older := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(older, "status=pending") || !strings.Contains(older, "limit=1") {
		t.Errorf("the older link drops the filter: %q", older)
	}
	body = string(e.page(older, "en", in.mgrA).Body)
	if !strings.Contains(body, fmt.Sprintf(`data-request="%d"`, first)) || !strings.Contains(body, "Newest requests") {
		t.Errorf("the older page does not show the first request:\n%s", body)
	}
	if r := e.page("/access-requests?cursor=%25%25", "en", in.mgrA); r.Status != http.StatusBadRequest ||
		!strings.Contains(string(r.Body), "That page link is no longer valid") {
		t.Errorf("a forged page link = %d, want 400 and a message", r.Status)
	}
}
