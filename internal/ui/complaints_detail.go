package ui

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complaintDetail is what a complaint's page shows.
type complaintDetail struct {
	C                         complaint.Complaint
	Customer, Assignee        string
	Category, Status, Channel string
	Severity, Department      string
	Reply, Solution           deadline
	Events                    []eventRow
	Steps                     []stepForm
	Departments               []choice      // the departments an assignment may choose
	People                    []peopleGroup // and their people, by department
	CanLink                   bool          // the caller links complaints to customers
	CustomerOpen              bool          // the caller has a customer list, so the customer's page opens
	Company                   string        // the company the caller named on the public form
	Matches                   []matchRow    // customers the complaint may be from, while it has none
	LinkError                 string        // why linking was refused
	Notice                    string
	Closed                    bool
	Month                     string // YYYY-MM the complaint was received, for its ledger
}

// deadline is a deadline on the page: a running clock, or how it was
// kept once its step is done.
type deadline struct {
	Due   *time.Time
	Clock *clock
	Done  *time.Time
	Kept  string // met, missed, or "" while running or when there is no deadline
}

// eventRow is one step of the timeline.
type eventRow struct {
	At               time.Time
	From, To, Actor  string
	Note             string
	Fields           []fieldValue
	ToValue, FromVal string
}

// fieldValue is one field a step recorded.
type fieldValue struct{ Label, Value string }

// stepForm is the form of one next step.
type stepForm struct {
	To, Label string
	Inputs    []stepInput
	Note      string
	Problem   formProblem
	Open      bool // show it unfolded: it is the one just refused
}

// stepInput is one field of a step's form.
type stepInput struct {
	Name, Label, Kind, Value string
	Required                 bool
	Errors                   []string
}

// stepFieldKinds says how each step field is typed in: the department
// and the person are chosen from lists.
var stepFieldKinds = map[string]string{"production_date": "date", "delivery_date": "date", "cause": "textarea", "handling": "textarea",
	"corrective_action": "textarea", "effect_confirmed": "textarea", "delay_reason": "textarea", "demand": "textarea",
	"assignee": "assignee", "department": "department", complaint.FieldReply: "textarea"}

// peopleGroup is a department's people an assignment may choose.
type peopleGroup struct {
	Department, Label string
	People            []choice // value: the username; label: the name
}

// matchRow is a customer the complaint may be from.
type matchRow struct {
	complaint.CustomerMatch
	Why string // the reasons it matched, in words
}

func (p *complaintPages) detail(w http.ResponseWriter, r *http.Request) error {
	return p.showDetail(w, r, http.StatusOK, "", nil, nil)
}

// move takes the complaint one step; a refusal shows the page again
// with the step's form as typed and the messages at its fields.
func (p *complaintPages) move(w http.ResponseWriter, r *http.Request) error {
	id, err := complaintID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	to, note := r.PostFormValue("to"), r.PostFormValue("note")
	// Every other input of the step's form is a field of the step, as
	// NextSteps named them; the domain refuses any it does not know.
	fields := map[string]string{}
	for k := range r.PostForm {
		if v := strings.TrimSpace(r.PostFormValue(k)); v != "" && k != "to" && k != "version" && k != "note" {
			fields[k] = v
		}
	}
	_, err = p.complaints.Move(r.Context(), id, version, complaint.Status(to), note, fields)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/complaints/%d?notice=moved", id), http.StatusSeeOther)
		return nil
	}
	if code := crm.ErrorCode(err); code == crm.ENotFound || code == crm.EInternal || code == crm.EUnauthorized {
		return err
	}
	typed := map[string]string{"note": note}
	for k, v := range fields {
		typed[k] = v
	}
	status := http.StatusUnprocessableEntity
	if code := crm.ErrorCode(err); code == crm.EForbidden {
		status = http.StatusForbidden
	} else if code == crm.EVersionConflict {
		status = http.StatusConflict
	}
	return p.showDetail(w, r, status, to, typed, err)
}

// showDetail renders the complaint in the path; failed names the step
// whose form is shown again with typed and the refusal err.
func (p *complaintPages) showDetail(w http.ResponseWriter, r *http.Request, status int, failed string, typed map[string]string, refusal error) error {
	lang, ctx := langOf(r), r.Context()
	id, err := complaintID(r)
	var c complaint.Complaint
	if err == nil {
		c, err = p.complaints.Get(ctx, id)
	}
	var events []complaint.ComplaintEvent
	if err == nil {
		events, err = p.complaints.Events(ctx, id)
	}
	if err != nil {
		return err
	}
	r = at(r, fmt.Sprintf("/complaints/%d", id))
	customer, assignee, err := p.svc.Directory.Names(ctx, c.CustomerID, c.AssigneeID)
	if err != nil {
		return err
	}
	if c.CustomerID == 0 {
		customer = c.CallerName
	}
	if c.AssigneeID != 0 {
		if u, err := p.svc.Directory.User(ctx, c.AssigneeID); err == nil {
			assignee = personName(u.DisplayName, u.Username)
		}
	}
	now := p.now()
	d := complaintDetail{C: c, Customer: customer, Assignee: assignee, Category: p.word(lang, "category", c.Category),
		Status: p.word(lang, "status", string(c.Status)), Channel: p.word(lang, "channel", c.Channel), Severity: p.word(lang, "severity", c.Severity),
		Department: p.word(lang, "department", c.Department), Closed: c.Status == "closed", Month: c.ReceivedAt.In(p.loc).Format("2006-01")}
	if me, ok := crm.PrincipalFrom(ctx); ok {
		d.CustomerOpen = hasCustomerList(me.Role)
	}
	if r.URL.Query().Get("notice") != "" && status == http.StatusOK {
		d.Notice = p.msgs.text(lang, "complaints.notice."+r.URL.Query().Get("notice"))
	}
	var replied, solved *time.Time
	names := map[int64]string{}
	for _, ev := range events {
		at := ev.At
		if ev.From == "registered" && replied == nil {
			replied = &at
		}
		if ev.To == "approved" && solved == nil {
			solved = &at
		}
		from, to := string(ev.From), string(ev.To)
		row := eventRow{At: ev.At, From: p.word(lang, "status", from), To: p.word(lang, "status", to), ToValue: to, FromVal: from, Note: ev.Note}
		if ev.ActorID > 0 {
			if _, ok := names[ev.ActorID]; !ok {
				if u, err := p.svc.Directory.User(ctx, ev.ActorID); err == nil {
					names[ev.ActorID] = personName(u.DisplayName, u.Username)
				}
			}
			row.Actor = names[ev.ActorID]
		}
		keys := make([]string, 0, len(ev.Fields))
		for k := range ev.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			row.Fields = append(row.Fields, fieldValue{Label: p.word(lang, "field", k), Value: ev.Fields[k]})
		}
		d.Events = append(d.Events, row)
	}
	d.Reply = p.deadlineOf(lang, &c.ReplyDueAt, replied, now)
	d.Solution = p.deadlineOf(lang, c.SolutionDueAt, solved, now)
	me, _ := crm.PrincipalFrom(ctx)
	for _, s := range complaint.NextSteps(c, me.Role, now) {
		to := string(s.To)
		f := stepForm{To: to, Label: p.word(lang, "step", to)}
		if f.Label == to {
			f.Label = p.word(lang, "status", to) // a step the catalogue does not name yet
		}
		var mine map[string]string
		if to == failed {
			mine, f.Open = typed, true
			f.Note = typed["note"]
			f.Problem = p.complaintProblem(lang, refusal, append(append([]string{"note"}, s.Required...), s.Optional...))
		}
		for i, k := range append(append([]string{}, s.Required...), s.Optional...) {
			in := stepInput{Name: k, Label: p.word(lang, "field", k), Kind: stepFieldKinds[k], Value: mine[k], Required: i < len(s.Required)}
			in.Errors = f.Problem.Fields[k]
			f.Inputs = append(f.Inputs, in)
			if (k == "assignee" || k == "department") && d.People == nil {
				if d.Departments, d.People, err = p.assignees(r, lang, c.Quality, mine["department"], mine["assignee"]); err != nil {
					return err
				}
			}
		}
		d.Steps = append(d.Steps, f)
	}
	if err := p.matches(r, lang, me, &d); err != nil {
		return err
	}
	if failed == "link" {
		d.LinkError = p.complaintProblem(lang, refusal, nil).Form
	} else if failed != "" && !slices.ContainsFunc(d.Steps, func(s stepForm) bool { return s.Open }) {
		// The step is no longer open to this user (someone moved the
		// complaint meanwhile, or the role may not): say why at the top.
		d.Notice = p.complaintProblem(lang, refusal, nil).Form
	}
	return p.render(w, r, status, "complaints_detail", "complaints.detail", d)
}

// deadlineOf shows a deadline: how it was kept once done, else its clock.
func (p *complaintPages) deadlineOf(lang string, due, done *time.Time, now time.Time) deadline {
	d := deadline{Due: due, Done: done}
	if due == nil || due.IsZero() {
		d.Due = nil
		return d
	}
	if done != nil {
		d.Kept = complaint.DeadlineMet
		if done.After(*due) {
			d.Kept = complaint.DeadlineMissed
		}
		return d
	}
	c := p.clockOf(lang, *due, now)
	d.Clock = &c
	return d
}

// assignees are the departments a complaint can go to and their active
// people (QA and production for a quality complaint), by name; dept and
// who are the ones chosen in a form shown again.
func (p *complaintPages) assignees(r *http.Request, lang string, quality bool, dept, who string) ([]choice, []peopleGroup, error) {
	users, err := p.svc.Directory.Staff(r.Context())
	if err != nil {
		return nil, nil, err
	}
	var depts []choice
	groups := []peopleGroup{}
	for _, dp := range complaint.DepartmentsFor(quality) {
		label := p.word(lang, "department", dp.Code)
		depts = append(depts, choice{Value: dp.Code, Label: label, Selected: dp.Code == dept})
		g := peopleGroup{Department: dp.Code, Label: label}
		for _, u := range users {
			if !u.Disabled() && dp.Takes(u.Role) {
				g.People = append(g.People, choice{Value: u.Username, Label: personName(u.DisplayName, u.Username), Selected: u.Username == who})
			}
		}
		groups = append(groups, g)
	}
	return depts, groups, nil
}

// personName is how a person is shown: their name, or their username
// when they have none.
func personName(display, username string) string {
	if strings.TrimSpace(display) != "" {
		return display
	}
	return username
}

// matches offers the customers an unlinked complaint may be from to
// those who link complaints.
func (p *complaintPages) matches(r *http.Request, lang string, me crm.Principal, d *complaintDetail) error {
	d.CanLink = complaint.CanLink(me.Role) && d.C.Status != complaint.StatusClosed
	d.Company = complaint.CallerCompany(d.C)
	if !d.CanLink || d.C.CustomerID != 0 {
		return nil
	}
	list, err := p.complaints.CustomerMatches(r.Context(), d.C.ID)
	if err != nil {
		return err
	}
	for _, m := range list {
		why := make([]string, len(m.By))
		for i, b := range m.By {
			why[i] = p.msgs.text(lang, "complaints.link.by."+b)
		}
		d.Matches = append(d.Matches, matchRow{CustomerMatch: m, Why: strings.Join(why, p.msgs.text(lang, "complaints.link.sep"))})
	}
	return nil
}

// link links the complaint to the customer chosen, by its ID (a match's
// button) or its code (typed); a refusal shows the page again with the
// reason at the top.
func (p *complaintPages) link(w http.ResponseWriter, r *http.Request) error {
	id, err := complaintID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	customerID, _ := strconv.ParseInt(r.PostFormValue("customer_id"), 10, 64)
	if code := strings.TrimSpace(r.PostFormValue("customer_code")); customerID == 0 && code != "" {
		if customerID, err = p.svc.Directory.CustomerIDByCode(r.Context(), code); crm.ErrorCode(err) == crm.ENotFound {
			customerID, err = -1, nil
		} else if err != nil {
			return err
		}
	}
	_, err = p.complaints.LinkCustomer(r.Context(), id, version, customerID)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/complaints/%d?notice=linked", id), http.StatusSeeOther)
		return nil
	}
	if code := crm.ErrorCode(err); code == crm.ENotFound || code == crm.EInternal || code == crm.EUnauthorized {
		return err
	}
	return p.showDetail(w, r, httpx.Status(err), "link", nil, err)
}

// complaintProblem translates a refusal for a form of the complaint
// pages: a field's message is complaints.error.CODE where the catalogue
// has it, else the domain's own in lang; fields.X is the input X,
// customer_id the input customer. A field with no input in inputs goes to
// the form's message, after its label.
func (p *complaintPages) complaintProblem(lang string, err error, inputs []string) formProblem {
	name := func(field string) string {
		name := strings.TrimPrefix(field, "fields.")
		if name == "customer_id" {
			name = "customer"
		}
		return name
	}
	return p.msgs.problem(lang, err, wording{
		own: func(f crm.FieldError) (string, bool) {
			t, ok := p.msgs[lang]["complaints.error."+f.Code]
			return t, ok && f.Code != "illegal"
		},
		input: func(field string) (string, bool) {
			n := name(field)
			return n, slices.Contains(inputs, n)
		},
		label:   func(f crm.FieldError, _ bool) string { return p.word(lang, "field", name(f.Field)) + ": " },
		code:    p.msgs.codeKey(lang, "complaints.error."),
		generic: "complaints.error.generic",
	})
}
