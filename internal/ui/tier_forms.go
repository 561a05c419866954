package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerTierForms adds the tier forms: the service standards' editor
// and the customer page's override and watch-flag actions.
func (t *tierPages) registerTierForms(rt *httpx.Router) {
	rt.Handle("GET /tiers/standards/{scheme}/edit", t.private(t.standardsForm))
	rt.Handle("POST /tiers/standards/{scheme}/edit", t.private(t.saveStandards))
	rt.Handle("POST /customers/{id}/tier-override", t.private(t.override))
	rt.Handle("POST /customers/{id}/tier-override/{scheme}/clear", t.private(t.clearOverride))
	rt.Handle("POST /customers/{id}/watch-flag", t.private(t.setFlag))
	rt.Handle("POST /customers/{id}/watch-flag/clear", t.private(t.clearFlag))
}

// standardForm is one level's row of the standards' editor, as typed.
type standardForm struct {
	Level, Name                                          string
	Dedicated, OneToOne                                  bool
	VisitEvery, Visit, Phone, Message, Reply, SolutionIn string
}

type standardsFormData struct {
	Scheme tier.Scheme
	Name   string
	Rows   []standardForm
	Errors []string
}

func (t *tierPages) schemeOfPath(r *http.Request) (tier.Scheme, error) {
	id, err := strconv.ParseInt(r.PathValue("scheme"), 10, 64)
	if err != nil || id < 1 {
		return tier.Scheme{}, crm.Fail(crm.ENotFound, "tier_err.no_such_scheme", r.PathValue("scheme"))
	}
	return t.ts.Scheme(r.Context(), id)
}

// standardsForm is the editor of a scheme's service standards, one row
// per level (tier.manage).
func (t *tierPages) standardsForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActTierManage); err != nil {
		return err
	}
	s, err := t.schemeOfPath(r)
	if err != nil {
		return err
	}
	ss, err := t.ts.Standards(r.Context(), s.ID)
	if err != nil {
		return err
	}
	by := map[string]tier.Standard{}
	for _, x := range ss {
		by[x.Level] = x
	}
	lang := langOf(r)
	d := standardsFormData{Scheme: s, Name: schemeName(lang, s)}
	for _, l := range s.Levels {
		x, ok := by[l.Code]
		if !ok {
			x = tier.Standard{ChannelPhone: 100}
		}
		itoa := strconv.Itoa
		d.Rows = append(d.Rows, standardForm{Level: l.Code, Name: levelName(lang, s, l.Code), Dedicated: x.DedicatedManager, OneToOne: x.OneToOne,
			VisitEvery: itoa(x.VisitEveryDays), Visit: itoa(x.ChannelVisit), Phone: itoa(x.ChannelPhone), Message: itoa(x.ChannelMessage),
			Reply: itoa(x.ReplyHours), SolutionIn: itoa(x.SolutionDays)})
	}
	return t.render(w, r, http.StatusOK, "tier_standards_edit", "tier.ui.standards_edit", d)
}

// saveStandards replaces the scheme's standards with the form's; a field
// that is not a whole number, or a refused standard, shows the form
// again with what is wrong, and nothing is saved.
func (t *tierPages) saveStandards(w http.ResponseWriter, r *http.Request) error {
	s, err := t.schemeOfPath(r)
	if err != nil {
		return err
	}
	lang := langOf(r)
	d := standardsFormData{Scheme: s, Name: schemeName(lang, s)}
	var ss []tier.Standard
	for i, l := range s.Levels {
		v := func(n string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("l.%d.%s", i, n))) }
		f := standardForm{Level: l.Code, Name: levelName(lang, s, l.Code), Dedicated: v("dedicated") != "", OneToOne: v("one_to_one") != "",
			VisitEvery: v("visit_every"), Visit: v("visit"), Phone: v("phone"), Message: v("message"), Reply: v("reply"), SolutionIn: v("solution")}
		d.Rows = append(d.Rows, f)
		num := func(field, s string) int {
			n, err := strconv.Atoi(s)
			if err != nil {
				d.Errors = append(d.Errors, fmt.Sprintf("standards[%d].%s: %s", i, field, t.msgs.text(lang, "tier.ui.not_a_number")))
			}
			return n
		}
		ss = append(ss, tier.Standard{Level: l.Code, DedicatedManager: f.Dedicated, OneToOne: f.OneToOne,
			VisitEveryDays: num("visit_every_working_days", f.VisitEvery), ChannelVisit: num("channel_visit_pct", f.Visit),
			ChannelPhone: num("channel_phone_pct", f.Phone), ChannelMessage: num("channel_message_pct", f.Message),
			ReplyHours: num("complaint_reply_hours", f.Reply), SolutionDays: num("complaint_solution_days", f.SolutionIn)})
	}
	if len(d.Errors) == 0 {
		if _, err = t.ts.PutStandards(r.Context(), s.ID, ss); err == nil {
			http.Redirect(w, r, "/tiers/standards?notice=saved", http.StatusSeeOther)
			return nil
		}
		if refused(err) {
			return err
		}
		d.Errors = errorLines(lang, err)
	}
	return t.render(w, r, http.StatusUnprocessableEntity, "tier_standards_edit", "tier.ui.standards_edit", d)
}

// panelForm is what the panel's forms were sent with, kept when refused.
type panelForm struct {
	SchemeLevel, Reason, Until, FlagReason string
}

// panelPage renders the tier panel as a page of its own with what the
// form that was refused says is wrong.
func (t *tierPages) panelPage(w http.ResponseWriter, r *http.Request, id int64, form panelForm, err error) error {
	if refused(err) {
		return err
	}
	d, derr := t.panelData(r, id)
	if derr != nil {
		return derr
	}
	d.Form, d.Errors = form, errorLines(langOf(r), err)
	return t.render(w, r, httpx.Status(err), "tier_panel", "tier.ui.customer_tiers", d)
}

func customerPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Fail(crm.ENotFound, "tier_err.no_such_customer", r.PathValue("id"))
	}
	return id, nil
}

func backToCustomer(w http.ResponseWriter, r *http.Request, id int64, notice string) {
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=%s#customer-tiers", id, notice), http.StatusSeeOther)
}

// override sets the customer's level in a scheme by hand (scheme_level
// is <scheme id>:<level>), with a reason and the last day it holds.
func (t *tierPages) override(w http.ResponseWriter, r *http.Request) error {
	id, err := customerPathID(r)
	if err != nil {
		return err
	}
	f := panelForm{SchemeLevel: r.PostFormValue("scheme_level"), Reason: r.PostFormValue("reason"), Until: r.PostFormValue("until")}
	ref, level, _ := strings.Cut(f.SchemeLevel, ":")
	scheme, perr := strconv.ParseInt(ref, 10, 64)
	if perr != nil || scheme < 1 {
		return t.panelPage(w, r, id, f, crm.Invalid(crm.Bad("level", "required", "tier.ui.pick_level")))
	}
	if _, err := t.ts.Override(r.Context(), id, scheme, tier.OverrideInput{Level: level, Reason: f.Reason, Until: f.Until}); err != nil {
		return t.panelPage(w, r, id, f, err)
	}
	backToCustomer(w, r, id, "tier_overridden")
	return nil
}

func (t *tierPages) clearOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := customerPathID(r)
	if err != nil {
		return err
	}
	scheme, err := strconv.ParseInt(r.PathValue("scheme"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "tier_err.no_such_scheme", r.PathValue("scheme"))
	}
	if _, err := t.ts.ClearOverride(r.Context(), id, scheme); err != nil {
		return t.panelPage(w, r, id, panelForm{}, err)
	}
	backToCustomer(w, r, id, "tier_override_cleared")
	return nil
}

// setFlag puts the customer on watch (重点关注) with a reason.
func (t *tierPages) setFlag(w http.ResponseWriter, r *http.Request) error {
	id, err := customerPathID(r)
	if err != nil {
		return err
	}
	f := panelForm{FlagReason: r.PostFormValue("reason")}
	if _, err := t.ts.SetFlag(r.Context(), id, f.FlagReason); err != nil {
		return t.panelPage(w, r, id, f, err)
	}
	backToCustomer(w, r, id, "tier_flagged")
	return nil
}

func (t *tierPages) clearFlag(w http.ResponseWriter, r *http.Request) error {
	id, err := customerPathID(r)
	if err != nil {
		return err
	}
	if err := t.ts.ClearFlag(r.Context(), id); err != nil {
		return t.panelPage(w, r, id, panelForm{}, err)
	}
	backToCustomer(w, r, id, "tier_unflagged")
	return nil
}
