package service

import (
	"context"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// ServiceOrderStore keeps service orders.
type ServiceOrderStore interface {
	// CreateServiceOrder numbers o from the month's next serial of number
	// and inserts it, with e, in one transaction.
	CreateServiceOrder(ctx context.Context, o *ServiceOrder, number crm.MonthlyNumber, e *crm.AuditEntry) error
	ServiceOrder(ctx context.Context, id int64) (ServiceOrder, error)
	ListServiceOrders(ctx context.Context, f ServiceOrderFilter) ([]ServiceOrder, error)
	// CountServiceOrders counts the orders matching f, ignoring its cursor.
	CountServiceOrders(ctx context.Context, f ServiceOrderFilter) (crm.ListTotal, error)
	SaveServiceOrder(ctx context.Context, o *ServiceOrder, signature []byte, e *crm.AuditEntry) error
	ServiceOrderSignature(ctx context.Context, id int64) ([]byte, error)
	ActiveUsersByRole(ctx context.Context, role crm.Role) ([]identity.User, error)
	UserByUsername(ctx context.Context, username string) (identity.User, error)
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// Service runs the after-sales service (客户服务作业程序).
type Service struct {
	store     ServiceOrderStore
	customers *customer.Service
	calendars *crm.Calendars
	sealer    crm.Sealer
	now       func() time.Time
}

// New returns the service-order service over the customer
// service (whose keyring seals the phone numbers); now is the clock
// (time.Now when nil).
func New(s ServiceOrderStore, customers *customer.Service, calendars *crm.Calendars, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, calendars: calendars, sealer: sealer, now: now}
}

// Now is the service's clock.
func (so *Service) Now() time.Time { return so.now() }

// load reads an order for a step: the caller must be allowed action a and
// see the order, and must have read the current version.
func (so *Service) load(ctx context.Context, a crm.Action, id int64, version int) (crm.Principal, ServiceOrder, error) {
	p, err := crm.Authorize(ctx, a)
	if err != nil {
		return p, ServiceOrder{}, err
	}
	o, err := so.get(ctx, p, id)
	if err != nil {
		return p, o, err
	}
	if version != o.Version {
		return p, o, crm.Fail(crm.EVersionConflict, "serviceorder.changed_version", o.Number, o.Version, version)
	}
	return p, o, nil
}

// save writes a step with its audit entry.
func (so *Service) save(ctx context.Context, o *ServiceOrder, from Status, signature []byte, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["from"], detail["to"], detail["number"] = from, o.Status, o.Number
	now := so.now().UTC()
	o.UpdatedAt = now
	e := crm.NewAudit(ctx, crm.AuditUpdate, "service_order", strconv.FormatInt(o.ID, 10), detail)
	if err := so.store.SaveServiceOrder(ctx, o, signature, &e); err != nil {
		return err
	}
	so.finish(o, now)
	return nil
}
