package ui

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/workbench"
)

// A workbench section is one list of 我的工作台: what waits for the
// signed-in user today in one module, with the counts shown as tiles
// above the lists. The page asks each provider in workbenchSections in
// turn; a module that lands (call-backs, visits, orders…) adds its
// section with one line there and a function like ordersSection: it
// reads its own service (which authorizes and scopes the read) and
// returns nil when the role has no use for it. See docs/architecture.md,
// "How to add a module".

// workbenchSections are the workbench's sections in the order shown.
var workbenchSections = []workbenchProvider{
	complaintsSection,
	ordersSection,
	approvalsSection,
	careSection,
	callbacksSection,
	customersSection,
}

// workbenchProvider returns a module's section for the caller, or nil
// when the caller's role has nothing there.
type workbenchProvider func(c *workbenchContext) (*workbenchSection, error)

// workbenchContext is what a provider reads: the request (its context
// carries the principal), the page's language and texts, and the parts
// of today the workbench service gathers for the modules it knows.
type workbenchContext struct {
	u     *UI
	r     *http.Request
	P     crm.Principal
	Lang  string
	Today workbench.Today
}

// T is a text of the catalogue in the page's language.
func (c *workbenchContext) T(key string, args ...any) string {
	return c.u.msgs.text(c.Lang, key, args...)
}

// workbenchSection is one list: a heading, the module's full list one
// click away, the rows, and a line in the module's words when nothing
// waits. Its table's id is ID, its heading's "wb-"+Name.
type workbenchSection struct {
	Name, ID string // "orders", "workbench-orders"
	Title    string
	All      string // the address of the module's own list
	Columns  []string
	Rows     []workbenchRow
	Empty    string // what waits when nothing does, and where to look instead
	More     bool   // the list is cut: more wait than it shows
	Tiles    []tile // the counts shown above the lists
}

// workbenchRow is one row; Attr marks it for scripts and tests
// (data-order="12").
type workbenchRow struct {
	Attr  template.HTMLAttr
	Cells []workbenchCell
}

// workbenchCell is one cell: text (a link when Href is set), marks
// before and after it, and a note in small print. Name cells are cut
// with their full text on hover; the others do not wrap.
type workbenchCell struct {
	Text, Href, Note string
	Name, Time       bool
	Before, After    []workbenchMark
}

// workbenchMark is a badge (逾期, 重大, 结转).
type workbenchMark struct{ Text, Class string }

// dataAttr is a row's data attribute naming its record.
func dataAttr(name string, id int64, flags ...string) template.HTMLAttr {
	s := fmt.Sprintf(`data-%s="%d"`, name, id)
	for _, f := range flags {
		s += " data-" + f
	}
	return template.HTMLAttr(s)
}

// complaintsSection: open complaints at the caller's steps, overdue first.
func complaintsSection(c *workbenchContext) (*workbenchSection, error) {
	today := c.Today
	if today.Complaints == nil {
		return nil, nil
	}
	s := &workbenchSection{Name: "complaints", ID: "workbench-complaints", Title: c.T("workbench.complaints"), All: "/complaints",
		Columns: []string{c.T("complaints.number"), c.T("complaints.customer"), c.T("complaints.status"), c.T("complaints.due")},
		Empty:   c.T("workbench.complaints.none"), More: today.ComplaintsMore,
		Tiles: []tile{{ID: "tile-complaints", Label: c.T("workbench.tile.complaints"), Href: "/complaints", N: len(today.Complaints)},
			{ID: "tile-overdue", Label: c.T("workbench.tile.overdue"), Href: "/complaints", N: today.ComplaintsOverdue, Alert: today.ComplaintsOverdue > 0}}}
	for _, it := range today.Complaints {
		number := workbenchCell{Text: it.Number, Href: fmt.Sprintf("/complaints/%d", it.ID)}
		if it.Severity == "major" {
			number.After = []workbenchMark{{c.T("complaints.severity.major"), "badge danger"}}
		}
		who := it.CustomerName
		if it.CustomerID == 0 {
			who = it.CallerName
		}
		due := workbenchCell{}
		if it.Overdue {
			due.Before = []workbenchMark{{c.T("workbench.overdue"), "badge danger"}}
		}
		if it.Due != nil {
			due.Note = c.T("complaints.due."+it.DueKind) + " " + c.u.when(*it.Due)
		}
		var flags []string
		if it.Overdue {
			flags = append(flags, "overdue")
		}
		s.Rows = append(s.Rows, workbenchRow{Attr: dataAttr("complaint", it.ID, flags...), Cells: []workbenchCell{number, {Text: who, Name: true},
			{Text: c.u.word(c.Lang, "complaints.status.", string(it.Status))}, due}})
	}
	return s, nil
}

// ordersSection: service orders at the caller's step (to dispatch, to
// work on, to invoice).
func ordersSection(c *workbenchContext) (*workbenchSection, error) {
	today := c.Today
	if today.Orders == nil {
		return nil, nil
	}
	all := "/service-orders"
	if c.P.Role.Can(crm.ActServiceOrderWork) {
		all = "/service-orders/mine"
	}
	s := &workbenchSection{Name: "orders", ID: "workbench-orders", Title: c.T("workbench.orders"), All: all,
		Columns: []string{c.T("workbench.col.number"), c.T("workbench.col.customer"), c.T("workbench.col.status"), c.T("workbench.col.received")},
		Empty:   c.T("workbench.orders.none"),
		Tiles:   []tile{{ID: "tile-orders", Label: c.T("workbench.tile.orders"), Href: all, N: len(today.Orders)}}}
	if today.OrdersCarried > 0 {
		s.Tiles = append(s.Tiles, tile{ID: "tile-carried", Label: c.T("workbench.tile.carried"), Href: "/service-orders/dispatch", N: today.OrdersCarried, Alert: true})
	}
	for _, o := range today.Orders {
		number := workbenchCell{Text: o.Number, Href: fmt.Sprintf("/service-orders/%d", o.ID)}
		if o.CarriedOver {
			number.After = []workbenchMark{{c.T("workbench.carried"), "badge warn"}}
		}
		s.Rows = append(s.Rows, workbenchRow{Attr: dataAttr("order", o.ID), Cells: []workbenchCell{number, {Text: o.CustomerName, Name: true},
			{Text: c.u.word(c.Lang, "service.status.", string(o.Status))}, {Text: c.u.when(o.ReceivedAt), Time: true}}})
	}
	return s, nil
}

// approvalsSection: access requests waiting for the caller's decision.
func approvalsSection(c *workbenchContext) (*workbenchSection, error) {
	today := c.Today
	if today.Approvals == nil {
		return nil, nil
	}
	s := &workbenchSection{Name: "approvals", ID: "workbench-approvals", Title: c.T("workbench.approvals"), All: "/access-requests?status=pending",
		Columns: []string{c.T("access.col.requester"), c.T("access.col.record"), c.T("access.col.reason"), c.T("access.col.created_at")},
		Empty:   c.T("workbench.approvals.none"),
		Tiles:   []tile{{ID: "tile-approvals", Label: c.T("workbench.tile.approvals"), Href: "/access-requests?status=pending", N: len(today.Approvals)}}}
	for _, a := range today.Approvals {
		s.Rows = append(s.Rows, workbenchRow{Attr: dataAttr("request", a.ID), Cells: []workbenchCell{{Text: a.Username},
			{Text: c.u.word(c.Lang, "access.entity.", a.Entity) + fmt.Sprintf(" #%d", a.RecordID)}, {Text: a.Reason, Name: true},
			{Text: c.u.when(a.CreatedAt), Time: true}}})
	}
	return s, nil
}

// customersSection: the caller's customers, the latest changed first.
func customersSection(c *workbenchContext) (*workbenchSection, error) {
	today := c.Today
	if today.Customers == nil {
		return nil, nil
	}
	s := &workbenchSection{Name: "customers", ID: "workbench-customers", Title: c.T("workbench.customers"), All: "/customers",
		Columns: []string{c.T("workbench.col.customer"), c.T("workbench.col.stage"), c.T("workbench.col.updated")},
		Empty:   c.T("workbench.customers.none")}
	for _, x := range today.Customers {
		s.Rows = append(s.Rows, workbenchRow{Attr: dataAttr("customer", x.ID), Cells: []workbenchCell{
			{Text: x.Name, Href: fmt.Sprintf("/customers/%d", x.ID), Name: true},
			{Text: c.u.word(c.Lang, "customers.stage.", x.Stage)}, {Text: c.u.when(x.UpdatedAt), Time: true}}})
	}
	return s, nil
}
