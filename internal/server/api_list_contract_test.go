package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// listWorld is a small company with one of everything a list route can
// be about, and a token for every role, so that each GET route of the API
// can be called as someone who may read it.
type listWorld struct {
	e      *env
	tokens []string
	ids    map[string]string // path segment before {id} → an ID there
}

func newListWorld(t *testing.T, e *env) listWorld {
	o := newOrg(e)
	w := listWorld{e: e, ids: map[string]string{}}
	w.tokens = []string{o.gm, o.admin, o.auditor, o.am1, o.qa}
	for _, r := range []crm.Role{crm.RoleService, crm.RoleFinance, crm.RoleTechnician} {
		w.tokens = append(w.tokens, e.user("list_"+string(r), r))
	}
	service := w.tokens[5]
	var ids []int64
	for _, name := range []string{"列表一号机械", "列表二号贸易", "列表三号电子"} {
		c, r := o.create(o.am1, `{"name":"`+name+`"}`)
		if r.Status != 201 {
			t.Fatalf("create customer: %d %s", r.Status, r.Body)
		}
		ids = append(ids, c.ID)
	}
	cust := fmt.Sprint(ids[0])
	w.ids["customers"] = cust
	for i := range 2 {
		if r := e.do("POST", "/api/v1/customers/"+cust+"/interactions", strings.NewReader(fmt.Sprintf(`{"channel":"phone","content":"第%d次"}`, i)), as(o.am1)); r.Status != 201 {
			t.Fatalf("interaction: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/customers/"+cust+"/contacts", strings.NewReader(fmt.Sprintf(`{"name":"联系人%d","mobile":"1380013800%d"}`, i, i)), as(o.am1)); r.Status != 201 {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
	}
	var last int64
	for range 2 {
		last = e.fileComplaint(service, fmt.Sprintf(`{"customer_id":%s,"channel":"phone","category":"service","description":"列表测试"}`, cust)).ID
	}
	w.ids["complaints"] = fmt.Sprint(last)
	r := e.do("GET", "/api/v1/customers/"+cust+"/interactions?limit=1", nil, as(o.am1))
	var page struct{ Items []struct{ ID int64 } }
	if json.Unmarshal(r.Body, &page) != nil || len(page.Items) == 0 {
		t.Fatalf("interactions: %d %s", r.Status, r.Body)
	}
	w.ids["interactions"] = fmt.Sprint(page.Items[0].ID)
	return w
}

// required are the query parameters a route cannot answer without.
var required = map[string]url.Values{"/api/v1/contacts": {"mobile": {"13800138001"}}}

// path fills a route's pattern with IDs of the world: {id} by the segment
// before it, {username} with a user; false when it cannot.
func (w listWorld) path(pattern string) (string, bool) {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		switch {
		case p == "{id}" && i > 0 && w.ids[parts[i-1]] != "":
			parts[i] = w.ids[parts[i-1]]
		case p == "{username}":
			parts[i] = "gm"
		case p == "{year}":
			parts[i] = "2026"
		case strings.HasPrefix(p, "{"):
			return "", false
		}
	}
	return strings.Join(parts, "/"), true
}

// with is path with the route's required parameters and q.
func with(pattern, path string, q url.Values) string {
	all := url.Values{}
	for k, v := range required[pattern] {
		all[k] = v
	}
	for k, v := range q {
		all[k] = v
	}
	if len(all) == 0 {
		return path
	}
	return path + "?" + all.Encode()
}

// reader is the first token that may read path, and its answer.
func (w listWorld) reader(pattern, path string) (string, response, bool) {
	for _, tok := range w.tokens {
		if r := w.e.do("GET", with(pattern, path, nil), nil, as(tok)); r.Status == 200 {
			return tok, r, true
		}
	}
	return "", response{}, false
}

// badValue is a value of the wrong shape for p, or "" when every value
// is of its shape (free text).
func badValue(p httpx.Param) string {
	switch p.Kind {
	case httpx.KindID, httpx.KindInt, httpx.KindLimit:
		return "0x"
	case httpx.KindBool:
		return "yes"
	case httpx.KindDate, httpx.KindTime:
		return "2026-13-45"
	case httpx.KindMonth:
		return "2026/11"
	case httpx.KindOneOf, httpx.KindAnyOf, httpx.KindCode:
		return "no_such_value"
	case httpx.KindCursor:
		return "not a cursor"
	}
	return ""
}

// names reports whether an error body names field among its fields.
func names(r response, field string) bool {
	var body struct {
		Error struct {
			Fields []struct{ Field string }
		}
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return false
	}
	for _, f := range body.Error.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// TestEveryListKeepsOneContract walks every GET route of the API, so a
// list added later is held to the same contract without a line here:
// every route refuses a query parameter it does not take with a 400
// naming it; a route that answers a list is declared a list
// (httpx.List), answers items, total and total_estimated, pages with
// limit and cursor, and refuses a bad value of each of its parameters
// with a 400 naming it.
func TestEveryListKeepsOneContract(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := newListWorld(t, e)
		lists := 0
		for _, route := range e.srv.Router.Described() {
			method, pattern, _ := strings.Cut(route.Pattern, " ")
			if method != "GET" || !strings.HasPrefix(pattern, "/api/") {
				continue
			}
			path, ok := w.path(pattern)
			if !ok {
				continue
			}
			t.Run(pattern, func(t *testing.T) {
				tok, r, ok := w.reader(pattern, path)
				if !ok {
					if route.List {
						t.Errorf("no role may read the list %s", pattern)
					}
					return
				}
				if u := e.do("GET", with(pattern, path, url.Values{"no_such_param": {"1"}}), nil, as(tok)); u.Status != 400 || !names(u, "no_such_param") {
					t.Errorf("an unknown parameter = %d %s, want 400 naming it", u.Status, u.Body)
				}
				var page map[string]json.RawMessage
				isList := json.Unmarshal(r.Body, &page) == nil && page["items"] != nil && strings.HasPrefix(string(page["items"]), "[")
				if isList != route.List {
					t.Fatalf("answers a list: %v, declared a list (httpx.List): %v", isList, route.List)
				}
				if !isList {
					return
				}
				lists++
				var meta struct {
					Items          []json.RawMessage
					Total          *int64
					TotalEstimated *bool `json:"total_estimated"`
					NextCursor     string
				}
				if err := json.Unmarshal(r.Body, &meta); err != nil || meta.Total == nil || meta.TotalEstimated == nil {
					t.Fatalf("a list answers items, total and total_estimated: %s", r.Body)
				}
				if !*meta.TotalEstimated && int64(len(meta.Items)) > *meta.Total {
					t.Errorf("an exact total %d below the %d items of one page", *meta.Total, len(meta.Items))
				}
				walkPages(t, e, pattern, path, tok, *meta.Total, *meta.TotalEstimated)
				for _, p := range route.Params {
					bad := badValue(p)
					if bad == "" {
						continue
					}
					r := e.do("GET", with(pattern, path, url.Values{p.Name: {bad}}), nil, as(tok))
					if r.Status != 400 || !names(r, p.Name) {
						t.Errorf("%s=%s = %d %s, want 400 naming %s", p.Name, bad, r.Status, r.Body, p.Name)
					}
				}
			})
		}
		if lists < 15 {
			t.Errorf("only %d lists were walked; the world is missing what the others list", lists)
		}
	})
}

// walkPages follows next_cursor one item at a time: every item comes once,
// the last page has no cursor, and an exact total is the count of items.
func walkPages(t *testing.T, e *env, pattern, path, tok string, total int64, estimated bool) {
	t.Helper()
	seen := map[string]bool{}
	cursor := ""
	for range 50 {
		q := url.Values{"limit": {"1"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := e.do("GET", with(pattern, path, q), nil, as(tok))
		var page struct {
			Items      []json.RawMessage
			NextCursor string `json:"next_cursor"`
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || len(page.Items) > 1 {
			t.Fatalf("limit=1 cursor=%q = %d %s", cursor, r.Status, r.Body)
		}
		for _, it := range page.Items {
			if seen[string(it)] {
				t.Fatalf("an item came twice while paging: %s", it)
			}
			seen[string(it)] = true
		}
		if page.NextCursor == "" {
			if !estimated && int64(len(seen)) != total {
				t.Errorf("paging one by one gave %d items, total says %d", len(seen), total)
			}
			return
		}
		cursor = page.NextCursor
	}
}
