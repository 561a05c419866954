package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// The trash (回收站): a customer moved to the trash leaves every list
// and can be restored for customer.TrashDays days. Erasing it for good is an
// administrator's, who reads no customer data and so has no trash page:
// the API's DELETE /api/v1/customers/{id}?hard=true does it.

// trashList is what the trash page shows: one page of the caller's
// customers in the trash, newest first.
type trashList struct {
	Rows        []trashRow
	Days        int
	Next, First string // the other pages' addresses, "" when there are none
	Notice      string
	Problem     string
}

// trashRow is a customer in the trash: until when it can be restored,
// and whether the caller may restore it now.
type trashRow struct {
	customer.Customer
	RestoreUntil time.Time
	Expired      bool // the restore period is over
	CanRestore   bool
}

// trash shows the trash.
func (c *customerPages) trash(w http.ResponseWriter, r *http.Request) error {
	return c.showTrash(w, r, http.StatusOK, "")
}

// showTrash renders the trash with problem, a message for the page as a
// whole (a refused restore). Only roles that may move customers to the
// trash and restore them have the page.
func (c *customerPages) showTrash(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	lang := langOf(r)
	r = at(r, "/customers/trash")
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActCustomerDelete) {
		return crm.Fail(crm.EForbidden, "customers.refused.trash")
	}
	d := trashList{Days: customer.TrashDays, Problem: problem}
	page, err := httpx.ParsePage(r)
	f := customer.CustomerFilter{Trash: true, Limit: page.Limit + 1}
	if err == nil && page.Cursor != "" {
		err = httpx.DecodeCursor(page.Cursor, &f.BeforeID)
	}
	if err != nil {
		// A hand-edited or stale page link: show the first page and say so.
		status, d.Problem, f.BeforeID = http.StatusBadRequest, c.msgs.text(lang, "customers.error.bad_page"), 0
	}
	rows, err := c.cs.List(r.Context(), f)
	if err != nil {
		return err
	}
	list := httpx.MakePage(rows, page.Limit, func(x customer.Customer) any { return x.ID })
	now := c.svc.Clock()
	for _, x := range list.Items {
		row := trashRow{Customer: x}
		if x.DeletedAt != nil {
			row.RestoreUntil = x.RestoreUntil()
			row.Expired = !x.Restorable(now)
		}
		row.CanRestore = !row.Expired && mayDelete(me, x)
		d.Rows = append(d.Rows, row)
	}
	link := func(cursor string) string {
		v := url.Values{}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if page.Limit != httpx.DefaultLimit {
			v.Set("limit", strconv.Itoa(page.Limit))
		}
		if len(v) == 0 {
			return "/customers/trash"
		}
		return "/customers/trash?" + v.Encode()
	}
	if list.NextCursor != "" {
		d.Next = link(list.NextCursor)
	}
	if f.BeforeID > 0 {
		d.First = link("")
	}
	if status == http.StatusOK && r.URL.Query().Get("notice") == "trashed" {
		d.Notice = c.msgs.text(lang, "customers.trash.notice.trashed", customer.TrashDays)
	}
	return c.render(w, r, status, "customers_trash", "customers.trash.title", d)
}

// moveToTrash moves the customer in the path to the trash, if it is
// still at the version the page showed, and goes on to the trash.
func (c *customerPages) moveToTrash(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := customerID(r)
	version, verr := strconv.Atoi(r.PostFormValue("version"))
	if err == nil && (verr != nil || version < 1) {
		// The page always sends the version it showed: without one the
		// change cannot be checked, so it is refused as stale.
		err = crm.Fail(crm.EVersionConflict, "customers.refused.send_version")
	}
	if err == nil {
		err = c.cs.Delete(r.Context(), id, version)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		msg := c.problem(lang, "customer", err, nil).Form
		if crm.ErrorCode(err) == crm.EVersionConflict {
			msg = c.msgs.text(lang, "customers.trash.stale")
		}
		return c.showDetail(w, r, httpx.Status(err), detailForms{interaction: interactionForm{Channel: "visit"}, problem: msg})
	}
	http.Redirect(w, r, "/customers/trash?notice=trashed", http.StatusSeeOther)
	return nil
}

// restore brings the customer in the path back from the trash and shows
// it; one past the restore period is refused on the trash page.
func (c *customerPages) restore(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := customerID(r)
	if err == nil {
		_, err = c.cs.Restore(r.Context(), id)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		msg := c.problem(lang, "customer", err, nil).Form
		var e *crm.Error
		switch {
		case errors.As(err, &e) && len(e.Fields) > 0 && e.Fields[0].Field == "uscc":
			// A live customer took its USCC while it was in the trash.
			msg = c.msgs.text(lang, "customers.trash.uscc_taken")
		case crm.ErrorCode(err) == crm.EConflict:
			msg = c.msgs.text(lang, "customers.trash.expired", customer.TrashDays)
		}
		return c.showTrash(w, r, httpx.Status(err), msg)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=restored", id), http.StatusSeeOther)
	return nil
}
