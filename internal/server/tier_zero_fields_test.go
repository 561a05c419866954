package server_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestATierSchemeWithAnExplicitZeroWindowOrPeriodsIsRefusedNamingTheField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		const levels = `"levels":[{"code":"big","name":"大客户","min_amount":"1000000.00"},{"code":"rest","name":"其他","min_amount":"0"}]`
		for _, c := range []struct{ body, field string }{
			{`{"code":"z1","kind":"bank","name":"零窗口","window_months":0,` + levels + `}`, "window_months"},
			{`{"code":"z2","kind":"bank","name":"零周期","periods":0,` + levels + `}`, "periods"},
		} {
			r := e.do("POST", "/api/v1/tier-schemes", strings.NewReader(c.body), as(o.admin))
			if r.Status != 422 || !strings.Contains(string(r.Body), `"`+c.field+`"`) {
				t.Errorf("create with %s 0: %d %s", c.field, r.Status, r.Body)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM tier_schemes WHERE code IN ('z1','z2')"); n != 0 {
			t.Errorf("%d refused schemes saved", n)
		}
		// Left out, they default.
		r := e.do("POST", "/api/v1/tier-schemes", strings.NewReader(`{"code":"z3","kind":"bank","name":"默认",`+levels+`}`), as(o.admin))
		if r.Status != 201 || !strings.Contains(string(r.Body), `"window_months":12`) || !strings.Contains(string(r.Body), `"periods":2`) {
			t.Fatalf("create with defaults: %d %s", r.Status, r.Body)
		}
		abc := tierSchemes(e, o.admin)["abc"]
		path := fmt.Sprintf("/api/v1/tier-schemes/%d", abc.ID)
		for _, field := range []string{"window_months", "periods"} {
			r := e.do("PATCH", path, strings.NewReader(`{"version":1,"`+field+`":0}`), as(o.admin))
			if r.Status != 422 || !strings.Contains(string(r.Body), `"`+field+`"`) {
				t.Errorf("patch %s 0: %d %s", field, r.Status, r.Body)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM tier_scheme_versions WHERE scheme_id = ?", abc.ID); n != 1 {
			t.Errorf("%d versions after refused patches, want 1", n)
		}
	})
}
