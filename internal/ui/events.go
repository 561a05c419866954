package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/event"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
	qrcode "github.com/skip2/go-qrcode"
)

// eventPages serve customer events (客户活动): the list with its form, an
// event with its invitation list, the phone-sized check-in page and the
// public RSVP page. The domain decides roles and rows.
type eventPages struct {
	*UI
	es *event.Service
}

// registerEvents adds this module's pages.
func (u *UI) registerEvents(rt *httpx.Router) {
	s := &eventPages{UI: u, es: u.svc.Events}
	rt.Handle("GET /events", u.private(s.list))
	rt.Handle("POST /events", u.private(s.create))
	rt.Handle("GET /events/{id}", u.private(s.detail))
	rt.Handle("POST /events/{id}/invitations", u.private(s.invite))
	rt.Handle("POST /events/{id}/invitations/{inv}/remove", u.private(s.uninvite))
	rt.Handle("GET /events/{id}/check-in", u.private(s.checkInPage))
	rt.Handle("POST /events/{id}/check-in", u.private(s.checkIn))
	rt.Handle("GET /rsvp/{token}", u.public(s.rsvp))
	rt.Handle("POST /rsvp/{token}", u.public(s.respond))
	rt.Handle("POST /rsvp/{token}/feedback", u.public(s.feedback))
	rt.Handle("GET /rsvp/{token}/qr.png", u.public(s.qr))
}

// errText is err as one line in lang: the message and each field's.
func errText(lang string, err error) string {
	var e *crm.Error
	if !errors.As(err, &e) {
		return msg.Text(lang, "crm.internal")
	}
	m, fs := e.In(lang)
	for _, f := range fs {
		if !strings.Contains(m, f.Message) { // a single field's error is the message already
			m += " · " + f.Field + ": " + f.Message
		}
	}
	return m
}

// gatheringRow is an event as the pages show it.
type gatheringRow struct {
	event.Event
	KindLabel, Starts, Cutoff string
	RatingMean                string // "4.50"
}

func (s *eventPages) row(lang string, ev event.Event) gatheringRow {
	return gatheringRow{Event: ev, KindLabel: s.msgs.text(lang, "event.kind."+ev.Kind), Starts: ev.StartsAt.In(s.loc).Format("2006-01-02 15:04"),
		Cutoff: ev.RSVPCutoff.In(s.loc).Format("2006-01-02 15:04"), RatingMean: fmt.Sprintf("%d.%02d", ev.Rating/100, ev.Rating%100)}
}

type eventListData struct {
	Rows        []gatheringRow
	Kinds       []evOption
	CanManage   bool
	Form        event.Input
	Error, Next string
	Total       int64
}

// evOption is one choice of a select.
type evOption struct {
	Value, Label string
	Selected     bool
}

func (s *eventPages) kinds(lang, current string) []evOption {
	var out []evOption
	for _, k := range event.Kinds {
		out = append(out, evOption{Value: k, Label: s.msgs.text(lang, "event.kind."+k), Selected: k == current})
	}
	return out
}

func (s *eventPages) showList(w http.ResponseWriter, r *http.Request, status int, form event.Input, problem string) error {
	lang := langOf(r)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, total, err := s.es.Events(r.Context(), event.Filter{BeforeID: before, Limit: 51})
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := eventListData{Kinds: s.kinds(lang, form.Kind), CanManage: p.Role.Can(crm.ActEventManage), Form: form, Error: problem, Total: total.N}
	if len(list) > 50 {
		list = list[:50]
		d.Next = "/events?before=" + strconv.FormatInt(list[49].ID, 10)
	}
	for _, ev := range list {
		d.Rows = append(d.Rows, s.row(lang, ev))
	}
	return s.render(w, at(r, "/events"), status, "events", "event.ui.title", d)
}

func (s *eventPages) list(w http.ResponseWriter, r *http.Request) error {
	return s.showList(w, r, http.StatusOK, event.Input{Kind: event.KindSymposium}, "")
}

func (s *eventPages) create(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	capacity, _ := strconv.Atoi(strings.TrimSpace(v("capacity")))
	in := event.Input{Kind: v("kind"), Title: v("title"), StartsAt: v("starts_at"), Place: v("place"), Capacity: capacity, Budget: v("budget"),
		Agenda: v("agenda"), RSVPCutoff: v("rsvp_cutoff_at")}
	ev, err := s.es.Create(r.Context(), in)
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showList(w, r, http.StatusUnprocessableEntity, in, errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d", ev.ID), http.StatusSeeOther)
	return nil
}

type eventDetailData struct {
	Event       gatheringRow
	Invitations []invitationRow
	CanManage   bool
	Notice      string
	Error       string
	Q           string
}

// invitationRow is an invitation with its RSVP link and labels.
type invitationRow struct {
	event.Invitation
	StatusLabel, DeliveryLabel, Link string
}

func (s *eventPages) invitationRows(lang string, invs []event.Invitation) []invitationRow {
	out := make([]invitationRow, 0, len(invs))
	for _, inv := range invs {
		delivery := s.msgs.text(lang, "event.delivery."+inv.Delivery)
		if inv.Reason != "" {
			delivery += " (" + s.msgs.text(lang, "event.reason."+inv.Reason) + ")"
		}
		out = append(out, invitationRow{Invitation: inv, StatusLabel: s.msgs.text(lang, "event.status."+inv.Status),
			DeliveryLabel: delivery, Link: "/rsvp/" + inv.Token})
	}
	return out
}

func (s *eventPages) showDetail(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	lang := langOf(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ev, err := s.es.Event(r.Context(), id)
	if err != nil {
		return err
	}
	invs, _, err := s.es.Invitations(r.Context(), event.InvitationFilter{EventID: id, Limit: 500})
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := eventDetailData{Event: s.row(lang, ev), Invitations: s.invitationRows(lang, invs), CanManage: p.Role.Can(crm.ActEventManage),
		Notice: notice, Error: problem}
	return s.render(w, at(r, fmt.Sprintf("/events/%d", id)), status, "events_detail", "event.ui.event", d)
}

func (s *eventPages) detail(w http.ResponseWriter, r *http.Request) error {
	notice := ""
	if n := r.URL.Query().Get("added"); n != "" {
		notice = s.msgs.text(langOf(r), "event.ui.added", n)
	}
	return s.showDetail(w, r, http.StatusOK, notice, "")
}

// ids reads a list of IDs written with commas, spaces or new lines.
func ids(s string) ([]int64, bool) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 1 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func (s *eventPages) invite(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v := r.PostFormValue
	owner, _ := strconv.ParseInt(strings.TrimSpace(v("owner_id")), 10, 64)
	seg := event.Segment{Tier: strings.TrimSpace(v("tier")), Region: strings.TrimSpace(v("region")), Industry: strings.TrimSpace(v("industry")),
		Tag: strings.TrimSpace(v("tag")), OwnerID: owner}
	contacts, ok := ids(v("contact_ids"))
	if !ok {
		return s.showDetail(w, r, http.StatusUnprocessableEntity, "", s.msgs.text(langOf(r), "event.ui.contact_ids_format"))
	}
	res, err := s.es.Invite(r.Context(), id, event.InviteInput{Segment: &seg, PrimaryOnly: v("primary_only") == "true", ContactIDs: contacts,
		Link: "/rsvp/{token}"})
	if err != nil {
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound && len(contacts) == 0 {
			return err
		}
		return s.showDetail(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d?added=%d", id, res.Added), http.StatusSeeOther)
	return nil
}

// httpStatus is the status of a page that shows err in its form.
func httpStatus(err error) int {
	switch crm.ErrorCode(err) {
	case crm.EConflict, crm.EVersionConflict:
		return http.StatusConflict
	case crm.ENotFound:
		return http.StatusNotFound
	}
	return http.StatusUnprocessableEntity
}

func (s *eventPages) uninvite(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	inv, _ := strconv.ParseInt(r.PathValue("inv"), 10, 64)
	if err := s.es.Uninvite(r.Context(), id, inv); err != nil {
		if refused(err) {
			return err
		}
		return s.showDetail(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d", id), http.StatusSeeOther)
	return nil
}

type checkInData struct {
	Event   gatheringRow
	Matches []invitationRow
	Q       string
	Notice  string
	Error   string
}

func (s *eventPages) showCheckIn(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	lang := langOf(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, err := crm.Authorize(r.Context(), crm.ActEventCheckIn); err != nil {
		return err
	}
	ev, err := s.es.Event(r.Context(), id)
	if err != nil {
		return err
	}
	d := checkInData{Event: s.row(lang, ev), Q: strings.TrimSpace(r.URL.Query().Get("q")), Notice: notice, Error: problem}
	if d.Q != "" {
		invs, _, err := s.es.Invitations(r.Context(), event.InvitationFilter{EventID: id, Q: d.Q, Door: true, Limit: 20})
		if err != nil {
			return err
		}
		d.Matches = s.invitationRows(lang, invs)
	}
	return s.render(w, at(r, fmt.Sprintf("/events/%d/check-in", id)), status, "events_checkin", "event.ui.checkin", d)
}

func (s *eventPages) checkInPage(w http.ResponseWriter, r *http.Request) error {
	notice := ""
	if n := r.URL.Query().Get("in"); n != "" {
		notice = s.msgs.text(langOf(r), "event.ui.checked_in", n)
	}
	return s.showCheckIn(w, r, http.StatusOK, notice, "")
}

func (s *eventPages) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	invID, _ := strconv.ParseInt(r.PostFormValue("invitation_id"), 10, 64)
	inv, err := s.es.CheckIn(r.Context(), id, event.CheckInInput{Token: r.PostFormValue("token"), InvitationID: invID})
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showCheckIn(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d/check-in?in=%s", id, url.QueryEscape(inv.Name)), http.StatusSeeOther)
	return nil
}

type rsvpData struct {
	event.RSVP
	KindLabel, Starts, Cutoff, StatusLabel string
	Notice, Error                          string
}

func (s *eventPages) showRSVP(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	lang := langOf(r)
	v, err := s.es.RSVPByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	d := rsvpData{RSVP: v, KindLabel: s.msgs.text(lang, "event.kind."+v.Kind), Starts: v.StartsAt.In(s.loc).Format("2006-01-02 15:04"),
		Cutoff: v.RSVPCutoff.In(s.loc).Format("2006-01-02 15:04"), StatusLabel: s.msgs.text(lang, "event.status."+v.Status), Notice: notice, Error: problem}
	return s.render(w, at(r, "/rsvp/"+v.Token), status, "events_rsvp", "event.ui.rsvp", d)
}

func (s *eventPages) rsvp(w http.ResponseWriter, r *http.Request) error {
	return s.showRSVP(w, r, http.StatusOK, "", "")
}

func (s *eventPages) respond(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.es.Respond(r.Context(), r.PathValue("token"), r.PostFormValue("response")); err != nil {
		if crm.ErrorCode(err) == crm.ENotFound || crm.ErrorCode(err) == crm.EInternal {
			return err
		}
		return s.showRSVP(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	return s.showRSVP(w, r, http.StatusOK, s.msgs.text(langOf(r), "event.ui.rsvp_saved"), "")
}

func (s *eventPages) feedback(w http.ResponseWriter, r *http.Request) error {
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	if _, err := s.es.Feedback(r.Context(), r.PathValue("token"), rating, r.PostFormValue("comment")); err != nil {
		if crm.ErrorCode(err) == crm.ENotFound || crm.ErrorCode(err) == crm.EInternal {
			return err
		}
		return s.showRSVP(w, r, httpStatus(err), "", errText(langOf(r), err))
	}
	return s.showRSVP(w, r, http.StatusOK, s.msgs.text(langOf(r), "event.ui.feedback_saved"), "")
}

// qr is the QR code of an RSVP pass, for the door's scanner: the token
// itself, so that typing it and scanning it check in alike.
func (s *eventPages) qr(w http.ResponseWriter, r *http.Request) error {
	v, err := s.es.RSVPByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(v.Token, qrcode.Medium, 240)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
	return nil
}
