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

// Queue returns the caller's open complaints, the nearest deadline first
// (overdue ones first of all): those at a step the caller's role takes,
// or assigned to the caller; with all, every open complaint the caller
// may read.
func (cr *Service) Queue(ctx context.Context, all bool) ([]QueueItem, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, err
	}
	var statuses []Status
	if !all {
		statuses = []Status{}
		for from, steps := range flow {
			for _, st := range steps {
				if slices.Contains(st.roles, p.Role) && !slices.Contains(statuses, from) {
					statuses = append(statuses, from)
				}
			}
		}
		slices.Sort(statuses)
	}
	entries, err := cr.store.ComplaintQueue(ctx, complaintScope(p), statuses, p.UserID, QueueLimit, cr.now())
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
