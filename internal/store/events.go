package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/event"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

const eventColumns = `e.id, e.kind, e.title, e.starts_at, e.place, e.capacity, e.budget_fen, e.agenda, e.rsvp_cutoff_at,
	COALESCE(e.created_by, 0), e.version, e.created_at, e.updated_at,
	(SELECT COUNT(*) FROM event_invitations i WHERE i.event_id = e.id),
	(SELECT COUNT(*) FROM event_invitations i WHERE i.event_id = e.id AND i.status = 'accepted'),
	(SELECT COUNT(*) FROM event_invitations i WHERE i.event_id = e.id AND i.status = 'declined'),
	(SELECT COUNT(*) FROM event_invitations i WHERE i.event_id = e.id AND i.checked_in_at IS NOT NULL),
	(SELECT COALESCE(SUM(i.rating), 0) FROM event_invitations i WHERE i.event_id = e.id AND i.rating > 0),
	(SELECT COUNT(*) FROM event_invitations i WHERE i.event_id = e.id AND i.rating > 0)`

func scanEvent(sc scanner) (event.Event, error) {
	var ev event.Event
	var budget, ratingSum int64
	err := sc.Scan(&ev.ID, &ev.Kind, &ev.Title, &ev.StartsAt, &ev.Place, &ev.Capacity, &budget, &ev.Agenda, &ev.RSVPCutoff,
		&ev.CreatedBy, &ev.Version, &ev.CreatedAt, &ev.UpdatedAt, &ev.Invited, &ev.Accepted, &ev.Declined, &ev.Attended,
		&ratingSum, &ev.Responses)
	ev.Budget = sales.Money(budget)
	if ev.Responses > 0 {
		ev.Rating = int(ratingSum * 100 / int64(ev.Responses))
	}
	return ev, err
}

// CreateEvent inserts an event with its audit entry.
func (db *DB) CreateEvent(ctx context.Context, ev *event.Event, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO events (kind, title, starts_at, place, capacity, budget_fen, agenda, rsvp_cutoff_at, created_by,
			version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			ev.Kind, ev.Title, ev.StartsAt, ev.Place, ev.Capacity, int64(ev.Budget), ev.Agenda, ev.RSVPCutoff, nullID(ev.CreatedBy),
			ev.CreatedAt, ev.UpdatedAt).Scan(&ev.ID)
		e.EntityID = strconv.FormatInt(ev.ID, 10)
		return err
	})
}

// Event reads one event with its counts.
func (db *DB) Event(ctx context.Context, id int64) (event.Event, error) {
	ev, err := scanEvent(db.QueryRow(ctx, "SELECT "+eventColumns+" FROM events e WHERE e.id = ?", id))
	return ev, noSuch(err, "event.no_such_event")
}

// ListEvents lists events by start, latest first, paged on the ID.
func (db *DB) ListEvents(ctx context.Context, f event.Filter) ([]event.Event, error) {
	q, args := "SELECT "+eventColumns+" FROM events e", []any{}
	if f.BeforeID > 0 {
		q += " WHERE e.id < ?"
		args = append(args, f.BeforeID)
	}
	out, err := queryAll(ctx, db, scanEvent, q+" ORDER BY e.id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return out, nil
}

// CountEvents counts every event.
func (db *DB) CountEvents(ctx context.Context) (crm.ListTotal, error) {
	return db.listTotal(ctx, "events e", "1 = 1", nil)
}

const invitationColumns = `i.id, i.event_id, i.customer_id, i.customer_name, COALESCE(i.contact_id, 0), i.name, i.token, i.delivery, i.reason, i.status,
	i.responded_at, i.checked_in_at, COALESCE(i.checked_in_by, 0), i.rating, i.comment, i.feedback_at, i.created_at`

func scanInvitation(sc scanner) (event.Invitation, error) {
	var inv event.Invitation
	var resp, in, fb sql.NullTime
	err := sc.Scan(&inv.ID, &inv.EventID, &inv.CustomerID, &inv.CustomerName, &inv.ContactID, &inv.Name, &inv.Token, &inv.Delivery,
		&inv.Reason, &inv.Status, &resp, &in, &inv.CheckedInBy, &inv.Rating, &inv.Comment, &fb, &inv.CreatedAt)
	inv.RespondedAt, inv.CheckedInAt, inv.FeedbackAt = timePtr(resp), timePtr(in), timePtr(fb)
	return inv, err
}

// AddInvitations inserts the invitations whose contact is not yet on the
// event's list and queues the mail of those added, with e, in one
// transaction.
func (db *DB) AddInvitations(ctx context.Context, eventID int64, invs []event.Invitation, mail []event.Mail, e *crm.AuditEntry) (int, error) {
	added := 0
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		added = 0
		sent := map[string]bool{}
		for i := range invs {
			inv := &invs[i]
			inv.ID = 0
			var other int64
			err := tx.QueryRow(ctx, "SELECT id FROM event_invitations WHERE event_id = ? AND contact_id = ?", eventID, inv.ContactID).Scan(&other)
			if err == nil {
				continue
			} else if !isNoRows(err) {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO event_invitations (event_id, customer_id, contact_id, name, customer_name, token, delivery,
				reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, eventID, inv.CustomerID, inv.ContactID, inv.Name,
				inv.CustomerName, inv.Token, inv.Delivery, inv.Reason, inv.Status, inv.CreatedAt).Scan(&inv.ID); err != nil {
				return err
			}
			added++
			if inv.Delivery == event.DeliveryEmail {
				sent[inv.Token] = true
			}
		}
		var out []complaint.OutboxMail
		for _, m := range mail {
			for tok := range sent {
				if strings.Contains(m.Body, tok) {
					out = append(out, complaint.OutboxMail{To: m.To, Subject: m.Subject, Body: m.Body, Kind: "event_invitation"})
					break
				}
			}
		}
		e.Detail = withDetail(e.Detail, "added", added)
		return queueMail(ctx, tx, out, time.Now().UTC())
	})
	return added, err
}

// RemoveInvitation deletes an invitation not checked in.
func (db *DB) RemoveInvitation(ctx context.Context, eventID, id int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM event_invitations WHERE id = ? AND event_id = ? AND checked_in_at IS NULL", id, eventID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "event.invitation.attended")
		}
		return nil
	})
}

// Invitation reads one invitation.
func (db *DB) Invitation(ctx context.Context, id int64) (event.Invitation, error) {
	inv, err := scanInvitation(db.QueryRow(ctx, "SELECT "+invitationColumns+" FROM event_invitations i WHERE i.id = ?", id))
	return inv, noSuch(err, "event.no_such_invitation")
}

// InvitationByToken reads the invitation of an RSVP token.
func (db *DB) InvitationByToken(ctx context.Context, token string) (event.Invitation, error) {
	inv, err := scanInvitation(db.QueryRow(ctx, "SELECT "+invitationColumns+" FROM event_invitations i WHERE i.token = ?", token))
	return inv, noSuch(err, "event.rsvp.no_such_token")
}

func invitationWhere(f event.InvitationFilter) ([]string, []any) {
	w, args := []string{"i.event_id = ?"}, []any{f.EventID}
	if !f.Scope.All {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		w, args = append(w, cond), append(args, cargs...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		w, args = append(w, "(i.name LIKE ? OR i.customer_name LIKE ?)"), append(args, "%"+likeEscape(q)+"%", "%"+likeEscape(q)+"%")
	}
	return w, args
}

// CountInvitations counts the invitations of f, ignoring its cursor.
func (db *DB) CountInvitations(ctx context.Context, f event.InvitationFilter) (crm.ListTotal, error) {
	w, args := invitationWhere(f)
	return db.listTotal(ctx, "event_invitations i JOIN customers c ON c.id = i.customer_id", strings.Join(w, " AND "), args)
}

// ListInvitations lists an event's invitations of the customers in the
// filter's scope, in the order added.
func (db *DB) ListInvitations(ctx context.Context, f event.InvitationFilter) ([]event.Invitation, error) {
	w, args := invitationWhere(f)
	if f.AfterID > 0 {
		w, args = append(w, "i.id > ?"), append(args, f.AfterID)
	}
	out, err := queryAll(ctx, db, scanInvitation, "SELECT "+invitationColumns+` FROM event_invitations i JOIN customers c ON c.id = i.customer_id
		WHERE `+strings.Join(w, " AND ")+" ORDER BY i.id LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	return out, nil
}

// Respond changes an invitation's answer from from to to; an acceptance
// is written only while the event has room, counted in the same
// statement, so two guests cannot take the last seat.
func (db *DB) Respond(ctx context.Context, id int64, from, to string, capacity int, at time.Time, e *crm.AuditEntry) (bool, error) {
	full := false
	err := db.InTx(ctx, func(tx *Tx) error {
		q := "UPDATE event_invitations SET status = ?, responded_at = ? WHERE id = ? AND status = ?"
		args := []any{to, at, id, from}
		if to == event.StatusAccepted && capacity > 0 {
			if tx.Engine() == Postgres {
				if _, err := tx.Exec(ctx, "SELECT id FROM events WHERE id = (SELECT event_id FROM event_invitations WHERE id = ?) FOR UPDATE", id); err != nil {
					return err
				}
			}
			q += ` AND (SELECT COUNT(*) FROM event_invitations o WHERE o.event_id = event_invitations.event_id AND o.status = 'accepted') < ?`
			args = append(args, capacity)
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.QueryRow(ctx, "SELECT status FROM event_invitations WHERE id = ?", id).Scan(&status); err != nil {
				return err
			}
			if status == from {
				full = true
				return nil
			}
			return crm.Fail(crm.EConflict, "event.rsvp.changed")
		}
		return tx.AppendAudit(ctx, e)
	})
	return full, err
}

// CheckIn marks an invitation attended, once, and writes the attendance
// on the customer's timeline (an interaction, channel meeting).
func (db *DB) CheckIn(ctx context.Context, inv *event.Invitation, by int64, at, timelineAt time.Time, timeline string, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE event_invitations SET checked_in_at = ?, checked_in_by = ? WHERE id = ? AND checked_in_at IS NULL",
			at, nullID(by), inv.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.FailField(crm.EConflict, "token", "already", "event.checkin.already", "")
		}
		var itID int64
		if err := tx.QueryRow(ctx, `INSERT INTO interactions (customer_id, at, channel, participants, content, feedback, next_step,
			next_due_at, created_by, version, created_at, updated_at) VALUES (?, ?, 'meeting', ?, ?, '', '', NULL, ?, 1, ?, ?) RETURNING id`,
			inv.CustomerID, timelineAt, inv.Name, timeline, nullID(by), at, at).Scan(&itID); err != nil {
			return err
		}
		e.Detail = withDetail(e.Detail, "interaction_id", itID)
		inv.CheckedInAt, inv.CheckedInBy = &at, by
		return nil
	})
}

// Feedback records an invitation's survey answer, once.
func (db *DB) Feedback(ctx context.Context, id int64, rating int, comment string, at time.Time, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE event_invitations SET rating = ?, comment = ?, feedback_at = ? WHERE id = ? AND feedback_at IS NULL",
			rating, comment, at, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.FailField(crm.EConflict, "rating", "given", "event.feedback.given")
		}
		return nil
	})
}

// CareOptedOut tells which of the contacts opted out of care messages.
func (db *DB) CareOptedOut(ctx context.Context, contactIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for start := 0; start < len(contactIDs); start += 500 {
		ids := contactIDs[start:min(start+500, len(contactIDs))]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		list, err := queryAll(ctx, db, func(sc scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, "SELECT id FROM contacts WHERE id IN (?"+strings.Repeat(", ?", len(ids)-1)+") AND care_opt_out = ?", append(args, true)...)
		if err != nil {
			return nil, fmt.Errorf("store: opt-outs: %w", err)
		}
		for _, id := range list {
			out[id] = true
		}
	}
	return out, nil
}

// SetInvitationDelivery records how an invitation went after all.
func (db *DB) SetInvitationDelivery(ctx context.Context, id int64, delivery, reason string, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE event_invitations SET delivery = ?, reason = ? WHERE id = ?", delivery, reason, id)
		return err
	})
}
