package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// post sends a form as the browser does, with the cookie of a session.
func (e *env) post(path, cookie string, form url.Values) response {
	e.t.Helper()
	return e.do("POST", path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
}

// page gets a page in lang with the cookie of a session.
func (e *env) page(path, lang, cookie string) response {
	e.t.Helper()
	return e.do("GET", path, nil, map[string]string{"Cookie": "kehu_lang=" + lang + "; " + cookie})
}

func TestAccountAndAdminPagesRenderForTheirRolesInBothLanguages(t *testing.T) {
	e := newEnvSQLite(t)
	sessions := map[crm.Role]string{
		crm.RoleAdmin:   e.signIn("root", crm.RoleAdmin),
		crm.RoleAuditor: e.signIn("shen", crm.RoleAuditor),
		crm.RoleGM:      e.signIn("zhang", crm.RoleGM),
	}
	tests := []struct {
		path string
		role crm.Role
		want string
	}{
		{"/account", crm.RoleGM, `id="account-username">zhang<`},
		{"/account", crm.RoleAdmin, `id="account-username">root<`},
		{"/account", crm.RoleAuditor, `id="account-username">shen<`},
		{"/admin/users", crm.RoleAdmin, `data-user="zhang"`},
		{"/admin/users/zhang/password", crm.RoleAdmin, `id="reset-who"`},
		{"/admin/audit", crm.RoleAuditor, `data-action="login"`},
	}
	for _, tt := range tests {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run(lang+" "+tt.path+" as "+string(tt.role), func(t *testing.T) {
				r := e.page(tt.path, lang, sessions[tt.role])
				body := string(r.Body)
				if r.Status != 200 || !strings.Contains(body, `<html lang="`+lang+`">`) || !strings.Contains(body, tt.want) {
					t.Fatalf("GET %s = %d, want 200 in %s with %q:\n%s", tt.path, r.Status, lang, tt.want, body)
				}
				if strings.Contains(body, "⟦") {
					t.Errorf("the page shows a message key with no text")
				}
			})
		}
	}
	if r := e.page("/account", "en", sessions[crm.RoleGM]); !strings.Contains(string(r.Body), `id="account-role">General manager<`) {
		t.Errorf("the account page does not name the role in English")
	}
	if r := e.page("/account", "zh-CN", sessions[crm.RoleGM]); !strings.Contains(string(r.Body), `id="account-role">总经理<`) {
		t.Errorf("the account page does not name the role in Chinese")
	}
}

func TestAdminPagesAreRefusedToOtherRolesAndAnonymousUsers(t *testing.T) {
	e := newEnvSQLite(t)
	admin, auditor := e.signIn("root", crm.RoleAdmin), e.signIn("shen", crm.RoleAuditor)
	gm, clerk := e.signIn("zhang", crm.RoleGM), e.signIn("wu", crm.RoleWarehouse)
	tests := []struct {
		name, method, path, cookie, leak string
	}{
		{"the user list to the general manager", "GET", "/admin/users", gm, `data-user="root"`},
		{"the user list to the auditor", "GET", "/admin/users", auditor, `data-user="root"`},
		{"a reset form to a warehouse clerk", "GET", "/admin/users/root/password", clerk, `reset-who`},
		{"the audit log to the administrator", "GET", "/admin/audit", admin, `data-action=`},
		{"the audit log to the general manager", "GET", "/admin/audit", gm, `data-action=`},
		{"adding a user to the general manager", "POST", "/admin/users", gm, `data-user=`},
		{"disabling a user to the auditor", "POST", "/admin/users/zhang/disabled", auditor, `data-user=`},
		{"resetting a password to the general manager", "POST", "/admin/users/root/password", gm, `reset-who`},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			form := url.Values{"username": {"mole"}, "role": {"admin"}, "password": {"Mole-2026-pass"}, "repeat": {"Mole-2026-pass"},
				"version": {"1"}, "disabled": {"true"}}
			r := e.do(tt.method, tt.path, strings.NewReader(form.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": tt.cookie})
			if body := string(r.Body); r.Status != http.StatusForbidden || !strings.Contains(body, `id="forbidden"`) || strings.Contains(body, tt.leak) {
				t.Errorf("%s %s = %d, want the 403 page and no data:\n%s", tt.method, tt.path, r.Status, body)
			}
		})
	}
	if _, err := e.db.UserByUsername(context.Background(), "mole"); err == nil {
		t.Error("a refused form added a user anyway")
	}
	if u, _ := e.db.UserByUsername(context.Background(), "zhang"); u.Disabled() {
		t.Error("a refused form disabled a user anyway")
	}
	for _, p := range []string{"/account", "/admin/users", "/admin/audit", "/admin/users/root/password"} {
		t.Run("sends anonymous users from "+p+" to sign in", func(t *testing.T) {
			r := e.get(p)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?next="+p {
				t.Errorf("GET %s anonymously = %d → %q", p, r.Status, r.Header.Get("Location"))
			}
		})
	}
}

func TestAnAdministratorAddsAUserThroughTheForm(t *testing.T) {
	e := newEnvSQLite(t)
	admin := e.signIn("root", crm.RoleSecurityAdmin) // grants roles directly (an admin's grant awaits approval: duties_ui_test.go)
	e.user("li.na", crm.RoleSalesManager)
	form := url.Values{"username": {"Wang.Fang"}, "display_name": {"王芳"}, "role": {"account_manager"}, "team": {"华东"},
		"manager": {"li.na"}, "password": {"Wang-2026-pass"}}
	r := e.post("/admin/users", admin, form)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/users?notice=added&user=wang.fang" {
		t.Fatalf("POST /admin/users = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	body := string(e.page(r.Header.Get("Location"), "zh-CN", admin).Body)
	for _, want := range []string{`id="notice">已新增用户 wang.fang。<`, `data-user="wang.fang"`, "王芳", "客户经理", "华东"} {
		if !strings.Contains(body, want) {
			t.Errorf("the list after adding lacks %q", want)
		}
	}
	signIn := url.Values{"username": {"wang.fang"}, "password": {"Wang-2026-pass"}}
	if r := e.post("/login", "", signIn); r.Status != http.StatusSeeOther {
		t.Errorf("the new user cannot sign in: %d", r.Status)
	}

	tests := []struct {
		name, lang, field, value, want string
	}{
		{"a weak password shows the policy in Chinese", "zh-CN", "password", "short", "密码至少需要8个字符"},
		{"a weak password shows the policy in English", "en", "password", "short", "at least 8 characters"},
		{"a taken username says so", "en", "username", "wang.fang", "This username is taken."},
		{"an unknown manager says so", "zh-CN", "manager", "nobody", "没有这个用户名的用户。"},
		{"a bad username says what is allowed", "en", "username", "王", "2 to 32 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := url.Values{"username": {"zhao"}, "display_name": {"赵"}, "role": {"service"}, "password": {"Zhao-2026-pass"}}
			f.Set(tt.field, tt.value)
			r := e.do("POST", "/admin/users", strings.NewReader(f.Encode()), map[string]string{
				"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + tt.lang + "; " + admin})
			body := string(r.Body)
			if r.Status/100 != 4 || !strings.Contains(body, `id="`+tt.field+`-error">`) || !strings.Contains(body, tt.want) {
				t.Fatalf("POST %s=%q = %d, want the form again with %q next to %s:\n%s", tt.field, tt.value, r.Status, tt.want, tt.field, body)
			}
			if strings.Contains(body, "Zhao-2026-pass") || !strings.Contains(body, `<option value="service" selected>`) {
				t.Errorf("the form shown again should keep the role and drop the password")
			}
		})
	}
	if _, err := e.db.UserByUsername(context.Background(), "zhao"); err == nil {
		t.Error("a refused form added the user anyway")
	}
}

func TestAnAdministratorDisablesAndEnablesAUser(t *testing.T) {
	e := newEnvSQLite(t)
	admin := e.signIn("root", crm.RoleAdmin)
	token := e.user("sun", crm.RoleService)
	version := func() string {
		u, err := e.db.UserByUsername(context.Background(), "sun")
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(u.Version)
	}
	stale := version()
	r := e.post("/admin/users/sun/disabled", admin, url.Values{"version": {stale}, "disabled": {"true"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("disable = %d:\n%s", r.Status, r.Body)
	}
	if r := e.do("GET", "/api/v1/me", nil, as(token)); r.Status != http.StatusUnauthorized {
		t.Errorf("the disabled user's token still works: %d", r.Status)
	}
	body := string(e.page(r.Header.Get("Location"), "en", admin).Body)
	if !strings.Contains(body, `data-state="disabled">Disabled<`) || !strings.Contains(body, "User sun disabled") {
		t.Errorf("the list does not show sun disabled:\n%s", body)
	}
	r = e.do("POST", "/admin/users/sun/disabled", strings.NewReader(url.Values{"version": {stale}, "disabled": {"false"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=en; " + admin})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "Someone else changed this record") {
		t.Errorf("enabling at a stale version = %d, want 409 and a message:\n%s", r.Status, r.Body)
	}
	if r := e.post("/admin/users/sun/disabled", admin, url.Values{"version": {version()}, "disabled": {"false"}}); r.Status != http.StatusSeeOther {
		t.Errorf("enable = %d", r.Status)
	}
	if body := string(e.page("/admin/users", "en", admin).Body); !strings.Contains(body, `data-state="active">Active<`) ||
		strings.Contains(body, `action="/admin/users/root/disabled"`) {
		t.Errorf("the list should show sun active and offer no button to disable oneself")
	}
}

func TestAnAdministratorResetsAPassword(t *testing.T) {
	e := newEnvSQLite(t)
	admin := e.signIn("root", crm.RoleSecurityAdmin) // an admin's reset of a finance account awaits approval (duties_test.go)
	e.user("zhou", crm.RoleFinance)
	for _, f := range []struct{ password, repeat, want string }{
		{"abc", "abc", "密码至少需要8个字符"},
		{"Pear-2026-new", "Pear-2026-neu", "两次输入的密码不一致。"},
	} {
		r := e.post("/admin/users/zhou/password", admin, url.Values{"password": {f.password}, "repeat": {f.repeat}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), f.want) {
			t.Errorf("reset with %q/%q = %d, want 422 with %q", f.password, f.repeat, r.Status, f.want)
		}
	}
	r := e.post("/admin/users/zhou/password", admin, url.Values{"password": {"Pear-2026-new"}, "repeat": {"Pear-2026-new"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/users?notice=reset&user=zhou" {
		t.Fatalf("reset = %d → %q", r.Status, r.Header.Get("Location"))
	}
	if r := e.post("/login", "", url.Values{"username": {"zhou"}, "password": {"Pear-2026-new"}}); r.Status != http.StatusSeeOther {
		t.Errorf("zhou cannot sign in with the new password: %d", r.Status)
	}
	if r := e.page("/admin/users/nobody/password", "en", admin); r.Status != http.StatusNotFound {
		t.Errorf("the reset page of an unknown user = %d, want 404", r.Status)
	}
}

// sessionCookie returns the session cookie a response sets, or "".
func sessionCookie(r response) string {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "kehu_session" && c.Value != "" {
			return c.Name + "=" + c.Value
		}
	}
	return ""
}

func TestChangingYourPasswordKeepsThisSessionAndEndsTheOthers(t *testing.T) {
	e := newEnvSQLite(t)
	here := e.signIn("qian", crm.RoleMarketing)
	elsewhere := sessionCookie(e.post("/login", "", url.Values{"username": {"qian"}, "password": {testPassword}}))
	tests := []struct{ old, new, repeat, field, want string }{
		{"Wrong-2026-pass", "Plum-2026-new", "Plum-2026-new", "old_password", "当前密码不正确。"},
		{testPassword, "qianqianqian", "qianqianqian", "new_password", "密码须包含小写字母、大写字母、数字、其他字符中的至少3类"},
		{testPassword, "Plum-2026-new", "Plum-2026-neu", "repeat", "两次输入的密码不一致。"},
	}
	for _, tt := range tests {
		r := e.post("/account/password", here, url.Values{"old_password": {tt.old}, "new_password": {tt.new}, "repeat": {tt.repeat}})
		if body := string(r.Body); r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tt.field+`-error">`+tt.want) {
			t.Errorf("change with %s wrong = %d, want 422 with %q next to %s:\n%s", tt.field, r.Status, tt.want, tt.field, body)
		}
	}
	r := e.post("/account/password", here, url.Values{"old_password": {testPassword}, "new_password": {"Plum-2026-new"}, "repeat": {"Plum-2026-new"}})
	fresh := sessionCookie(r)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/account?notice=password" || fresh == "" {
		t.Fatalf("change = %d → %q (new session %q):\n%s", r.Status, r.Header.Get("Location"), fresh, r.Body)
	}
	if r := e.page("/account?notice=password", "en", fresh); r.Status != 200 || !strings.Contains(string(r.Body), "Your password is changed.") {
		t.Errorf("the new session does not show the account page with the notice: %d", r.Status)
	}
	for name, c := range map[string]string{"the other browser": elsewhere, "the old cookie": here} {
		if r := e.page("/account", "en", c); r.Status != http.StatusSeeOther {
			t.Errorf("%s is still signed in after the change: %d", name, r.Status)
		}
	}
}

// The filters become SQL, so this runs on both engines.
func TestTheAuditorSeesSignInsAndFiltersTheLog(t *testing.T) {
	each(t, func(t *testing.T, e *env) { auditorFiltersTheLog(t, e) })
}

func auditorFiltersTheLog(t *testing.T, e *env) {
	auditor := e.signIn("shen", crm.RoleAuditor)
	e.signIn("zhang", crm.RoleGM)
	e.post("/login", "", url.Values{"username": {"zhang"}, "password": {"Wrong-2026-pass"}})
	rows := func(body string) int { return strings.Count(body, "<tr data-action=") }

	body := string(e.page("/admin/audit", "zh-CN", auditor).Body)
	if !strings.Contains(body, `<tr data-action="login">`) || !strings.Contains(body, "<td>zhang</td>") || !strings.Contains(body, "登录失败") {
		t.Fatalf("the audit page lacks zhang's sign-ins:\n%s", body)
	}
	day := func(offset int) string {
		return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, offset).Format("2006-01-02")
	}
	// Yesterday too, in case the run straddles midnight in China.
	yesterday, today, tomorrow := day(-1), day(0), day(1)
	tests := []struct {
		name, query string
		status      int
		check       func(body string) bool
	}{
		{"by user and action", "user=Zhang&action=login", 200, func(b string) bool {
			return rows(b) == strings.Count(b, "<td>zhang</td>") && rows(b) == strings.Count(b, `data-action="login"`) && rows(b) >= 2
		}},
		{"by a failed sign-in", "action=login_failed", 200, func(b string) bool { return rows(b) == 1 }},
		{"by entity", "entity=team", 200, func(b string) bool { return rows(b) == 0 && strings.Contains(b, "No entries match.") }},
		{"by the last two days", "from=" + yesterday + "&to=" + today, 200, func(b string) bool { return rows(b) > 0 }},
		{"from tomorrow", "from=" + tomorrow, 200, func(b string) bool { return rows(b) == 0 }},
		{"with the last day before the first", "from=" + tomorrow + "&to=" + today, 422, func(b string) bool {
			return strings.Contains(b, `id="to-error">The last day must not be before the first.`)
		}},
		{"with a day that is not a date", "from=yesterday", 422, func(b string) bool {
			return strings.Contains(b, `id="from-error">Enter a day such as 2026-11-30.`) && rows(b) == 0
		}},
		{"with a forged page link", "cursor=%25%25", 400, func(b string) bool { return strings.Contains(b, "That page link is no longer valid") }},
	}
	for _, tt := range tests {
		t.Run("filters "+tt.name, func(t *testing.T) {
			r := e.page("/admin/audit?"+tt.query, "en", auditor)
			if r.Status != tt.status || !tt.check(string(r.Body)) {
				t.Errorf("GET /admin/audit?%s = %d, want %d:\n%s", tt.query, r.Status, tt.status, r.Body)
			}
		})
	}
}

var olderLink = regexp.MustCompile(`href="([^"]*)" id="older"`)

func TestTheAuditLogPagesToOlderEntries(t *testing.T) {
	e := newEnvSQLite(t)
	auditor := e.signIn("shen", crm.RoleAuditor)
	e.signIn("zhang", crm.RoleGM)
	first := string(e.page("/admin/audit?action=login&limit=1", "en", auditor).Body)
	var older string
	if m := olderLink.FindStringSubmatch(first); m != nil {
		older = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	if strings.Count(first, "<tr data-action=") != 1 || !strings.Contains(older, "action=login") || !strings.Contains(older, "cursor=") {
		t.Fatalf("the first page of one entry has no older link keeping the filter (%q):\n%s", older, first)
	}
	second := string(e.page(older, "en", auditor).Body)
	if strings.Count(second, "<tr data-action=\"login\">") != 1 || second == first || !strings.Contains(second, "Newest entries") {
		t.Errorf("the older page does not show the next entry:\n%s", second)
	}
}
