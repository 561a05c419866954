// Package workbench gathers what a user's home page (我的工作台) shows:
// the work waiting at their steps, oldest deadline first, and a few
// figures of their scope. It reads the other areas' services, which
// authorize and scope every read; a part the caller's role may not read
// is left out, not refused.
package workbench

import (
	"context"
	"slices"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/service"
)

// ListLimit bounds each list of the workbench; the full lists are a click away.
const ListLimit = 8

// ordersCounted bounds the service orders counted by status.
const ordersCounted = 2000

// Service reads the workbench.
type Service struct {
	complaints *complaint.Service
	orders     *service.Service
	access     *access.Service
	customers  *customer.Service
	now        func() time.Time
}

// New returns the workbench service over the areas it reads.
func New(complaints *complaint.Service, orders *service.Service, acc *access.Service, customers *customer.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{complaints: complaints, orders: orders, access: acc, customers: customers, now: now}
}

// Today is what needs the caller today. A nil list is a part the caller's
// role has no use for (the page leaves it out); an empty one has nothing.
type Today struct {
	Complaints        []complaint.QueueItem // open complaints at my steps or assigned to me, overdue first, then by deadline
	ComplaintsOverdue int
	ComplaintsMore    bool                   // more complaints than the list shows
	Orders            []service.ServiceOrder // service orders at my steps
	OrdersCarried     int                    // of them, carried over from an earlier working day
	Approvals         []access.AccessRequest // access requests waiting for my decision
	Customers         []customer.Customer    // my customers, the latest changed first
}

// Figures are the charts of the caller's scope; nil parts are those the
// role does not read.
type Figures struct {
	ComplaintsThis, ComplaintsLast *complaint.MonthFigures
	OrdersByStatus                 []StatusCount // every status, in the order an order passes them
}

// StatusCount is how many service orders stand in a status.
type StatusCount struct {
	Status service.Status
	N      int
}

// OrderSteps are the service-order statuses waiting at a role's step.
func OrderSteps(r crm.Role) []service.Status {
	switch {
	case r.Can(crm.ActServiceOrderDispatch):
		return []service.Status{service.StatusRegistered, service.StatusSigned, service.StatusInvoiced}
	case r.Can(crm.ActServiceOrderWork):
		return service.TechnicianActive
	case r.Can(crm.ActServiceOrderInvoice):
		return service.InvoiceStatuses
	}
	return nil
}

// Today reads what needs the caller now.
func (s *Service) Today(ctx context.Context) (Today, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok {
		return Today{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	var t Today
	if p.Role.Can(crm.ActComplaintRead) {
		q, err := s.complaints.Queue(ctx, false)
		if err != nil {
			return t, err
		}
		for _, it := range q {
			if it.Overdue {
				t.ComplaintsOverdue++
			}
		}
		t.ComplaintsMore = len(q) > ListLimit
		t.Complaints = q[:min(len(q), ListLimit)]
	}
	if steps := OrderSteps(p.Role); steps != nil {
		list, err := s.orders.List(ctx, steps, true, service.ServiceCursor{}, ListLimit)
		if err != nil {
			return t, err
		}
		t.Orders = list
		for _, o := range list {
			if o.CarriedOver {
				t.OrdersCarried++
			}
		}
	}
	if p.Role.Can(crm.ActAccessApprove) {
		list, err := s.access.List(ctx, string(access.StatusPending), 0, ListLimit)
		if err != nil {
			return t, err
		}
		// Only those others asked for: one's own requests wait on someone else.
		t.Approvals = slices.DeleteFunc(list, func(r access.AccessRequest) bool { return r.UserID == p.UserID })
	}
	if p.Role.Can(crm.ActCustomerCreate) {
		list, err := s.customers.List(ctx, customer.CustomerFilter{OwnerID: p.UserID, Sort: "-updated_at", Limit: ListLimit})
		if err != nil {
			return t, err
		}
		t.Customers = list
	}
	return t, nil
}

// Figures reads the figures of the caller's scope.
func (s *Service) Figures(ctx context.Context) (Figures, error) {
	p, ok := crm.PrincipalFrom(ctx)
	if !ok {
		return Figures{}, crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	var f Figures
	if p.Role.Can(crm.ActComplaintRead) {
		this, last, err := s.complaints.Figures(ctx)
		if err != nil {
			return f, err
		}
		f.ComplaintsThis, f.ComplaintsLast = &this, &last
	}
	if p.Role.Can(crm.ActServiceOrderRead) {
		list, err := s.orders.List(ctx, nil, false, service.ServiceCursor{}, ordersCounted)
		if err != nil {
			return f, err
		}
		n := map[service.Status]int{}
		for _, o := range list {
			n[o.Status]++
		}
		f.OrdersByStatus = make([]StatusCount, len(service.ServiceStatuses))
		for i, st := range service.ServiceStatuses {
			f.OrdersByStatus[i] = StatusCount{Status: st, N: n[st]}
		}
	}
	return f, nil
}
