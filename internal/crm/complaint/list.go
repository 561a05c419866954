package complaint

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// ListStore lists and counts complaints.
type ListStore interface {
	// ListComplaints returns up to f.Limit complaints matching f, in f's
	// order, after f.After.
	ListComplaints(ctx context.Context, f ListFilter) ([]Complaint, error)
	// CountComplaints counts the complaints matching f, ignoring its
	// cursor and limit.
	CountComplaints(ctx context.Context, f ListFilter) (crm.ListTotal, error)
	CountAbnormalities(ctx context.Context, status AbnormalityStatus) (crm.ListTotal, error)
	CountPhoneFollowUps(ctx context.Context) (crm.ListTotal, error)
}

// SortDeadline orders a list by the deadline each complaint runs against
// (Status.Deadline: the reply while registered, the solution until
// approved), the soonest first; complaints with no running deadline come
// last. Without a sort the list is newest first.
const SortDeadline = "deadline"

// ListSorts are the orders a complaint list can take besides the default.
var ListSorts = []string{SortDeadline}

// ListFilter chooses the complaints of a list. Zero fields do not filter.
// Date ranges include From and exclude To.
type ListFilter struct {
	Statuses     []Status
	CustomerID   int64
	Categories   []string
	Severities   []string
	Overdue      *bool // past the deadline it runs against, or not
	Department   string
	AssigneeID   int64
	ReceivedFrom time.Time
	ReceivedTo   time.Time
	CreatedFrom  time.Time
	CreatedTo    time.Time
	Sort         string // "" (newest first) or SortDeadline
	After        ListCursor
	Limit        int

	// Set by the service, not the caller.
	Scope crm.Scope
	Now   time.Time
}

// ListCursor is where a page of a list ends: the last complaint's ID and,
// in deadline order, its deadline (nil when it has none). It belongs to
// its sort: a cursor of another order is refused.
type ListCursor struct {
	Sort string     `json:"s,omitempty"`
	Due  *time.Time `json:"d,omitempty"`
	ID   int64      `json:"id"`
}

// CursorAfter is the cursor of a page that ends with c in f's order.
func CursorAfter(f ListFilter, c Complaint) ListCursor {
	k := ListCursor{Sort: f.Sort, ID: c.ID}
	if f.Sort == SortDeadline {
		k.Due = c.RunningDeadline()
	}
	return k
}

// RunningDeadline is the deadline c runs against now, or nil when none
// runs (Status.Deadline).
func (c Complaint) RunningDeadline() *time.Time {
	switch c.Status.Deadline() {
	case DeadlineReply:
		t := c.ReplyDueAt
		return &t
	case DeadlineSolution:
		return c.SolutionDueAt
	}
	return nil
}

// check refuses values the list does not know, each naming its
// parameter, before anything is read.
func (f ListFilter) check() error {
	var fs []crm.FieldError
	for _, s := range f.Statuses {
		if !s.Valid() {
			fs = append(fs, crm.Bad("status", "unknown", "complaint_err.list.one_of", strings.Join(statusNames(), ", ")))
			break
		}
	}
	for _, c := range f.Categories {
		if !slices.Contains(ComplaintCategories, c) {
			fs = append(fs, crm.Bad("category", "unknown", "complaint_err.list.one_of", strings.Join(ComplaintCategories, ", ")))
			break
		}
	}
	for _, s := range f.Severities {
		if !slices.Contains(ComplaintSeverities, s) {
			fs = append(fs, crm.Bad("severity", "unknown", "complaint_err.list.one_of", strings.Join(ComplaintSeverities, ", ")))
			break
		}
	}
	if f.Sort != "" && !slices.Contains(ListSorts, f.Sort) {
		fs = append(fs, crm.Bad("sort", "unknown", "complaint_err.list.one_of", strings.Join(ListSorts, ", ")))
	}
	if f.After != (ListCursor{}) && (f.After.ID < 1 || f.After.Sort != f.Sort || (f.After.Due != nil && f.Sort != SortDeadline)) {
		fs = append(fs, crm.Bad("cursor", "invalid", "complaint_err.list.cursor"))
	}
	for _, r := range []struct {
		from, to time.Time
		field    string
	}{{f.ReceivedFrom, f.ReceivedTo, "received_to"}, {f.CreatedFrom, f.CreatedTo, "created_to"}} {
		if !r.from.IsZero() && !r.to.IsZero() && !r.from.Before(r.to) {
			fs = append(fs, crm.Bad(r.field, "range", "complaint_err.list.range"))
		}
	}
	if len(fs) == 0 {
		return nil
	}
	e := crm.Invalid(fs...)
	e.Code = crm.EBadRequest
	return e
}

func statusNames() []string {
	out := make([]string, len(Statuses))
	for i, s := range Statuses {
		out[i] = string(s)
	}
	return out
}

// List returns a page of the complaints the caller may see that match f,
// and how many match in all.
func (cs *Service) List(ctx context.Context, f ListFilter) ([]Complaint, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if err := f.check(); err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = complaintScope(p), cs.now()
	list, err := cs.store.ListComplaints(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := cs.store.CountComplaints(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	for i := range list {
		cs.present(&list[i])
	}
	return list, total, nil
}

// AbnormalityTotal counts the abnormality records Abnormalities lists.
func (cs *Service) AbnormalityTotal(ctx context.Context, status string) (crm.ListTotal, error) {
	if _, err := authorizeAbnormality(ctx); err != nil {
		return crm.ListTotal{}, err
	}
	return cs.store.CountAbnormalities(ctx, AbnormalityStatus(status))
}

// PhoneFollowUpTotal counts the surveys PhoneFollowUps lists.
func (cs *Service) PhoneFollowUpTotal(ctx context.Context) (crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return crm.ListTotal{}, err
	}
	if !slices.Contains(csatStaff, p.Role) {
		return crm.ListTotal{}, crm.Fail(crm.EForbidden, "complaint_err.csat.follow_ups_forbidden")
	}
	return cs.store.CountPhoneFollowUps(ctx)
}
