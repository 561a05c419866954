package event

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
func validToken(s string) bool {
	return len(s) == 32 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") == ""
}

// RSVP is what the public RSVP page shows: the event and the answer so
// far, and what may still be done.
type RSVP struct {
	Token      string     `json:"token"`
	Name       string     `json:"name"`
	Company    string     `json:"customer_name"`
	Status     string     `json:"status"`
	Kind       string     `json:"kind"`
	Title      string     `json:"title"`
	StartsAt   time.Time  `json:"starts_at"`
	Place      string     `json:"place"`
	Agenda     string     `json:"agenda"`
	RSVPCutoff time.Time  `json:"rsvp_cutoff_at"`
	CanChange  bool       `json:"can_change"`
	Full       bool       `json:"full"`
	CheckedIn  bool       `json:"checked_in"`
	CanRate    bool       `json:"can_give_feedback"`
	Rating     int        `json:"rating,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	FeedbackAt *time.Time `json:"feedback_at,omitempty"`
}

// byToken reads an invitation and its event by RSVP token; a malformed
// or unknown token is not found.
func (es *Service) byToken(ctx context.Context, token string) (Invitation, Event, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if !validToken(token) {
		return Invitation{}, Event{}, crm.Fail(crm.ENotFound, "event.rsvp.no_such_token")
	}
	inv, err := es.store.InvitationByToken(ctx, token)
	if crm.ErrorCode(err) == crm.ENotFound {
		return inv, Event{}, crm.Fail(crm.ENotFound, "event.rsvp.no_such_token")
	} else if err != nil {
		return inv, Event{}, err
	}
	ev, err := es.store.Event(ctx, inv.EventID)
	return inv, ev, err
}

func (es *Service) rsvp(inv Invitation, ev Event) RSVP {
	now := es.now()
	return RSVP{Token: inv.Token, Name: inv.Name, Company: inv.CustomerName, Status: inv.Status, Kind: ev.Kind, Title: ev.Title,
		StartsAt: ev.StartsAt, Place: ev.Place, Agenda: ev.Agenda, RSVPCutoff: ev.RSVPCutoff, CanChange: now.Before(ev.RSVPCutoff),
		Full: ev.Capacity > 0 && ev.Accepted >= ev.Capacity && inv.Status != StatusAccepted, CheckedIn: inv.CheckedInAt != nil,
		CanRate: !now.Before(ev.StartsAt) && inv.FeedbackAt == nil && (inv.CheckedInAt != nil || inv.Status == StatusAccepted),
		Rating:  inv.Rating, Comment: inv.Comment, FeedbackAt: inv.FeedbackAt}
}

// RSVPByToken reads the public RSVP page of a token; no sign-in.
func (es *Service) RSVPByToken(ctx context.Context, token string) (RSVP, error) {
	inv, ev, err := es.byToken(ctx, token)
	if err != nil {
		return RSVP{}, err
	}
	return es.rsvp(inv, ev), nil
}

// Respond answers an invitation: accept or decline. An acceptance counts
// once (accepting again changes nothing); the answer may change until the
// cut-off; an acceptance when the event is full is refused. Every change
// is audited.
func (es *Service) Respond(ctx context.Context, token, response string) (RSVP, error) {
	inv, ev, err := es.byToken(ctx, token)
	if err != nil {
		return RSVP{}, err
	}
	var to string
	switch strings.TrimSpace(response) {
	case "accept", StatusAccepted:
		to = StatusAccepted
	case "decline", StatusDeclined:
		to = StatusDeclined
	default:
		return RSVP{}, crm.Invalid(crm.Bad("response", "unknown", "event.one_of", "accept, decline"))
	}
	if inv.Status == to {
		return es.rsvp(inv, ev), nil // accepts (and declines) once
	}
	now := es.now().UTC()
	if !now.Before(ev.RSVPCutoff) {
		return RSVP{}, crm.FailField(crm.EConflict, "response", "closed", "event.rsvp.closed",
			ev.RSVPCutoff.In(crm.Shanghai).Format("2006-01-02 15:04"))
	}
	if inv.CheckedInAt != nil {
		return RSVP{}, crm.FailField(crm.EConflict, "response", "attended", "event.invitation.attended")
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "event_invitation", itoa64(inv.ID), map[string]any{"event_id": ev.ID,
		"rsvp": to, "from": inv.Status, "via": "rsvp_page"})
	full, err := es.store.Respond(ctx, inv.ID, inv.Status, to, ev.Capacity, now, &e)
	if err != nil {
		return RSVP{}, err
	}
	if full {
		return RSVP{}, crm.FailField(crm.EConflict, "response", "full", "event.rsvp.full", ev.Capacity)
	}
	return es.RSVPByToken(ctx, inv.Token)
}

// Feedback records the short survey after the event (rating 1–5 and a
// comment), once, through the RSVP token.
func (es *Service) Feedback(ctx context.Context, token string, rating int, comment string) (RSVP, error) {
	inv, ev, err := es.byToken(ctx, token)
	if err != nil {
		return RSVP{}, err
	}
	now := es.now().UTC()
	comment = strings.TrimSpace(comment)
	var fs []crm.FieldError
	if rating < 1 || rating > 5 {
		fs = append(fs, crm.Bad("rating", "range", "event.feedback.rating"))
	}
	if utf8.RuneCountInString(comment) > 1000 {
		fs = append(fs, crm.Bad("comment", "length", "event.text.max_length", 1000))
	}
	if len(fs) > 0 {
		return RSVP{}, crm.Invalid(fs...)
	}
	if now.Before(ev.StartsAt) {
		return RSVP{}, crm.FailField(crm.EConflict, "rating", "early", "event.feedback.early")
	}
	if inv.FeedbackAt != nil {
		return RSVP{}, crm.FailField(crm.EConflict, "rating", "given", "event.feedback.given")
	}
	if inv.CheckedInAt == nil && inv.Status != StatusAccepted {
		return RSVP{}, crm.FailField(crm.EConflict, "rating", "absent", "event.feedback.absent")
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "event_invitation", itoa64(inv.ID), map[string]any{"event_id": ev.ID, "feedback": rating})
	if err := es.store.Feedback(ctx, inv.ID, rating, comment, now, &e); err != nil {
		return RSVP{}, err
	}
	return es.RSVPByToken(ctx, inv.Token)
}

// CheckInInput names who arrives: by RSVP token (typed or scanned) or
// by invitation ID (found by name search).
type CheckInInput struct {
	Token        string
	InvitationID int64
}

// CheckInOpens is when the door opens for check-in: the start of the
// event's day in China time, less early.
func CheckInOpens(ev Event, early time.Duration) time.Time {
	t := ev.StartsAt.In(crm.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, crm.Shanghai).Add(-early)
}

// walkInRoom reports whether a guest who has not accepted (declined, or
// never answered) may come in as a walk-in: the event has no capacity,
// or neither the acceptances nor the attendance have reached it.
func walkInRoom(ev Event) bool {
	return ev.Capacity == 0 || ev.Accepted < ev.Capacity && ev.Attended < ev.Capacity
}

// CheckIn marks a guest attended at the door, once, from the event's day
// on; the attendance goes on the customer's timeline at the event's
// time. A guest who declined or never answered comes in as a walk-in
// only while the event has room.
func (es *Service) CheckIn(ctx context.Context, eventID int64, in CheckInInput) (Invitation, error) {
	p, err := crm.Authorize(ctx, crm.ActEventCheckIn)
	if err != nil {
		return Invitation{}, err
	}
	ev, err := es.store.Event(ctx, eventID)
	if err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	switch {
	case strings.TrimSpace(in.Token) != "":
		inv, _, err = es.byToken(ctx, in.Token)
		if crm.ErrorCode(err) == crm.ENotFound {
			return Invitation{}, crm.FailField(crm.ENotFound, "token", "unknown", "event.rsvp.no_such_token")
		}
	case in.InvitationID > 0:
		inv, err = es.store.Invitation(ctx, in.InvitationID)
	default:
		return Invitation{}, crm.Invalid(crm.Bad("token", "required", "event.checkin.required"))
	}
	if err != nil {
		return Invitation{}, err
	}
	if inv.EventID != ev.ID {
		return Invitation{}, crm.FailField(crm.ENotFound, "token", "other_event", "event.checkin.other_event")
	}
	if inv.CheckedInAt != nil {
		return inv, crm.FailField(crm.EConflict, "token", "already", "event.checkin.already",
			inv.CheckedInAt.In(crm.Shanghai).Format("15:04"))
	}
	now := es.now().UTC()
	if opens := CheckInOpens(ev, es.CheckInEarly); now.Before(opens) {
		return inv, crm.FailField(crm.EConflict, "token", "early", "event.checkin.early", opens.In(crm.Shanghai).Format("2006-01-02 15:04"))
	}
	walkIn := inv.Status != StatusAccepted
	if walkIn && !walkInRoom(ev) {
		return inv, crm.FailField(crm.EConflict, "token", "full", "event.checkin.full", ev.Capacity)
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "event_invitation", itoa64(inv.ID), map[string]any{"event_id": ev.ID, "check_in": true,
		"customer_id": inv.CustomerID, "walk_in": walkIn})
	timeline := "出席活动 / Attended: " + ev.Title
	if err := es.store.CheckIn(ctx, &inv, p.UserID, now, ev.StartsAt.UTC(), timeline, &e); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}
