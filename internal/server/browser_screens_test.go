package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// sampleCompany is a small company with one user of every role and a
// little of everything for the pages to show: customers (one with a long
// name), complaints, service orders (one dispatched) and an access
// request waiting for a decision.
type sampleCompany struct {
	e      *env
	users  map[crm.Role]string // username by role
	tokens map[crm.Role]string
	// The records the pages of one record open.
	customer, complaint, order int64
	webComplaint               int64 // from the public form, not linked to a customer yet
}

// sampleEnv is a server on SQLite for the sample company, whose walks
// through every page sign in more often than the per-address limit allows.
func sampleEnv(t *testing.T) *env {
	t.Helper()
	auth := testAuth()
	auth.LoginsPerIP = 1000
	return newEnvWith(t, storetest.Open(t, store.SQLite), auth)
}

// staffName is the sample user of role r.
func staffName(r crm.Role) string { return "s_" + string(r) }

// newSampleCompany fills e with the sample company through the API.
func newSampleCompany(t *testing.T, e *env) *sampleCompany {
	t.Helper()
	c := &sampleCompany{e: e, users: map[crm.Role]string{}, tokens: map[crm.Role]string{}}
	add := func(r crm.Role, team, manager string) {
		c.users[r] = staffName(r)
		if r == crm.RoleDealer { // an account of a dealer (after the gm and the admin)
			c.tokens[r] = dealerAccountFor(t, e, c.tokens[crm.RoleGM], c.tokens[crm.RoleAdmin], staffName(r))
			return
		}
		c.tokens[r] = e.userIn(staffName(r), r, team, manager)
	}
	add(crm.RoleGM, "", "")
	add(crm.RoleSalesManager, "华东销售部", staffName(crm.RoleGM))
	add(crm.RoleAccountManager, "华东销售部", staffName(crm.RoleSalesManager))
	for _, r := range crm.Roles {
		if _, done := c.users[r]; !done {
			add(r, "", "")
		}
	}
	post := func(r crm.Role, path, body string, want int) map[string]any {
		t.Helper()
		res := e.do("POST", path, strings.NewReader(body), as(c.tokens[r]))
		var out map[string]any
		if res.Status != want || json.Unmarshal(res.Body, &out) != nil {
			t.Fatalf("sample company: POST %s as %s = %d %s", path, r, res.Status, res.Body)
		}
		return out
	}
	id := func(m map[string]any) int64 { return int64(m["id"].(float64)) }
	am := crm.RoleAccountManager
	names := []string{"杭州西子智能装备股份有限公司", "广州白云精密机械制造有限责任公司华南区域销售分公司", "苏州工业园区恒信电子科技有限公司"}
	var customers []int64
	for _, n := range names {
		customers = append(customers, id(post(am, "/api/v1/customers", fmt.Sprintf(`{"name":%q,"stage":"important"}`, n), 201)))
	}
	c.customer = customers[0]
	post(am, fmt.Sprintf("/api/v1/customers/%d/contacts", c.customer), `{"name":"刘先生","title":"采购部经理","mobile":"13800138000","is_primary":true}`, 201)
	svc := crm.RoleService
	c.complaint = id(post(svc, "/api/v1/complaints", fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"product_quality","description":"电机异响，批次 M-220 共 50 台中 3 台有异常噪音","quantity":50,"defective_quantity":3}`, customers[0]), 201))
	post(svc, "/api/v1/complaints", fmt.Sprintf(`{"customer_id":%d,"channel":"email","category":"logistics","description":"送货延误两天"}`, customers[1]), 201)
	web := e.do("POST", "/api/v1/public/complaints", strings.NewReader(`{"name":"王女士","phone":"13812345678","company":"华东精密机械有限公司","category":"service","description":"维修师傅迟到两小时，电话无人接听"}`), jsonHeader)
	var receipt struct{ Number string }
	if web.Status != 201 || json.Unmarshal(web.Body, &receipt) != nil {
		t.Fatalf("sample company: public complaint = %d %s", web.Status, web.Body)
	}
	var listed struct {
		Items []struct {
			ID     int64
			Number string
		}
	}
	if r := e.do("GET", "/api/v1/complaints?limit=100", nil, as(c.tokens[crm.RoleGMOffice])); r.Status != 200 || json.Unmarshal(r.Body, &listed) != nil {
		t.Fatalf("sample company: complaints = %d %s", r.Status, r.Body)
	}
	for _, k := range listed.Items {
		if k.Number == receipt.Number {
			c.webComplaint = k.ID
		}
	}
	if c.webComplaint == 0 {
		t.Fatalf("sample company: the public complaint %s is not listed", receipt.Number)
	}
	order := func(typ string, customer int64) map[string]any {
		return post(svc, "/api/v1/service-orders", fmt.Sprintf(`{"type":%q,"customer_id":%d,"address":"浙江省杭州市西湖区文三路 90 号","phone":"13812345678",
			"product_model":"KH-200","product_spec":"220V","purchase_date":"2026-03-01","purchase_place":"杭州门市部","problem":"电机异响，需上门检修"}`, typ, customer), 201)
	}
	o := order("A", customers[0])
	c.order = id(o)
	post(svc, fmt.Sprintf("/api/v1/service-orders/%d/dispatch", c.order), fmt.Sprintf(`{"version":%d,"technician":%q,"note":"带备用轴承"}`, int(o["version"].(float64)), staffName(crm.RoleTechnician)), 200)
	order("C", customers[2])
	post(crm.RoleQA, "/api/v1/access-requests", fmt.Sprintf(`{"entity":"customer","record_id":%d,"reason":"调查客诉，核对批次"}`, customers[1]), 201)
	return c
}

// pages are the addresses of every page of the sample company: each
// list, form and record page. A role opens those it may use; the others
// answer the page that says it may not, which must work on a phone too.
func (c *sampleCompany) pages() []string {
	return []string{
		"/", "/account", "/calendar", "/access-requests",
		"/customers", "/customers/new", "/customers/trash", "/customers/handover", "/imports",
		fmt.Sprintf("/customers/%d", c.customer), fmt.Sprintf("/customers/%d/edit", c.customer),
		fmt.Sprintf("/customers/%d/card", c.customer), fmt.Sprintf("/customers/%d/merge", c.customer),
		"/complaints", "/complaints?all=1", "/complaints/new", fmt.Sprintf("/complaints/%d", c.complaint),
		fmt.Sprintf("/complaints/%d", c.webComplaint), "/complaints/ledger", "/complaints/analysis",
		"/service-orders", "/service-orders/new", "/service-orders/dispatch", "/service-orders/mine",
		"/service-orders/invoices", fmt.Sprintf("/service-orders/%d", c.order), fmt.Sprintf("/service-orders/%d/voucher", c.order),
		"/admin/users", "/admin/system", "/admin/audit",
		"/portal",
	}
}

// publicPages are the pages anyone opens without signing in.
var publicPages = []string{"/login", "/complain", "/no-such-page"}

// visit opens path and reports its HTTP status.
func visit(ctx context.Context, base, path string) (int, error) {
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	if err != nil {
		return 0, err
	}
	if res == nil {
		return 0, fmt.Errorf("no response for %s", path)
	}
	return int(res.Status), nil
}

// signOutInBrowser ends the browser's session, if any, with the header's button.
func signOutInBrowser(ctx context.Context, e *env) error {
	if _, err := visit(ctx, e.http.URL, "/account"); err != nil {
		return err
	}
	signedIn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.getElementById('logout')`))
	if err != nil {
		return err
	}
	if !signedIn {
		return nil
	}
	return clickToPage(ctx, "#logout")
}

// walkRoles signs in as each role of the sample company in turn and
// calls fn on every page at the window size w×h; fn gets the page's
// address and status. Public pages are walked once, signed out, as role "".
func walkRoles(t *testing.T, ctx context.Context, c *sampleCompany, w, h int64, fn func(role crm.Role, path string, status int)) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
		t.Fatal(err)
	}
	// The public pages as the public sees them, not as the last role
	// walked at the other size left the browser.
	if err := signOutInBrowser(ctx, c.e); err != nil {
		t.Fatalf("sign out before the public pages: %v", err)
	}
	for _, p := range publicPages {
		st, err := visit(ctx, c.e.http.URL, p)
		if err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		fn("", p, st)
	}
	for _, r := range crm.Roles {
		if err := signOutInBrowser(ctx, c.e); err != nil {
			t.Fatalf("sign out before %s: %v", r, err)
		}
		if err := signInWithBrowser(ctx, c.e, c.users[r], testPassword); err != nil {
			t.Fatalf("sign in as %s: %v", r, err)
		}
		for _, p := range c.pages() {
			st, err := visit(ctx, c.e.http.URL, p)
			if err != nil {
				t.Fatalf("%s opens %s: %v", r, p, err)
			}
			fn(r, p, st)
		}
	}
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// shotName is the file name of a page's screenshot.
func shotName(role crm.Role, path string, w int64) string {
	who := string(role)
	if who == "" {
		who = "public"
	}
	p := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(path), "-"), "-")
	if p == "" {
		p = "home"
	}
	return fmt.Sprintf("%s/%d/%s.png", who, w, p)
}

// TestScreenshotsOfEveryPage writes a screenshot of every page for every
// role at 1366×900 and 390×844 into the folder KEHU_SCREENSHOTS names
// (`make screenshots`), with an index.html showing them all. Without the
// variable it is skipped; KEHU_SCREENSHOTS_ONLY, a regular expression
// matched against role/width/page, narrows it to some.
func TestScreenshotsOfEveryPage(t *testing.T) {
	dir := os.Getenv("KEHU_SCREENSHOTS")
	if dir == "" {
		t.Skip("set KEHU_SCREENSHOTS to a folder (make screenshots) to write the screenshots")
	}
	ctx, _ := browserFor(t, 30*time.Minute)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var only *regexp.Regexp
	if o := os.Getenv("KEHU_SCREENSHOTS_ONLY"); o != "" {
		only = regexp.MustCompile(o) // e.g. "^(gm|admin)/390/" while working on a page
	}
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	var index strings.Builder
	index.WriteString("<!doctype html><meta charset=utf-8><title>Kehu screenshots</title><style>body{font:14px sans-serif}figure{display:inline-block;vertical-align:top;margin:8px}img{border:1px solid #ccc;max-width:683px}img.phone{max-width:195px}</style>\n")
	for _, size := range [][2]int64{{1366, 900}, {390, 844}} {
		fmt.Fprintf(&index, "<h1>%d×%d</h1>\n", size[0], size[1])
		walkRoles(t, ctx, c, size[0], size[1], func(role crm.Role, path string, status int) {
			if status == 403 && path != "/admin/users" {
				return // one refusal page a role is enough
			}
			name := shotName(role, path, size[0])
			if only != nil && !only.MatchString(name) {
				return
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot of %s as %s: %v", path, role, err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
				t.Fatal(err)
			}
			class := ""
			if size[0] < 500 {
				class = " class=phone"
			}
			fmt.Fprintf(&index, "<figure><figcaption>%s %s (%d)</figcaption><a href=%q><img%s src=%q loading=lazy></a></figure>\n", role, path, status, name, class, name)
		})
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s (open index.html)", dir)
}
