package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/httpx"
)

// carePages serve customer care (客户关怀): the care reminders, the
// greeting composer with its preview and send log, and gifts with the
// budget bars. The domain decides roles and rows.
type carePages struct {
	*UI
	cs *care.Service
}

// registerCare adds this module's pages.
func (u *UI) registerCare(rt *httpx.Router) {
	s := &carePages{UI: u, cs: u.svc.Care}
	rt.Handle("GET /care", u.private(s.reminders))
	rt.Handle("GET /care/greetings", u.private(s.composer))
	rt.Handle("POST /care/greetings", u.private(s.send))
	rt.Handle("GET /care/gifts", u.private(s.gifts))
	rt.Handle("POST /care/gifts/{id}/decision", u.private(s.decide))
}

// careTabs are the module's pages the caller may open.
type careTabs struct {
	Send    bool
	Current string
}

func careTabsFor(r *http.Request, current string) careTabs {
	p, _ := crm.PrincipalFrom(r.Context())
	return careTabs{Send: p.Role.Can(crm.ActCareSend), Current: current}
}

var careFormFields = []string{"contact_id", "channel", "occasion", "subject", "body", "template_id"}

func (s *carePages) problem(lang string, err error) formProblem {
	return s.msgs.problem(lang, err, wording{
		own:     func(crm.FieldError) (string, bool) { return "", false },
		input:   func(field string) (string, bool) { return field, slices.Contains(careFormFields, field) },
		code:    s.msgs.codeKey(lang, "error."),
		generic: "error.generic",
	})
}

// occasionLabel is an occasion in the reader's words; a custom date is
// called by the name the admin gave it (names: care date id → name).
func (s *carePages) occasionLabel(lang, occ string, names ...map[string]string) string {
	if strings.HasPrefix(occ, care.OccCustomPrefix) {
		for _, m := range names {
			if n := m[occ]; n != "" {
				return n
			}
		}
		occ = "custom"
	}
	return s.msgs.text(lang, "care.occasion."+occ)
}

// careDateNames maps custom:<id> to each care date's name.
func careDateNames(r *http.Request, cs *care.Service) map[string]string {
	m := map[string]string{}
	if dates, err := cs.CareDates(r.Context()); err == nil {
		for _, d := range dates {
			m[care.OccCustomPrefix+strconv.FormatInt(d.ID, 10)] = d.Name
		}
	}
	return m
}

type careReminderRow struct {
	care.Reminder
	OccasionLabel string
}

type careReminderList struct {
	Tabs careTabs
	Rows []careReminderRow
	Next string
}

func (s *carePages) reminders(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	today := s.svc.Clock().In(s.loc).Format(time.DateOnly)
	// By date: the page after (remind_on, id) = (?on=, ?after=).
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	on := r.URL.Query().Get("on")
	if _, err := time.Parse(time.DateOnly, on); err != nil {
		on, after = "", 0
	}
	list, err := s.cs.Reminders(r.Context(), care.ReminderFilter{OccasionFrom: today, Status: "open", AfterDate: on, AfterID: after, Limit: 51})
	if err != nil {
		return err
	}
	d := careReminderList{Tabs: careTabsFor(r, "reminders")}
	if len(list) > 50 {
		list = list[:50]
		d.Next = fmt.Sprintf("/care?on=%s&after=%d", list[49].RemindOn, list[49].ID)
	}
	names := careDateNames(r, s.cs)
	for _, x := range list {
		d.Rows = append(d.Rows, careReminderRow{Reminder: x, OccasionLabel: s.occasionLabel(lang, x.Occasion, names)})
	}
	return s.render(w, r, http.StatusOK, "care", "care.ui.reminders", d)
}

type careGreetingRow struct {
	care.Greeting
	StatusLabel, OccasionLabel, ChannelLabel, When string
}

type careComposer struct {
	Tabs      careTabs
	Form      care.SendInput
	Occasions []choice
	Preview   *care.Rendered
	Sent      *careGreetingRow
	Log       []careGreetingRow
	Problem   formProblem
}

func (s *carePages) composerData(r *http.Request, in care.SendInput) careComposer {
	lang := langOf(r)
	d := careComposer{Tabs: careTabsFor(r, "greetings"), Form: in}
	for _, o := range append(care.Occasions(), care.OccOther) {
		d.Occasions = append(d.Occasions, choice{Value: o, Label: s.occasionLabel(lang, o), Selected: o == in.Occasion})
	}
	if in.ContactID > 0 {
		if log, err := s.cs.Greetings(r.Context(), in.ContactID, 0, 50); err == nil {
			for _, g := range log {
				d.Log = append(d.Log, s.greetingRow(lang, g))
			}
		}
	}
	return d
}

func (s *carePages) greetingRow(lang string, g care.Greeting) careGreetingRow {
	return careGreetingRow{Greeting: g, StatusLabel: s.msgs.text(lang, "care.status."+g.Status), OccasionLabel: s.occasionLabel(lang, g.Occasion),
		ChannelLabel: s.msgs.text(lang, "care.channel."+g.Channel), When: g.CreatedAt.In(s.loc).Format("2006-01-02 15:04")}
}

func (s *carePages) composer(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActCareRead); err != nil {
		return err
	}
	q := r.URL.Query()
	in := care.SendInput{Channel: "sms", Occasion: q.Get("occasion")}
	in.ContactID, _ = strconv.ParseInt(q.Get("contact_id"), 10, 64)
	if in.ContactID > 0 {
		if _, err := s.cs.Greetings(r.Context(), in.ContactID, 0, 1); err != nil {
			return err // out of scope: not found
		}
	}
	return s.render(w, r, http.StatusOK, "care_greetings", "care.ui.composer", s.composerData(r, in))
}

// send previews (action=preview) or sends the greeting as typed.
func (s *carePages) send(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	in := care.SendInput{Channel: v("channel"), Occasion: v("occasion"), Subject: v("subject"), Body: v("body"), Lang: langOf(r)}
	in.ContactID, _ = strconv.ParseInt(v("contact_id"), 10, 64)
	if v("action") == "preview" {
		p, err := s.cs.Preview(r.Context(), in)
		if err != nil {
			if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
				return err
			}
			d := s.composerData(r, in)
			d.Problem = s.problem(langOf(r), err)
			return s.render(w, at(r, "/care/greetings"), httpx.Status(err), "care_greetings", "care.ui.composer", d)
		}
		d := s.composerData(r, in)
		d.Preview = &p
		return s.render(w, at(r, "/care/greetings"), http.StatusOK, "care_greetings", "care.ui.composer", d)
	}
	g, err := s.cs.Send(r.Context(), in)
	if err != nil {
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
			return err
		}
		d := s.composerData(r, in)
		d.Problem = s.problem(langOf(r), err)
		return s.render(w, at(r, "/care/greetings"), httpx.Status(err), "care_greetings", "care.ui.composer", d)
	}
	d := s.composerData(r, in)
	row := s.greetingRow(langOf(r), g)
	d.Sent = &row
	return s.render(w, at(r, "/care/greetings"), http.StatusOK, "care_greetings", "care.ui.composer", d)
}

type careGiftRow struct {
	care.Gift
	StatusLabel, OccasionLabel, When string
}

type careBar struct {
	care.Spend
	Label   string
	Percent int
	Over    bool
}

type careGifts struct {
	Tabs     careTabs
	Decide   bool // may approve or reject pending gifts
	Problem  formProblem
	Rows     []careGiftRow
	Managers []careBar
	Teams    []careBar
	Year     int
}

func bar(sp care.Spend, label string) careBar {
	b := careBar{Spend: sp, Label: label}
	if sp.HasLimit && sp.Budget > 0 {
		b.Percent = int(int64(sp.Spent+sp.Pending) * 100 / int64(sp.Budget))
		b.Over = sp.Spent+sp.Pending > sp.Budget
	}
	return b
}

func (s *carePages) gifts(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	list, err := s.cs.Gifts(r.Context(), "", 0, 0, 100)
	if err != nil {
		return err
	}
	rep, err := s.cs.Spending(r.Context(), 0)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := careGifts{Tabs: careTabsFor(r, "gifts"), Year: rep.Year, Decide: p.Role.Can(crm.ActGiftApprove)}
	names := careDateNames(r, s.cs)
	for _, g := range list {
		d.Rows = append(d.Rows, careGiftRow{Gift: g, StatusLabel: s.msgs.text(lang, "care.gift_status."+g.Status),
			OccasionLabel: s.occasionLabel(lang, g.Occasion, names), When: g.CreatedAt.In(s.loc).Format("2006-01-02 15:04")})
	}
	for _, m := range rep.Managers {
		label := m.Owner
		if m.Tier != "" {
			label += " · " + m.Tier
		}
		d.Managers = append(d.Managers, bar(m, label))
	}
	for _, t := range rep.Teams {
		label := t.TeamName
		if label == "" {
			label = "#" + strconv.FormatInt(t.TeamID, 10)
		}
		d.Teams = append(d.Teams, bar(t, label))
	}
	return s.render(w, r, http.StatusOK, "care_gifts", "care.ui.gifts", d)
}

// decide approves or rejects a pending gift (decision=approve|reject).
func (s *carePages) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "care.gift.no_such", r.PathValue("id"))
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.cs.DecideGift(r.Context(), id, care.Decision{Decision: r.PostFormValue("decision"), Version: version}); err != nil {
		return err
	}
	http.Redirect(w, r, "/care/gifts", http.StatusSeeOther)
	return nil
}

// careSection: the caller's care reminders due by today whose occasion
// has not passed (my day): whom to greet or send a gift, and when.
func careSection(c *workbenchContext) (*workbenchSection, error) {
	if !c.P.Role.Can(crm.ActCareRead) || c.u.svc.Care == nil {
		return nil, nil
	}
	list, err := c.u.svc.Care.MyDay(c.r.Context(), 10)
	if err != nil {
		return nil, err
	}
	s := &workbenchSection{Name: "care", ID: "workbench-care", Title: c.T("care.ui.workbench"), All: "/care",
		Columns: []string{c.T("care.ui.col.date"), c.T("care.ui.col.occasion"), c.T("care.ui.col.contact"), c.T("care.ui.col.customer")},
		Empty:   c.T("care.ui.workbench_empty"),
		Tiles:   []tile{{ID: "tile-care", Label: c.T("care.ui.workbench"), Href: "/care", N: len(list)}}}
	s.More = len(list) == 10
	if c.P.Role.Can(crm.ActGiftApprove) {
		// Gifts over budget waiting for my approval.
		pending, err := c.u.svc.Care.Gifts(c.r.Context(), care.GiftPending, 0, 0, 500)
		if err != nil {
			return nil, err
		}
		s.Tiles = append(s.Tiles, tile{ID: "tile-gifts-pending", Label: c.T("care.ui.gifts_pending"), Href: "/care/gifts", N: len(pending)})
	}
	names := careDateNames(c.r, c.u.svc.Care)
	for _, x := range list {
		occ := x.Occasion
		label := names[occ]
		if strings.HasPrefix(occ, care.OccCustomPrefix) {
			occ = "custom"
		}
		if label == "" {
			label = c.T("care.occasion." + occ)
		}
		s.Rows = append(s.Rows, workbenchRow{Attr: dataAttr("reminder", x.ID), Cells: []workbenchCell{
			{Text: x.Date, Time: true}, {Text: label},
			{Text: x.ContactName, Href: fmt.Sprintf("/care/greetings?contact_id=%d&occasion=%s", x.ContactID, x.Occasion), Name: true},
			{Text: x.CustomerName, Href: fmt.Sprintf("/customers/%d", x.CustomerID), Name: true}}})
	}
	return s, nil
}
