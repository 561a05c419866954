package visit

import (
	"context"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Notice kinds of the ladder.
const (
	NoticeRemind   crm.NoticeKind = "visit_remind"
	NoticeEscalate crm.NoticeKind = "visit_escalated"
	NoticeReturn   crm.NoticeKind = "visit_returned"
)

// EscalateDue works the ladder once a day: the first call on a day (China
// time) takes every overdue item up the steps it has reached; later calls
// that day do nothing. It returns how many items moved.
func (vs *Service) EscalateDue(ctx context.Context) (int, error) {
	s, err := vs.store.VisitSettings(ctx)
	if err != nil {
		return 0, err
	}
	today := vs.today()
	if s.EscalatedOn == today.String() {
		return 0, nil
	}
	return vs.escalate(ctx, s.Steps, today)
}

// escalate takes the overdue items up the ladder as of today.
func (vs *Service) escalate(ctx context.Context, steps []Step, today calendar.Date) (int, error) {
	cal, err := vs.calendars.Current(ctx)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, status := range []string{StatusOpen, StatusEscalated} {
		var after int64
		for {
			items, err := vs.store.OverdueVisitItems(ctx, status, today.String(), after, BatchSize)
			if err != nil {
				return moved, err
			}
			if len(items) == 0 {
				break
			}
			after = items[len(items)-1].ID
			var es []Escalation
			var returned []int64
			for _, it := range items {
				if e, ok := Climb(cal, steps, it, today); ok {
					es = append(es, e)
					if e.Status == StatusReturned {
						returned = append(returned, it.ID)
					}
				}
			}
			if len(es) == 0 {
				continue
			}
			var a *crm.AuditEntry
			if len(returned) > 0 { // a return to the pool is audited
				e := crm.NewAudit(ctx, crm.AuditUpdate, "visit_item", "", map[string]any{"returned_to_pool": returned})
				a = &e
			}
			if err := vs.store.Escalate(ctx, es, today.String(), false, a); err != nil {
				return moved, err
			}
			moved += len(es)
		}
	}
	return moved, vs.store.Escalate(ctx, nil, today.String(), true, nil)
}

// Climb is what the ladder does to it as of today: nothing (false) when
// it reached no new step, else the highest new step's status and notice.
func Climb(cal *calendar.Calendar, steps []Step, it Item, today calendar.Date) (Escalation, bool) {
	due, err := calendar.ParseDate(it.DueOn)
	if err != nil || !Completable(it.Status) {
		return Escalation{}, false
	}
	over := Overdue(cal, due, today)
	n := Reached(steps, over)
	if n <= it.Step {
		return Escalation{}, false
	}
	a := steps[n-1].Action
	e := Escalation{ItemID: it.ID, Step: n, Status: StatusAfter(a)}
	if e.Status == StatusOpen && it.Status == StatusEscalated {
		e.Status = StatusEscalated
	}
	e.Notices = []crm.Notice{notice(it, a, over)}
	return e, true
}

// notice is the ladder's message about it for action a.
func notice(it Item, a string, over int) crm.Notice {
	kind := msg.Coded{Code: it.Kind, Key: "visit.kind." + it.Kind}
	to := crm.Audience{Users: []int64{it.OwnerID}}
	var text msg.Message
	var k crm.NoticeKind
	switch a {
	case ActCopyManager:
		to.ManagerOf, k = it.OwnerID, NoticeEscalate
		text = msg.M("visit.notice.escalated", it.CustomerName, kind, it.DueOn, over)
	case ActReturn:
		to.ManagerOf, k = it.OwnerID, NoticeReturn
		text = msg.M("visit.notice.returned", it.CustomerName, kind, it.DueOn, over)
	default:
		k = NoticeRemind
		text = msg.M("visit.notice.remind", it.CustomerName, kind, it.DueOn)
	}
	link := publicURL + "/visits/" + idText(it.ID)
	zh, en := text.In(msg.ZhCN), text.In(msg.En)
	return crm.Notice{To: to, Kind: k, Entity: "visit_item", EntityID: idText(it.ID), Text: text, Link: link,
		Message: zh + " / " + en, MailBody: zh + "\n" + en + "\n\n" + link + "\n"}
}

// publicURL stands for Kehu's address in a mail's link until the outbox
// sends it.
const publicURL = "{{public_url}}"
