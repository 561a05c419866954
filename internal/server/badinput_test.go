package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestBadInputGetsA4xxWithTheErrorBody(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const path = "/api/v1/validate"
		clerk := e.user("clerk", crm.RoleService)
		jsonCT := as(clerk, "Accept-Language", "en") // the messages below are checked in English
		tests := []struct {
			name    string
			method  string
			body    string
			header  map[string]string
			status  int
			code    string
			field   string
			message string
		}{
			{"malformed JSON", "POST", `{"kind":"uscc",`, jsonCT, 400, "bad_request", "", "malformed JSON"},
			{"a JSON syntax error", "POST", `{"kind" "uscc"}`, jsonCT, 400, "bad_request", "", "malformed JSON"},
			{"an unknown field", "POST", `{"kind":"uscc","value":"x","admin":true}`, jsonCT, 400, "bad_request", "admin", "unknown field"},
			{"a field of the wrong type", "POST", `{"kind":"uscc","value":42}`, jsonCT, 400, "bad_request", "value", ""},
			{"an empty body", "POST", ``, jsonCT, 400, "bad_request", "", "empty"},
			{"two JSON values", "POST", `{"kind":"uscc","value":"x"}{}`, jsonCT, 400, "bad_request", "", "more follows"},
			{"an oversize body", "POST", `{"kind":"uscc","value":"` + strings.Repeat("9", 2<<20) + `"}`, jsonCT, 413, "payload_too_large", "", "larger than"},
			{"the wrong content type", "POST", `{"kind":"uscc","value":"x"}`, as(clerk, "Content-Type", "text/plain", "Accept-Language", "en"), 415, "unsupported_media_type", "", "must be JSON"},
			{"no content type", "POST", `{"kind":"uscc","value":"x"}`, map[string]string{"Authorization": "Bearer " + clerk, "Accept-Language": "en"}, 415, "unsupported_media_type", "", ""},
			{"an unknown kind", "POST", `{"kind":"passport","value":"x"}`, jsonCT, 422, "validation_failed", "kind", ""},
			{"the wrong method", "PUT", `{}`, jsonCT, 405, "method_not_allowed", "", "not allowed"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do(tt.method, path, strings.NewReader(tt.body), tt.header)
				if r.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
				}
				var body struct {
					Error struct {
						Code    string
						Message string
						Fields  []struct{ Field, Code, Message string }
					}
				}
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("body is not the error JSON: %s", r.Body)
				}
				if body.Error.Code != tt.code {
					t.Errorf("code %q, want %q", body.Error.Code, tt.code)
				}
				if !strings.Contains(body.Error.Message, tt.message) {
					t.Errorf("message %q, want it to say %q", body.Error.Message, tt.message)
				}
				if tt.field != "" && (len(body.Error.Fields) == 0 || body.Error.Fields[0].Field != tt.field) {
					t.Errorf("fields %+v, want the first to name %q", body.Error.Fields, tt.field)
				}
			})
		}
	})
}

func TestValidateChecksIdentifiers(t *testing.T) {
	e := newEnvSQLite(t)
	clerk := e.user("clerk", crm.RoleService)
	tests := []struct {
		name, kind, value string
		valid             bool
		normalized, code  string
		severity          string
	}{
		{"a valid USCC", "uscc", "91350100M000100Y43", true, "91350100M000100Y43", "", ""},
		{"a USCC with a wrong check character is a warning", "uscc", "91350100M000100Y44", true, "91350100M000100Y44", "checksum", "warning"},
		{"a USCC of the wrong length is an error", "uscc", "9135010", false, "", "length", "error"},
		{"a mobile with +86 and dashes is normalised", "mobile", "+86 138-0013-8000", true, "13800138000", "", ""},
		{"a mobile with a bad prefix", "mobile", "12800138000", false, "", "prefix", "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"kind":"` + tt.kind + `","value":"` + tt.value + `"}`
			r := e.do("POST", "/api/v1/validate", strings.NewReader(body), as(clerk))
			var res struct {
				Valid      bool
				Normalized string
				Problem    *struct{ Code, Severity, Message string }
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if res.Valid != tt.valid || res.Normalized != tt.normalized {
				t.Errorf("got valid=%v normalized=%q, want %v %q", res.Valid, res.Normalized, tt.valid, tt.normalized)
			}
			if tt.code == "" {
				if res.Problem != nil {
					t.Errorf("unexpected problem %+v", res.Problem)
				}
				return
			}
			if res.Problem == nil || res.Problem.Code != tt.code || res.Problem.Severity != tt.severity || res.Problem.Message == "" {
				t.Errorf("problem %+v, want %s/%s with a message", res.Problem, tt.code, tt.severity)
			}
		})
	}
}

func TestNULCharactersAreRefusedOnBothEngines(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		if _, r := o.create(o.am1, `{"name":"a\u0000b"}`); r.Status != 400 {
			t.Errorf("a NUL in a JSON body = %d %s, want 400", r.Status, r.Body)
		}
		for _, p := range []string{"/api/v1/customers?stage=a%00", "/api/v1/users/a%00"} {
			if r := e.do("GET", p, nil, as(o.admin)); r.Status != 400 {
				t.Errorf("GET %s = %d, want 400", p, r.Status)
			}
		}
	})
}
