package project

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/msg"
)

// Statuses.
const (
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed" // 投运: every step approved
	StatusRejected   = "rejected"
)

// Statuses lists every status.
var Statuses = []string{StatusInProgress, StatusCompleted, StatusRejected}

// Project is a customer project (客户工程) with its application (用电申请).
type Project struct {
	ID           int64             `json:"id"`
	Code         string            `json:"code"`
	CustomerID   int64             `json:"customer_id"`
	CustomerName string            `json:"customer_name"`
	Address      string            `json:"address"`
	Nature       string            `json:"nature"`
	Voltage      string            `json:"voltage"` // kV
	CapacityKVA  int               `json:"capacity"`
	Contact      string            `json:"contact"`
	Notes        string            `json:"notes"`
	Dedicated    bool              `json:"dedicated_required"` // the capacity rule asks for a dedicated line
	Status       string            `json:"status"`
	InstanceID   int64             `json:"workflow_instance_id,omitempty"`
	Step         string            `json:"step,omitempty"`      // the open step's key
	StepName     string            `json:"step_name,omitempty"` // and its name
	StepDueAt    *time.Time        `json:"step_due_at,omitempty"`
	Overdue      bool              `json:"overdue"`
	Fields       map[string]string `json:"fields"` // every approved step's fields
	CreatedAt    time.Time         `json:"created_at"`
	CreatedBy    string            `json:"created_by"`
	UpdatedAt    time.Time         `json:"updated_at"`
	CompletedAt  *time.Time        `json:"completed_at,omitempty"`
	Version      int               `json:"version"`
	// Steps is the course of the workflow (one project read only).
	Steps []Step `json:"steps,omitempty"`
}

// Step is one step of a project's workflow as it stands.
type Step struct {
	Key        string            `json:"key"`
	Name       string            `json:"name"`
	NameEn     string            `json:"name_en,omitempty"`
	Department string            `json:"department"` // the role that decides it ("owner": the customer's account manager)
	Status     string            `json:"status"`     // pending, open, approved, rejected, skipped
	OpenedAt   *time.Time        `json:"opened_at,omitempty"`
	DueAt      *time.Time        `json:"due_at,omitempty"`
	DecidedAt  *time.Time        `json:"decided_at,omitempty"`
	Overdue    bool              `json:"overdue"`
	Fields     map[string]string `json:"fields,omitempty"`
	Required   []Field           `json:"required_fields"`
	Decisions  []StepDecision    `json:"decisions"`
}

// StepDecision is who decided a step, when, how and why.
type StepDecision struct {
	By        string    `json:"by"`
	Decision  string    `json:"decision"`
	Comment   string    `json:"comment"`
	DecidedAt time.Time `json:"decided_at"`
}

// Input is a new application (用电申请).
type Input struct {
	CustomerID  int64  `json:"customer_id"`
	Address     string `json:"address"`
	Nature      string `json:"nature"`
	Voltage     string `json:"voltage"`
	CapacityKVA string `json:"capacity"` // whole kVA; a string so a bad one is named
	Contact     string `json:"contact"`
	Notes       string `json:"notes"`
}

// Filter chooses the projects of a list, newest first (Board: by
// deadline, overdue first).
type Filter struct {
	Scope      crm.Scope
	Now        time.Time
	CustomerID int64
	Status     string
	Step       string
	Overdue    bool
	ByDeadline bool
	After      int64
	Limit      int
}

// StepRecord is the fields a decision recorded on a task.
type StepRecord struct {
	TaskID  int64
	StepKey string
	Fields  map[string]string
}

// Store keeps projects.
type Store interface {
	CreateProject(ctx context.Context, p *Project, l *workflow.Launch, e *crm.AuditEntry) error
	Project(ctx context.Context, id int64, s crm.Scope, now time.Time) (Project, error)
	ListProjects(ctx context.Context, f Filter) ([]Project, error)
	CountProjects(ctx context.Context, f Filter) (crm.ListTotal, error)
	ProjectStepRecords(ctx context.Context, id int64) ([]StepRecord, error)
	// DecideProject writes the decision a, the step's fields, and p's new
	// state when p's version is still p.Version.
	DecideProject(ctx context.Context, p *Project, a *workflow.Advance, rec *StepRecord) error
	WorkflowDefinitionAt(ctx context.Context, id int64, version int) (workflow.Definition, error)
	// AttachmentOf reports whether attachment id is a file of the customer.
	VoucherOf(ctx context.Context, id, customerID int64) (bool, error)
	// DedicatedKVA is the configured threshold and its version (0, 0 when never set).
	DedicatedKVA(ctx context.Context) (int, int, error)
	SetDedicatedKVA(ctx context.Context, kva, version int, e *crm.AuditEntry) error
}

// Service runs customer projects.
type Service struct {
	store     Store
	customers *customer.Service
	workflows *workflow.Service
	now       func() time.Time
}

// New returns the project service.
func New(s Store, customers *customer.Service, workflows *workflow.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, workflows: workflows, now: now}
}

// scope is whose projects p reads: the departments that work the steps
// (technician, qa, production) every project, everyone else the
// customers in their scope (an account manager: their own).
func scope(p crm.Principal) crm.Scope {
	switch p.Role {
	case crm.RoleTechnician, crm.RoleQA, crm.RoleProduction:
		return crm.Scope{All: true, UserID: p.UserID}
	}
	return crm.ReadScope(p)
}

func text(fs *[]crm.FieldError, field, s string, n int, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" && required {
		*fs = append(*fs, crm.Bad(field, "required", "project.input.required", msg.M("project.input."+field)))
	} else if utf8.RuneCountInString(s) > n {
		*fs = append(*fs, crm.Bad(field, "length", "project.input.length", msg.M("project.input."+field), n))
	}
	return s
}

// Settings are the project rules an admin configures.
type Settings struct {
	DedicatedKVA int `json:"dedicated_kva"` // the capacity from which a dedicated line is required
	Version      int `json:"version"`
}

// Settings reads the configured rules.
func (ps *Service) Settings(ctx context.Context) (Settings, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return Settings{}, err
	}
	kva, v, err := ps.threshold(ctx)
	return Settings{DedicatedKVA: kva, Version: v}, err
}

func (ps *Service) threshold(ctx context.Context) (int, int, error) {
	kva, v, err := ps.store.DedicatedKVA(ctx)
	if kva <= 0 {
		kva = DefaultDedicatedKVA
	}
	return kva, v, err
}

// SetSettings changes the rules (admins), audited.
func (ps *Service) SetSettings(ctx context.Context, s Settings) (Settings, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return Settings{}, err
	}
	if s.DedicatedKVA < 1 || s.DedicatedKVA > 10_000_000 {
		return Settings{}, crm.Invalid(crm.Bad("dedicated_kva", "range", "project.settings.range"))
	}
	old, version, err := ps.threshold(ctx)
	if err != nil {
		return Settings{}, err
	}
	if s.Version != 0 && s.Version != version {
		return Settings{}, crm.Fail(crm.EVersionConflict, "project.settings.changed")
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "project_settings", "", map[string]any{"dedicated_kva": crm.Change{Before: old, After: s.DedicatedKVA}})
	if err := ps.store.SetDedicatedKVA(ctx, s.DedicatedKVA, version, &e); err != nil {
		return Settings{}, err
	}
	return Settings{DedicatedKVA: s.DedicatedKVA, Version: version + 1}, nil
}

// Submit enters an application for a customer in scope and starts it on
// the current version of the project workflow. Every field at fault is
// named and nothing is written.
func (ps *Service) Submit(ctx context.Context, in Input) (Project, error) {
	pr, err := crm.Authorize(ctx, crm.ActProjectCreate)
	if err != nil {
		return Project{}, err
	}
	var fs []crm.FieldError
	p := Project{CustomerID: in.CustomerID}
	if in.CustomerID <= 0 {
		fs = append(fs, crm.Bad("customer_id", "required", "project.input.required", msg.M("project.input.customer_id")))
	} else if err := ps.customers.Visible(ctx, in.CustomerID, crm.CustomerScope(pr)); crm.ErrorCode(err) == crm.ENotFound {
		fs = append(fs, crm.Bad("customer_id", "unknown", "project.customer_unknown", in.CustomerID))
	} else if err != nil {
		return Project{}, err
	}
	p.Address = text(&fs, "address", in.Address, 200, true)
	p.Nature = strings.TrimSpace(in.Nature)
	if p.Nature == "" {
		fs = append(fs, crm.Bad("nature", "required", "project.input.required", msg.M("project.input.nature")))
	} else if !slices.Contains(Natures, p.Nature) {
		fs = append(fs, crm.Bad("nature", "unknown", "project.input.choice", msg.M("project.input.nature"), p.Nature, strings.Join(Natures, ", ")))
	}
	p.Voltage = strings.TrimSpace(in.Voltage)
	if p.Voltage == "" {
		fs = append(fs, crm.Bad("voltage", "required", "project.input.required", msg.M("project.input.voltage")))
	} else if !slices.Contains(Voltages, p.Voltage) {
		fs = append(fs, crm.Bad("voltage", "unknown", "project.input.choice", msg.M("project.input.voltage"), p.Voltage, strings.Join(Voltages, ", ")))
	}
	c := strings.TrimSpace(in.CapacityKVA)
	if n, err := strconv.Atoi(c); c == "" {
		fs = append(fs, crm.Bad("capacity", "required", "project.input.required", msg.M("project.input.capacity")))
	} else if err != nil || n <= 0 || n > 10_000_000 {
		fs = append(fs, crm.Bad("capacity", "range", "project.input.capacity_range", c))
	} else {
		p.CapacityKVA = n
	}
	p.Contact = text(&fs, "contact", in.Contact, 100, false)
	p.Notes = text(&fs, "notes", in.Notes, 1000, false)
	if len(fs) > 0 {
		return Project{}, crm.Invalid(fs...)
	}
	kva, _, err := ps.threshold(ctx)
	if err != nil {
		return Project{}, err
	}
	now := ps.now().UTC()
	p.Dedicated = NeedsDedicated(p.CapacityKVA, kva)
	p.Status, p.Version, p.Fields = StatusInProgress, 1, map[string]string{}
	p.CreatedAt, p.UpdatedAt, p.CreatedBy = now, now, pr.Username
	// The steps are the departments' (technician, qa, production), who
	// read projects, not customers: the workflow runs without the
	// customer, so the engine does not drop them as unable to read it.
	launch, err := ps.workflows.Prepare(ctx, WorkflowCode, "", 0, workflow.Facts{})
	if err != nil {
		return Project{}, err
	}
	if launch.Task == nil {
		p.Status, p.CompletedAt = StatusCompleted, &now
	} else {
		p.Step, p.StepName, p.StepDueAt = launch.Task.StepKey, launch.Task.StepName, launch.Task.DueAt
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "project", "", map[string]any{"customer_id": p.CustomerID, "address": p.Address, "nature": p.Nature,
		"voltage": p.Voltage, "capacity": p.CapacityKVA, "contact": p.Contact})
	if err := ps.store.CreateProject(ctx, &p, launch, &e); err != nil {
		return Project{}, err
	}
	return ps.store.Project(ctx, p.ID, crm.Scope{All: true}, now)
}

// Get reads a project in the reader's scope with the course of its steps.
func (ps *Service) Get(ctx context.Context, id int64) (Project, error) {
	pr, err := crm.Authorize(ctx, crm.ActProjectRead)
	if err != nil {
		return Project{}, err
	}
	p, err := ps.store.Project(ctx, id, scope(pr), ps.now())
	if err != nil {
		return Project{}, err
	}
	return ps.detail(ctx, p)
}

func (ps *Service) detail(ctx context.Context, p Project) (Project, error) {
	if p.InstanceID == 0 {
		return p, nil
	}
	inst, err := ps.workflows.Instance(ctx, p.InstanceID)
	if err != nil {
		return Project{}, err
	}
	d, err := ps.store.WorkflowDefinitionAt(ctx, inst.DefinitionID, inst.Version)
	if err != nil {
		return Project{}, err
	}
	recs, err := ps.store.ProjectStepRecords(ctx, p.ID)
	if err != nil {
		return Project{}, err
	}
	p.Steps = Course(d, inst, recs, ps.now())
	return p, nil
}

// Course lays out every step of d as instance inst left it: the tasks it
// opened with their decisions and recorded fields, the steps it passed
// over (skipped) and those still to come (pending).
func Course(d workflow.Definition, inst workflow.Instance, recs []StepRecord, now time.Time) []Step {
	steps := make([]Step, len(d.Steps))
	for i, s := range d.Steps {
		dept := string(s.Approver.Role)
		if s.Approver.Kind != workflow.ResolveRole {
			dept = s.Approver.Kind
		}
		req := StepFields[s.Key]
		if req == nil {
			req = []Field{}
		}
		steps[i] = Step{Key: s.Key, Name: s.Name, NameEn: s.NameEn, Department: dept, Status: "pending", Required: req, Decisions: []StepDecision{}}
		if i < inst.CurrentStep || inst.Status != workflow.InstanceRunning && inst.Status != workflow.InstanceRejected {
			steps[i].Status = "skipped"
		}
	}
	fields := map[int64]map[string]string{}
	for _, r := range recs {
		fields[r.TaskID] = r.Fields
	}
	for _, t := range inst.Tasks {
		if t.StepIndex < 0 || t.StepIndex >= len(steps) {
			continue
		}
		s := &steps[t.StepIndex]
		opened := t.OpenedAt
		s.Status, s.OpenedAt, s.DueAt, s.DecidedAt, s.Fields = t.Status, &opened, t.DueAt, t.DecidedAt, fields[t.ID]
		s.Overdue = t.Status == workflow.TaskOpen && t.DueAt != nil && now.After(*t.DueAt)
		for _, dec := range inst.Decisions {
			if dec.TaskID == t.ID {
				s.Decisions = append(s.Decisions, StepDecision{By: dec.Username, Decision: dec.Decision, Comment: dec.Comment, DecidedAt: dec.DecidedAt})
			}
		}
	}
	if inst.Status == workflow.InstanceRejected {
		for i := range steps {
			if steps[i].Status == "skipped" && i > inst.CurrentStep {
				steps[i].Status = "pending"
			}
		}
	}
	return steps
}

// List lists the projects in the reader's scope and how many match.
func (ps *Service) List(ctx context.Context, f Filter) ([]Project, crm.ListTotal, error) {
	pr, err := crm.Authorize(ctx, crm.ActProjectRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = scope(pr), ps.now().UTC()
	list, err := ps.store.ListProjects(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ps.store.CountProjects(ctx, f)
	return list, total, err
}

// Decide records the signed-in user's decision on the project's open
// step with the fields that step records. Only whoever the step names
// (or their delegate) may decide — anyone else gets a forbidden naming
// the step; an approval missing a required field, or a supply plan that
// breaks the capacity rule, is refused naming the field; nothing is
// written then.
func (ps *Service) Decide(ctx context.Context, id int64, decision, comment string, fields map[string]string) (Project, error) {
	pr, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return Project{}, err
	}
	now := ps.now()
	p, err := ps.store.Project(ctx, id, scope(pr), now)
	inScope := err == nil
	if crm.ErrorCode(err) == crm.ENotFound && pr.DealerID == 0 {
		// An approver named by role may sit outside the customer's
		// scope: the step decides.
		p, err = ps.store.Project(ctx, id, crm.Scope{All: true}, now)
	}
	if err != nil {
		return Project{}, err
	}
	if p.InstanceID == 0 || p.Status != StatusInProgress {
		return Project{}, crm.Fail(crm.EConflict, "project.not_in_progress", p.Code, msg.M("project.status."+p.Status))
	}
	a, err := ps.workflows.Decide(ctx, p.InstanceID, decision, comment, nil)
	if err != nil {
		if !inScope && crm.ErrorCode(err) == crm.EForbidden {
			return Project{}, crm.Fail(crm.ENotFound, "project.not_found", id)
		}
		return Project{}, err
	}
	rec := &StepRecord{TaskID: a.Task.ID, StepKey: a.Task.StepKey, Fields: map[string]string{}}
	if decision == workflow.DecisionApprove {
		kva, _, err := ps.threshold(ctx)
		if err != nil {
			return Project{}, err
		}
		got, fs := CheckFields(a.Task.StepKey, fields, p.CapacityKVA, kva)
		if v := got["completion_docs"]; v != "" {
			ids, _ := AttachmentIDs(v)
			for _, aid := range ids {
				ok, err := ps.store.VoucherOf(ctx, aid, p.CustomerID)
				if err != nil {
					return Project{}, err
				}
				if !ok {
					fs = append(fs, crm.Bad("fields.completion_docs", "unknown", "project.field.attachment_unknown", aid))
				}
			}
		}
		if len(fs) > 0 {
			return Project{}, crm.Invalid(fs...)
		}
		rec.Fields = got
	}
	at := now.UTC()
	p.UpdatedAt = at
	maps.Copy(p.Fields, rec.Fields)
	switch {
	case a.Finished && a.Instance.Status == workflow.InstanceApproved:
		p.Status, p.CompletedAt, p.Step, p.StepName, p.StepDueAt = StatusCompleted, &at, "", "", nil
	case a.Finished:
		p.Status, p.Step, p.StepName, p.StepDueAt = StatusRejected, "", "", nil
	case a.Next != nil:
		p.Step, p.StepName, p.StepDueAt = a.Next.StepKey, a.Next.StepName, a.Next.DueAt
	}
	a.Audit = crm.NewAudit(ctx, "workflow_decision", "project", strconv.FormatInt(p.ID, 10), map[string]any{"project": p.Code,
		"instance": a.Instance.ID, "step": a.Task.StepName, "decision": decision, "comment": a.Decision.Comment, "fields": rec.Fields,
		"on_behalf_of": a.Decision.OnBehalfOf, "step_status": a.Task.Status, "instance_status": a.Instance.Status})
	if err := ps.store.DecideProject(ctx, &p, a, rec); err != nil {
		return Project{}, err
	}
	p, err = ps.store.Project(ctx, id, crm.Scope{All: true}, now)
	if err != nil {
		return Project{}, err
	}
	return ps.detail(ctx, p)
}

// Notice is the supply plan notice (供电方案通知书) the customer is sent
// in writing once the plan is approved.
type Notice struct {
	Project  Project
	Mode     string
	Line     string
	Metering string
	PlanDate string
}

// PlanNotice reads a project's supply plan notice; before the plan is
// approved there is none.
func (ps *Service) PlanNotice(ctx context.Context, id int64) (Notice, error) {
	p, err := ps.Get(ctx, id)
	if err != nil {
		return Notice{}, err
	}
	if p.Fields["supply_mode"] == "" {
		return Notice{}, crm.Fail(crm.EConflict, "project.notice.no_plan", p.Code)
	}
	return Notice{Project: p, Mode: p.Fields["supply_mode"], Line: p.Fields["line"], Metering: p.Fields["metering"], PlanDate: p.Fields["plan_date"]}, nil
}
