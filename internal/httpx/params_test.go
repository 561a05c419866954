package httpx

import (
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestARouteTakesOnlyTheQueryParametersItDeclares(t *testing.T) {
	var route RouteSpec
	List(AnyOf("status", "open", "closed"), ID("customer_id"), Bool("overdue"), Date("from"), Time("at"),
		Month("month"), OneOf("sort", "deadline"), IntRange("days", 1, 10), Text("q"))(&route)
	cursor := EncodeCursor(42)
	tests := []struct {
		name, query string
		bad         []string // the fields the 400 names; none when accepted
	}{
		{"nothing", "", nil},
		{"every parameter well formed", "limit=10&cursor=" + cursor + "&status=open,closed&customer_id=3&overdue=false&from=2026-11-28" +
			"&at=2026-11-28T10:00:00%2B08:00&month=2026-11&sort=deadline&days=10&q=苏州", nil},
		{"an empty value is absent", "customer_id=&status=", nil},
		{"a repeated list parameter", "status=open&status=closed", nil},
		{"an unknown parameter", "colour=red", []string{"colour"}},
		{"two unknown parameters, both named", "b=1&a=2", []string{"a", "b"}},
		{"a limit of zero", "limit=0", []string{"limit"}},
		{"a cursor not made here", "cursor=%21%21", []string{"cursor"}},
		{"a value not in the list", "status=open,lost", []string{"status"}},
		{"an ID that is not one", "customer_id=-3", []string{"customer_id"}},
		{"a boolean spelled otherwise", "overdue=1", []string{"overdue"}},
		{"a date that is no day", "from=2026-02-30", []string{"from"}},
		{"a time that is neither", "at=tomorrow", []string{"at"}},
		{"a month in another form", "month=2026/11", []string{"month"}},
		{"a sort not offered", "sort=name", []string{"sort"}},
		{"a number out of range", "days=11", []string{"days"}},
		{"a single parameter given twice", "sort=deadline&sort=deadline", []string{"sort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got := route.checkQuery(q)
			if len(tt.bad) == 0 {
				if got != nil {
					t.Fatalf("refused: %v", got)
				}
				return
			}
			e, ok := got.(*crm.Error)
			if !ok || e.Code != crm.EBadRequest || len(e.Fields) != len(tt.bad) {
				t.Fatalf("= %v, want a 400 naming %v", got, tt.bad)
			}
			for i, f := range e.Fields {
				if f.Field != tt.bad[i] || f.Text.IsZero() {
					t.Errorf("field %d = %+v, want %s with a text", i, f, tt.bad[i])
				}
			}
		})
	}
}

func TestACodeParameterRefusesAWellFormedCodeInNoTable(t *testing.T) {
	var route RouteSpec
	known := map[string]bool{"320500": true, "32": true}
	Query(Code("region", func(v string) bool { return known[v] }, "http.query.region.unknown"), OneOf("department", "qa", "sales"))(&route)
	for _, tt := range []struct {
		query, bad, value string
	}{
		{"region=320500", "", ""},
		{"region=32&department=qa", "", ""},
		{"region=999999", "region", "999999"},
		{"department=bogus", "department", "bogus"},
	} {
		q, _ := url.ParseQuery(tt.query)
		err := route.checkQuery(q)
		if tt.bad == "" {
			if err != nil {
				t.Errorf("%s refused: %v", tt.query, err)
			}
			continue
		}
		e, ok := err.(*crm.Error)
		if !ok || e.Code != crm.EBadRequest || len(e.Fields) != 1 || e.Fields[0].Field != tt.bad || e.Fields[0].Code != "unknown" {
			t.Fatalf("%s = %v, want a 400 naming %s", tt.query, err, tt.bad)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			if text := e.Fields[0].Text.In(lang); !strings.Contains(text, tt.value) {
				t.Errorf("%s [%s]: %q does not name the value", tt.query, lang, text)
			}
		}
	}
}

func TestAJSONKeyGivenTwiceIsFound(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"a":1,"b":2}`, ""},
		{`{"a":1,"a":2}`, "a"},
		{`{"a":{"b":1,"c":{"d":1,"d":2}}}`, "a.c.d"},
		{`{"list":[{"x":1},{"x":1,"x":2}]}`, "list[1].x"},
		{`{"name":1,"NAME":2}`, "NAME"},
		{`[{"a":1},{"a":2}]`, ""},
		{`{"a":`, ""},
	}
	for _, tt := range tests {
		got, dup := duplicateKey([]byte(tt.body))
		if got != tt.want || dup != (tt.want != "") {
			t.Errorf("%s = %q %v, want %q", tt.body, got, dup, tt.want)
		}
	}
}

func TestIfNoneMatchComparesWeakly(t *testing.T) {
	tests := []struct {
		header, etag string
		want         bool
	}{
		{"", `"3"`, false},
		{`"3"`, `"3"`, true},
		{`W/"3"`, `"3"`, true},
		{`"2", "3"`, `"3"`, true},
		{`"2"`, `"3"`, false},
		{"*", `"3"`, true},
	}
	for _, tt := range tests {
		if got := noneMatch(tt.header, tt.etag); got != tt.want {
			t.Errorf("If-None-Match %s against %s = %v", tt.header, tt.etag, got)
		}
	}
}
