package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// customerPages serves the customer archive (客户档案): the list with its
// search, the detail page with contacts and the interactions timeline,
// and the forms that add and change customers. The domain decides scope
// and roles; the pages turn its refusals into the 404 and 403 pages, so
// a customer out of scope looks exactly like one that does not exist.
type customerPages struct {
	*UI
	cs         *customer.Service
	cards      *card.Service
	files      *attachment.Service
	complaints *complaint.Service
}

// registerCustomers adds the customer pages.
// contacts' mobile numbers, which the pages store and show masked.
func (u *UI) registerCustomers(rt *httpx.Router) {
	c := &customerPages{UI: u, cs: u.svc.Customers, cards: u.svc.Cards, complaints: u.svc.Complaints, files: u.svc.Attachments}
	rt.Handle("GET /customers", u.private(c.list))
	rt.Handle("GET /customers/trash", u.private(c.trash))
	rt.Handle("POST /customers/{id}/delete", u.private(c.moveToTrash))
	rt.Handle("POST /customers/{id}/restore", u.private(c.restore))
	rt.Handle("GET /customers/{id}/contacts/{cid}/edit", u.private(c.editContactForm))
	rt.Handle("POST /customers/{id}/contacts/{cid}/edit", u.private(c.updateContact))
	rt.Handle("POST /customers/{id}/contacts/{cid}/delete", u.private(c.deleteContact))
	rt.Handle("POST /customers/{id}/contacts/{cid}/reveal", u.private(c.revealMobile))
	rt.Handle("GET /customers/handover", u.private(c.handoverForm))
	rt.Handle("POST /customers/handover", u.private(c.handover))
	rt.Handle("GET /customers/{id}/merge", u.private(c.mergeForm))
	rt.Handle("POST /customers/{id}/merge", u.private(c.merge))
	rt.Handle("POST /customers/{id}/interactions/{iid}/attachments", u.private(c.addAttachment))
	rt.Handle("POST /customers/{id}/attachments/{aid}/delete", u.private(c.deleteAttachment))
	rt.Handle("POST /customers", u.private(c.create))
	rt.Handle("GET /customers/new", u.private(c.newForm))
	rt.Handle("GET /customers/{id}", u.private(c.detail))
	rt.Handle("GET /customers/{id}/edit", u.private(c.editForm))
	rt.Handle("POST /customers/{id}/edit", u.private(c.update))
	rt.Handle("POST /customers/{id}/contacts", u.private(c.addContact))
	rt.Handle("POST /customers/{id}/interactions", u.private(c.addInteraction))
	rt.Handle("GET /customers/{id}/card", u.private(c.card))
	rt.Handle("POST /customers/{id}/card", u.private(c.saveCard))
	rt.Handle("GET /customers/{id}/card/revisions/{n}", u.private(c.cardRevision))
}

// customerList is what the list page shows: one page of customers,
// newest first, and the search that chose them.
type customerList struct {
	Rows      []customerRow
	Query     string
	Stage     string // the stage filter, "" for every stage
	Stages    []choice
	Filtered  bool   // a search or filter is applied, so "none" means "none match"
	Next      string // the next page's address, "" on the last page
	First     string // the first page's address when this is not it
	CanCreate bool
	Problem   string
	// ExportCSV and ExportXLSX download the list as filtered, "" for a
	// role that may not export.
	ExportCSV, ExportXLSX string
	// Sort is the list's order ("" newest first); Heads are the sortable
	// column headings' links and states, by sort key.
	Sort  string
	Heads map[string]sortHead
	// Total is how many customers the list holds, shown as "N" or, when
	// TotalIsEstimate, "about N".
	Total           int64
	TotalIsEstimate bool
	CanAssign       bool // offer the handover page
	CanTrash        bool // offer the trash page
	// Filters are the list's other filters (region, industry, owner,
	// team, tag, created range) and what is wrong with any of them.
	Filters listFilters
}

// sortHead is a sortable column heading: the link that sorts by it (or
// reverses it) and, when the list is sorted by it, the direction.
type sortHead struct {
	Href string
	Aria string // aria-sort: ascending, descending or none
}

// customerRow is one customer in the list with its stage in words.
type customerRow struct {
	customer.Customer
	StageLabel    string
	IndustryLabel string // the industry's name in the page's language
}

// choice is one option of a select.
type choice struct {
	Value, Label string
	Selected     bool
}

func (c *customerPages) list(w http.ResponseWriter, r *http.Request) error {
	lang, q := langOf(r), r.URL.Query()
	if q.Get("trash") == "true" {
		// The API's ?trash=true lists the trash; the pages have a page for it.
		http.Redirect(w, r, "/customers/trash", http.StatusSeeOther)
		return nil
	}
	me, _ := crm.PrincipalFrom(r.Context())
	d := customerList{Query: strings.TrimSpace(q.Get("q")), CanCreate: me.Role.Can(crm.ActCustomerCreate),
		CanAssign: me.Role.Can(crm.ActCustomerAssign), CanTrash: me.Role.Can(crm.ActCustomerDelete)}
	if s := q.Get("sort"); s != "" {
		if _, _, err := customer.ParseCustomerSort(s); err == nil {
			d.Sort = s
		}
	}
	status := http.StatusOK
	page, err := httpx.ParsePage(r)
	f := customer.CustomerFilter{Query: d.Query, Limit: page.Limit + 1, Sort: d.Sort}
	var ferr error
	if d.Filters, ferr = c.readFilters(r, me, q, &f); ferr != nil {
		return ferr
	}
	switch s := strings.TrimSpace(q.Get("stage")); {
	case slices.Contains(customer.CustomerStages, s):
		d.Stage, f.Stage = s, s
	case s != "":
		d.Filters.Errors["stage"] = c.msgs.text(lang, "customers.filter.stage.invalid")
	}
	d.Stages, d.Filtered = c.choices(lang, "stage", customer.CustomerStages, d.Stage), d.Query != "" || d.Stage != "" || d.Filters.applied()
	if len(d.Filters.Errors) > 0 {
		// A filter that is no filter is said beside it and left out, so
		// the list does not pretend that nothing matches.
		status, d.Problem = http.StatusBadRequest, c.msgs.text(lang, "customers.filter.not_applied")
	}
	if err == nil && page.Cursor != "" {
		if d.Sort == "" {
			err = httpx.DecodeCursor(page.Cursor, &f.BeforeID)
		} else {
			var k customer.SortCursor
			if err = httpx.DecodeCursor(page.Cursor, &k); err == nil && k.Sort != d.Sort {
				err = crm.Fail(crm.EBadRequest, "customers.refused.cursor_sort")
			}
			f.After = &k
		}
	}
	if err != nil {
		// A hand-edited or stale page link: show the first page and say so.
		status, d.Problem, f.BeforeID, f.After = http.StatusBadRequest, strings.TrimSpace(d.Problem+" "+c.msgs.text(lang, "customers.error.bad_page")), 0, nil
	}
	rows, n, err := c.cs.ListCounted(r.Context(), f)
	if err != nil {
		return err
	}
	d.Total, d.TotalIsEstimate = n.Total, n.Estimate
	list := httpx.MakePage(rows, page.Limit, func(x customer.Customer) any {
		if d.Sort != "" {
			return customer.CursorAfter(d.Sort, x)
		}
		return x.ID
	})
	for _, x := range list.Items {
		d.Rows = append(d.Rows, customerRow{Customer: x, StageLabel: c.label(lang, "stage", x.Stage), IndustryLabel: industryLabel(lang, x.IndustryCode)})
	}
	link := func(sort, cursor string) string {
		v := url.Values{}
		for k, s := range d.Filters.params {
			v[k] = s
		}
		for k, s := range map[string]string{"q": d.Query, "stage": d.Stage, "sort": sort, "cursor": cursor} {
			if s != "" {
				v.Set(k, s)
			}
		}
		if page.Limit != httpx.DefaultLimit {
			v.Set("limit", strconv.Itoa(page.Limit))
		}
		return strings.TrimSuffix("/customers?"+v.Encode(), "?")
	}
	if list.NextCursor != "" {
		d.Next = link(d.Sort, list.NextCursor)
	}
	if f.BeforeID > 0 || f.After != nil {
		d.First = link(d.Sort, "")
	}
	d.Heads = map[string]sortHead{}
	for _, key := range customer.CustomerSorts {
		h := sortHead{Href: link(key, ""), Aria: "none"}
		switch d.Sort {
		case key:
			h.Href, h.Aria = link("-"+key, ""), "ascending"
		case "-" + key:
			h.Aria = "descending"
		}
		d.Heads[key] = h
	}
	if me.Role.Can(crm.ActCustomerExport) {
		ef := d.Filters.exportParams(c.loc)
		if d.Sort != "" { // the export keeps the list's order
			ef.Set("sort", d.Sort)
		}
		d.ExportCSV, d.ExportXLSX = exportLink("csv", d.Query, d.Stage, ef), exportLink("xlsx", d.Query, d.Stage, ef)
	}
	return c.render(w, r, status, "customers", "customers.title", d)
}

// exportLink is the API's export of the list as filtered, in format; the
// API serves it to the page's session cookie. filters are the other
// filters as the API takes them.
func exportLink(format, query, stage string, filters url.Values) string {
	v := url.Values{"format": {format}}
	for k, s := range filters {
		v[k] = s
	}
	if query != "" {
		v.Set("q", query)
	}
	if stage != "" {
		v.Set("stage", stage)
	}
	return "/api/v1/customers/export?" + v.Encode()
}

// customerID reads the customer ID in the path; anything but a positive
// number is a customer that does not exist.
func customerID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Fail(crm.ENotFound, "customers.refused.no_such_customer")
	}
	return id, nil
}

// label names an option value (a stage, kind, source or channel) in
// lang; one the catalogue does not know yet shows as stored.
func (c *customerPages) label(lang, group, value string) string {
	if group == "revenue_band" {
		value = revenueBandKeys[value]
	}
	if s, ok := c.msgs[lang]["customers."+group+"."+value]; ok {
		return s
	}
	return value
}

// choices are the options of a select over values, selected marked.
func (c *customerPages) choices(lang, group string, values []string, selected string) []choice {
	out := make([]choice, 0, len(values))
	for _, v := range values {
		out = append(out, choice{Value: v, Label: c.label(lang, group, v), Selected: v == selected})
	}
	return out
}

// revenueBandKeys name the revenue bands in catalogue keys: the bands'
// values are written in Chinese (万, 亿), which keys cannot hold.
var revenueBandKeys = map[string]string{"<100万": "under_1m", "100万-500万": "1m_5m", "500万-1000万": "5m_10m",
	"1000万-5000万": "10m_50m", "5000万-1亿": "50m_100m", "1亿+": "over_100m"}
