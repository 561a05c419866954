package complaint

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// ComplaintWork is what the workflow's steps record on a complaint.
type ComplaintWork struct {
	Department       string     `json:"department"`
	AssigneeID       int64      `json:"assignee_id,omitempty"`
	BatchNo          string     `json:"batch_no"`
	LineNo           string     `json:"line_no"`
	Shift            string     `json:"shift"`
	OperatorName     string     `json:"operator_name"`
	ProductionDate   string     `json:"production_date"`
	Cause            string     `json:"cause"`
	Handling         string     `json:"handling"`       // 处理方式
	Responsibility   string     `json:"responsibility"` // 责任归属
	CorrectiveAction string     `json:"corrective_action"`
	EffectConfirmed  string     `json:"effect_confirmed"` // 效果确认
	DelayReason      string     `json:"delay_reason"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
	OverdueAt        *time.Time `json:"overdue_at,omitempty"` // 逾期: when a deadline was found missed
}

// ComplaintEvent is one step of a complaint's timeline.
type ComplaintEvent struct {
	ID          int64             `json:"id"`
	ComplaintID int64             `json:"complaint_id"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Note        string            `json:"note"`
	Fields      map[string]string `json:"fields"`
	ActorID     int64             `json:"actor_id,omitempty"`
	At          time.Time         `json:"at"`
}

// step is one legal move of the workflow: who may take it and which
// fields it must carry (客诉处理办法's duties, department by department).
type step struct {
	roles    []crm.Role
	required []string
}

// flow is the complaint state machine. A dispute sends a complaint from
// customer_informed back to investigating.
var flow = map[string]map[string]step{
	"registered":         {"accepted": {roles: []crm.Role{crm.RoleGM}}},
	"accepted":           {"assigned": {roles: []crm.Role{crm.RoleGM}, required: []string{"department", "assignee"}}},
	"assigned":           {"investigating": {roles: []crm.Role{crm.RoleQA, crm.RoleProduction, crm.RoleService}}},
	"investigating":      {"solution_proposed": {roles: []crm.Role{crm.RoleQA, crm.RoleProduction, crm.RoleService}, required: []string{"cause", "handling", "responsibility"}}},
	"solution_proposed":  {"approved": {roles: []crm.Role{crm.RoleGM}}},
	"approved":           {"customer_informed": {roles: []crm.Role{crm.RoleService, crm.RoleAccountManager, crm.RoleSalesManager}}},
	"customer_informed":  {"customer_confirmed": {roles: []crm.Role{crm.RoleService, crm.RoleAccountManager, crm.RoleSalesManager}}, "investigating": {roles: []crm.Role{crm.RoleService, crm.RoleAccountManager, crm.RoleSalesManager}}},
	"customer_confirmed": {"verified": {roles: []crm.Role{crm.RoleQA}, required: []string{"corrective_action", "effect_confirmed"}}},
	"verified":           {"return_visited": {roles: []crm.Role{crm.RoleService, crm.RoleAccountManager}}},
	"return_visited":     {"closed": {roles: []crm.Role{crm.RoleService, crm.RoleGM}}},
}

// productionFields are what production adds to a quality complaint.
var productionFields = []string{"batch_no", "line_no", "shift", "operator_name", "production_date"}

// ComplaintFlowStore records steps.
type ComplaintFlowStore interface {
	// MoveComplaint writes the step; closing also writes the survey and
	// its mail (survey nil, mails empty otherwise), in one transaction.
	MoveComplaint(ctx context.Context, c *Complaint, ev *ComplaintEvent, e *crm.AuditEntry, survey *CSATSurvey, mails []OutboxMail) error
	ComplaintEvents(ctx context.Context, complaintID int64) ([]ComplaintEvent, error)
	UserByUsername(ctx context.Context, username string) (identity.User, error)
}

// Move takes a complaint one step along the workflow. The step must be a
// legal move from the current status, taken by a role the step allows,
// with a note and the fields the step requires; anything else is refused
// with a clear error and changes nothing.
func (cs *Service) Move(ctx context.Context, id int64, version int, to, note string, fields map[string]string) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return Complaint{}, err
	}
	c, err := cs.Get(ctx, id)
	if err != nil {
		return c, err
	}
	if version != c.Version {
		return c, crm.Errorf(crm.EVersionConflict, "the complaint was changed by someone else (version %d, you sent %d); reload and try again", c.Version, version)
	}
	st, ok := flow[c.Status][to]
	if !ok {
		next := make([]string, 0, len(flow[c.Status]))
		for k := range flow[c.Status] {
			next = append(next, k)
		}
		sort.Strings(next)
		return c, crm.Invalid(crm.FieldError{Field: "to", Code: "illegal", Message: "a complaint that is " + c.Status + " can go only to: " + strings.Join(next, ", ")})
	}
	if !slices.Contains(st.roles, p.Role) {
		return c, crm.Errorf(crm.EForbidden, "your role (%s) may not move a complaint from %s to %s", p.Role, c.Status, to)
	}
	var fs []crm.FieldError
	if strings.TrimSpace(note) == "" || utf8.RuneCountInString(note) > 2000 {
		fs = append(fs, crm.FieldError{Field: "note", Code: "required", Message: "every step carries a note (1 to 2000 characters)"})
	}
	clean := map[string]string{}
	for k, v := range fields {
		if v = strings.TrimSpace(v); v != "" {
			clean[k] = v
		}
	}
	required := append([]string{}, st.required...)
	if to == "investigating" && c.Status == "assigned" && c.Quality && p.Role == crm.RoleProduction {
		required = append(required, productionFields...)
	}
	if to == "accepted" && c.Quality {
		// The business department's check: the order's particulars.
		for _, f := range []struct{ key, have string }{{"order_no", c.OrderNo}, {"part_no", c.PartNo}, {"delivery_date", c.DeliveryDate}, {"demand", c.Demand}} {
			if f.have == "" && clean[f.key] == "" {
				fs = append(fs, crm.FieldError{Field: "fields." + f.key, Code: "required", Message: "a quality complaint is accepted only with its order particulars"})
			}
		}
	}
	if to == "closed" && (c.OverdueAt != nil || c.SolutionDueAt != nil && cs.now().After(*c.SolutionDueAt)) {
		required = append(required, "delay_reason")
	}
	for _, k := range required {
		if clean[k] == "" {
			fs = append(fs, crm.FieldError{Field: "fields." + k, Code: "required", Message: "this step needs " + k})
		}
	}
	if d := clean["production_date"]; d != "" {
		if _, err := calendar.ParseDate(d); err != nil {
			fs = append(fs, crm.FieldError{Field: "fields.production_date", Code: "format", Message: "must be a date written YYYY-MM-DD"})
		}
	}
	if len(fs) > 0 {
		return c, crm.Invalid(fs...)
	}
	if err := cs.apply(ctx, &c, clean); err != nil {
		return c, err
	}
	now := cs.now().UTC()
	var survey *CSATSurvey
	var mails []OutboxMail
	if to == "closed" {
		c.ClosedAt = &now
		survey, mails = cs.newSurvey(c, now)
	}
	ev := ComplaintEvent{ComplaintID: c.ID, From: c.Status, To: to, Note: strings.TrimSpace(note), Fields: clean, ActorID: p.UserID, At: now}
	c.Status, c.UpdatedAt = to, now
	e := crm.NewAudit(ctx, crm.AuditUpdate, "complaint", strconv.FormatInt(c.ID, 10), map[string]any{"status": crm.Change{Before: ev.From, After: to}, "fields": clean})
	if err := cs.store.MoveComplaint(ctx, &c, &ev, &e, survey, mails); err != nil {
		return c, err
	}
	cs.present(&c)
	return c, nil
}

// apply copies a step's fields onto the complaint; the assignee is named
// by username and, for a quality complaint, must be in QA or production.
func (cs *Service) apply(ctx context.Context, c *Complaint, f map[string]string) error {
	if name := f["assignee"]; name != "" {
		u, err := cs.store.UserByUsername(ctx, identity.NormalizeUsername(name))
		if err != nil || u.Disabled() {
			return crm.Invalid(crm.FieldError{Field: "fields.assignee", Code: "unknown", Message: "no active user " + name})
		}
		if c.Quality && u.Role != crm.RoleQA && u.Role != crm.RoleProduction {
			return crm.Invalid(crm.FieldError{Field: "fields.assignee", Code: "role", Message: "a quality complaint goes to QA or production"})
		}
		c.AssigneeID = u.ID
	}
	set := map[string]*string{"department": &c.Department, "batch_no": &c.BatchNo, "line_no": &c.LineNo, "shift": &c.Shift,
		"operator_name": &c.OperatorName, "production_date": &c.ProductionDate, "cause": &c.Cause, "handling": &c.Handling,
		"responsibility": &c.Responsibility, "corrective_action": &c.CorrectiveAction, "effect_confirmed": &c.EffectConfirmed,
		"delay_reason": &c.DelayReason, "order_no": &c.OrderNo, "part_no": &c.PartNo, "delivery_date": &c.DeliveryDate, "demand": &c.Demand}
	for k, v := range f {
		if dst, ok := set[k]; ok {
			*dst = v
		} else if k != "assignee" {
			return crm.Invalid(crm.FieldError{Field: "fields." + k, Code: "unknown", Message: "is not a field of a complaint"})
		}
	}
	return nil
}

// Events returns a complaint's timeline, oldest first.
func (cs *Service) Events(ctx context.Context, id int64) ([]ComplaintEvent, error) {
	if _, err := cs.Get(ctx, id); err != nil {
		return nil, err
	}
	return cs.store.ComplaintEvents(ctx, id)
}
