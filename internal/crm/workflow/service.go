package workflow

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Service runs workflows.
type Service struct {
	store     Store
	calendars *crm.Calendars
	now       func() time.Time
}

// New returns the workflow service; now is the clock (time.Now when nil).
func New(s Store, calendars *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, calendars: calendars, now: now}
}

// Definitions lists every workflow.
func (ws *Service) Definitions(ctx context.Context) ([]Definition, error) {
	if _, err := crm.Authorize(ctx, crm.ActWorkflowRead); err != nil {
		return nil, err
	}
	return ws.store.WorkflowDefinitions(ctx)
}

// Definition reads one workflow, at version (0: the current one).
func (ws *Service) Definition(ctx context.Context, id int64, version int) (Definition, error) {
	if _, err := crm.Authorize(ctx, crm.ActWorkflowRead); err != nil {
		return Definition{}, err
	}
	if version > 0 {
		d, err := ws.store.WorkflowDefinitionAt(ctx, id, version)
		if crm.ErrorCode(err) == crm.ENotFound {
			if _, err2 := ws.store.WorkflowDefinition(ctx, id); err2 != nil {
				return Definition{}, err2
			}
			return Definition{}, crm.Fail(crm.ENotFound, "workflow.no_such_version", id, version)
		}
		return d, err
	}
	return ws.store.WorkflowDefinition(ctx, id)
}

// checkUsers refuses named users that do not exist or may not decide
// steps and read customers (admin, auditor, a dealer's account), and an
// N of M step whose N is more than its approvers can ever be.
func (ws *Service) checkUsers(ctx context.Context, d Definition) error {
	var fs []crm.FieldError
	for i, s := range d.Steps {
		at := "steps[" + strconv.Itoa(i) + "]."
		members := 1 // the owner, the owner's manager, a named user
		switch s.Approver.Kind {
		case ResolveUser:
			u, _, ok, err := ws.store.WorkflowUser(ctx, s.Approver.UserID)
			if err != nil {
				return err
			}
			if !ok {
				fs = append(fs, crm.Bad(at+"approver.user_id", "unknown", "workflow.step.user_unknown", i+1, s.Approver.UserID))
			} else if !decider(u) {
				fs = append(fs, crm.Bad(at+"approver.user_id", "forbidden", "workflow.step.user_cannot_decide", i+1, u.Username, crm.RoleWord(u.Role)))
			}
		case ResolveRole:
			if s.Mode != ModeNOfM {
				continue
			}
			ids, err := ws.store.ActiveUsersOfRole(ctx, s.Approver.Role)
			if err != nil {
				return err
			}
			members = len(ids)
		}
		if s.Mode == ModeNOfM && s.N > members {
			fs = append(fs, crm.Bad(at+"n", "range", "workflow.step.n_over", i+1, s.N, members))
		}
	}
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}

// CreateDefinition adds a workflow as its version 1.
func (ws *Service) CreateDefinition(ctx context.Context, d Definition) (Definition, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowManage)
	if err != nil {
		return Definition{}, err
	}
	if err := Validate(&d); err != nil {
		return Definition{}, err
	}
	if err := ws.checkUsers(ctx, d); err != nil {
		return Definition{}, err
	}
	d.ID, d.Version, d.UpdatedAt, d.UpdatedBy = 0, 1, ws.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditCreate, "workflow", d.Code, d)
	if err := ws.store.CreateWorkflowDefinition(ctx, &d, &e); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// UpdateDefinition saves d as the next version of workflow id; version is
// the one the change was made to. Running instances keep their version.
func (ws *Service) UpdateDefinition(ctx context.Context, id int64, version int, d Definition) (Definition, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowManage)
	if err != nil {
		return Definition{}, err
	}
	old, err := ws.store.WorkflowDefinition(ctx, id)
	if err != nil {
		return Definition{}, err
	}
	if version != old.Version {
		return Definition{}, crm.Fail(crm.EVersionConflict, "workflow.changed_version", old.Code, old.Version, version)
	}
	d.ID, d.Code = id, old.Code
	if strings.TrimSpace(d.Name) == "" {
		d.Name = old.Name
	}
	if d.NameEn == "" {
		d.NameEn = old.NameEn
	}
	if d.Entity == "" {
		d.Entity = old.Entity
	}
	if err := Validate(&d); err != nil {
		return Definition{}, err
	}
	if err := ws.checkUsers(ctx, d); err != nil {
		return Definition{}, err
	}
	d.Version, d.UpdatedAt, d.UpdatedBy = old.Version+1, ws.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditUpdate, "workflow", strconv.FormatInt(id, 10), map[string]any{
		"version": crm.Change{Before: old.Version, After: d.Version}, "steps": crm.Change{Before: old.Steps, After: d.Steps}})
	if err := ws.store.UpdateWorkflowDefinition(ctx, &d, old.Version, &e); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// Instance reads an instance with its tasks and decisions. The module
// that owns the entity checks the reader's scope first.
func (ws *Service) Instance(ctx context.Context, id int64) (Instance, error) {
	return ws.store.WorkflowInstance(ctx, id)
}

// StepName is a step's name in lang.
func StepName(lang, zh, en string) string {
	if lang == msg.En && en != "" {
		return en
	}
	return zh
}

// Prepare builds an instance of the current version of workflow code for
// the entity (entity, entityID) of a customer, with its first applicable
// step opened and its approvers resolved, ready for the caller's store to
// write in the caller's transaction (store.StartWorkflowTx). The caller
// has authorized the principal. A step that resolves to nobody is refused.
func (ws *Service) Prepare(ctx context.Context, code, entityID string, customerID int64, facts Facts) (*Launch, error) {
	d, err := ws.store.WorkflowDefinitionByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	p, _ := crm.PrincipalFrom(ctx)
	now := ws.now().UTC()
	inst := Instance{DefinitionID: d.ID, Version: d.Version, Entity: d.Entity, EntityID: entityID, CustomerID: customerID,
		Status: InstanceRunning, Facts: facts, StartedAt: now, StartedBy: p.Username}
	if inst.Facts == nil {
		inst.Facts = Facts{}
	}
	if _, set := inst.Facts[FactSubmitter]; !set && p.UserID > 0 {
		inst.Facts[FactSubmitter] = strconv.FormatInt(p.UserID, 10)
	}
	sub, err := ws.subject(ctx, customerID)
	if err != nil {
		return nil, err
	}
	inst.OwnerID = sub.OwnerID
	task, err := ws.open(ctx, d, &inst, 0, sub, now)
	if err != nil {
		return nil, err
	}
	if task == nil {
		inst.Status, inst.FinishedAt = InstanceApproved, &now
	}
	l := &Launch{Instance: inst, Task: task,
		Audit: crm.NewAudit(ctx, "workflow_start", "workflow_instance", "", map[string]any{"workflow": d.Code, "version": d.Version, "entity": d.Entity, "entity_id": entityID})}
	return l, nil
}

// Start prepares and writes an instance on its own, for a module that
// needs no shared transaction.
func (ws *Service) Start(ctx context.Context, code, entityID string, customerID int64, facts Facts) (Instance, error) {
	l, err := ws.Prepare(ctx, code, entityID, customerID, facts)
	if err != nil {
		return Instance{}, err
	}
	if err := ws.store.StartWorkflow(ctx, l); err != nil {
		return Instance{}, err
	}
	return l.Instance, nil
}

func (ws *Service) subject(ctx context.Context, customerID int64) (Subject, error) {
	s := Subject{CustomerID: customerID}
	if customerID <= 0 {
		return s, nil
	}
	owner, manager, err := ws.store.CustomerOwner(ctx, customerID)
	if err != nil {
		return s, err
	}
	s.OwnerID, s.OwnerManagerID = owner, manager
	return s, nil
}

// open returns the task of the first step from from on that applies to
// the instance's facts (nil when none does), updating inst's current step.
func (ws *Service) open(ctx context.Context, d Definition, inst *Instance, from int, sub Subject, now time.Time) (*Task, error) {
	i := NextStep(d.Steps, from, inst.Facts)
	if i < 0 {
		inst.CurrentStep = len(d.Steps)
		return nil, nil
	}
	s := d.Steps[i]
	var roleErr error
	ids := Resolve(s.Approver, sub, func(r crm.Role) []int64 {
		ids, err := ws.store.ActiveUsersOfRole(ctx, r)
		roleErr = err
		return ids
	})
	if roleErr != nil {
		return nil, roleErr
	}
	ids, err := ws.eligible(ctx, s.Approver, ids, sub.CustomerID, submitter(*inst))
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, crm.Fail(crm.EConflict, "workflow.no_approver", s.Name, describe(s.Approver))
	}
	var due *time.Time
	if s.DeadlineHours > 0 {
		cal, err := ws.calendars.Current(ctx)
		if err != nil {
			return nil, err
		}
		if due, err = DueAt(cal, now, s.DeadlineHours); err != nil {
			return nil, err
		}
	}
	inst.CurrentStep = i
	return &Task{InstanceID: inst.ID, StepIndex: i, StepKey: s.Key, StepName: s.Name, StepNameEn: s.NameEn, Status: TaskOpen,
		Need: Need(s.Mode, s.N, len(ids)), Approvers: ids, Waiting: slices.Clone(ids), OpenedAt: now, DueAt: due}, nil
}

// FactSubmitter is the fact that keeps who started an instance (their user
// id): separation of duties keeps them from deciding its steps. It is not
// a condition's fact.
const FactSubmitter = "submitter_id"

// submitter is the user who started inst (0: unknown, the system).
func submitter(inst Instance) int64 {
	id, _ := strconv.ParseInt(inst.Facts[FactSubmitter], 10, 64)
	return id
}

// decider reports whether p is a staff user who may decide steps.
func decider(p crm.Principal) bool {
	return p.DealerID == 0 && p.Role != crm.RoleDealer && p.Role.Can(crm.ActWorkflowDecide)
}

// canRead reports whether p may read customer id (none: yes).
func (ws *Service) canRead(ctx context.Context, p crm.Principal, id int64) (bool, error) {
	if id <= 0 {
		return true, nil
	}
	s := crm.ReadScope(p)
	if s.All && s.CustomerID == 0 {
		return true, nil
	}
	ids, err := ws.store.CustomersInScope(ctx, []int64{id}, s, ws.now())
	return len(ids) > 0, err
}

// eligible keeps those of ids who may decide a step about customer: staff
// who decide and can read the customer (a sales manager of the customer's
// team, not of another), never the submitter. When leaving out the
// submitter leaves nobody, the submitter's manager decides, else their
// manager's manager, else the gm.
func (ws *Service) eligible(ctx context.Context, a Approver, ids []int64, customer, sub int64) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	dropped := false
	ok := func(id int64) (bool, error) {
		if a.Kind == ResolveRole && crm.CustomerScope(crm.Principal{Role: a.Role}).All {
			return true, nil // active users of a role that reads every customer
		}
		u, _, found, err := ws.store.WorkflowUser(ctx, id)
		if err != nil || !found || !decider(u) {
			return false, err
		}
		return ws.canRead(ctx, u, customer)
	}
	for _, id := range ids {
		if id == sub {
			dropped = true
			continue
		}
		good, err := ok(id)
		if err != nil {
			return nil, err
		}
		if good {
			out = append(out, id)
		}
	}
	if len(out) > 0 || !dropped {
		return out, nil
	}
	// The submitter was the only one: their manager, then the manager's
	// manager, then the gm.
	var chain []int64
	at := sub
	for range 2 {
		_, m, found, err := ws.store.WorkflowUser(ctx, at)
		if err != nil {
			return nil, err
		}
		if !found || m == 0 {
			break
		}
		chain, at = append(chain, m), m
	}
	gms, err := ws.store.ActiveUsersOfRole(ctx, crm.RoleGM)
	if err != nil {
		return nil, err
	}
	for _, id := range append(chain, gms...) {
		if id == sub {
			continue
		}
		u, _, found, err := ws.store.WorkflowUser(ctx, id)
		if err != nil {
			return nil, err
		}
		if !found || !decider(u) {
			continue
		}
		if r, err := ws.canRead(ctx, u, customer); err != nil {
			return nil, err
		} else if r {
			return []int64{id}, nil
		}
	}
	return out, nil
}

// describe names an approver resolver in a message.
func describe(a Approver) msg.Message {
	switch a.Kind {
	case ResolveRole:
		return msg.M("workflow.approver.role", crm.RoleWord(a.Role))
	case ResolveUser:
		return msg.M("workflow.approver.user", a.UserID)
	case ResolveOwnerManager:
		return msg.M("workflow.approver.owner_manager")
	default:
		return msg.M("workflow.approver.owner")
	}
}

// Hook checks an approval of a step before it counts (the order's funds
// check on the finance step); an error refuses the decision.
type Hook func(ctx context.Context, inst Instance, step Step) error

// Decide records the signed-in user's decision on the open step of
// instance id, when that step names them (or someone who delegated to
// them), and works out what follows: the next applicable step opened with
// its approvers, or the instance's end. It writes nothing: the module
// that owns the entity writes the returned Advance in its transaction
// (or calls Apply). Anyone else is refused with a forbidden naming the
// step and who decides it.
func (ws *Service) Decide(ctx context.Context, id int64, decision, comment string, hook Hook) (*Advance, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return nil, err
	}
	var fs []crm.FieldError
	if decision != DecisionApprove && decision != DecisionReject {
		fs = append(fs, crm.Bad("decision", "unknown", "workflow.decision.unknown", decision))
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 1000 {
		fs = append(fs, crm.Bad("comment", "length", "workflow.comment.length"))
	} else if decision == DecisionReject && comment == "" {
		fs = append(fs, crm.Bad("comment", "required", "workflow.comment.required"))
	}
	if len(fs) > 0 {
		return nil, crm.Invalid(fs...)
	}
	inst, err := ws.store.WorkflowInstance(ctx, id)
	if err != nil {
		return nil, err
	}
	// Whoever cannot read the record may not decide it, nor learn it exists.
	if ok, err := ws.canRead(ctx, p, inst.CustomerID); err != nil {
		return nil, err
	} else if !ok || !decider(p) {
		return nil, crm.Fail(crm.ENotFound, "workflow.no_such_instance", id)
	}
	if inst.Status != InstanceRunning || len(inst.Tasks) == 0 || inst.Tasks[len(inst.Tasks)-1].Status != TaskOpen {
		return nil, crm.Fail(crm.EConflict, "workflow.not_running", inst.Status)
	}
	task := inst.Tasks[len(inst.Tasks)-1]
	d, err := ws.store.WorkflowDefinitionAt(ctx, inst.DefinitionID, inst.Version)
	if err != nil {
		return nil, err
	}
	if task.StepIndex >= len(d.Steps) {
		return nil, crm.Fail(crm.EConflict, "workflow.not_running", inst.Status)
	}
	step := d.Steps[task.StepIndex]
	now := ws.now().UTC()
	slot := int64(0)
	if slices.Contains(task.Waiting, p.UserID) {
		slot = p.UserID
	} else {
		from, err := ws.store.DelegatorsOf(ctx, p.UserID, now)
		if err != nil {
			return nil, err
		}
		for _, u := range task.Waiting {
			if slices.Contains(from, u) {
				slot = u
				break
			}
		}
	}
	if own := submitter(inst); own != 0 && (p.UserID == own || slot == own) {
		return nil, crm.Refuse(crm.EForbidden, msg.M("workflow.own_submission", task.StepName))
	}
	if slot == 0 {
		for _, dec := range inst.Decisions {
			if dec.TaskID == task.ID && dec.UserID == p.UserID {
				return nil, crm.Fail(crm.EConflict, "workflow.already_decided", task.StepName)
			}
		}
		return nil, crm.Refuse(crm.EForbidden, msg.M("workflow.not_your_step", task.StepName, describe(step.Approver)))
	}
	if decision == DecisionApprove && step.Hook != "" && hook != nil {
		if err := hook(ctx, inst, step); err != nil {
			return nil, err
		}
	}
	approvals, rejections := 0, 0
	for _, dec := range inst.Decisions {
		if dec.TaskID == task.ID {
			if dec.Decision == DecisionApprove {
				approvals++
			} else {
				rejections++
			}
		}
	}
	if decision == DecisionApprove {
		approvals++
	} else {
		rejections++
	}
	dec := Decision{InstanceID: inst.ID, TaskID: task.ID, UserID: p.UserID, Username: p.Username, Decision: decision, Comment: comment, DecidedAt: now}
	if slot != p.UserID {
		dec.OnBehalfOf = slot
	}
	a := &Advance{Decision: dec, Removed: []int64{slot}}
	waiting := len(task.Waiting) - 1
	task.Status = Tally(task.Need, approvals, rejections, waiting)
	switch task.Status {
	case TaskApproved:
		task.DecidedAt = &now
		a.Removed = slices.Clone(task.Waiting)
		slices.SortFunc(a.Removed, func(x, y int64) int { // the decider's row first: its removal proves the decision
			if x == slot {
				return -1
			}
			if y == slot {
				return 1
			}
			return 0
		})
		sub := Subject{CustomerID: inst.CustomerID, OwnerID: inst.OwnerID}
		if inst.CustomerID > 0 {
			if sub, err = ws.subject(ctx, inst.CustomerID); err != nil {
				return nil, err
			}
		}
		next, err := ws.open(ctx, d, &inst, task.StepIndex+1, sub, now)
		if err != nil {
			return nil, err
		}
		a.Next = next
		if next == nil {
			inst.Status, inst.FinishedAt, a.Finished = InstanceApproved, &now, true
		}
	case TaskRejected:
		task.DecidedAt = &now
		a.Removed = append([]int64{slot}, slices.DeleteFunc(slices.Clone(task.Waiting), func(u int64) bool { return u == slot })...)
		inst.Status, inst.FinishedAt, a.Finished = InstanceRejected, &now, true
	}
	a.Instance, a.Task = inst, task
	a.Audit = crm.NewAudit(ctx, "workflow_decision", inst.Entity, inst.EntityID, map[string]any{"instance": inst.ID, "step": task.StepName,
		"decision": decision, "comment": comment, "on_behalf_of": dec.OnBehalfOf, "step_status": task.Status, "instance_status": inst.Status})
	return a, nil
}

// Apply writes an Advance on its own, for a module that needs no shared
// transaction.
func (ws *Service) Apply(ctx context.Context, a *Advance) error { return ws.store.ApplyAdvance(ctx, a) }

// Cancel is the Advance that ends a running instance as cancelled
// (the entity was withdrawn), removing its open step from every inbox.
func (ws *Service) Cancel(ctx context.Context, inst Instance) *Advance {
	now := ws.now().UTC()
	a := &Advance{Instance: inst, Finished: true}
	a.Instance.Status, a.Instance.FinishedAt = InstanceCancelled, &now
	if n := len(inst.Tasks); n > 0 && inst.Tasks[n-1].Status == TaskOpen {
		a.Task = inst.Tasks[n-1]
		a.Task.Status, a.Task.DecidedAt = TaskCancelled, &now
		a.Removed = slices.Clone(a.Task.Waiting)
	}
	a.Audit = crm.NewAudit(ctx, "workflow_cancel", inst.Entity, inst.EntityID, map[string]any{"instance": inst.ID})
	return a
}

// Inbox lists the open steps the signed-in user may decide: their own
// and those of users who delegated to them now, oldest first,
// keyset-paged by task id.
func (ws *Service) Inbox(ctx context.Context, afterID int64, limit int) ([]InboxItem, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	now := ws.now().UTC()
	from, err := ws.store.DelegatorsOf(ctx, p.UserID, now)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	users := append([]int64{p.UserID}, from...)
	items, err := ws.store.WorkflowInbox(ctx, users, afterID, limit)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if items, err = ws.readable(ctx, p, items); err != nil {
		return nil, crm.ListTotal{}, err
	}
	for i := range items {
		items[i].Overdue = items[i].DueAt != nil && now.After(*items[i].DueAt)
	}
	total, err := ws.store.WorkflowInboxCount(ctx, users)
	return items, total, err
}

// readable keeps the inbox items about customers p may read (a
// delegator's step about a customer the delegate cannot see stays out).
func (ws *Service) readable(ctx context.Context, p crm.Principal, items []InboxItem) ([]InboxItem, error) {
	s := crm.ReadScope(p)
	if s.All && s.CustomerID == 0 && decider(p) {
		return items, nil
	}
	var ids []int64
	for _, it := range items {
		if it.CustomerID > 0 && !slices.Contains(ids, it.CustomerID) {
			ids = append(ids, it.CustomerID)
		}
	}
	seen, err := ws.store.CustomersInScope(ctx, ids, s, ws.now())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(items, func(it InboxItem) bool {
		return !decider(p) || it.CustomerID > 0 && !slices.Contains(seen, it.CustomerID)
	}), nil
}

// Escalate notifies the manager of each approver still to decide a step
// that is overdue, once per step, and marks the step escalated: the
// periodic sweep calls it. It returns how many steps it escalated.
func (ws *Service) Escalate(ctx context.Context, limit int) (int, error) {
	now := ws.now().UTC()
	tasks, err := ws.store.OverdueWorkflowTasks(ctx, now, limit)
	if err != nil || len(tasks) == 0 {
		return 0, err
	}
	es := make([]Escalation, 0, len(tasks))
	ids := make([]int64, 0, len(tasks))
	for _, t := range tasks {
		e := Escalation{Task: t}
		for _, u := range t.Waiting {
			text := msg.M("workflow.notice.overdue", t.StepName, t.InstanceID)
			e.Notices = append(e.Notices, crm.Notice{To: crm.Audience{ManagerOf: u}, Kind: "workflow_overdue", Entity: "workflow_instance",
				EntityID: strconv.FormatInt(t.InstanceID, 10), Text: text, Link: "/workflow-tasks", Message: text.In(msg.ZhCN) + " / " + text.In(msg.En)})
		}
		es = append(es, e)
		ids = append(ids, t.ID)
	}
	audit := crm.NewAudit(ctx, "workflow_escalated", "workflow_task", "", map[string]any{"tasks": ids})
	return ws.store.EscalateWorkflowTasks(ctx, es, now, &audit)
}

// Delegations lists the signed-in user's delegations that have not ended.
func (ws *Service) Delegations(ctx context.Context) ([]Delegation, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return nil, err
	}
	return ws.store.Delegations(ctx, p.UserID, ws.now().UTC())
}

// Delegate lets delegate decide the user's steps from from to to. A user
// delegates their own steps; a workflow manager (admin) may set anyone's.
func (ws *Service) Delegate(ctx context.Context, d Delegation) (Delegation, error) {
	p, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return Delegation{}, err
	}
	if d.UserID == 0 {
		d.UserID = p.UserID
	}
	if d.UserID != p.UserID {
		return Delegation{}, crm.FailField(crm.EForbidden, "user_id", "forbidden", "workflow.delegation.not_yours")
	}
	var fs []crm.FieldError
	if d.DelegateID <= 0 {
		fs = append(fs, crm.Bad("delegate_id", "required", "workflow.delegation.delegate_required"))
	} else if d.DelegateID == d.UserID {
		fs = append(fs, crm.Bad("delegate_id", "self", "workflow.delegation.self"))
	} else if u, _, ok, err := ws.store.WorkflowUser(ctx, d.DelegateID); err != nil {
		return Delegation{}, err
	} else if !ok {
		fs = append(fs, crm.Bad("delegate_id", "unknown", "workflow.delegation.user_unknown", d.DelegateID))
	} else if !decider(u) {
		// The delegate decides in the delegator's name and must read the
		// records: admin, auditor and dealer accounts cannot.
		fs = append(fs, crm.Bad("delegate_id", "forbidden", "workflow.delegation.delegate_cannot_decide", u.Username, crm.RoleWord(u.Role)))
	}
	now := ws.now().UTC()
	if d.From.IsZero() {
		d.From = now
	}
	switch {
	case d.From.Before(now.Add(-24 * time.Hour)):
		fs = append(fs, crm.Bad("from", "range", "workflow.delegation.from_past"))
	case d.From.After(now.Add(MaxDelegation)):
		fs = append(fs, crm.Bad("from", "range", "workflow.delegation.from_far", MaxDelegationDays))
	}
	if d.To.IsZero() || !d.To.After(d.From) {
		fs = append(fs, crm.Bad("to", "range", "workflow.delegation.range"))
	} else if d.To.Sub(d.From) > MaxDelegation {
		fs = append(fs, crm.Bad("to", "range", "workflow.delegation.too_long", MaxDelegationDays))
	}
	if len(fs) > 0 {
		return Delegation{}, crm.Invalid(fs...)
	}
	d.From, d.To, d.CreatedAt, d.CreatedBy = d.From.UTC(), d.To.UTC(), ws.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditCreate, "workflow_delegation", "", d)
	if err := ws.store.CreateDelegation(ctx, &d, &e); err != nil {
		return Delegation{}, err
	}
	return d, nil
}

// MaxDelegationDays bounds a delegation: it starts within that many days
// and lasts at most as long.
const MaxDelegationDays = 180

// MaxDelegation is MaxDelegationDays as a duration.
const MaxDelegation = MaxDelegationDays * 24 * time.Hour

// EndDelegation removes one of the signed-in user's delegations.
func (ws *Service) EndDelegation(ctx context.Context, id int64) error {
	p, err := crm.Authorize(ctx, crm.ActWorkflowDecide)
	if err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "workflow_delegation", strconv.FormatInt(id, 10), nil)
	return ws.store.DeleteDelegation(ctx, id, p.UserID, &e)
}

// Delegation reads one of the signed-in user's delegations that has not
// ended.
func (ws *Service) Delegation(ctx context.Context, id int64) (Delegation, error) {
	list, err := ws.Delegations(ctx)
	if err != nil {
		return Delegation{}, err
	}
	for _, d := range list {
		if d.ID == id {
			return d, nil
		}
	}
	return Delegation{}, crm.Fail(crm.ENotFound, "workflow.no_such_delegation", id)
}
