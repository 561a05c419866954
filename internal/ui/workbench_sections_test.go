package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/crm"
)

// A module adds its part of the workbench with one provider: the page
// shows its section (heading, rows, the link to its list) and its tiles,
// in the providers' order, and leaves out a provider that has nothing for
// the role.
func TestAModuleAddsAWorkbenchSectionWithOneProvider(t *testing.T) {
	u, err := New(&app.Services{}, "test", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	callbacks := func(c *workbenchContext) (*workbenchSection, error) {
		if c.P.Role != crm.RoleService {
			return nil, nil
		}
		return &workbenchSection{Name: "callbacks", ID: "workbench-callbacks", Title: c.T("home.title") + "·回访", All: "/callbacks",
			Columns: []string{"客户", "回访日"}, Empty: "今天没有要回访的客户",
			Rows: []workbenchRow{{Attr: dataAttr("callback", 7, "overdue"), Cells: []workbenchCell{
				{Text: "杭州西子智能装备股份有限公司", Href: "/customers/3", Name: true},
				{Text: "2026-12-07", Before: []workbenchMark{{"逾期", "badge danger"}}}}}},
			Tiles: []tile{{ID: "tile-callbacks", Label: "待回访", Href: "/callbacks", N: 1, Alert: true}}}, nil
	}
	empty := func(c *workbenchContext) (*workbenchSection, error) {
		return &workbenchSection{Name: "visits", ID: "workbench-visits", Title: "拜访", All: "/visits", Columns: []string{"客户"}, Empty: "今天没有拜访安排"}, nil
	}
	for _, c := range []struct {
		role crm.Role
		want []string
		not  []string
	}{
		{crm.RoleService, []string{`id="workbench-callbacks"`, `<tr data-callback="7" data-overdue>`, `title="杭州西子智能装备股份有限公司"`,
			`<mark class="badge danger">逾期</mark>`, `id="tile-callbacks"`, `href="/callbacks"`, `id="workbench-visits-empty"`, "今天没有拜访安排"}, nil},
		{crm.RoleQA, []string{`id="workbench-visits"`}, []string{"workbench-callbacks", "tile-callbacks"}},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r = r.WithContext(crm.WithPrincipal(r.Context(), crm.Principal{UserID: 1, Username: "u", Role: c.role}))
		d := workbenchPage{Name: "u"}
		if err := d.collect(&workbenchContext{u: u, r: r, P: crm.Principal{Role: c.role}, Lang: "zh-CN"}, []workbenchProvider{callbacks, empty}); err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		if err := u.render(w, r, http.StatusOK, "home", "home.title", d); err != nil {
			t.Fatal(err)
		}
		body := w.Body.String()
		for _, s := range c.want {
			if !strings.Contains(body, s) {
				t.Errorf("%s's workbench lacks %q", c.role, s)
			}
		}
		for _, s := range c.not {
			if strings.Contains(body, s) {
				t.Errorf("%s's workbench shows %q", c.role, s)
			}
		}
		if c.role == crm.RoleService && strings.Index(body, "workbench-callbacks") > strings.Index(body, "workbench-visits") {
			t.Error("the sections are not in the providers' order")
		}
	}
}
