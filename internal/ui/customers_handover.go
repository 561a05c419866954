package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// handoverData is the handover page (交接): from which owner to which,
// all of the old owner's customers or those ticked, and why.
type handoverData struct {
	// FromOwners are the users whose customers may be handed over: the
	// active ones and the disabled ones who still own customers (an
	// account manager who has left); ToOwners the active ones only.
	FromOwners, ToOwners []ownerChoice
	From, To             int64
	Customers            []handoverRow // the old owner's customers, to pick from
	Reason               string
	Moved                int // after a handover: how many customers moved
	Done                 bool
	Problem              formProblem
}

// ownerChoice is a user who can own customers.
type ownerChoice struct {
	ID           int64
	Label        string
	IsFrom, IsTo bool
	TeamName     string
	Disabled     bool // may no longer sign in: offered only as the old owner
}

type handoverRow struct {
	customer.Customer
	Checked bool
}

var handoverInputs = []string{"from_owner_id", "to_owner_id", "customer_ids", "reason"}

// owners are the users who may own customers (the roles that create
// them): as the new owner the active ones (for a sales manager, of their
// own team), as the old owner those and anyone else who still owns
// customers the caller may hand over (disabled, or moved to another team),
// or who is already chosen. The domain decides again on the post.
func (c *customerPages) owners(r *http.Request, me crm.Principal, from, to int64) (froms, tos []ownerChoice, err error) {
	users, err := c.staff(r.Context())
	if err != nil {
		return nil, nil, err
	}
	for _, u := range users {
		if !u.Role.Can(crm.ActCustomerCreate) {
			continue
		}
		mine := me.Role != crm.RoleSalesManager || u.ID == me.UserID || (u.TeamID != 0 && u.TeamID == me.TeamID)
		o := ownerChoice{ID: u.ID, Label: userLabel(u), IsFrom: u.ID == from, IsTo: u.ID == to, TeamName: u.TeamName, Disabled: u.Disabled()}
		if mine && !o.Disabled {
			froms, tos = append(froms, o), append(tos, o)
			continue
		}
		// Anyone else is offered as the old owner while they still own
		// customers the caller may hand over: a disabled user, or one who
		// moved to another team and left customers behind.
		if u.ID != from {
			n, err := c.cs.Count(r.Context(), customer.CustomerFilter{OwnerID: u.ID})
			if err != nil {
				return nil, nil, err
			}
			if n.Total == 0 {
				continue
			}
		}
		froms = append(froms, o)
	}
	return froms, tos, nil
}

func (c *customerPages) handoverForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := handoverData{}
	d.From, _ = strconv.ParseInt(q.Get("from_owner_id"), 10, 64)
	d.To, _ = strconv.ParseInt(q.Get("to_owner_id"), 10, 64)
	moved, err := strconv.Atoi(q.Get("moved"))
	d.Moved, d.Done = moved, err == nil && moved >= 0 && moved <= 1_000_000 // only what a handover could have said
	var picked []int64
	for _, s := range q["customer"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			picked = append(picked, id)
		}
	}
	return c.showHandover(w, r, http.StatusOK, d, picked)
}

func (c *customerPages) showHandover(w http.ResponseWriter, r *http.Request, status int, d handoverData, picked []int64) error {
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActCustomerAssign) {
		return crm.Fail(crm.EForbidden, "customers.refused.hand_over")
	}
	var err error
	if d.FromOwners, d.ToOwners, err = c.owners(r, me, d.From, d.To); err != nil {
		return err
	}
	if d.From != 0 {
		list, err := c.cs.List(r.Context(), customer.CustomerFilter{OwnerID: d.From, Limit: 500, Sort: "name"})
		if err != nil {
			return err
		}
		for _, x := range list {
			d.Customers = append(d.Customers, handoverRow{Customer: x, Checked: slices.Contains(picked, x.ID)})
		}
	}
	return c.render(w, r, status, "customers_handover", "customers.handover.title", d)
}

// handover moves the customers as the form says: all of the old owner's
// when none is ticked. Refusals are shown beside the fields.
func (c *customerPages) handover(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	_ = r.ParseForm()
	d := handoverData{Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	d.From, _ = strconv.ParseInt(r.PostFormValue("from_owner_id"), 10, 64)
	d.To, _ = strconv.ParseInt(r.PostFormValue("to_owner_id"), 10, 64)
	var picked []int64
	for _, s := range r.PostForm["customer_ids"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			// Never read as "none ticked", which moves them all.
			err := crm.Invalid(crm.Bad("customer_ids", "invalid", "customers.field.handover.customer_ids.unknown"))
			d.Problem = c.problem(lang, "handover", err, handoverInputs)
			return c.showHandover(w, r, httpx.Status(err), d, picked)
		}
		picked = append(picked, id)
	}
	res, err := c.cs.Handover(r.Context(), customer.Handover{FromOwner: d.From, ToOwner: d.To, CustomerIDs: picked, Reason: d.Reason})
	if err != nil {
		if code := crm.ErrorCode(err); code == crm.EForbidden && len(c.problem(lang, "handover", err, handoverInputs).Fields) == 0 {
			return err
		}
		if crm.ErrorCode(err) == crm.ENotFound {
			err = crm.Invalid(crm.Bad("customer_ids", "unknown", "customers.field.handover.customer_ids.unknown"))
		}
		d.Problem = c.problem(lang, "handover", err, handoverInputs)
		return c.showHandover(w, r, httpx.Status(err), d, picked)
	}
	http.Redirect(w, r, "/customers/handover?moved="+strconv.Itoa(len(res.Moved))+"&from_owner_id="+strconv.FormatInt(d.From, 10), http.StatusSeeOther)
	return nil
}
