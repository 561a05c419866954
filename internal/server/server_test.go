package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestEveryAPIRouteIsInTheOpenAPIDocumentAndBack(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ops := e.contract.operations()
	var routes []string
	for _, r := range e.srv.Router.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if isAPIPath(path) {
			routes = append(routes, method+" "+path)
		}
	}
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("route %s is registered but missing from openapi.json", r)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json documents %s, which is not a registered route", op)
		}
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	r := e.get("/api/v1/openapi.json")
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("GET /api/v1/openapi.json = %d %.80s", r.Status, r.Body)
	}
}

func TestAPIAnswersAndErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		tests := []struct {
			name, method, path string
			status             int
			code               string // error code, for errors
		}{
			{"ping answers", "GET", "/api/v1/ping", 200, ""},
			{"liveness answers", "GET", "/healthz", 200, ""},
			{"readiness checks the database", "GET", "/readyz", 200, ""},
			{"one row is read by key", "GET", "/api/v1/system/migrations/1", 200, ""},
			{"a missing row is not found", "GET", "/api/v1/system/migrations/9999", 404, "not_found"},
			{"a malformed key names the field", "GET", "/api/v1/system/migrations/abc", 400, "bad_request"},
			{"a limit of zero is refused", "GET", "/api/v1/system/migrations?limit=0", 400, "bad_request"},
			{"a limit that is not a number is refused", "GET", "/api/v1/system/migrations?limit=ten", 400, "bad_request"},
			{"a forged cursor is refused", "GET", "/api/v1/system/migrations?cursor=!!!", 400, "bad_request"},
			{"an unknown API route is a JSON 404", "GET", "/api/v1/no-such-thing", 404, "not_found"},
			{"an unknown method is a JSON 405", "DELETE", "/api/v1/ping", 405, "method_not_allowed"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do(tt.method, tt.path, nil, as(admin))
				if r.Status != tt.status {
					t.Fatalf("%s %s = %d, want %d: %s", tt.method, tt.path, r.Status, tt.status, r.Body)
				}
				if tt.code == "" {
					return
				}
				var body struct {
					Error struct{ Code, Message, RequestID string }
				}
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatal(err)
				}
				if body.Error.Code != tt.code || body.Error.Message == "" {
					t.Errorf("error body %s, want code %s and a message", r.Body, tt.code)
				}
			})
		}
	})
}

func TestMethodNotAllowedListsTheAllowedMethods(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	r := e.do("POST", "/api/v1/ping", nil, nil)
	if r.Status != 405 || !strings.Contains(r.Header.Get("Allow"), "GET") {
		t.Errorf("POST /api/v1/ping = %d, Allow %q; want 405 allowing GET", r.Status, r.Header.Get("Allow"))
	}
}

func TestListsPageWithACursor(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.user("root", crm.RoleAdmin)
		var all []int
		path := "/api/v1/system/migrations?limit=1"
		for range 100 {
			r := e.do("GET", path, nil, as(admin))
			if r.Status != 200 {
				t.Fatalf("GET %s = %d %s", path, r.Status, r.Body)
			}
			var page struct {
				Items []struct {
					Version int  `json:"version"`
					Applied bool `json:"applied"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > 1 {
				t.Fatalf("limit=1 returned %d items", len(page.Items))
			}
			for _, m := range page.Items {
				all = append(all, m.Version)
			}
			if page.NextCursor == nil {
				break
			}
			path = "/api/v1/system/migrations?limit=1&cursor=" + *page.NextCursor
		}
		known, _ := store.Migrations(e.db.Engine)
		if len(all) != len(known) {
			t.Errorf("paging saw versions %v, want all %d", all, len(known))
		}
		for i, v := range all {
			if v != i+1 {
				t.Errorf("page order %v is not by version", all)
				break
			}
		}
	})
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	for _, path := range []string{"/", "/customers", "/no-such-page", "/api/v1/ping", "/api/v1/nope", "/static/app.css", "/metrics", "/healthz"} {
		r := e.get(path)
		want := map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
			"X-Frame-Options":        "DENY",
		}
		for h, v := range want {
			if got := r.Header.Get(h); got != v {
				t.Errorf("GET %s: %s = %q, want %q", path, h, got, v)
			}
		}
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q lacks frame-ancestors/script-src", path, csp)
		}
	}
}

func TestRequestIDsAreEchoedAndSanitised(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	r := e.do("GET", "/api/v1/ping", nil, map[string]string{"X-Request-ID": "abc-123"})
	if got := r.Header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("a plain request ID came back as %q", got)
	}
	r = e.do("GET", "/api/v1/ping", nil, map[string]string{"X-Request-ID": "<script>"})
	if got := r.Header.Get("X-Request-ID"); got == "<script>" || got == "" {
		t.Errorf("an unsafe request ID came back as %q, want a new one", got)
	}
	r = e.get("/api/v1/nope")
	if id := r.Header.Get("X-Request-ID"); id == "" || !strings.Contains(string(r.Body), id) {
		t.Errorf("the error body should carry the request ID %q: %s", id, r.Body)
	}
}

func TestMetricsCountRequestsByRoutePattern(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.do("GET", "/api/v1/system/migrations/1", nil, as(e.user("root", crm.RoleAdmin)))
		e.get("/api/v1/nope")
		r := e.get("/metrics")
		body := string(r.Body)
		for _, want := range []string{
			`kehu_http_requests_total{method="GET",route="GET /api/v1/system/migrations/{version}",status="200"} 1`,
			`kehu_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
			`kehu_http_request_duration_seconds_bucket{route="GET /api/v1/system/migrations/{version}",status="200"`,
			`go_sql_open_connections{db_name="write"}`,
			`kehu_jobs_by_state{state="available"} 0`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

func TestLogsCarryNoPersonalData(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.do("GET", "/api/v1/system/migrations?q=%E5%BC%A0%E4%B8%89%2013800138000", nil, as(e.user("root", crm.RoleAdmin)))
	e.get("/customers?q=%E5%BC%A0%E4%B8%89")
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"GET /api/v1/system/migrations"`) {
		t.Fatalf("the access log did not record the route: %s", logs)
	}
	for _, secret := range []string{"张三", "13800138000", "%E5%BC%A0"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q: %s", secret, logs)
		}
	}
}

func TestReadinessFailsWhenTheDatabaseIsGone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	db.Close()
	if r := e.get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with the database closed = %d, want 503", r.Status)
	}
}
