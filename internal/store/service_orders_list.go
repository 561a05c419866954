package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/service"
)

// serviceOrderDeadlineSQL is an order's dispatch deadline while it is
// undispatched, NULL after: the key of the deadline order.
var serviceOrderDeadlineSQL = "(CASE WHEN s.status = " + sqlString(service.StatusRegistered) + " THEN s.carry_over_at END)"

// serviceOrderWhere is the condition of f without its cursor.
func serviceOrderWhere(f service.ServiceOrderFilter) (string, []any) {
	w := []string{"1 = 1"}
	var args []any
	add := func(cond string, a ...any) { w = append(w, cond); args = append(args, a...) }
	if !f.Scope.All {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		add("c.deleted_at IS NULL AND "+cond, cargs...)
	}
	if f.TechnicianID != 0 {
		add("s.technician_id = ?", f.TechnicianID)
	}
	if f.AssigneeID != 0 {
		add("s.technician_id = ?", f.AssigneeID)
	}
	if f.CustomerID != 0 {
		add("s.customer_id = ?", f.CustomerID)
	}
	if len(f.Types) > 0 {
		add("s.type IN " + sqlList(f.Types))
	}
	if len(f.Statuses) > 0 {
		add("s.status IN " + sqlList(f.Statuses))
	}
	if f.Overdue != nil {
		// Carried over, as service.CarriedOver decides it.
		carried := "(s.status = " + sqlString(service.StatusRegistered) + " AND s.carry_over_at <= ?)"
		if *f.Overdue {
			add(carried, f.Now.UTC())
		} else {
			add("NOT "+carried, f.Now.UTC())
		}
	}
	if !f.ReceivedFrom.IsZero() {
		add("s.received_at >= ?", f.ReceivedFrom.UTC())
	}
	if !f.ReceivedTo.IsZero() {
		add("s.received_at < ?", f.ReceivedTo.UTC())
	}
	if !f.CreatedFrom.IsZero() {
		add("s.created_at >= ?", f.CreatedFrom.UTC())
	}
	if !f.CreatedTo.IsZero() {
		add("s.created_at < ?", f.CreatedTo.UTC())
	}
	return strings.Join(w, " AND "), args
}

// ListServiceOrders lists service orders: orders still undispatched after
// their carry-over time first, then by ID (newest or oldest first),
// keyset-paged on (flag, id); or, sorted by deadline, the undispatched
// orders by their dispatch deadline, then the rest newest first.
func (db *DB) ListServiceOrders(ctx context.Context, f service.ServiceOrderFilter) ([]service.ServiceOrder, error) {
	where, args := serviceOrderWhere(f)
	if f.Sort != service.SortDeadline {
		return db.listServiceOrdersCarriedFirst(ctx, f, where, args)
	}
	dl := serviceOrderDeadlineSQL
	switch {
	case f.After.ID > 0 && f.After.Due != nil:
		d := f.After.Due.UTC()
		where += " AND (" + dl + " IS NULL OR " + dl + " > ? OR (" + dl + " = ? AND s.id > ?))"
		args = append(args, d, d, f.After.ID)
	case f.After.ID > 0:
		where += " AND " + dl + " IS NULL AND s.id < ?"
		args = append(args, f.After.ID)
	}
	order := " ORDER BY (" + dl + " IS NULL), " + dl + ", CASE WHEN " + dl + " IS NULL THEN -s.id ELSE s.id END"
	out, err := queryAll(ctx, db, scanServiceOrder, "SELECT "+serviceOrderColumns+serviceOrderFrom+" WHERE "+where+order+" LIMIT ?",
		append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: service orders: %w", err)
	}
	return out, nil
}

// listServiceOrdersCarriedFirst is the default order: the carried-over
// orders (undispatched past their dispatch deadline, as
// service.CarriedOver decides it), then the rest, each by ID (newest or
// oldest first). The flag depends on the time of the request, so no index
// holds this order: it is read in two parts, the carried-over backlog
// from service_orders_status, then the rest walked in ID order, where
// one ORDER BY of the flag would read and sort every matching order.
func (db *DB) listServiceOrdersCarriedFirst(ctx context.Context, f service.ServiceOrderFilter, where string, args []any) ([]service.ServiceOrder, error) {
	now := f.Now.UTC()
	cmp, dir := "<", " DESC"
	if f.Oldest {
		cmp, dir = ">", " ASC"
	}
	carried := " AND (s.status = " + sqlString(service.StatusRegistered) + " AND s.carry_over_at <= ?)"
	part := func(cond string, cargs []any, limit int) ([]service.ServiceOrder, error) {
		a := append(append(append([]any{}, args...), cargs...), limit)
		out, err := queryAll(ctx, db, scanServiceOrder, "SELECT "+serviceOrderColumns+serviceOrderFrom+" WHERE "+where+cond+
			" ORDER BY s.id"+dir+" LIMIT ?", a...)
		if err != nil {
			return nil, fmt.Errorf("store: service orders: %w", err)
		}
		return out, nil
	}
	var out []service.ServiceOrder
	if f.After.ID == 0 || f.After.Flag == 1 {
		cond, cargs := carried, []any{now}
		if f.After.ID > 0 {
			cond += " AND s.id " + cmp + " ?"
			cargs = append(cargs, f.After.ID)
		}
		first, err := part(cond, cargs, f.Limit)
		if err != nil {
			return nil, err
		}
		out = first
	}
	if len(out) >= f.Limit {
		return out, nil
	}
	cond, cargs := " AND NOT"+strings.TrimPrefix(carried, " AND"), []any{now}
	if f.After.ID > 0 && f.After.Flag == 0 {
		cond += " AND s.id " + cmp + " ?"
		cargs = append(cargs, f.After.ID)
	}
	rest, err := part(cond, cargs, f.Limit-len(out))
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

// CountServiceOrders counts the orders matching f, ignoring its cursor:
// exactly up to countBound, estimated above (listTotal).
func (db *DB) CountServiceOrders(ctx context.Context, f service.ServiceOrderFilter) (crm.ListTotal, error) {
	where, args := serviceOrderWhere(f)
	return db.listTotal(ctx, "service_orders s JOIN customers c ON c.id = s.customer_id", where, args)
}
