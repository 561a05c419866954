package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestTheUserFormSaysAGMAccountAwaitsASecondAdministratorWhoApprovesItOnThePage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a1, a2 := e.signIn("admin1", crm.RoleAdmin), e.signIn("admin2", crm.RoleAdmin)
		r := e.post("/admin/users", a1, url.Values{"username": {"boss"}, "role": {"gm"}, "password": {testPassword}})
		loc := r.Header.Get("Location")
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/duty-requests?notice=pending&id=") {
			t.Fatalf("POST /admin/users = %d → %q", r.Status, loc)
		}
		mine := string(e.page(loc, "zh-CN", a1).Body)
		for _, want := range []string{"须经第二人批准", "您自己的申请"} {
			if !strings.Contains(mine, want) {
				t.Errorf("the requester's page lacks %q:\n%s", want, mine)
			}
		}
		id := strings.TrimPrefix(loc, "/admin/duty-requests?notice=pending&id=")
		if r := e.post("/admin/duty-requests/"+id+"/approve", a1, nil); r.Status != http.StatusForbidden {
			t.Errorf("the requester approving on the page = %d, want 403", r.Status)
		}
		other := string(e.page("/admin/duty-requests", "en", a2).Body)
		if !strings.Contains(other, `action="/admin/duty-requests/`+id+`/approve"`) || !strings.Contains(other, "New account") {
			t.Fatalf("the second admin's page lacks the request:\n%s", other)
		}
		if r := e.post("/admin/duty-requests/"+id+"/approve", a2, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("approve = %d %s", r.Status, r.Body)
		}
		if s := e.signInStatus("boss", testPassword); s != 200 {
			t.Errorf("the approved gm signing in = %d", s)
		}
	})
}
