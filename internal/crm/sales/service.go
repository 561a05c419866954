// Package sales keeps the products and the sales facts (销售明细): lines
// entered by hand, imported from an ERP's export, or (later) fed by dealer
// orders, and each customer's rolling monthly aggregates, which are kept
// in the same transaction as the line and which the tier schemes read.
package sales

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// Store keeps products, sales lines and the customers' monthly aggregates.
type Store interface {
	CreateProduct(ctx context.Context, p *Product, e *crm.AuditEntry) error
	// UpdateProduct writes p if its version is still p.Version.
	UpdateProduct(ctx context.Context, p *Product, e *crm.AuditEntry) error
	Product(ctx context.Context, id int64) (Product, error)
	ProductByCode(ctx context.Context, code string) (Product, error)
	ListProducts(ctx context.Context, f ProductFilter) ([]Product, error)
	CountProducts(ctx context.Context, f ProductFilter) (crm.ListTotal, error)

	// CreateSale inserts s and adds it to its customer's aggregates, with
	// e, in one transaction. A line whose external ID is taken is refused
	// with ErrDuplicate's conflict naming the first line.
	CreateSale(ctx context.Context, s *Sale, e *crm.AuditEntry) error
	// CreateSales inserts, with e, in one transaction, the lines whose
	// external ID is new, each added to its customer's aggregates; the
	// others get ID 0. It returns how many it inserted.
	CreateSales(ctx context.Context, lines []Sale, e *crm.AuditEntry) (int, error)
	// ExternalIDsTaken maps those of ids that lines already carry to the
	// line.
	ExternalIDsTaken(ctx context.Context, ids []string) (map[string]int64, error)
	Sale(ctx context.Context, id int64) (Sale, error)
	// SaleByExternalID reads the line with that external ID (not empty).
	SaleByExternalID(ctx context.Context, externalID string) (Sale, error)
	ListSales(ctx context.Context, f SaleFilter) ([]Sale, error)
	CountSales(ctx context.Context, f SaleFilter) (crm.ListTotal, error)
	// CustomerSalesMonths is a customer's sales by month from the month
	// from (YYYY-MM) on, oldest first, the shards summed.
	CustomerSalesMonths(ctx context.Context, customerID int64, from string) ([]MonthTotal, error)
	// CustomersByKey finds live customers by code, USCC or exact name, for
	// the import: at most a few IDs.
	CustomersByKey(ctx context.Context, key string) ([]int64, error)
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// Service runs products and sales.
type Service struct {
	store     Store
	customers *customer.Service
	now       func() time.Time
}

// New returns the sales service; now is the clock (time.Now when nil).
func New(s Store, customers *customer.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, now: now}
}

// Today is the business date in China now, YYYY-MM-DD.
func (ss *Service) Today() string { return ss.now().In(crm.Shanghai).Format(time.DateOnly) }
