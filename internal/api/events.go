package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/event"
	"github.com/kehucrm/kehu/internal/httpx"
)

// eventsAPI serves customer events (客户活动), their invitation lists,
// check-in, and the public RSVP.
type eventsAPI struct {
	es *event.Service
}

// registerEvents adds this module's routes; see Register.
func (a *API) registerEvents(rt *httpx.Router) {
	s := &eventsAPI{es: a.events}
	rt.HandleFunc("GET /api/v1/events", s.list, httpx.List(), httpx.Requires(crm.ActEventRead))
	rt.HandleFunc("POST /api/v1/events", s.create, httpx.Requires(crm.ActEventManage))
	rt.HandleFunc("GET /api/v1/events/{id}", s.get, httpx.Requires(crm.ActEventRead))
	rt.HandleFunc("GET /api/v1/events/{id}/invitations", s.invitations, httpx.List(httpx.Text("q")), httpx.Requires(crm.ActEventRead))
	rt.HandleFunc("POST /api/v1/events/{id}/invitations", s.invite, httpx.Requires(crm.ActEventManage))
	rt.HandleFunc("DELETE /api/v1/events/{id}/invitations/{invitation}", s.uninvite, httpx.Requires(crm.ActEventManage))
	rt.HandleFunc("POST /api/v1/events/{id}/check-ins", s.checkIn, httpx.Requires(crm.ActEventCheckIn))
	rt.HandleFunc("GET /api/v1/public/rsvp/{token}", s.rsvp, httpx.Public())
	rt.HandleFunc("POST /api/v1/public/rsvp/{token}", s.respond, httpx.Public())
	rt.HandleFunc("POST /api/v1/public/rsvp/{token}/feedback", s.feedback, httpx.Public())
}

// eventInput is the body of a new event: budget a yuan string.
type eventInput struct {
	Kind       string     `json:"kind"`
	Title      string     `json:"title"`
	StartsAt   string     `json:"starts_at"`
	Place      string     `json:"place"`
	Capacity   int        `json:"capacity"`
	Budget     numberText `json:"budget"`
	Agenda     string     `json:"agenda"`
	RSVPCutoff string     `json:"rsvp_cutoff_at"`
}

func (s *eventsAPI) list(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, total, err := s.es.Events(r.Context(), event.Filter{BeforeID: before, Limit: p.Limit + 1})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x event.Event) any { return x.ID }).Of(total))
	return nil
}

func (s *eventsAPI) create(w http.ResponseWriter, r *http.Request) error {
	var in eventInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	ev, err := s.es.Create(r.Context(), event.Input{Kind: in.Kind, Title: in.Title, StartsAt: in.StartsAt, Place: in.Place,
		Capacity: in.Capacity, Budget: string(in.Budget), Agenda: in.Agenda, RSVPCutoff: in.RSVPCutoff})
	if err != nil {
		return err
	}
	setETag(w, ev.Version)
	httpx.WriteCreated(w, "/api/v1/events/"+strconv.FormatInt(ev.ID, 10), ev)
	return nil
}

func (s *eventsAPI) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ev, err := s.es.Event(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, ev.Version)
	httpx.WriteJSON(w, http.StatusOK, ev)
	return nil
}

func (s *eventsAPI) invitations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, total, err := s.es.Invitations(r.Context(), event.InvitationFilter{EventID: id, Q: r.URL.Query().Get("q"), AfterID: after, Limit: p.Limit + 1})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x event.Invitation) any { return x.ID }).Of(total))
	return nil
}

// inviteInput adds to an invitation list: a segment's customers' contacts
// (primary_only: each customer's primary contact) and contacts by hand.
type inviteInput struct {
	Segment     *event.Segment `json:"segment"`
	PrimaryOnly bool           `json:"primary_only"`
	ContactIDs  []int64        `json:"contact_ids"`
}

// RSVPLink is the public RSVP page's address in an invitation's mail;
// the outbox puts Kehu's public address in front.
const RSVPLink = complaint.PublicURLPlaceholder + "/rsvp/{token}"

func (s *eventsAPI) invite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in inviteInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.es.Invite(r.Context(), id, event.InviteInput{Segment: in.Segment, PrimaryOnly: in.PrimaryOnly, ContactIDs: in.ContactIDs,
		Link: RSVPLink})
	if err != nil {
		return err
	}
	// 200: a list grows by many rows, not one resource a Location could name.
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (s *eventsAPI) uninvite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	inv, err := strconv.ParseInt(r.PathValue("invitation"), 10, 64)
	if err != nil || inv < 1 {
		return crm.Invalid(crm.Bad("invitation", "format", "api.id.format"))
	}
	if err := s.es.Uninvite(r.Context(), id, inv); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkInInput names the guest: the RSVP token (typed or scanned) or
// the invitation found by name.
type checkInInput struct {
	Token        string `json:"token"`
	InvitationID int64  `json:"invitation_id"`
}

func (s *eventsAPI) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in checkInInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	inv, err := s.es.CheckIn(r.Context(), id, event.CheckInInput{Token: in.Token, InvitationID: in.InvitationID})
	if err != nil {
		return err
	}
	inv.Token = ""
	httpx.WriteJSON(w, http.StatusOK, inv)
	return nil
}

func (s *eventsAPI) rsvp(w http.ResponseWriter, r *http.Request) error {
	v, err := s.es.RSVPByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// respondInput is the guest's answer: accept or decline.
type respondInput struct {
	Response string `json:"response"`
}

func (s *eventsAPI) respond(w http.ResponseWriter, r *http.Request) error {
	var in respondInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	v, err := s.es.Respond(r.Context(), r.PathValue("token"), in.Response)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// feedbackInput is the short survey after the event.
type feedbackInput struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

func (s *eventsAPI) feedback(w http.ResponseWriter, r *http.Request) error {
	var in feedbackInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	v, err := s.es.Feedback(r.Context(), r.PathValue("token"), in.Rating, in.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}
