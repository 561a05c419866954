package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// ServiceOrderFilter chooses the orders of a list. Zero fields do not
// filter; date ranges include From and exclude To.
type ServiceOrderFilter struct {
	Scope        crm.Scope // customer scope when not All
	TechnicianID int64     // only this technician's orders (a technician's own view)
	Types        []Type    // only orders of these types (all when empty)
	Statuses     []Status  // only orders in these statuses (all when empty)
	Oldest       bool      // oldest first (the dispatch board) instead of newest first
	Now          time.Time // carried-over orders come first
	After        ServiceCursor
	Limit        int

	CustomerID   int64
	AssigneeID   int64 // the technician the order is dispatched to
	Overdue      *bool // carried over: still undispatched past its dispatch deadline (CarryOverAt)
	ReceivedFrom time.Time
	ReceivedTo   time.Time
	CreatedFrom  time.Time
	CreatedTo    time.Time
	// Sort is "" (carried-over orders first, then by ID) or SortDeadline:
	// undispatched orders by their dispatch deadline (CarryOverAt), the
	// soonest first, then the dispatched ones, newest first.
	Sort string
}

// SortDeadline orders a list by the dispatch deadline, the soonest first.
const SortDeadline = "deadline"

// ListSorts are the orders a list can take besides the default.
var ListSorts = []string{SortDeadline}

// ServiceCursor is where a list page ends: carried-over flag, then ID; in
// deadline order, the deadline (nil past the undispatched orders) and ID.
type ServiceCursor struct {
	Flag int        `json:"f"`
	ID   int64      `json:"id"`
	Sort string     `json:"s,omitempty"`
	Due  *time.Time `json:"d,omitempty"`
}

// CursorAfter is the cursor of a page that ends with o in f's order.
func CursorAfter(f ServiceOrderFilter, o ServiceOrder) ServiceCursor {
	if f.Sort == SortDeadline {
		k := ServiceCursor{Sort: f.Sort, ID: o.ID}
		if o.Status == StatusRegistered {
			t := o.CarryOverAt
			k.Due = &t
		}
		return k
	}
	k := ServiceCursor{ID: o.ID}
	if o.CarriedOver {
		k.Flag = 1
	}
	return k
}

// check refuses values the list does not know, each naming its parameter.
func (f ServiceOrderFilter) check() error {
	var fs []crm.FieldError
	for _, s := range f.Statuses {
		if !slices.Contains(ServiceStatuses, s) {
			fs = append(fs, crm.Bad("status", "unknown", "serviceorder.one_of", strings.Join(strs(ServiceStatuses), ", ")))
			break
		}
	}
	for _, t := range f.Types {
		if !slices.Contains(ServiceTypes, t) {
			fs = append(fs, crm.Bad("type", "unknown", "serviceorder.one_of", strings.Join(strs(ServiceTypes), ", ")))
			break
		}
	}
	if f.Sort != "" && !slices.Contains(ListSorts, f.Sort) {
		fs = append(fs, crm.Bad("sort", "unknown", "serviceorder.one_of", strings.Join(ListSorts, ", ")))
	}
	if f.After != (ServiceCursor{}) && (f.After.Sort != f.Sort || f.After.ID < 1 || (f.Sort == SortDeadline && f.After.Flag != 0) || (f.Sort == "" && f.After.Due != nil)) {
		fs = append(fs, crm.Bad("cursor", "invalid", "complaint_err.list.cursor"))
	}
	for _, r := range []struct {
		from, to time.Time
		field    string
	}{{f.ReceivedFrom, f.ReceivedTo, "received_to"}, {f.CreatedFrom, f.CreatedTo, "created_to"}} {
		if !r.from.IsZero() && !r.to.IsZero() && !r.from.Before(r.to) {
			fs = append(fs, crm.Bad(r.field, "range", "complaint_err.list.range"))
		}
	}
	if len(fs) == 0 {
		return nil
	}
	e := crm.Invalid(fs...)
	e.Code = crm.EBadRequest
	return e
}

// List returns the service orders the caller may see, carried-over
// orders first, then newest first (oldest first when oldest). statuses
// narrows the list.
func (so *Service) List(ctx context.Context, statuses []Status, oldest bool, after ServiceCursor, limit int) ([]ServiceOrder, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return nil, err
	}
	for _, s := range statuses {
		if !slices.Contains(ServiceStatuses, s) {
			return nil, crm.Invalid(crm.Bad("status", "unknown", "serviceorder.one_of", strings.Join(strs(ServiceStatuses), ", ")))
		}
	}
	list, _, err := so.find(ctx, p, ServiceOrderFilter{Statuses: statuses, Oldest: oldest, After: after, Limit: limit}, false)
	return list, err
}

// Find returns a page of the service orders the caller may see that
// match f, and how many match in all.
func (so *Service) Find(ctx context.Context, f ServiceOrderFilter) ([]ServiceOrder, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if err := f.check(); err != nil {
		return nil, crm.ListTotal{}, err
	}
	return so.find(ctx, p, f, true)
}

// find narrows f to what p may see and reads the page (and, when counted,
// the total).
func (so *Service) find(ctx context.Context, p crm.Principal, f ServiceOrderFilter, counted bool) ([]ServiceOrder, crm.ListTotal, error) {
	now := so.now()
	f.Now, f.Scope = now, crm.Scope{All: true}
	switch {
	case serviceReadAll(p):
	case p.Role == crm.RoleTechnician:
		f.TechnicianID = p.UserID
	case p.Role == crm.RoleFinance:
		// Finance sees paid orders from settlement on: the statuses asked
		// for, narrowed to those.
		statuses := f.Statuses
		f.Types, f.Statuses = []Type{TypePaid}, FinanceStatuses
		if len(statuses) > 0 {
			f.Statuses = slices.DeleteFunc(slices.Clone(statuses), func(s Status) bool { return !slices.Contains(FinanceStatuses, s) })
			if len(f.Statuses) == 0 {
				return []ServiceOrder{}, crm.ListTotal{}, nil
			}
		}
	default:
		f.Scope = crm.CustomerScope(p)
	}
	list, err := so.store.ListServiceOrders(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	var total crm.ListTotal
	if counted {
		if total, err = so.store.CountServiceOrders(ctx, f); err != nil {
			return nil, crm.ListTotal{}, err
		}
	}
	for i := range list {
		so.finish(&list[i], now)
	}
	return list, total, nil
}

// DispatchBoard lists the undispatched orders for the service manager:
// those carried over from an earlier working day first, then oldest first.
func (so *Service) DispatchBoard(ctx context.Context, after ServiceCursor, limit int) ([]ServiceOrder, error) {
	list, _, err := so.DispatchBoardCounted(ctx, after, limit)
	return list, err
}

// DispatchBoardCounted is DispatchBoard with the board's total.
func (so *Service) DispatchBoardCounted(ctx context.Context, after ServiceCursor, limit int) ([]ServiceOrder, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderDispatch)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	return so.find(ctx, p, ServiceOrderFilter{Statuses: []Status{StatusRegistered}, Oldest: true, After: after, Limit: limit}, true)
}

// InvoiceQueue is finance's queue: paid orders collected on site (补寄发票)
// or sent to finance (财务开票), oldest first. The service desk and the gm
// may look at it too.
func (so *Service) InvoiceQueue(ctx context.Context, after ServiceCursor, limit int) ([]ServiceOrder, error) {
	list, _, err := so.InvoiceQueueCounted(ctx, after, limit)
	return list, err
}

// InvoiceQueueCounted is InvoiceQueue with the queue's total.
func (so *Service) InvoiceQueueCounted(ctx context.Context, after ServiceCursor, limit int) ([]ServiceOrder, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if !p.Role.Can(crm.ActServiceOrderInvoice) && !serviceReadAll(p) {
		return nil, crm.ListTotal{}, crm.Fail(crm.EForbidden, "serviceorder.invoices_forbidden", string(p.Role))
	}
	return so.find(ctx, p, ServiceOrderFilter{Statuses: InvoiceStatuses, Oldest: true, After: after, Limit: limit}, true)
}
