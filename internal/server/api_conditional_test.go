package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/api"
)

// login signs an existing user in again through the API.
func (e *env) login(username string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	var body struct{ Token string }
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil {
		e.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return body.Token
}

// TestEveryCreationsLocationAnswersAGet: every 201 of the API carries a
// Location and an ETag, and a GET of that Location answers 200 (to
// someone who may read it) with an ETag; a second GET naming the ETag in
// If-None-Match answers 304.
func TestEveryCreationsLocationAnswersAGet(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cases := creatingCases(t, e)
		readers := []string{e.login("gm"), e.login("root"), e.login("kefu"), e.login("am1"), e.login("qa1")}
		routes := make([]string, 0, len(cases))
		for route := range cases {
			routes = append(routes, route)
		}
		sort.Strings(routes)
		created := 0
		check := func(route string, r response) {
			if r.Status != 201 {
				return
			}
			created++
			loc, etag := r.Header.Get("Location"), r.Header.Get("ETag")
			if loc == "" || etag == "" {
				t.Errorf("%s: 201 with Location %q and ETag %q, want both", route, loc, etag)
				return
			}
			u, err := url.Parse(loc)
			if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/api/v1/") {
				t.Errorf("%s: Location %q is not an address of the API", route, loc)
				return
			}
			for _, tok := range readers {
				g := e.do("GET", loc, nil, as(tok))
				if g.Status != 200 {
					continue
				}
				if !strings.HasPrefix(g.Header.Get("Content-Type"), "application/json") {
					return // a file: downloaded whole, not made conditional
				}
				if tag := g.Header.Get("ETag"); tag == "" {
					t.Errorf("%s: GET %s answers no ETag", route, loc)
				} else if nm := e.do("GET", loc, nil, as(tok, "If-None-Match", tag)); nm.Status != 304 {
					t.Errorf("%s: GET %s with If-None-Match %s = %d, want 304", route, loc, tag, nm.Status)
				}
				return
			}
			t.Errorf("%s: GET of its Location %s answers no one who may read it", route, loc)
		}
		for i, route := range routes {
			check(route, cases[route].send(fmt.Sprintf("location-%d", i), 900+i))
		}
		check("PUT /api/v1/calendar/overrides/{date}", e.do("PUT", "/api/v1/calendar/overrides/2026-12-31",
			strings.NewReader(`{"kind":"day_off","name":"年终盘点"}`), as(readers[1])))
		if created < 10 {
			t.Errorf("only %d creations answered 201", created)
		}
	})
}

// TestTheDocumentDescribesConditionalRequests: every GET of one thing
// that answers JSON documents its ETag, If-None-Match and 304 (the
// router answers them all so), every operation that takes If-Match
// documents 412 and 428, and every 201 documents Location and ETag.
func TestTheDocumentDescribesConditionalRequests(t *testing.T) {
	e := newEnvSQLite(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	type response struct {
		Ref     string `json:"$ref"`
		Headers map[string]any
		Content map[string]any
	}
	type op struct {
		Parameters []struct {
			Ref  string `json:"$ref"`
			Name string
		}
		Responses map[string]response
	}
	opOf := func(method, path string) (op, bool) {
		var o op
		raw, ok := doc.Paths[path][strings.ToLower(method)]
		return o, ok && json.Unmarshal(raw, &o) == nil
	}
	takes := func(o op, name string) bool {
		for _, p := range o.Parameters {
			if p.Ref == "#/components/parameters/"+name {
				return true
			}
		}
		return false
	}
	for _, route := range e.srv.Router.Described() {
		method, path, _ := strings.Cut(route.Pattern, " ")
		if method != "GET" || route.List || !strings.HasPrefix(path, "/api/") {
			continue
		}
		o, ok := opOf(method, path)
		if !ok || o.Responses["200"].Content["application/json"] == nil {
			continue
		}
		if !takes(o, "IfNoneMatch") || o.Responses["304"].Ref == "" || o.Responses["200"].Headers["ETag"] == nil {
			t.Errorf("GET %s answers an ETag and 304 but the document lacks If-None-Match, 304 or the ETag header", path)
		}
	}
	for path, item := range doc.Paths {
		for method := range item {
			o, ok := opOf(method, path)
			if !ok {
				continue
			}
			if takes(o, "IfMatch") && (o.Responses["412"].Ref == "" || o.Responses["428"].Ref == "") {
				t.Errorf("%s %s takes If-Match but lists no 412 or 428", method, path)
			}
			for _, p := range o.Parameters {
				if p.Name == "If-Match" {
					t.Errorf("%s %s describes If-Match in place of #/components/parameters/IfMatch", method, path)
				}
			}
			if c, ok := o.Responses["201"]; ok && c.Ref == "" && (c.Headers["Location"] == nil || c.Headers["ETag"] == nil) {
				t.Errorf("%s %s: its 201 documents no Location or ETag", method, path)
			}
		}
	}
}

// TestAContactAndAnInteractionAreReadWithinScope: the addresses a new
// contact's and a new interaction's Location name answer their creator
// with the record and its version as the ETag, and someone whose scope
// does not reach the customer with 404, as if the record did not exist.
func TestAContactAndAnInteractionAreReadWithinScope(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"范围读取机械有限公司"}`)
		for _, tc := range []struct{ path, body string }{
			{fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), `{"name":"赵经理","mobile":"13800138000"}`},
			{fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID), `{"channel":"phone","content":"确认交期"}`},
		} {
			r := e.do("POST", tc.path, strings.NewReader(tc.body), as(o.am1))
			loc := r.Header.Get("Location")
			if r.Status != 201 || loc == "" {
				t.Fatalf("POST %s = %d %s", tc.path, r.Status, r.Body)
			}
			g := e.do("GET", loc, nil, as(o.am1))
			var rec struct {
				ID         int64 `json:"id"`
				CustomerID int64 `json:"customer_id"`
				Version    int   `json:"version"`
				Mobile     string
			}
			if g.Status != 200 || json.Unmarshal(g.Body, &rec) != nil || rec.CustomerID != c.ID || g.Header.Get("ETag") != fmt.Sprintf(`"%d"`, rec.Version) {
				t.Errorf("GET %s = %d %s (ETag %s), want the record with its version", loc, g.Status, g.Body, g.Header.Get("ETag"))
			}
			if strings.Contains(string(g.Body), "13800138000") {
				t.Errorf("GET %s answers the full mobile: %s", loc, g.Body)
			}
			if out := e.do("GET", loc, nil, as(o.am3)); out.Status != 404 {
				t.Errorf("GET %s by someone out of scope = %d %s, want 404", loc, out.Status, out.Body)
			}
			if gm := e.do("GET", loc, nil, as(o.gm)); gm.Status != 200 {
				t.Errorf("GET %s by the gm = %d, want 200", loc, gm.Status)
			}
			missing := loc[:strings.LastIndex(loc, "/")+1] + "999999"
			if m := e.do("GET", missing, nil, as(o.am1)); m.Status != 404 {
				t.Errorf("GET %s = %d, want 404", missing, m.Status)
			}
		}
	})
}
