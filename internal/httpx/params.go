package httpx

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Param is one query parameter a route takes, with the shape its value
// must have. A route declares its parameters when it is registered
// (Query, List), and the router refuses, before the handler runs, a
// parameter the route does not take and a value of the wrong shape, each
// with a 400 naming the parameter. The handler then reads values that are
// known to parse; what a value means (a region that exists, a cursor of
// the same sort) is still the handler's to check.
type Param struct {
	Name   string
	Kind   ParamKind
	Values []string // the allowed values of OneOf and AnyOf
	Min    int      // the bounds of an IntRange
	Max    int
	// Known says whether a value of a Code parameter is a code of its
	// table; Unknown is the key of the text, taking the value, that says
	// what the parameter takes instead.
	Known   func(string) bool
	Unknown string
}

// ParamKind is the shape of a query parameter's value.
type ParamKind string

// The shapes of query parameters.
const (
	KindText   ParamKind = "text"   // any text
	KindID     ParamKind = "id"     // a positive whole number
	KindInt    ParamKind = "int"    // a whole number from Min to Max
	KindBool   ParamKind = "bool"   // true or false
	KindDate   ParamKind = "date"   // YYYY-MM-DD
	KindTime   ParamKind = "time"   // an RFC 3339 time or a date (a day in China time)
	KindMonth  ParamKind = "month"  // YYYY-MM
	KindOneOf  ParamKind = "one_of" // one of Values
	KindAnyOf  ParamKind = "any_of" // one or more of Values, comma-separated
	KindLimit  ParamKind = "limit"  // a page size
	KindCursor ParamKind = "cursor" // a next_cursor this API gave out
	KindCode   ParamKind = "code"   // a code of a table (a region, an industry) that Known finds
)

// Text declares a parameter that takes any text.
func Text(name string) Param { return Param{Name: name, Kind: KindText} }

// ID declares a parameter that takes a record's ID.
func ID(name string) Param { return Param{Name: name, Kind: KindID} }

// IntRange declares a parameter that takes a whole number from min to max.
func IntRange(name string, min, max int) Param {
	return Param{Name: name, Kind: KindInt, Min: min, Max: max}
}

// Bool declares a parameter that takes true or false.
func Bool(name string) Param { return Param{Name: name, Kind: KindBool} }

// Date declares a parameter that takes a date, YYYY-MM-DD.
func Date(name string) Param { return Param{Name: name, Kind: KindDate} }

// Time declares a parameter that takes an RFC 3339 time or a date.
func Time(name string) Param { return Param{Name: name, Kind: KindTime} }

// Month declares a parameter that takes a month, YYYY-MM.
func Month(name string) Param { return Param{Name: name, Kind: KindMonth} }

// OneOf declares a parameter that takes one of values.
func OneOf(name string, values ...string) Param {
	return Param{Name: name, Kind: KindOneOf, Values: values}
}

// AnyOf declares a parameter that takes one or more of values, separated
// by commas (status=registered,accepted) or repeated.
func AnyOf(name string, values ...string) Param {
	return Param{Name: name, Kind: KindAnyOf, Values: values}
}

// Code declares a parameter that takes a code of a table too long or too
// changeable to list in Values (GB/T 2260 regions, GB/T 4754 industries):
// known says whether a value is one, and the text of the message key
// unknown, given the value, says what the parameter takes instead. A
// well-formed code that is in no table is refused like a malformed one,
// not taken to match nothing.
func Code(name string, known func(string) bool, unknown string) Param {
	return Param{Name: name, Kind: KindCode, Known: known, Unknown: unknown}
}

// PageParams are the parameters every list takes: limit and cursor.
var PageParams = []Param{{Name: "limit", Kind: KindLimit}, {Name: "cursor", Kind: KindCursor}}

// RouteSpec describes a registered route for the router and for tests that
// walk every route: its pattern, the query parameters it takes and
// whether it is a list (it answers a Page and takes PageParams).
type RouteSpec struct {
	Pattern  string
	Params   []Param
	List     bool
	Public   bool         // answers without signing in
	Requires []crm.Action // the caller's role must be allowed one of these
}

// Public declares a route that answers without signing in (the sign-in
// itself, the public complaint form); every other API route answers 401
// to an anonymous request before it reads anything.
func Public() RouteOption { return func(rt *RouteSpec) { rt.Public = true } }

// Requires declares the actions one of which the caller's role must be
// allowed, so that a role that may not is refused (403) before its input
// is read: authorisation before validation. The service still decides on
// the record.
func Requires(acts ...crm.Action) RouteOption {
	return func(rt *RouteSpec) { rt.Requires = append(rt.Requires, acts...) }
}

// authorize refuses an anonymous request to a route that is not public
// (401) and a role allowed none of the route's actions (403).
func (rt RouteSpec) authorize(r *http.Request) error {
	if rt.Public {
		return nil
	}
	p, ok := crm.PrincipalFrom(r.Context())
	if !ok {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	if len(rt.Requires) == 0 || slices.ContainsFunc(rt.Requires, p.Role.Can) {
		return nil
	}
	_, err := crm.Authorize(r.Context(), rt.Requires[0])
	return err
}

// RouteOption declares something about a route when it is registered.
type RouteOption func(*RouteSpec)

// Query declares the query parameters a route takes besides none.
func Query(ps ...Param) RouteOption {
	return func(rt *RouteSpec) { rt.Params = append(rt.Params, ps...) }
}

// List declares a list: it takes limit and cursor and the parameters ps,
// and answers a Page.
func List(ps ...Param) RouteOption {
	return func(rt *RouteSpec) {
		rt.List = true
		rt.Params = append(append(rt.Params, PageParams...), ps...)
	}
}

// Param returns the declared parameter called name.
func (rt RouteSpec) Param(name string) (Param, bool) {
	for _, p := range rt.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// checkQuery refuses what the route does not take: parameters it does not
// declare, a parameter given twice that takes one value, and values of the
// wrong shape. Every fault is named, in one 400.
func (rt RouteSpec) checkQuery(q url.Values) error {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	var fs []crm.FieldError
	for _, name := range names {
		p, ok := rt.Param(name)
		if !ok {
			fs = append(fs, crm.Bad(name, "unknown", "http.query.unknown", rt.takes()))
			continue
		}
		values := q[name]
		if len(values) > 1 && p.Kind != KindAnyOf {
			fs = append(fs, crm.Bad(name, "repeated", "http.query.repeated"))
			continue
		}
		for _, v := range values {
			if f, bad := p.check(v); bad {
				fs = append(fs, f)
				break
			}
		}
	}
	if len(fs) == 0 {
		return nil
	}
	e := crm.Invalid(fs...)
	e.Code = crm.EBadRequest
	return e
}

// takes names the parameters of the route, for the message about one it
// does not take.
func (rt RouteSpec) takes() msg.Message {
	if len(rt.Params) == 0 {
		return msg.M("http.query.takes_none")
	}
	names := make([]string, len(rt.Params))
	for i, p := range rt.Params {
		names[i] = p.Name
	}
	return msg.M("http.query.takes", strings.Join(names, ", "))
}

// check reports what is wrong with one value of p. An empty value is
// taken as absent, as a form's empty field is.
func (p Param) check(v string) (crm.FieldError, bool) {
	if v == "" {
		return crm.FieldError{}, false
	}
	bad := func(key string, args ...any) (crm.FieldError, bool) {
		return crm.Bad(p.Name, "format", key, args...), true
	}
	switch p.Kind {
	case KindID:
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 1 {
			return bad("http.query.id")
		}
	case KindInt:
		if n, err := strconv.Atoi(v); err != nil || n < p.Min || n > p.Max {
			return bad("http.query.int", p.Min, p.Max)
		}
	case KindLimit:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > MaxLimit {
			return crm.Bad(p.Name, "range", "http.limit.range"), true
		}
	case KindBool:
		if v != "true" && v != "false" {
			return bad("http.query.bool")
		}
	case KindDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return bad("http.query.date")
		}
	case KindTime:
		if _, err := ParseTimeOrDate(v); err != nil {
			return bad("http.query.time")
		}
	case KindMonth:
		if _, err := time.Parse("2006-01", v); err != nil {
			return bad("http.query.month")
		}
	case KindOneOf:
		if !slices.Contains(p.Values, v) {
			return crm.Bad(p.Name, "unknown", "http.query.one_of", v, strings.Join(p.Values, ", ")), true
		}
	case KindAnyOf:
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); !slices.Contains(p.Values, s) {
				return crm.Bad(p.Name, "unknown", "http.query.any_of", s, strings.Join(p.Values, ", ")), true
			}
		}
	case KindCode:
		if !p.Known(v) {
			return crm.Bad(p.Name, "unknown", p.Unknown, v), true
		}
	case KindCursor:
		var raw json.RawMessage
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || json.Unmarshal(b, &raw) != nil {
			return crm.Bad(p.Name, "invalid", "http.cursor.invalid"), true
		}
	}
	return crm.FieldError{}, false
}

// ParseTimeOrDate reads an RFC 3339 time or a date, which is the start
// of that day in China time.
func ParseTimeOrDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation(time.DateOnly, s, crm.ChinaTime())
}

// Values returns the values of a parameter that takes several (AnyOf):
// every comma-separated value of every occurrence, trimmed, empty ones
// left out.
func Values(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// QueryID returns an ID parameter, 0 when absent; the router has checked
// its shape.
func QueryID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return n
}

// QueryTime returns a time or date parameter, the zero time when absent;
// the router has checked its shape.
func QueryTime(r *http.Request, name string) time.Time {
	t, _ := ParseTimeOrDate(r.URL.Query().Get(name))
	return t
}

// QueryBool returns a boolean parameter: nil when absent.
func QueryBool(r *http.Request, name string) *bool {
	switch r.URL.Query().Get(name) {
	case "true":
		t := true
		return &t
	case "false":
		f := false
		return &f
	}
	return nil
}
