package workflow

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Instance statuses.
const (
	InstanceRunning   = "running"
	InstanceApproved  = "approved"
	InstanceRejected  = "rejected"
	InstanceCancelled = "cancelled"
)

// Decisions.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// Instance is one run of a workflow, on the version it started with.
type Instance struct {
	ID           int64      `json:"id"`
	DefinitionID int64      `json:"definition_id"`
	Version      int        `json:"version"`
	Entity       string     `json:"entity"`
	EntityID     string     `json:"entity_id"`
	CustomerID   int64      `json:"customer_id,omitempty"`
	OwnerID      int64      `json:"-"`
	Status       string     `json:"status"`
	CurrentStep  int        `json:"current_step"`
	Facts        Facts      `json:"facts"`
	StartedAt    time.Time  `json:"started_at"`
	StartedBy    string     `json:"started_by"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
	Tasks        []Task     `json:"tasks"`
	Decisions    []Decision `json:"decisions"`
}

// Task is a step an instance reached.
type Task struct {
	ID          int64      `json:"id"`
	InstanceID  int64      `json:"instance_id"`
	StepIndex   int        `json:"step_index"`
	StepKey     string     `json:"step_key"`
	StepName    string     `json:"step_name"`
	StepNameEn  string     `json:"step_name_en,omitempty"`
	Status      string     `json:"status"`
	Need        int        `json:"need"`
	Approvers   []int64    `json:"approvers"`
	Waiting     []int64    `json:"-"` // approvers still to decide (the inbox rows)
	OpenedAt    time.Time  `json:"opened_at"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	EscalatedAt *time.Time `json:"escalated_at,omitempty"`
}

// Decision is one approver's word on a task: timestamped, with a comment.
type Decision struct {
	ID         int64     `json:"id"`
	InstanceID int64     `json:"instance_id"`
	TaskID     int64     `json:"task_id"`
	UserID     int64     `json:"user_id"`
	Username   string    `json:"username"`
	OnBehalfOf int64     `json:"on_behalf_of,omitempty"` // the approver a delegate decided for
	Decision   string    `json:"decision"`
	Comment    string    `json:"comment"`
	DecidedAt  time.Time `json:"decided_at"`
}

// Delegation lets Delegate decide User's steps from From to To.
type Delegation struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	DelegateID int64     `json:"delegate_id"`
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
}

// InboxItem is an open step the signed-in user may decide.
type InboxItem struct {
	TaskID     int64      `json:"task_id"`
	InstanceID int64      `json:"instance_id"`
	Entity     string     `json:"entity"`
	EntityID   string     `json:"entity_id"`
	CustomerID int64      `json:"customer_id,omitempty"`
	StepKey    string     `json:"step_key"`
	StepName   string     `json:"step_name"`
	StepNameEn string     `json:"step_name_en,omitempty"`
	OpenedAt   time.Time  `json:"opened_at"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Overdue    bool       `json:"overdue"`
	OnBehalfOf int64      `json:"on_behalf_of,omitempty"` // set when it is a delegator's step
}

// Launch is an instance ready to be written, with its first task: the
// module that starts it writes it in its own transaction (the order and
// its instance commit together).
type Launch struct {
	Instance Instance
	Task     *Task // nil: no step applies, the instance is approved at once
	Audit    crm.AuditEntry
}

// Advance is a decision ready to be written: the decision, the task's new
// state, and the next task opened (if any) or the instance's end.
type Advance struct {
	Instance Instance // with its new status and current step
	Task     Task     // the decided task, with its new status
	Decision Decision
	Removed  []int64 // the inbox rows the decision removes (user IDs)
	Next     *Task   // the next task opened, if the step completed and another applies
	Finished bool    // the instance ended (approved or rejected)
	Audit    crm.AuditEntry
}

// Escalation is an overdue task and the notices it sends.
type Escalation struct {
	Task    Task
	Notices []crm.Notice
}

// Store keeps workflows, instances, tasks, decisions and delegations.
type Store interface {
	WorkflowDefinitions(ctx context.Context) ([]Definition, error)
	WorkflowDefinition(ctx context.Context, id int64) (Definition, error)
	WorkflowDefinitionByCode(ctx context.Context, code string) (Definition, error)
	WorkflowDefinitionAt(ctx context.Context, id int64, version int) (Definition, error)
	CreateWorkflowDefinition(ctx context.Context, d *Definition, e *crm.AuditEntry) error
	// UpdateWorkflowDefinition saves d as version+1 when version is current.
	UpdateWorkflowDefinition(ctx context.Context, d *Definition, version int, e *crm.AuditEntry) error

	// ActiveUsersOfRole lists the active users of a role, by id.
	ActiveUsersOfRole(ctx context.Context, role crm.Role) ([]int64, error)
	// CustomerOwner is a customer's owner and the owner's manager.
	CustomerOwner(ctx context.Context, id int64) (owner, manager int64, err error)
	UserExists(ctx context.Context, id int64) (bool, error)
	// WorkflowUser reads an enabled user as the principal they sign in
	// as, and their manager; ok false when there is none.
	WorkflowUser(ctx context.Context, id int64) (p crm.Principal, manager int64, ok bool, err error)
	// CustomersInScope returns those of ids that are live customers in s.
	CustomersInScope(ctx context.Context, ids []int64, s crm.Scope, now time.Time) ([]int64, error)

	// StartWorkflow writes l on its own (modules that co-write use their
	// store's transaction instead).
	StartWorkflow(ctx context.Context, l *Launch) error
	WorkflowInstance(ctx context.Context, id int64) (Instance, error)
	WorkflowInstanceFor(ctx context.Context, entity, entityID string) (Instance, error)
	// ApplyAdvance writes a; a conflict when the decider's inbox row is
	// gone (someone decided first).
	ApplyAdvance(ctx context.Context, a *Advance) error

	// WorkflowInbox lists the open tasks of users (the caller first, then
	// those who delegated to them), oldest first, after the task afterID,
	// each task once.
	WorkflowInbox(ctx context.Context, users []int64, afterID int64, limit int) ([]InboxItem, error)
	WorkflowInboxCount(ctx context.Context, users []int64) (crm.ListTotal, error)
	// OverdueWorkflowTasks lists up to limit open, unescalated tasks due
	// before now, with their waiting approvers.
	OverdueWorkflowTasks(ctx context.Context, now time.Time, limit int) ([]Task, error)
	// EscalateWorkflowTasks marks the tasks escalated at at (each once)
	// and sends the notices, with e.
	EscalateWorkflowTasks(ctx context.Context, es []Escalation, at time.Time, e *crm.AuditEntry) (int, error)

	Delegations(ctx context.Context, userID int64, now time.Time) ([]Delegation, error)
	// DelegatorsOf lists the users who delegated to userID at now.
	DelegatorsOf(ctx context.Context, userID int64, now time.Time) ([]int64, error)
	CreateDelegation(ctx context.Context, d *Delegation, e *crm.AuditEntry) error
	DeleteDelegation(ctx context.Context, id, userID int64, e *crm.AuditEntry) error
}
