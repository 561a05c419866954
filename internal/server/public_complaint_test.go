package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestCustomersFileComplaintsOnThePublicFormAndFollowThem(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		clerk := e.user("kefu", crm.RoleService)
		body := `{"name":"王女士","phone":"13812345678","company":"宁波某贸易","category":"after_sales","description":"空调安装后漏水"}`
		r := e.do("POST", "/api/v1/public/complaints", strings.NewReader(body), jsonHeader)
		var res struct {
			Number    string `json:"number"`
			StatusURL string `json:"status_url"`
		}
		if r.Status != 201 || json.Unmarshal(r.Body, &res) != nil || res.Number == "" || !strings.HasPrefix(res.StatusURL, "/api/v1/public/complaints/kst_") {
			t.Fatalf("public intake = %d %s", r.Status, r.Body)
		}
		r = e.get(res.StatusURL)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"registered"`) || strings.Contains(string(r.Body), "13812345678") || strings.Contains(string(r.Body), "王女士") {
			t.Errorf("the status link = %d %s, want the status and no personal data", r.Status, r.Body)
		}
		if r := e.get("/api/v1/public/complaints/kst_forged"); r.Status != 404 {
			t.Errorf("a forged link = %d, want 404", r.Status)
		}
		r = e.do("GET", "/api/v1/complaints", nil, as(clerk))
		if !strings.Contains(string(r.Body), res.Number) || !strings.Contains(string(r.Body), `"channel":"web"`) || !strings.Contains(string(r.Body), "138****5678") {
			t.Errorf("the service desk does not see the web complaint: %s", r.Body)
		}
		if r := e.do("POST", "/api/v1/public/complaints", strings.NewReader(`{"name":"bot","phone":"13800000000","category":"other","description":"buy","website":"http://spam.example"}`), jsonHeader); r.Status != 400 {
			t.Errorf("a bot filling the hidden field = %d, want 400", r.Status)
		}
		// Enough attempts that one fixed hourly window overflows even if
		// the run straddles the hour.
		var last response
		for range 11 {
			if last = e.do("POST", "/api/v1/public/complaints", strings.NewReader(body), jsonHeader); last.Status == http.StatusTooManyRequests {
				break
			}
		}
		if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
			t.Errorf("many complaints from one address in an hour = %d, want 429 with Retry-After", last.Status)
		}
	})
}

func TestThePublicFormsRefusalsNameItsOwnFields(t *testing.T) {
	e := newEnvSQLite(t)
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"category":"service","description":"坏了"}`, []string{"name"}},
		{`{"name":"王先生","phone":"12","category":"service","description":"坏了","email":"bad"}`, []string{"email", "phone"}},
	} {
		r := e.do("POST", "/api/v1/public/complaints", strings.NewReader(tc.body), map[string]string{"Content-Type": "application/json", "Accept-Language": "en"})
		var res struct {
			Error struct {
				Fields []struct{ Field string }
			}
		}
		if r.Status != 422 || json.Unmarshal(r.Body, &res) != nil {
			t.Fatalf("%s: %d %s, want 422", tc.body, r.Status, r.Body)
		}
		var got []string
		for _, f := range res.Error.Fields {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: refused fields %v, want %v (the public request's own names)", tc.body, got, tc.want)
		}
	}
}
