package complaint

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
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
	From        Status            `json:"from"`
	To          Status            `json:"to"`
	Note        string            `json:"note"`
	Fields      map[string]string `json:"fields"`
	ActorID     int64             `json:"actor_id,omitempty"`
	At          time.Time         `json:"at"`
}

// step is one legal move of the workflow: who may take it, which fields
// it must carry and which it may (a reply to the customer, which only the
// step's event keeps).
type step struct {
	roles    []crm.Role
	required []string
	optional []string
}

// flow is the complaint state machine. A dispute sends a complaint from
// customer_informed back to investigating.
var flow = map[Status]map[Status]step{
	StatusRegistered:        {StatusAccepted: {roles: office, optional: []string{FieldReply}}},
	StatusAccepted:          {StatusAssigned: {roles: office, required: []string{"department", "assignee"}}},
	StatusAssigned:          {StatusInvestigating: {roles: investigators}},
	StatusInvestigating:     {StatusSolutionProposed: {roles: investigators, required: []string{"cause", "handling", "responsibility"}}},
	StatusSolutionProposed:  {StatusApproved: {roles: office}},
	StatusApproved:          {StatusCustomerInformed: {roles: customerFacing, optional: []string{FieldReply}}},
	StatusCustomerInformed:  {StatusCustomerConfirmed: {roles: customerFacing}, StatusInvestigating: {roles: customerFacing}},
	StatusCustomerConfirmed: {StatusVerified: {roles: []crm.Role{crm.RoleQA}, required: []string{"corrective_action", "effect_confirmed"}}},
	StatusVerified:          {StatusReturnVisited: {roles: []crm.Role{crm.RoleService, crm.RoleAccountManager}}},
	StatusReturnVisited:     {StatusClosed: {roles: []crm.Role{crm.RoleService, crm.RoleGMOffice, crm.RoleGM}}},
}

// FieldReply is the optional field of the accepting and informing steps:
// what the customer is told, shown on the public status page. The step's
// event keeps it; the complaint has no column of its own for it.
const FieldReply = "reply"

// The roles of the workflow's recurring steps: the GM office (总经理室,
// several people) registers, reviews, assigns and approves, and the gm may
// stand in for it; QA, production and the service desk investigate; the
// people who speak to the customer inform them. The gm's own work is the
// escalated complaints (major ones and overdue ones, Escalated).
var (
	office         = []crm.Role{crm.RoleGMOffice, crm.RoleGM}
	investigators  = []crm.Role{crm.RoleQA, crm.RoleProduction, crm.RoleService}
	customerFacing = []crm.Role{crm.RoleService, crm.RoleAccountManager, crm.RoleSalesManager}
)

// productionFields are what production adds to a quality complaint.
var productionFields = []string{"batch_no", "line_no", "shift", "operator_name", "production_date"}

// stepOf is the step from one status to another if the workflow has it
// and role may take it: an illegal move is invalid (naming the legal
// ones), a legal one by another role forbidden.
func stepOf(from, to Status, role crm.Role) (step, error) {
	st, ok := flow[from][to]
	if !ok {
		if len(flow[from]) == 0 {
			return st, crm.Invalid(crm.Bad("to", "illegal", "complaint_err.to.final", statusWord(from)))
		}
		next := make([]Status, 0, len(flow[from]))
		for k := range flow[from] {
			next = append(next, k)
		}
		slices.Sort(next)
		return st, crm.Invalid(crm.Bad("to", "illegal", "complaint_err.to.illegal", statusWord(from), msg.Codes("complaints.status.", next...)))
	}
	if !slices.Contains(st.roles, role) {
		return st, crm.Fail(crm.EForbidden, "complaint_err.step.forbidden", crm.RoleWord(role), statusWord(from), statusWord(to))
	}
	return st, nil
}

// fields is what moving c to `to` as role at now must carry: the step's
// own fields, production's on a quality complaint it starts
// investigating, a delay reason when closing a complaint that ran late;
// and, on acceptance, the order particulars c still lacks (required of
// a quality complaint, offered for others).
func (st step) fields(c Complaint, to Status, role crm.Role, now time.Time) (required, particulars []string) {
	required = append([]string{}, st.required...)
	if to == StatusInvestigating && c.Status == StatusAssigned && c.Quality && role == crm.RoleProduction {
		required = append(required, productionFields...)
	}
	if to == StatusAccepted {
		for _, f := range []struct{ key, have string }{{"order_no", c.OrderNo}, {"part_no", c.PartNo}, {"delivery_date", c.DeliveryDate}, {"demand", c.Demand}} {
			if f.have == "" {
				particulars = append(particulars, f.key)
			}
		}
	}
	if to == StatusClosed && (c.OverdueAt != nil || c.SolutionDueAt != nil && now.After(*c.SolutionDueAt)) {
		required = append(required, "delay_reason")
	}
	return required, particulars
}

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
func (cs *Service) Move(ctx context.Context, id int64, version int, to Status, note string, fields map[string]string) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return Complaint{}, err
	}
	c, err := cs.Get(ctx, id)
	if err != nil {
		return c, err
	}
	if version != c.Version {
		return c, crm.Fail(crm.EVersionConflict, "complaint_err.changed_version", c.Version, version)
	}
	st, err := stepOf(c.Status, to, p.Role)
	if err != nil {
		return c, err
	}
	var fs []crm.FieldError
	if strings.TrimSpace(note) == "" || utf8.RuneCountInString(note) > 2000 {
		fs = append(fs, crm.Bad("note", "required", "complaint_err.note.required"))
	}
	clean := map[string]string{}
	for k, v := range fields {
		if v = strings.TrimSpace(v); v != "" {
			clean[k] = v
		}
	}
	required, particulars := st.fields(c, to, p.Role, cs.now())
	if r, ok := clean[FieldReply]; ok {
		switch {
		case !slices.Contains(st.optional, FieldReply):
			fs = append(fs, crm.Bad("fields."+FieldReply, "unknown", "complaint_err.field.unknown"))
		case utf8.RuneCountInString(r) > 2000:
			fs = append(fs, crm.Bad("fields."+FieldReply, "length", "complaint_err.reply.length"))
		}
	}
	if c.Quality {
		// The business department's check: the order's particulars.
		for _, k := range particulars {
			if clean[k] == "" {
				fs = append(fs, crm.Bad("fields."+k, "required", "complaint_err.particulars.required"))
			}
		}
	}
	for _, k := range required {
		if clean[k] == "" {
			fs = append(fs, crm.Bad("fields."+k, "required", "complaint_err.step.needs", k))
		}
	}
	if d := clean["production_date"]; d != "" {
		if _, err := calendar.ParseDate(d); err != nil {
			fs = append(fs, crm.BadText("fields.production_date", "format", msg.M("complaint_err.date.format")))
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
	if to == StatusClosed {
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
// by username and, for a quality complaint, must be in QA or production,
// and in the department chosen when it is one of Departments. A reply
// stays with the step's event.
func (cs *Service) apply(ctx context.Context, c *Complaint, f map[string]string) error {
	if name := f["assignee"]; name != "" {
		u, err := cs.store.UserByUsername(ctx, identity.NormalizeUsername(name))
		if err != nil || u.Disabled() {
			return crm.Invalid(crm.BadText("fields.assignee", "unknown", msg.M("complaint_err.user.inactive", name)))
		}
		if c.Quality && !slices.Contains(qualityRoles, u.Role) {
			return crm.Invalid(crm.BadText("fields.assignee", "role", msg.M("complaint_err.assignee.role")))
		}
		if d, ok := DepartmentOf(f["department"]); ok && !d.Takes(u.Role) {
			who := u.DisplayName
			if who == "" {
				who = u.Username
			}
			return crm.Invalid(crm.BadText("fields.assignee", "department", msg.M("complaint_err.assignee.department", who, DepartmentWord(d.Code))))
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
		} else if k != "assignee" && k != FieldReply {
			return crm.Invalid(crm.Bad("fields."+k, "unknown", "complaint_err.field.unknown"))
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

// statusWord names a status in a message: its code in English, which the
// API's clients send back, and in Chinese its name with the code in
// brackets (已受理（accepted）), so the sentence reads as Chinese.
func statusWord(s Status) msg.Coded {
	return msg.Coded{Code: string(s), Key: "complaints.status." + string(s)}
}
