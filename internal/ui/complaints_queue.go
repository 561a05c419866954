package ui

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// complaintQueue is the queue page: open complaints, the nearest
// deadline first.
type complaintQueue struct {
	Rows      []queueRow
	All       bool // every open complaint the user may read, not only theirs
	CanCreate bool
	Limit     int
}

// queueRow is one complaint of the queue.
type queueRow struct {
	ID                                     int64
	Number, Customer, Category, Status     string
	Severity, Department, Assignee, DueFor string
	Clock                                  *clock
	Overdue                                bool
	Unlinked                               bool // registered without a customer: waiting to be linked to one
}

func (p *complaintPages) queue(w http.ResponseWriter, r *http.Request) error {
	lang, all := langOf(r), r.URL.Query().Get("all") == "1"
	items, err := p.reports.Queue(r.Context(), all)
	if err != nil {
		return err
	}
	me, _ := crm.PrincipalFrom(r.Context())
	d := complaintQueue{All: all, CanCreate: me.Role.Can(crm.ActComplaintCreate), Limit: complaint.QueueLimit}
	now := p.now()
	for _, it := range items {
		row := queueRow{ID: it.ID, Number: it.Number, Customer: it.CustomerName, Category: p.word(lang, "category", it.Category),
			Status: p.word(lang, "status", string(it.Status)), Severity: it.Severity, Department: p.word(lang, "department", it.Department), Assignee: it.AssigneeName,
			Overdue: it.Overdue}
		if it.CustomerID == 0 {
			row.Customer = it.CallerName
			row.Unlinked = it.Status == complaint.StatusRegistered
		}
		if it.Due != nil {
			c := p.clockOf(lang, *it.Due, now)
			row.Clock, row.DueFor = &c, p.msgs.text(lang, "complaints.due."+it.DueKind)
		}
		d.Rows = append(d.Rows, row)
	}
	return p.render(w, r, http.StatusOK, "complaints", "complaints.title", d)
}
