package customer

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
)

// CustomerFilter narrows a customer list. Zero fields do not filter.
type CustomerFilter struct {
	Query    string // the search box: name, short name, pinyin, code, USCC, contact names, mobile endings
	Stage    string
	OwnerID  int64
	TeamID   int64
	Region   string // a GB/T 2260 code or its province (2 digits) or city (4 digits) prefix
	Industry string // a GB/T 4754 section letter or division code
	Tag      string
	From, To time.Time // created in [From, To)
	// UpdatedFrom and UpdatedTo: last changed in [UpdatedFrom, UpdatedTo).
	UpdatedFrom, UpdatedTo time.Time
	Trash                  bool  // list the trash instead of live customers
	BeforeID               int64 // page: customers older than this ID (the default order, newest first)
	Limit                  int
	// TierScheme and TierLevel: the customers whose current level in
	// that tier scheme is TierLevel (both set, or neither).
	TierScheme int64
	TierLevel  string
	// Sort orders the list by one of CustomerSorts, "-" first for
	// descending; "" is newest first by ID. After is the keyset cursor
	// of a sorted list: the page starts after that row.
	Sort  string
	After *SortCursor
}

// CustomerSorts are the keys the customer list sorts by: name sorts by
// the pinyin key (NameSortKey).
var CustomerSorts = []string{"created_at", "updated_at", "name", "code"}

// SortCursor is where a sorted page ends: the sort it belongs to, the
// last row's sort key (a time as RFC 3339 with nanoseconds, or text) and
// its ID, which breaks ties.
type SortCursor struct {
	Sort string `json:"s"`
	Key  string `json:"k"`
	ID   int64  `json:"id"`
}

// ParseCustomerSort checks a sort parameter: one of CustomerSorts,
// optionally with a leading "-" for descending.
func ParseCustomerSort(sort string) (field string, desc bool, err error) {
	field, desc = strings.CutPrefix(sort, "-")
	if !slices.Contains(CustomerSorts, field) {
		e := crm.Invalid(crm.Bad("sort", "unknown", "customer.sort.unknown", strings.Join(CustomerSorts, ", ")))
		e.Code = crm.EBadRequest
		return "", false, e
	}
	return field, desc, nil
}

// CursorAfter is the cursor of a sorted page that ends with c, a row
// as the store listed it (with its stored sort keys).
func CursorAfter(sort string, c Customer) SortCursor {
	field, _, _ := ParseCustomerSort(sort)
	k := SortCursor{Sort: sort, ID: c.ID}
	switch field {
	case "created_at":
		k.Key = c.CreatedAt.UTC().Format(time.RFC3339Nano)
	case "updated_at":
		k.Key = c.UpdatedAt.UTC().Format(time.RFC3339Nano)
	case "name":
		k.Key = c.NameSort // as stored, so the next page starts exactly after it
	case "code":
		k.Key = c.Code
	}
	return k
}

// CountExactUpTo is the largest total a customer list counts exactly;
// above it the total is an estimate, so no page ever counts a whole
// large table.
const CountExactUpTo = 10000

// CustomerCount is how many customers a filtered list holds: exact up to
// CountExactUpTo, otherwise an estimate (Estimate set).
type CustomerCount struct {
	Total    int64 `json:"total"`
	Estimate bool  `json:"total_is_estimate"`
}

// List returns customers in scope, newest first; rows seen only through a
// grant are audited.
func (cs *Service) List(ctx context.Context, f CustomerFilter) ([]Customer, error) {
	p, err := authorizeList(ctx, f)
	if err != nil {
		return nil, err
	}
	var list []Customer
	var granted []int64
	if found, ok, err := cs.byMobile(ctx, p, f); ok || err != nil {
		return pageOf(found, f), err
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		list, granted, err = cs.store.SearchCustomers(ctx, crm.ReadScope(p), q, f, cs.now())
	} else {
		list, granted, err = cs.store.ListCustomers(ctx, crm.ReadScope(p), f, cs.now())
	}
	if err != nil || len(granted) == 0 {
		return list, err
	}
	e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", "", map[string]any{"ids": granted})
	return list, cs.store.Audit(ctx, &e)
}

// authorizeList lets the caller read the list f asks for: customers, and
// the trash only to those who may move customers there.
func authorizeList(ctx context.Context, f CustomerFilter) (crm.Principal, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerRead)
	if err == nil && f.Trash {
		_, err = crm.Authorize(ctx, crm.ActCustomerDelete)
	}
	return p, err
}

// searchCounter is a store that can find a search's page and its total
// together, when one reading of the matches gives both (ok false when it
// cannot for this search).
type searchCounter interface {
	SearchCustomersCounted(ctx context.Context, s crm.Scope, q string, f CustomerFilter, now time.Time) (list []Customer, n CustomerCount, ok bool, err error)
}

// listCounter is a store that can find a list's page and its total
// together, when it counts the list to find the page anyway (ok false
// when it cannot for this list).
type listCounter interface {
	ListCustomersCounted(ctx context.Context, s crm.Scope, f CustomerFilter, now time.Time) (list []Customer, granted []int64, n CustomerCount, ok bool, err error)
}

// ListCounted is List and Count together: the page and the total of the
// whole list. A search whose matches are read whole for the page anyway
// is counted in the same reading.
func (cs *Service) ListCounted(ctx context.Context, f CustomerFilter) ([]Customer, CustomerCount, error) {
	p, err := authorizeList(ctx, f)
	if err != nil {
		return nil, CustomerCount{}, err
	}
	if found, ok, err := cs.byMobile(ctx, p, f); ok || err != nil {
		return pageOf(found, f), CustomerCount{Total: int64(len(found))}, err
	}
	if sc, can := cs.store.(searchCounter); can && strings.TrimSpace(f.Query) != "" {
		f.Query = strings.TrimSpace(f.Query)
		list, n, ok, err := sc.SearchCustomersCounted(ctx, crm.ReadScope(p), f.Query, f, cs.now())
		if err != nil || ok {
			return list, n, err
		}
	}
	if lc, can := cs.store.(listCounter); can && strings.TrimSpace(f.Query) == "" {
		f.Query = ""
		list, granted, n, ok, err := lc.ListCustomersCounted(ctx, crm.ReadScope(p), f, cs.now())
		if err != nil {
			return nil, CustomerCount{}, err
		}
		if ok {
			if len(granted) > 0 {
				e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", "", map[string]any{"ids": granted})
				return list, n, cs.store.Audit(ctx, &e)
			}
			return list, n, nil
		}
	}
	list, err := cs.List(ctx, f)
	if err != nil {
		return nil, CustomerCount{}, err
	}
	n, err := cs.Count(ctx, f)
	return list, n, err
}

// Count counts the customers in scope that List would page through
// with f (ignoring its cursor): exactly up to CountExactUpTo, estimated
// above it.
func (cs *Service) Count(ctx context.Context, f CustomerFilter) (CustomerCount, error) {
	p, err := authorizeList(ctx, f)
	if err != nil {
		return CustomerCount{}, err
	}
	f.Query = strings.TrimSpace(f.Query)
	if found, ok, err := cs.byMobile(ctx, p, f); ok || err != nil {
		return CustomerCount{Total: int64(len(found))}, err
	}
	return cs.store.CountCustomers(ctx, crm.ReadScope(p), f, cs.now())
}

// byMobile answers a search box holding a whole mobile number (138 0013
// 8000, +86…) with no other filter: every customer in scope whose contacts
// have that number, found through its blind index (the numbers are
// sealed), newest first — a handful, so the callers page them. ok is
// false for any other list.
func (cs *Service) byMobile(ctx context.Context, p crm.Principal, f CustomerFilter) (found []Customer, ok bool, err error) {
	q := strings.TrimSpace(f.Query)
	if q == "" || cs.sealer == nil || f.Sort != "" || f.Trash || f.Stage != "" || f.OwnerID != 0 || f.TeamID != 0 || f.Region != "" ||
		f.Industry != "" || f.Tag != "" || f.TierLevel != "" || !f.From.IsZero() || !f.To.IsZero() || !f.UpdatedFrom.IsZero() || !f.UpdatedTo.IsZero() {
		return nil, false, nil
	}
	digits := 0
	for _, r := range q {
		if '0' <= r && r <= '9' {
			digits++
		}
	}
	if digits < 11 {
		return nil, false, nil
	}
	norm, pr := cn.ValidateMobile(q)
	if pr != nil && pr.Severity == cn.Error {
		return nil, false, nil
	}
	contacts, err := cs.contacts.ContactsByMobileIndex(ctx, MobileBlindIndex(cs.sealer, norm))
	if err != nil {
		return nil, true, err
	}
	var ids []int64
	for _, k := range contacts {
		if !slices.Contains(ids, k.CustomerID) {
			ids = append(ids, k.CustomerID)
		}
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	found = []Customer{}
	var granted []int64
	for _, id := range ids {
		c, viaGrant, err := cs.store.Customer(ctx, id, crm.ReadScope(p), false, cs.now())
		if crm.ErrorCode(err) == crm.ENotFound {
			continue // out of scope: as if it were not there
		}
		if err != nil {
			return nil, true, err
		}
		if viaGrant {
			granted = append(granted, id)
		}
		found = append(found, c)
	}
	if len(granted) > 0 {
		e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", "", map[string]any{"ids": granted})
		return found, true, cs.store.Audit(ctx, &e)
	}
	return found, true, nil
}

// pageOf is the page of a newest-first list f asks for: after its cursor,
// at most its limit.
func pageOf(list []Customer, f CustomerFilter) []Customer {
	out := []Customer{}
	for _, c := range list {
		if f.BeforeID != 0 && c.ID >= f.BeforeID {
			continue
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		out = append(out, c)
	}
	return out
}
