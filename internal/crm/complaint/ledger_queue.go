package complaint

import (
	"context"
	"slices"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// QueueItem is an open complaint in someone's queue with the deadline it
// now runs against.
type QueueItem struct {
	LedgerEntry
	Due     *time.Time // nil when the complaint runs against no deadline now
	DueKind string     // reply or solution
	Overdue bool
}

// QueueLimit bounds a queue page.
const QueueLimit = 200

// QueueQuery chooses the open complaints of a queue.
type QueueQuery struct {
	Scope crm.Scope // an access grant in it counts while valid at Now
	// Statuses, Assignee and Unlinked choose a person's own queue: the
	// complaints in one of Statuses, or assigned to Assignee, or (with
	// Unlinked) registered without a customer, waiting to be linked to
	// one. Statuses nil is every open complaint.
	Statuses  []Status
	Assignee  int64
	Unlinked  bool
	Escalated bool // only complaints escalated to the gm (major or overdue)
	Limit     int
	Now       time.Time
}

// Queue returns the caller's open complaints, the nearest deadline first
// (overdue ones first of all): those at a step the caller's role takes,
// or assigned to the caller, or — for those who link complaints to
// customers — registered without a customer; the gm's are the complaints
// escalated to the gm (major ones and those overdue too long), the GM
// office doing the office's steps. With all, every open complaint the
// caller may read.
func (cr *Service) Queue(ctx context.Context, all bool) ([]QueueItem, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, err
	}
	q := QueueQuery{Scope: complaintScope(p), Assignee: p.UserID, Limit: QueueLimit, Now: cr.now()}
	switch {
	case all:
	case p.Role == crm.RoleGM:
		q.Escalated = true
	default:
		q.Statuses = StepsOf(p.Role)
		q.Unlinked = slices.Contains(linkRoles, p.Role)
	}
	entries, err := cr.store.ComplaintQueue(ctx, q)
	if err != nil {
		return nil, err
	}
	now := cr.now()
	out := make([]QueueItem, len(entries))
	for i, e := range entries {
		it := QueueItem{LedgerEntry: e, Overdue: e.OverdueAt != nil}
		switch e.Status.Deadline() {
		case DeadlineReply:
			it.Due, it.DueKind = &e.ReplyDueAt, DeadlineReply
		case DeadlineSolution:
			if e.SolutionDueAt != nil {
				it.Due, it.DueKind = e.SolutionDueAt, DeadlineSolution
			}
		}
		if it.Due != nil && now.After(*it.Due) {
			it.Overdue = true
		}
		out[i] = it
	}
	return out, nil
}

// StepsOf are the statuses from which role may take a step, in order.
func StepsOf(role crm.Role) []Status {
	statuses := []Status{}
	for _, from := range Statuses {
		for _, st := range flow[from] {
			if slices.Contains(st.roles, role) && !slices.Contains(statuses, from) {
				statuses = append(statuses, from)
			}
		}
	}
	return statuses
}
