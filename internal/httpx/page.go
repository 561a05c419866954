package httpx

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
)

// Paging limits of every list endpoint.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// PageRequest is what a client asks of a list: ?limit=&cursor=&q=&sort=.
type PageRequest struct {
	Limit  int
	Cursor string
	Q      string
	Sort   string
}

// ParsePage reads the paging parameters. limit defaults to 50; one that
// is not a number from 1 to 500 is an error (not quietly cut: a client
// that asks for 1,000 would think it had them all).
func ParsePage(r *http.Request) (PageRequest, error) {
	q := r.URL.Query()
	p := PageRequest{Limit: DefaultLimit, Cursor: q.Get("cursor"), Q: q.Get("q"), Sort: q.Get("sort")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			e := crm.Invalid(crm.Bad("limit", "range", "http.limit.range"))
			e.Code = crm.EBadRequest
			return p, e
		}
		p.Limit = n
	}
	return p, nil
}

// Page is one page of a list, the one shape every list of the API
// answers: the items, the cursor of the next page (absent on the last
// page) and how many items the whole list holds, exact or, where
// TotalEstimated says so, estimated.
type Page[T any] struct {
	Items          []T    `json:"items"`
	NextCursor     string `json:"next_cursor,omitempty"`
	Total          int64  `json:"total"`
	TotalEstimated bool   `json:"total_estimated"`
}

// Of returns p with the list's total.
func (p Page[T]) Of(t crm.ListTotal) Page[T] {
	p.Total, p.TotalEstimated = t.N, t.Estimated
	return p
}

// SlicePage pages through a short list held whole (a customer's contacts,
// a complaint's events): the page after the item whose key the cursor
// holds, and the whole list's exact total.
func SlicePage[T any](all []T, p PageRequest, key func(T) any) (Page[T], error) {
	rest := all
	if p.Cursor != "" {
		i := slices.IndexFunc(all, func(x T) bool { return EncodeCursor(key(x)) == p.Cursor })
		if i < 0 {
			var k any
			return Page[T]{}, DecodeCursor("!", &k) // a cursor this list never gave out
		}
		rest = all[i+1:]
	}
	if len(rest) > p.Limit+1 {
		rest = rest[:p.Limit+1]
	}
	return MakePage(rest, p.Limit, key).Of(crm.Exact(len(all))), nil
}

// MakePage builds a page from up to limit+1 rows fetched in order: when
// there is an extra row, the page ends at limit and its cursor is the key
// of the last row kept, made by keyOf.
func MakePage[T any](rows []T, limit int, keyOf func(T) any) Page[T] {
	p := Page[T]{Items: rows}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(rows) > limit {
		p.Items = rows[:limit]
		p.NextCursor = EncodeCursor(keyOf(rows[limit-1]))
	}
	return p
}

// EncodeCursor makes an opaque cursor from a key (any JSON value).
func EncodeCursor(key any) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor into key. A cursor that
// was not made by Kehu is a 400 naming the cursor parameter.
func DecodeCursor(cursor string, key any) error {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		err = json.Unmarshal(b, key)
	}
	if err != nil {
		e := crm.Invalid(crm.Bad("cursor", "invalid", "http.cursor.invalid"))
		e.Code = crm.EBadRequest
		return e
	}
	return nil
}

// ParsePageByID is ParsePage for lists keyed by a numeric ID: it also
// decodes the cursor into that ID (0 on the first page).
func ParsePageByID(r *http.Request) (PageRequest, int64, error) {
	p, err := ParsePage(r)
	if err != nil || p.Cursor == "" {
		return p, 0, err
	}
	var id int64
	if err := DecodeCursor(p.Cursor, &id); err != nil {
		return p, 0, err
	}
	if id < 0 {
		return p, 0, DecodeCursor("!", &id) // a cursor Kehu never gives out
	}
	return p, id, nil
}
