package ui

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/lead"
	"github.com/kehucrm/kehu/internal/crm/pool"
	"github.com/kehucrm/kehu/internal/httpx"
)

// leadPages serve leads (潜在客户) and the public pool (公海): the lead
// list, form and page with its history, claim and conversion; the pool
// with its claim buttons and the customers about to return. The domain
// decides roles and rows.
type leadPages struct {
	*UI
	ls *lead.Service
	ps *pool.Service
}

// registerLeads adds this module's pages.
func (u *UI) registerLeads(rt *httpx.Router) {
	s := &leadPages{UI: u, ls: u.svc.Leads, ps: u.svc.Pool}
	rt.Handle("GET /leads", u.private(s.list))
	rt.Handle("GET /leads/new", u.private(s.newLead))
	rt.Handle("POST /leads", u.private(s.create))
	rt.Handle("GET /leads/{id}", u.private(s.detail))
	rt.Handle("POST /leads/{id}/claim", u.private(s.claim))
	rt.Handle("POST /leads/{id}/convert", u.private(s.convert))
	rt.Handle("GET /pool", u.private(s.pool))
	rt.Handle("POST /pool/{id}/claim", u.private(s.claimCustomer))
	rt.Handle("GET /pool-rules", u.private(s.rules))
	rt.Handle("GET /customers/{id}/lead-panel", u.private(s.leadPanel))
	rt.Handle("POST /pool-rules", u.private(s.saveRule))
}

// leadFormFields are the inputs of the lead forms, named as the domain
// names its fields.
var leadFormFields = []string{"company_name", "contact_name", "mobile", "source", "notes", "uscc", "region_code", "industry_code", "address"}

func (s *leadPages) problem(lang string, err error) formProblem {
	return s.msgs.problem(lang, err, wording{
		own:     func(crm.FieldError) (string, bool) { return "", false },
		input:   func(field string) (string, bool) { return field, slices.Contains(leadFormFields, field) },
		generic: "error.generic", // errors of no field show the domain's words (which rule, whose lead)
	})
}

type leadTabs struct {
	Leads, New, Pool, Rules bool
	Current                 string
}

func leadTabsFor(r *http.Request, current string) leadTabs {
	p, _ := crm.PrincipalFrom(r.Context())
	return leadTabs{Leads: p.Role.Can(crm.ActLeadRead), New: p.Role.Can(crm.ActLeadCreate), Pool: p.Role.Can(crm.ActPoolRead),
		Rules: p.Role.Can(crm.ActPoolManage), Current: current}
}

type option struct {
	Value, Label string
	Selected     bool
}

func sourceOptions(lang, selected string) []option {
	out := make([]option, 0, len(lead.Sources))
	for _, src := range lead.Sources {
		out = append(out, option{Value: src, Label: lead.SourceLabel(src, lang), Selected: src == selected})
	}
	return out
}

type leadRow struct {
	lead.Lead
	StatusLabel string
}

type leadListData struct {
	Tabs           leadTabs
	Rows           []leadRow
	Status, Source string
	Statuses       []option
	Sources        []option
	Total          int64
	Next, Notice   string
}

func (s *leadPages) list(w http.ResponseWriter, r *http.Request) error {
	lang, q := langOf(r), r.URL.Query()
	d := leadListData{Tabs: leadTabsFor(r, "leads"), Status: q.Get("status"), Source: q.Get("source"), Sources: sourceOptions(lang, q.Get("source"))}
	for _, st := range lead.Statuses {
		d.Statuses = append(d.Statuses, option{Value: st, Label: lead.StatusLabel(st, lang), Selected: st == d.Status})
	}
	if !slices.Contains(lead.Statuses, d.Status) {
		d.Status = ""
	}
	if !slices.Contains(lead.Sources, d.Source) {
		d.Source = ""
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	list, total, err := s.ls.List(r.Context(), lead.Filter{Status: d.Status, Source: d.Source, Before: before, Limit: 51}, lang)
	if err != nil {
		return err
	}
	if len(list) > 50 {
		list = list[:50]
		d.Next = "/leads?" + url.Values{"status": {d.Status}, "source": {d.Source}, "before": {strconv.FormatInt(list[49].ID, 10)}}.Encode()
	}
	for _, l := range list {
		d.Rows = append(d.Rows, leadRow{Lead: l, StatusLabel: lead.StatusLabel(l.Status, lang)})
	}
	d.Total = total.N
	if q.Get("notice") == "created" {
		d.Notice = s.msgs.text(lang, "lead.ui.created")
	}
	return s.render(w, r, http.StatusOK, "leads_list", "lead.ui.leads", d)
}

type leadForm struct {
	CompanyName, ContactName, Mobile, Source, Notes string
}

type leadFormData struct {
	Tabs    leadTabs
	Form    leadForm
	Sources []option
	Problem formProblem
}

func (s *leadPages) newLead(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActLeadCreate); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "leads_form", "lead.ui.new", leadFormData{Tabs: leadTabsFor(r, "new"), Sources: sourceOptions(langOf(r), "")})
}

func (s *leadPages) create(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	f := leadForm{CompanyName: v("company_name"), ContactName: v("contact_name"), Mobile: v("mobile"), Source: v("source"), Notes: v("notes")}
	_, err := s.ls.Create(r.Context(), lead.Input{CompanyName: &f.CompanyName, ContactName: &f.ContactName, Mobile: &f.Mobile, Source: &f.Source,
		Notes: &f.Notes}, langOf(r))
	if err != nil {
		if refused(err) {
			return err
		}
		return s.render(w, r, httpx.Status(err), "leads_form", "lead.ui.new", leadFormData{Tabs: leadTabsFor(r, "new"), Form: f,
			Sources: sourceOptions(langOf(r), f.Source), Problem: s.problem(langOf(r), err)})
	}
	http.Redirect(w, r, "/leads?notice=created", http.StatusSeeOther)
	return nil
}

type leadDetailData struct {
	Tabs                 leadTabs
	Lead                 leadRow
	Events               []lead.Event
	CanClaim, CanConvert bool
	Convert              lead.ConvertInput
	Problem              formProblem
	Notice               string
}

func (s *leadPages) showLead(w http.ResponseWriter, r *http.Request, status int, id int64, in lead.ConvertInput, pr formProblem) error {
	lang := langOf(r)
	l, err := s.ls.Get(r.Context(), id, lang)
	if err != nil {
		return err
	}
	evs, err := s.ls.Events(r.Context(), id)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := leadDetailData{Tabs: leadTabsFor(r, ""), Lead: leadRow{Lead: l, StatusLabel: lead.StatusLabel(l.Status, lang)}, Events: evs,
		CanClaim:   p.Role.Can(crm.ActLeadClaim) && l.AssigneeID == 0 && l.Status == lead.StatusNew,
		CanConvert: p.Role.Can(crm.ActLeadConvert) && l.Status != lead.StatusConverted && l.Status != lead.StatusLost && (p.Role != crm.RoleAccountManager || l.AssigneeID == p.UserID),
		Convert:    in, Problem: pr}
	switch r.URL.Query().Get("notice") {
	case "claimed":
		d.Notice = s.msgs.text(lang, "lead.ui.claimed")
	case "converted":
		d.Notice = s.msgs.text(lang, "lead.ui.converted")
	}
	return s.render(w, r, status, "leads_detail", "lead.ui.lead", d)
}

func (s *leadPages) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "lead_err.not_found")
	}
	return s.showLead(w, r, http.StatusOK, id, lead.ConvertInput{}, formProblem{})
}

func (s *leadPages) claim(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "lead_err.not_found")
	}
	if _, err := s.ls.Claim(r.Context(), id, langOf(r)); err != nil {
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
			return err
		}
		return s.showLead(w, r, httpx.Status(err), id, lead.ConvertInput{}, s.problem(langOf(r), err))
	}
	http.Redirect(w, r, "/leads/"+strconv.FormatInt(id, 10)+"?notice=claimed", http.StatusSeeOther)
	return nil
}

func (s *leadPages) convert(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "lead_err.not_found")
	}
	v := r.PostFormValue
	in := lead.ConvertInput{USCC: v("uscc"), RegionCode: v("region_code"), IndustryCode: v("industry_code"), Address: v("address")}
	out, err := s.ls.Convert(r.Context(), id, in, langOf(r))
	if err != nil {
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
			return err
		}
		return s.showLead(w, r, httpx.Status(err), id, in, s.problem(langOf(r), err))
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(out.Customer.ID, 10), http.StatusSeeOther)
	return nil
}

type poolData struct {
	Tabs          leadTabs
	Rows          []pool.Entry
	Upcoming      []pool.Upcoming
	Rules         []pool.Rule
	Total         int64
	UpcomingTotal int64
	CanClaim      bool
	Notice        string
	Problem       formProblem
}

func (s *leadPages) showPool(w http.ResponseWriter, r *http.Request, status int, pr formProblem) error {
	ctx := r.Context()
	list, total, err := s.ps.List(ctx, pool.ListFilter{Limit: 100})
	if err != nil {
		return err
	}
	up, upTotal, err := s.ps.Upcoming(ctx, pool.ListFilter{Limit: 100})
	if err != nil {
		return err
	}
	rules, err := s.ps.Rules(ctx)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(ctx)
	d := poolData{Tabs: leadTabsFor(r, "pool"), Rows: list, Upcoming: up, Rules: rules, Total: total.N, UpcomingTotal: upTotal.N,
		CanClaim: p.Role.Can(crm.ActPoolClaim), Problem: pr}
	if r.URL.Query().Get("notice") == "claimed" {
		d.Notice = s.msgs.text(langOf(r), "lead.ui.pool_claimed")
	}
	return s.render(w, r, status, "pool", "lead.ui.pool", d)
}

func (s *leadPages) pool(w http.ResponseWriter, r *http.Request) error {
	return s.showPool(w, r, http.StatusOK, formProblem{})
}

func (s *leadPages) claimCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "pool_err.not_in_pool")
	}
	if _, err := s.ps.Claim(r.Context(), id); err != nil {
		if refused(err) {
			return err
		}
		return s.showPool(w, r, httpx.Status(err), s.problem(langOf(r), err))
	}
	http.Redirect(w, r, "/pool?notice=claimed", http.StatusSeeOther)
	return nil
}

type poolRulesData struct {
	Tabs    leadTabs
	Rules   []pool.Rule
	Form    poolRuleForm
	Problem formProblem
	Notice  string
}

// poolRuleForm is a rule as typed.
type poolRuleForm struct {
	Tier, Days, NoticeDays, Cap, CooldownDays, Version string
}

func (s *leadPages) showRules(w http.ResponseWriter, r *http.Request, status int, f poolRuleForm, pr formProblem) error {
	if _, err := crm.Authorize(r.Context(), crm.ActPoolManage); err != nil {
		return err
	}
	rules, err := s.ps.Rules(r.Context())
	if err != nil {
		return err
	}
	d := poolRulesData{Tabs: leadTabsFor(r, "rules"), Rules: rules, Form: f, Problem: pr}
	if r.URL.Query().Get("notice") == "saved" {
		d.Notice = s.msgs.text(langOf(r), "lead.ui.rule_saved")
	}
	return s.render(w, r, status, "pool_rules", "lead.ui.rules", d)
}

// rules shows the rules and the form, filled with the rule of ?tier= (to
// change it at its version) or empty for a new one.
func (s *leadPages) rules(w http.ResponseWriter, r *http.Request) error {
	f := poolRuleForm{Tier: pool.DefaultTier}
	if t := r.URL.Query().Get("tier"); t != "" {
		f.Tier = t
		if rules, err := s.ps.Rules(r.Context()); err == nil {
			for _, x := range rules {
				if x.Tier == t {
					f = poolRuleForm{Tier: t, Days: strconv.Itoa(x.Days), NoticeDays: strconv.Itoa(x.NoticeDays), Cap: strconv.Itoa(x.Cap),
						CooldownDays: strconv.Itoa(x.CooldownDays), Version: strconv.Itoa(x.Version)}
				}
			}
		}
	}
	return s.showRules(w, r, http.StatusOK, f, formProblem{})
}

// poolRulesOnly reports whether role r keeps the pool's rules without
// working the pool (the administrator): its menu leads to the rules.
func poolRulesOnly(r crm.Role) bool { return !r.Can(crm.ActPoolRead) }

// saveRule sets one tier's rule; a number that is none is named as its field.
func (s *leadPages) saveRule(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	f := poolRuleForm{Tier: v("tier"), Days: v("days"), NoticeDays: v("notice_days"), Cap: v("cap"), CooldownDays: v("cooldown_days"), Version: v("version")}
	var bad []crm.FieldError
	num := func(field, text string) int {
		n, err := strconv.Atoi(text)
		if err != nil && text != "" {
			bad = append(bad, crm.Bad(field, "format", "pool_err.range", 0, pool.MaxDays))
		}
		return n
	}
	in := pool.Rule{Days: num("days", f.Days), NoticeDays: num("notice_days", f.NoticeDays), Cap: num("cap", f.Cap),
		CooldownDays: num("cooldown_days", f.CooldownDays), Version: num("version", f.Version)}
	var err error
	if len(bad) > 0 {
		err = crm.Invalid(bad...)
	} else {
		_, err = s.ps.PutRule(r.Context(), f.Tier, in)
	}
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showRules(w, r, httpx.Status(err), f, s.msgs.problem(langOf(r), err, wording{
			own:     func(crm.FieldError) (string, bool) { return "", false },
			input:   func(field string) (string, bool) { return field, slices.Contains(ruleFormFields, field) },
			generic: "error.generic",
		}))
	}
	http.Redirect(w, r, "/pool-rules?notice=saved", http.StatusSeeOther)
	return nil
}

var ruleFormFields = []string{"tier", "days", "notice_days", "cap", "cooldown_days"}

// leadPanel is the customer page's section naming the lead the customer
// was converted from (empty when none the caller may see).
func (s *leadPages) leadPanel(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	lang := langOf(r)
	var rows []leadRow
	if id > 0 {
		list, _, err := s.ls.List(r.Context(), lead.Filter{CustomerID: id, Limit: 10}, lang)
		if err != nil {
			return err
		}
		for _, l := range list {
			rows = append(rows, leadRow{Lead: l, StatusLabel: lead.StatusLabel(l.Status, lang)})
		}
	}
	p, _ := crm.PrincipalFrom(r.Context())
	v := &view{Lang: lang, Path: r.URL.Path, Version: s.version, Data: rows, msgs: s.msgs, loc: s.loc, role: p.Role}
	var buf bytes.Buffer
	if err := s.pages["lead_panel"].ExecuteTemplate(&buf, "lead_panel", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
	return nil
}
