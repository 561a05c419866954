package sales

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Sources of a sales line.
const (
	SourceManual = "manual" // entered by hand
	SourceImport = "import" // imported from an ERP's export
	SourceOrder  = "order"  // fed by a dealer order
)

// Sources lists every source.
var Sources = []string{SourceManual, SourceImport, SourceOrder}

// MaxQuantity bounds a line's quantity.
const MaxQuantity = 1_000_000_000_000

// Sale is one sales line (销售明细): a customer bought quantity of a
// product for amount on the business day date (YYYY-MM-DD, China time).
// Quantity is a whole number of the product's unit (a product sold by
// the half ton is kept in kilograms).
type Sale struct {
	ID           int64     `json:"id"`
	Date         string    `json:"date"`
	CustomerID   int64     `json:"customer_id"`
	CustomerName string    `json:"customer_name"`
	ProductID    int64     `json:"product_id"`
	ProductCode  string    `json:"product_code"`
	ProductName  string    `json:"product_name"`
	Quantity     int64     `json:"quantity"`
	Amount       Money     `json:"amount"`
	Source       string    `json:"source"`
	ExternalID   string    `json:"external_id"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// Month is the line's month, YYYY-MM.
func (s Sale) Month() string { return s.Date[:7] }

// SaleInput is a sales line as a form or the API gives it: quantity and
// amount as text (amount in yuan) so that a bad one is named, not a
// decoding failure. An empty date is today; an empty amount is the
// product's list price times the quantity; an empty source is manual.
type SaleInput struct {
	Date       string
	CustomerID int64
	ProductID  int64
	Quantity   string
	Amount     string
	Source     string
	ExternalID string
}

// SaleFilter chooses the lines of a list, newest date first.
type SaleFilter struct {
	Scope      crm.Scope // the customers whose lines may be seen
	Now        time.Time // for the scope's grants
	CustomerID int64
	ProductID  int64
	Source     string
	From, To   string // dates, YYYY-MM-DD, both included
	After      SaleCursor
	Limit      int
}

// SaleCursor is where a page of lines ends.
type SaleCursor struct {
	Date string `json:"d"`
	ID   int64  `json:"id"`
}

// validDate reports whether s is a real date written YYYY-MM-DD.
func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// check reads in into a line: every field at fault is named.
func (ss *Service) check(ctx context.Context, p crm.Principal, in SaleInput, manual bool) (Sale, []crm.FieldError, error) {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	s := Sale{CustomerID: in.CustomerID, ProductID: in.ProductID}
	if s.CustomerID <= 0 {
		bad("customer_id", "required", "sales.customer_id.required")
	} else if name, ok, err := ss.writableCustomer(ctx, p, s.CustomerID); err != nil {
		return s, nil, err
	} else if !ok {
		bad("customer_id", "unknown", "sales.customer_id.unknown", s.CustomerID)
	} else {
		s.CustomerName = name
	}
	var product Product
	if s.ProductID <= 0 {
		bad("product_id", "required", "sales.product_id.required")
	} else if pr, err := ss.store.Product(ctx, s.ProductID); crm.ErrorCode(err) == crm.ENotFound {
		bad("product_id", "unknown", "sales.product_id.unknown", s.ProductID)
	} else if err != nil {
		return s, nil, err
	} else if manual && !pr.Active {
		bad("product_id", "inactive", "sales.product_id.inactive", pr.Code)
	} else {
		product, s.ProductCode, s.ProductName = pr, pr.Code, pr.Name
	}
	return s, append(fs, ss.checkValues(&s, in, product)...), nil
}

// writableCustomer reports whether the caller may enter sales for the
// live customer id (in their own scope, not through a grant), and its name.
func (ss *Service) writableCustomer(ctx context.Context, p crm.Principal, id int64) (string, bool, error) {
	c, err := ss.customers.Get(ctx, id)
	if crm.ErrorCode(err) == crm.ENotFound {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	if err := ss.customers.Visible(ctx, id, crm.CustomerScope(p)); crm.ErrorCode(err) == crm.ENotFound {
		return "", false, nil // seen through a grant, which lets one look, never change
	} else if err != nil {
		return "", false, err
	}
	return c.Name, true, nil
}

// checkValues reads the date, source, external ID, quantity and amount of
// in into s; product (zero when unknown) prices an empty amount.
func (ss *Service) checkValues(s *Sale, in SaleInput, product Product) []crm.FieldError {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	s.Date, s.Source, s.ExternalID = strings.TrimSpace(in.Date), strings.TrimSpace(in.Source), strings.TrimSpace(in.ExternalID)
	today := ss.Today()
	switch {
	case s.Date == "":
		s.Date = today
	case !validDate(s.Date):
		bad("date", "format", "sales.date.format")
	case s.Date > today:
		bad("date", "future", "sales.date.future")
	case s.Date < "2000-01-01":
		bad("date", "range", "sales.date.range")
	}
	if s.Source == "" {
		s.Source = SourceManual
	} else if !slices.Contains(Sources, s.Source) {
		bad("source", "unknown", "sales.one_of", strings.Join(Sources, ", "))
	}
	if utf8.RuneCountInString(s.ExternalID) > 100 {
		bad("external_id", "length", "sales.text.max_length", 100)
	}
	q := strings.TrimSpace(in.Quantity)
	if q == "" {
		bad("quantity", "required", "sales.quantity.required")
	} else if n, err := strconv.ParseInt(q, 10, 64); err != nil {
		if f, ferr := strconv.ParseFloat(q, 64); ferr == nil && f < 0 {
			bad("quantity", "negative", "sales.quantity.positive")
		} else {
			bad("quantity", "format", "sales.quantity.format")
		}
	} else if n <= 0 {
		bad("quantity", "negative", "sales.quantity.positive")
	} else if n > MaxQuantity {
		bad("quantity", "range", "sales.quantity.range")
	} else {
		s.Quantity = n
	}
	if a := strings.TrimSpace(in.Amount); a == "" {
		if product.ID != 0 && s.Quantity > 0 {
			if s.Quantity > MaxFen/max(int64(product.ListPrice), 1) {
				bad("amount", "range", "sales.money.format")
			} else {
				s.Amount = product.ListPrice * Money(s.Quantity)
			}
		}
	} else if m, ok := ParseYuan(a); !ok {
		bad("amount", "format", "sales.money.format")
	} else if m < 0 {
		bad("amount", "negative", "sales.money.negative")
	} else {
		s.Amount = m
	}
	return fs
}

// Record enters one sales line for a customer in the caller's scope and
// adds it to the customer's aggregates in the same transaction. A second
// line with the same external ID is refused (409) naming the first.
func (ss *Service) Record(ctx context.Context, in SaleInput) (Sale, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesCreate)
	if err != nil {
		return Sale{}, err
	}
	s, fs, err := ss.check(ctx, p, in, true)
	if err != nil {
		return Sale{}, err
	}
	if len(fs) > 0 {
		return Sale{}, crm.Invalid(fs...)
	}
	return s, ss.create(ctx, p, &s)
}

// create writes a checked line with its audit entry.
func (ss *Service) create(ctx context.Context, p crm.Principal, s *Sale) error {
	if s.ExternalID != "" {
		if first, err := ss.store.SaleByExternalID(ctx, s.ExternalID); err == nil {
			return Duplicate(first)
		} else if crm.ErrorCode(err) != crm.ENotFound {
			return err
		}
	}
	s.CreatedAt = ss.now().UTC()
	if p.UserID > 0 {
		s.CreatedBy = p.UserID
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "sale", "", map[string]any{"customer_id": s.CustomerID, "product_id": s.ProductID,
		"date": s.Date, "quantity": s.Quantity, "amount_fen": int64(s.Amount), "source": s.Source, "external_id": s.ExternalID})
	return ss.store.CreateSale(ctx, s, &e)
}

// Duplicate is the conflict of a line whose external ID first came with
// the line first.
func Duplicate(first Sale) error {
	return crm.FailField(crm.EConflict, "external_id", "taken", "sales.external_id.taken", first.ExternalID, first.ID)
}

// Sale reads one line of a customer the caller may see; any other is
// not found.
func (ss *Service) Sale(ctx context.Context, id int64) (Sale, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesRead)
	if err != nil {
		return Sale{}, err
	}
	s, err := ss.store.Sale(ctx, id)
	if err != nil {
		return Sale{}, err
	}
	if err := ss.customers.Visible(ctx, s.CustomerID, crm.ReadScope(p)); crm.ErrorCode(err) == crm.ENotFound {
		return Sale{}, crm.Fail(crm.ENotFound, "sales.no_such_sale")
	} else if err != nil {
		return Sale{}, err
	}
	return s, nil
}

// Sales lists the lines of the customers the caller may see that match
// f, newest date first, and how many match.
func (ss *Service) Sales(ctx context.Context, f SaleFilter) ([]Sale, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	var fs []crm.FieldError
	if f.Source != "" && !slices.Contains(Sources, f.Source) {
		fs = append(fs, crm.Bad("source", "unknown", "sales.one_of", strings.Join(Sources, ", ")))
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		fs = append(fs, crm.Bad("to", "range", "sales.date.order"))
	}
	if f.After != (SaleCursor{}) && (f.After.ID < 1 || !validDate(f.After.Date)) {
		fs = append(fs, crm.Bad("cursor", "invalid", "sales.cursor"))
	}
	if len(fs) > 0 {
		e := crm.Invalid(fs...)
		e.Code = crm.EBadRequest
		return nil, crm.ListTotal{}, e
	}
	f.Scope, f.Now = crm.ReadScope(p), ss.now()
	list, err := ss.store.ListSales(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ss.store.CountSales(ctx, f)
	return list, total, err
}
