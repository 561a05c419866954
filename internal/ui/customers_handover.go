package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// handoverData is the handover page (交接): from which owner to which,
// all of the old owner's customers or those ticked, and why.
type handoverData struct {
	Owners    []ownerChoice
	From, To  int64
	Customers []handoverRow // the old owner's customers, to pick from
	Reason    string
	Moved     int // after a handover: how many customers moved
	Done      bool
	Problem   formProblem
}

// ownerChoice is a user who can own customers.
type ownerChoice struct {
	ID           int64
	Label        string
	IsFrom, IsTo bool
	TeamName     string
}

type handoverRow struct {
	crm.Customer
	Checked bool
}

var handoverInputs = []string{"from_owner_id", "to_owner_id", "customer_ids", "reason"}

// owners are the users who may own customers (the roles that create
// them), active, for a sales manager only their own team; the domain
// decides again on the post.
func (c *customerPages) owners(r *http.Request, me crm.Principal, from, to int64) ([]ownerChoice, error) {
	var out []ownerChoice
	for after := int64(0); ; {
		page, err := c.db.ListUsers(r.Context(), after, 500)
		if err != nil {
			return nil, err
		}
		for _, u := range page {
			mine := me.Role != crm.RoleSalesManager || u.ID == me.UserID || (u.TeamID != 0 && u.TeamID == me.TeamID)
			// A disabled user is still offered as the old owner: their
			// customers are the ones that must move.
			if !u.Role.Can(crm.ActCustomerCreate) || !mine || (u.Disabled() && u.ID != from) {
				continue
			}
			label := u.Username
			if u.DisplayName != "" {
				label = u.DisplayName + " (" + u.Username + ")"
			}
			out = append(out, ownerChoice{ID: u.ID, Label: label, IsFrom: u.ID == from, IsTo: u.ID == to, TeamName: u.TeamName})
		}
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

func (c *customerPages) handoverForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := handoverData{}
	d.From, _ = strconv.ParseInt(q.Get("from_owner_id"), 10, 64)
	d.To, _ = strconv.ParseInt(q.Get("to_owner_id"), 10, 64)
	d.Moved, _ = strconv.Atoi(q.Get("moved"))
	d.Done = q.Has("moved")
	var picked []int64
	for _, s := range q["customer"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			picked = append(picked, id)
		}
	}
	c.showHandover(w, r, http.StatusOK, d, picked)
}

func (c *customerPages) showHandover(w http.ResponseWriter, r *http.Request, status int, d handoverData, picked []int64) {
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActCustomerAssign) {
		c.failOrForbid(w, r, crm.Errorf(crm.EForbidden, "your role may not hand customers over"))
		return
	}
	var err error
	if d.Owners, err = c.owners(r, me, d.From, d.To); err != nil {
		c.fail(w, r, err)
		return
	}
	if d.From != 0 {
		list, err := c.cs.List(r.Context(), crm.CustomerFilter{OwnerID: d.From, Limit: 500, Sort: "name"})
		if err != nil {
			c.refuse(w, r, err)
			return
		}
		for _, x := range list {
			d.Customers = append(d.Customers, handoverRow{Customer: x, Checked: slices.Contains(picked, x.ID)})
		}
	}
	c.render(w, r, status, "customers_handover", "customers.handover.title", d)
}

// handover moves the customers as the form says: all of the old owner's
// when none is ticked. Refusals are shown beside the fields.
func (c *customerPages) handover(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	_ = r.ParseForm()
	d := handoverData{Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	d.From, _ = strconv.ParseInt(r.PostFormValue("from_owner_id"), 10, 64)
	d.To, _ = strconv.ParseInt(r.PostFormValue("to_owner_id"), 10, 64)
	var picked []int64
	for _, s := range r.PostForm["customer_ids"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			picked = append(picked, id)
		}
	}
	res, err := c.cs.Handover(r.Context(), crm.Handover{FromOwner: d.From, ToOwner: d.To, CustomerIDs: picked, Reason: d.Reason})
	if err != nil {
		var e *crm.Error
		if errors.As(err, &e) {
			for i, f := range e.Fields {
				if f.Field == "owner_id" { // the new owner the domain refused
					e.Fields[i].Field = "to_owner_id"
				}
			}
		}
		if code := crm.ErrorCode(err); code == crm.EForbidden && len(c.problem(lang, "handover", err, handoverInputs).Fields) == 0 {
			c.failOrForbid(w, r, err)
			return
		}
		if crm.ErrorCode(err) == crm.ENotFound {
			err = crm.Invalid(crm.FieldError{Field: "customer_ids", Code: "unknown", Message: "a customer is not in your scope"})
		}
		d.Problem = c.problem(lang, "handover", err, handoverInputs)
		c.showHandover(w, r, httpx.Status(err), d, picked)
		return
	}
	http.Redirect(w, r, "/customers/handover?moved="+strconv.Itoa(len(res.Moved))+"&from_owner_id="+strconv.FormatInt(d.From, 10), http.StatusSeeOther)
}
