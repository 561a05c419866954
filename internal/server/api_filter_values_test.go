package server_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// TestAnUnknownFilterValueIsRefusedNamingIt: a value of the right shape
// that is in no list (a department that is not one, a region code in no
// table, a stage, status or category not offered) is a 400 naming the
// parameter and the value, in the reader's language, not an empty 200
// that reads as "nothing matches".
func TestAnUnknownFilterValueIsRefusedNamingIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		tests := []struct {
			token, path, param, value string
		}{
			{o.qa, "/api/v1/complaints?department=bogus", "department", "bogus"},
			{o.qa, "/api/v1/complaints?status=registered,lost", "status", "lost"},
			{o.qa, "/api/v1/complaints?severity=huge", "severity", "huge"},
			{o.qa, "/api/v1/complaints?category=weather", "category", "weather"},
			{o.am1, "/api/v1/customers?industry=ZZ", "industry", "ZZ"},
			{o.am1, "/api/v1/customers?industry=99", "industry", "99"},
			{o.am1, "/api/v1/customers?region=999999", "region", "999999"},
			{o.am1, "/api/v1/customers?region=99", "region", "99"},
			{o.am1, "/api/v1/customers?stage=dormant", "stage", "dormant"},
			{o.am1, "/api/v1/customers/export?region=999999", "region", "999999"},
			{o.gm, "/api/v1/service-orders?status=lost", "status", "lost"},
			{o.gm, "/api/v1/service-orders?type=magic", "type", "magic"},
			{o.am1, "/api/v1/regions?parent=999999", "parent", "999999"},
			{o.am1, "/api/v1/regions?code=999999", "code", "999999"},
			{o.qa, "/api/v1/abnormalities?status=lost", "status", "lost"},
			{o.qa, "/api/v1/complaints/ledger?month=2026-13", "month", ""},
			{o.gm, "/api/v1/access-requests?status=lost", "status", "lost"},
		}
		for _, tt := range tests {
			for _, lang := range []string{"zh-CN", "en"} {
				r := e.do("GET", tt.path, nil, as(tt.token, "Accept-Language", lang))
				if r.Status != 400 || !names(r, tt.param) {
					t.Errorf("%s (%s) = %d %s, want 400 naming %s", tt.path, lang, r.Status, r.Body, tt.param)
					continue
				}
				text := fieldMessage(r, tt.param)
				if !strings.Contains(text, tt.value) {
					t.Errorf("%s: the message %q does not name the value %q", tt.path, text, tt.value)
				}
				if han := strings.IndexFunc(text, func(c rune) bool { return unicode.Is(unicode.Han, c) }) >= 0; han != (lang == "zh-CN") {
					t.Errorf("%s (%s): the message %q is not in the reader's language", tt.path, lang, text)
				}
			}
		}
		for _, ok := range []struct{ token, path string }{
			{o.qa, "/api/v1/complaints?department=qa"},
			{o.am1, "/api/v1/customers?industry=C"},
			{o.am1, "/api/v1/customers?industry=c"},
			{o.am1, "/api/v1/customers?industry=13"},
			{o.am1, "/api/v1/customers?region=32"},
			{o.am1, "/api/v1/customers?region=3205"},
			{o.am1, "/api/v1/customers?region=320571"},
			{o.am1, "/api/v1/regions?parent=320000"},
			{o.am1, "/api/v1/regions?code=320505"},
		} {
			if r := e.do("GET", ok.path, nil, as(ok.token)); r.Status != 200 {
				t.Errorf("%s = %d %s, want 200", ok.path, r.Status, r.Body)
			}
		}
	})
}

// fieldMessage is the message of the error body's field error on field.
func fieldMessage(r response, field string) string {
	var body struct {
		Error struct {
			Fields []struct{ Field, Message string }
		}
	}
	_ = json.Unmarshal(r.Body, &body)
	for _, f := range body.Error.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}
