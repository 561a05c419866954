package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/dealer"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/httpx"
)

// dealerPages serve the dealer portal (经销商门户): a dealer account's
// home, with its company, this month's plan (月计划) and the plans before.
// The domain decides roles and rows.
type dealerPages struct {
	*UI
	ds *dealer.Service
	cs *customer.Service
	ss *sales.Service
}

// registerDealers adds this module's pages.
func (u *UI) registerDealers(rt *httpx.Router) {
	d := &dealerPages{UI: u, ds: u.svc.Dealers, cs: u.svc.Customers, ss: u.svc.Sales}
	rt.Handle("GET /portal", u.private(d.portal))
	rt.Handle("POST /portal/plan", u.private(d.savePlan))
}

// portalRows is how many empty lines the plan form offers.
const portalRows = 3

// planRow is one line of the plan form as typed, with its messages.
type planRow struct {
	N        int    // 1-based
	Product  string // "CODE 名称" as typed or chosen
	Quantity string
	Amount   string // yuan at list price, once saved
	Errors   []string
}

// portalPage is the portal.
type portalPage struct {
	Company  customer.Customer
	Month    string
	DueDate  string
	Plan     *dealer.Plan // this month's, when started
	Editable bool         // no plan yet, or a draft
	Rows     []planRow
	Notes    string
	Products []sales.Product // active products for the type-ahead
	History  []dealer.Plan
	Problem  formProblem
	Notice   string
}

func (d *dealerPages) portal(w http.ResponseWriter, r *http.Request) error {
	return d.showPortal(w, r, http.StatusOK, nil, "", formProblem{})
}

// showPortal renders the portal; rows and notes are the form as posted
// (nil: as saved).
func (d *dealerPages) showPortal(w http.ResponseWriter, r *http.Request, status int, rows []planRow, notes string, p formProblem) error {
	ctx := r.Context()
	me, err := crm.Authorize(ctx, crm.ActDealerPlanRead)
	if err != nil {
		return err
	}
	if me.Role != crm.RoleDealer || me.DealerID == 0 {
		return crm.Fail(crm.EForbidden, "crm.forbidden_action", crm.RoleWord(me.Role), crm.ActDealerPlanWrite)
	}
	lang := langOf(r)
	pg := portalPage{Month: d.ds.Month(), Problem: p}
	if pg.Company, err = d.cs.Get(ctx, me.DealerID); err != nil {
		return err
	}
	history, _, err := d.ds.Plans(ctx, dealer.PlanFilter{DealerID: me.DealerID, Limit: 24})
	if err != nil {
		return err
	}
	for i := range history {
		if history[i].Month == pg.Month {
			pg.Plan = &history[i]
		} else {
			pg.History = append(pg.History, history[i])
		}
	}
	pg.Editable = pg.Plan == nil || pg.Plan.Status == dealer.PlanDraft
	active := true
	if pg.Products, _, err = d.ss.Products(ctx, sales.ProductFilter{Active: &active, Limit: 500}); err != nil {
		return err
	}
	if pg.Plan != nil {
		pg.DueDate = pg.Plan.DueAt.In(d.loc).AddDate(0, 0, -1).Format("2006-01-02")
	}
	if rows == nil {
		if pg.Plan != nil {
			for i, l := range pg.Plan.Lines {
				rows = append(rows, planRow{N: i + 1, Product: l.ProductCode + " " + l.ProductName, Quantity: strconv.FormatInt(l.Quantity, 10),
					Amount: l.Amount.Yuan()})
			}
			notes = pg.Plan.Notes
		}
		if pg.Editable {
			for range portalRows {
				rows = append(rows, planRow{N: len(rows) + 1})
			}
		}
	}
	for i := range rows {
		for _, f := range []string{"product_id", "quantity"} {
			key := "lines[" + strconv.Itoa(i) + "]." + f
			rows[i].Errors = append(rows[i].Errors, p.Fields[key]...)
		}
	}
	pg.Rows, pg.Notes = rows, notes
	switch r.URL.Query().Get("notice") {
	case "saved":
		pg.Notice = d.msgs.text(lang, "dealer.ui.saved")
	case "submitted":
		pg.Notice = d.msgs.text(lang, "dealer.ui.submitted")
	}
	return d.render(w, at(r, "/portal"), status, "dealer_portal", "dealer.ui.portal", pg)
}

// productOf finds the product a row names: its code before the first
// space (as the type-ahead writes "CODE 名称"), or the whole text.
func productOf(products []sales.Product, text string) int64 {
	text = strings.TrimSpace(text)
	code, _, _ := strings.Cut(text, " ")
	for _, p := range products {
		if strings.EqualFold(p.Code, code) || p.Code+" "+p.Name == text || p.Name == text {
			return p.ID
		}
	}
	return -1 // unknown: the domain names the row
}

// savePlan saves (or submits, with action=submit) this month's plan from
// the portal's form.
func (d *dealerPages) savePlan(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_ = r.ParseForm() // an unreadable body leaves the form empty: the domain names what is missing
	active := true
	products, _, err := d.ss.Products(ctx, sales.ProductFilter{Active: &active, Limit: 500})
	if err != nil {
		return err
	}
	names, qtys := r.PostForm["product"], r.PostForm["quantity"]
	var rows []planRow
	var lines []dealer.LineInput
	for i := range names {
		q := ""
		if i < len(qtys) {
			q = qtys[i]
		}
		if strings.TrimSpace(names[i]) == "" && strings.TrimSpace(q) == "" {
			continue
		}
		rows = append(rows, planRow{N: len(rows) + 1, Product: names[i], Quantity: q})
		lines = append(lines, dealer.LineInput{ProductID: productOf(products, names[i]), Quantity: q})
	}
	notes := r.PostFormValue("notes")
	submit := r.PostFormValue("action") == "submit"
	in := dealer.PlanInput{Month: r.PostFormValue("month"), Lines: lines, Notes: &notes, Submit: submit}
	if in.Lines == nil {
		in.Lines = []dealer.LineInput{}
	}
	id, _ := strconv.ParseInt(r.PostFormValue("plan_id"), 10, 64)
	if id > 0 {
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		_, err = d.ds.UpdatePlan(ctx, id, version, in)
	} else {
		_, err = d.ds.CreatePlan(ctx, in)
	}
	if err != nil {
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
			return err
		}
		lang := langOf(r)
		p := d.msgs.problem(lang, err, wording{
			own: func(crm.FieldError) (string, bool) { return "", false },
			input: func(field string) (string, bool) {
				return field, strings.HasPrefix(field, "lines[") || field == "notes"
			},
			code:    d.msgs.codeKey(lang, "error."),
			generic: "error.generic",
		})
		for range portalRows {
			rows = append(rows, planRow{N: len(rows) + 1})
		}
		return d.showPortal(w, r, httpx.Status(err), rows, notes, p)
	}
	notice := "saved"
	if submit {
		notice = "submitted"
	}
	http.Redirect(w, r, "/portal?notice="+notice, http.StatusSeeOther)
	return nil
}
