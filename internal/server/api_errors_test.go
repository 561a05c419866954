package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// errorText is the message and field messages of an error body.
func errorText(t *testing.T, r response) string {
	t.Helper()
	var body struct {
		Error struct {
			Code    string
			Message string
			Fields  []struct{ Message string }
		}
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error.Code == "" {
		t.Fatalf("not an error body: %d %s", r.Status, r.Body)
	}
	texts := []string{body.Error.Message}
	for _, f := range body.Error.Fields {
		texts = append(texts, f.Message)
	}
	return strings.Join(texts, " | ")
}

var (
	han          = regexp.MustCompile(`\p{Han}`)
	englishWords = regexp.MustCompile(`(?i)\b(the|is|are|must|not|of|to|be|was|this|invalid|request|field|unknown|expected)\b`)
)

func TestAnErrorSpeaksOneLanguage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"一种语言机械"}`)
		cust := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		type call struct {
			name, method, path, body string
			header                   map[string]string
		}
		calls := []call{
			{"malformed JSON", "POST", "/api/v1/customers", `{"name":`, nil},
			{"JSON cut short", "POST", "/api/v1/customers", `{"name":"x"`, nil},
			{"a value of the wrong type", "POST", "/api/v1/customers", `{"name":5}`, nil},
			{"an unknown field", "POST", "/api/v1/customers", `{"nom":"x"}`, nil},
			{"a key given twice", "POST", "/api/v1/customers", `{"name":"x","name":"y"}`, nil},
			{"a body of another type", "POST", "/api/v1/customers", `x`, map[string]string{"Content-Type": "text/plain"}},
			{"trailing data", "POST", "/api/v1/customers", `{"name":"x"} {}`, nil},
			{"an unknown route", "GET", "/api/v1/nothing-here", "", nil},
			{"a method the route does not take", "PUT", "/api/v1/ping", "", nil},
			{"an unknown query parameter", "GET", "/api/v1/customers?colour=red", "", nil},
			{"a bad limit", "GET", "/api/v1/customers?limit=none", "", nil},
			{"a cursor not given out", "GET", "/api/v1/complaints?cursor=abc", "", nil},
			{"a department that is not one", "GET", "/api/v1/complaints?department=bogus", "", nil},
			{"a region code in no table", "GET", "/api/v1/customers?region=999999", "", nil},
			{"an industry code in no table", "GET", "/api/v1/customers?industry=ZZ", "", nil},
			{"a status not offered", "GET", "/api/v1/complaints?status=registered,lost", "", nil},
			{"a stale If-Match", "PATCH", cust, `{"notes":"x"}`, map[string]string{"If-Match": `"99"`}},
			{"no version", "PATCH", cust, `{"notes":"x"}`, nil},
			{"a bad If-Match", "PATCH", cust, `{"notes":"x"}`, map[string]string{"If-Match": "yesterday"}},
			{"a validation failure", "POST", "/api/v1/customers", `{"name":""}`, nil},
			{"a role that may not", "GET", "/api/v1/audit", "", nil},
		}
		anonymous := []call{
			{"no credentials", "GET", "/api/v1/customers", "", nil},
			{"a bad token", "GET", "/api/v1/customers", "", map[string]string{"Authorization": "Bearer kht_nonsense"}},
		}
		send := func(t *testing.T, c call, lang string, signedIn bool) response {
			h := map[string]string{"Content-Type": "application/json"}
			if signedIn {
				h = as(o.am1)
			}
			if lang != "" {
				h["Accept-Language"] = lang
			}
			for k, v := range c.header {
				h[k] = v
			}
			var body *strings.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			if body == nil {
				return e.do(c.method, c.path, nil, h)
			}
			return e.do(c.method, c.path, body, h)
		}
		for _, c := range append(calls, anonymous...) {
			signedIn := !strings.HasPrefix(c.name, "no credentials") && !strings.HasPrefix(c.name, "a bad token")
			t.Run(c.name+" in English", func(t *testing.T) {
				r := send(t, c, "en", signedIn)
				if txt := errorText(t, r); han.MatchString(txt) {
					t.Errorf("%d: Chinese in an English answer: %s", r.Status, txt)
				}
			})
			t.Run(c.name+" in Chinese by default", func(t *testing.T) {
				r := send(t, c, "", signedIn)
				txt := errorText(t, r)
				if !han.MatchString(txt) || englishWords.MatchString(txt) {
					t.Errorf("%d: not all Chinese: %s", r.Status, txt)
				}
			})
		}
		t.Run("the user's saved language wins over Accept-Language", func(t *testing.T) {
			if r := e.do("PATCH", "/api/v1/me", strings.NewReader(`{"lang":"en"}`), as(o.am2)); r.Status != 200 {
				t.Fatalf("save the language: %d %s", r.Status, r.Body)
			}
			r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":`), as(o.am2, "Accept-Language", "zh-CN"))
			if txt := errorText(t, r); han.MatchString(txt) {
				t.Errorf("= %s", txt)
			}
		})
	})
}

func TestHTTPSemanticsOfTheAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		t.Run("a key given twice is a 400 naming it", func(t *testing.T) {
			r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"甲","tags":["a"],"name":"乙"}`), as(o.am1))
			if r.Status != 400 || !names(r, "name") {
				t.Errorf("= %d %s", r.Status, r.Body)
			}
			r = e.do("PUT", "/api/v1/customer-fields", strings.NewReader(`{"version":1,"fields":[{"key":"a","key":"b"}]}`), as(o.admin))
			if r.Status != 400 || !names(r, "fields[0].key") {
				t.Errorf("nested = %d %s", r.Status, r.Body)
			}
		})
		t.Run("the auth scheme is case-insensitive", func(t *testing.T) {
			for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
				r := e.do("GET", "/api/v1/me", nil, map[string]string{"Authorization": scheme + " " + o.am1})
				if r.Status != 200 {
					t.Errorf("%s = %d %s", scheme, r.Status, r.Body)
				}
			}
		})
		t.Run("every 401 carries WWW-Authenticate", func(t *testing.T) {
			for _, h := range []map[string]string{nil, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic dTpw"}} {
				r := e.do("GET", "/api/v1/customers", nil, h)
				if r.Status != 401 || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%v = %d, WWW-Authenticate %q", h, r.Status, r.Header.Get("WWW-Authenticate"))
				}
			}
		})
		t.Run("authorisation is decided before validation", func(t *testing.T) {
			tests := []struct {
				name, method, path, token, body string
				want                            int
			}{
				{"the auditor adds an invalid customer", "POST", "/api/v1/customers", o.auditor, `{"name":""}`, 403},
				{"the auditor sends malformed JSON", "POST", "/api/v1/customers", o.auditor, `{"name":`, 403},
				{"QA hands over with a bad body", "POST", "/api/v1/customers/handover", o.qa, `{"from":"x"}`, 403},
				{"an account manager adds a user without a name", "POST", "/api/v1/users", o.am1, `{}`, 403},
				{"an account manager lists the audit log with a bad date", "GET", "/api/v1/audit?from=never", o.am1, "", 403},
				{"nobody signed in sends malformed JSON", "POST", "/api/v1/customers", "", `{"name":`, 401},
				{"nobody signed in lists with an unknown parameter", "GET", "/api/v1/customers?colour=red", "", "", 401},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					h := jsonHeader
					if tt.token != "" {
						h = as(tt.token)
					}
					var r response
					if tt.body == "" {
						r = e.do(tt.method, tt.path, nil, h)
					} else {
						r = e.do(tt.method, tt.path, strings.NewReader(tt.body), h)
					}
					if r.Status != tt.want {
						t.Errorf("= %d %s, want %d", r.Status, r.Body, tt.want)
					}
				})
			}
		})
		t.Run("a 201 carries Location and ETag, and the Location answers", func(t *testing.T) {
			r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"新建位置机械"}`), as(o.am1))
			loc, etag := r.Header.Get("Location"), r.Header.Get("ETag")
			if r.Status != 201 || !strings.HasPrefix(loc, "/api/v1/customers/") || etag != `"1"` {
				t.Fatalf("= %d Location %q ETag %q", r.Status, loc, etag)
			}
			if g := e.get(loc); g.Status != 401 {
				t.Errorf("anonymous GET %s = %d", loc, g.Status)
			}
			if g := e.do("GET", loc, nil, as(o.am1)); g.Status != 200 || g.Header.Get("ETag") != etag {
				t.Errorf("GET %s = %d ETag %q", loc, g.Status, g.Header.Get("ETag"))
			}
			clerk := e.user("kefu201", crm.RoleService)
			r = e.do("POST", "/api/v1/complaints", strings.NewReader(`{"caller_name":"张先生","caller_phone":"13812345678","channel":"phone","category":"service","description":"x"}`), as(clerk))
			if r.Status != 201 || !strings.HasPrefix(r.Header.Get("Location"), "/api/v1/complaints/") || r.Header.Get("ETag") == "" {
				t.Errorf("complaint = %d Location %q ETag %q %s", r.Status, r.Header.Get("Location"), r.Header.Get("ETag"), r.Body)
			}
			r = e.do("POST", "/api/v1/public/complaints", strings.NewReader(`{"name":"王女士","phone":"13812345678","category":"service","description":"漏水"}`), jsonHeader)
			if r.Status != 201 || !strings.HasPrefix(r.Header.Get("Location"), "/api/v1/public/complaints/kst_") || r.Header.Get("ETag") == "" {
				t.Errorf("public complaint = %d Location %q ETag %q", r.Status, r.Header.Get("Location"), r.Header.Get("ETag"))
			}
		})
		c, _ := o.create(o.am1, `{"name":"版本条件机械"}`)
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		t.Run("If-None-Match answers 304 while the record is unchanged", func(t *testing.T) {
			r := e.do("GET", path, nil, as(o.am1))
			etag := r.Header.Get("ETag")
			if r.Status != 200 || etag == "" {
				t.Fatalf("= %d ETag %q", r.Status, etag)
			}
			r = e.do("GET", path, nil, as(o.am1, "If-None-Match", etag))
			if r.Status != http.StatusNotModified || len(r.Body) != 0 || r.Header.Get("ETag") != etag {
				t.Errorf("unchanged = %d %q ETag %q", r.Status, r.Body, r.Header.Get("ETag"))
			}
			r = e.do("GET", "/api/v1/me", nil, as(o.am1))
			if again := e.do("GET", "/api/v1/me", nil, as(o.am1, "If-None-Match", r.Header.Get("ETag"))); r.Header.Get("ETag") == "" || again.Status != 304 {
				t.Errorf("a resource without a version = %d ETag %q", again.Status, r.Header.Get("ETag"))
			}
		})
		t.Run("versions: 428 without one, 412 for a stale If-Match, 409 for a stale body version", func(t *testing.T) {
			tests := []struct {
				name, body string
				header     []string
				want       int
			}{
				{"no version at all", `{"notes":"a"}`, nil, 428},
				{"a stale If-Match", `{"notes":"a"}`, []string{"If-Match", `"7"`}, 412},
				{"a stale version in the body", `{"notes":"a","version":7}`, nil, 409},
				{"the current If-Match", `{"notes":"a"}`, []string{"If-Match", `"1"`}, 200},
				{"the old If-Match again", `{"notes":"b"}`, []string{"If-Match", `"1"`}, 412},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := e.do("PATCH", path, strings.NewReader(tt.body), as(o.am1, tt.header...))
					if r.Status != tt.want {
						t.Errorf("= %d %s, want %d", r.Status, r.Body, tt.want)
					}
				})
			}
			if r := e.do("DELETE", path, nil, as(o.am1)); r.Status != 428 {
				t.Errorf("a delete without If-Match = %d %s", r.Status, r.Body)
			}
			if r := e.do("DELETE", path, nil, as(o.am1, "If-Match", `"1"`)); r.Status != 412 {
				t.Errorf("a delete with a stale If-Match = %d %s", r.Status, r.Body)
			}
			if r := e.do("DELETE", path, nil, as(o.am1, "If-Match", `"2"`)); r.Status != 204 {
				t.Errorf("a delete with the current If-Match = %d %s", r.Status, r.Body)
			}
		})
	})
}

func TestPublicFormsSendRateLimitsAndRefusalsKeepTheQuota(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		post := func(body string) response {
			return e.do("POST", "/api/v1/public/complaints", strings.NewReader(body), jsonHeader)
		}
		bad := `{"name":"王先生","phone":"12","category":"service","description":"坏了","email":"bad"}`
		for i := range 8 {
			r := post(bad)
			if r.Status != 422 {
				t.Fatalf("bad input %d = %d %s", i, r.Status, r.Body)
			}
			if r.Header.Get("RateLimit-Limit") != "5" || r.Header.Get("RateLimit-Remaining") != "5" || r.Header.Get("RateLimit-Reset") == "" {
				t.Errorf("a refusal for bad input: RateLimit %q/%q/%q", r.Header.Get("RateLimit-Limit"), r.Header.Get("RateLimit-Remaining"), r.Header.Get("RateLimit-Reset"))
			}
		}
		good := `{"name":"王女士","phone":"13812345678","category":"service","description":"漏水"}`
		for i := range 5 {
			r := post(good)
			if r.Status != 201 || r.Header.Get("RateLimit-Remaining") != fmt.Sprint(4-i) {
				t.Fatalf("submission %d after the refusals = %d RateLimit-Remaining %q %s", i, r.Status, r.Header.Get("RateLimit-Remaining"), r.Body)
			}
		}
		r := post(good)
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || r.Header.Get("RateLimit-Remaining") != "0" {
			t.Errorf("over the limit = %d Retry-After %q RateLimit-Remaining %q", r.Status, r.Header.Get("Retry-After"), r.Header.Get("RateLimit-Remaining"))
		}
	})
}

func TestAContactIsDeletedOnlyAtTheVersionRead(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"联系人版本机械"}`)
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(`{"name":"李经理"}`), as(o.am1))
		if r.Status != 201 || r.Header.Get("ETag") != `"1"` || !strings.HasPrefix(r.Header.Get("Location"), "/api/v1/contacts/") {
			t.Fatalf("create = %d ETag %q Location %q", r.Status, r.Header.Get("ETag"), r.Header.Get("Location"))
		}
		path := r.Header.Get("Location")
		if r := e.do("PATCH", path, strings.NewReader(`{"title":"采购"}`), as(o.am1, "If-Match", `"1"`)); r.Status != 200 || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("PATCH = %d ETag %q %s", r.Status, r.Header.Get("ETag"), r.Body)
		}
		for _, tt := range []struct {
			name   string
			header []string
			want   int
		}{
			{"without If-Match", nil, 428},
			{"with a stale If-Match", []string{"If-Match", `"1"`}, 412},
			{"by someone out of scope", []string{"If-Match", `"2"`, "Authorization", "Bearer " + o.am3}, 404},
			{"with the current If-Match", []string{"If-Match", `"2"`}, 204},
		} {
			if r := e.do("DELETE", path, nil, as(o.am1, tt.header...)); r.Status != tt.want {
				t.Errorf("%s = %d %s, want %d", tt.name, r.Status, r.Body, tt.want)
			}
		}
	})
}

// TestAChangeWithoutAVersionIsRefusedForTheRecordFirst: a caller outside
// a record's scope hears 404 (or 403) for a change without a version, as
// with one; 428 is only for a caller who may change the record.
func TestAChangeWithoutAVersionIsRefusedForTheRecordFirst(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		cust, r := o.create(o.am1, `{"name":"版本顺序测试有限公司"}`)
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/customers/%d", cust.ID)
		if r := e.do("PATCH", path, strings.NewReader(`{"notes":"x"}`), as(o.am2)); r.Status != 404 {
			t.Errorf("another manager's customer without a version: %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", path, strings.NewReader(`{"notes":"x"}`), as(o.am1)); r.Status != 428 {
			t.Errorf("the owner without a version: %d %s", r.Status, r.Body)
		}
	})
}
