package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/workflow"
)

// workflowBody is what workflow_definitions.body keeps of a definition.
func workflowBody(d workflow.Definition) string {
	b, _ := json.Marshal(struct {
		Name   string          `json:"name"`
		NameEn string          `json:"name_en,omitempty"`
		Entity string          `json:"entity"`
		Steps  []workflow.Step `json:"steps"`
	}{d.Name, d.NameEn, d.Entity, d.Steps})
	return string(b)
}

func scanWorkflow(sc scanner) (workflow.Definition, error) {
	var d workflow.Definition
	var body string
	if err := sc.Scan(&d.ID, &d.Code, &d.Version, &body, &d.UpdatedAt, &d.UpdatedBy); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		return d, fmt.Errorf("store: workflow %d: %w", d.ID, err)
	}
	return d, nil
}

const workflowColumns = "id, code, version, body, updated_at, updated_by"

// WorkflowDefinitions lists every workflow by id.
func (db *DB) WorkflowDefinitions(ctx context.Context) ([]workflow.Definition, error) {
	return queryAll(ctx, db, scanWorkflow, "SELECT "+workflowColumns+" FROM workflow_definitions ORDER BY id")
}

// WorkflowDefinition reads the current version of a workflow.
func (db *DB) WorkflowDefinition(ctx context.Context, id int64) (workflow.Definition, error) {
	d, err := scanWorkflow(db.QueryRow(ctx, "SELECT "+workflowColumns+" FROM workflow_definitions WHERE id = ?", id))
	return d, noSuch(err, "workflow.no_such", id)
}

// WorkflowDefinitionByCode reads the current version of a workflow by code.
func (db *DB) WorkflowDefinitionByCode(ctx context.Context, code string) (workflow.Definition, error) {
	d, err := scanWorkflow(db.QueryRow(ctx, "SELECT "+workflowColumns+" FROM workflow_definitions WHERE code = ?", code))
	return d, noSuch(err, "workflow.no_such_code", code)
}

// WorkflowDefinitionAt reads a version of a workflow as it was saved.
func (db *DB) WorkflowDefinitionAt(ctx context.Context, id int64, version int) (workflow.Definition, error) {
	d, err := scanWorkflow(db.QueryRow(ctx, `SELECT v.definition_id, d.code, v.version, v.body, v.created_at, v.created_by
		FROM workflow_definition_versions v JOIN workflow_definitions d ON d.id = v.definition_id WHERE v.definition_id = ? AND v.version = ?`, id, version))
	return d, noSuch(err, "workflow.no_such", id)
}

// CreateWorkflowDefinition inserts d as version 1, with e.
func (db *DB) CreateWorkflowDefinition(ctx context.Context, d *workflow.Definition, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		body := workflowBody(*d)
		err := tx.QueryRow(ctx, "INSERT INTO workflow_definitions (code, version, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
			d.Code, d.Version, body, d.UpdatedAt, d.UpdatedBy).Scan(&d.ID)
		if isUniqueViolation(err) {
			return crm.Invalid(crm.Bad("code", "taken", "workflow.code.taken", d.Code))
		}
		if err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(d.ID, 10)
		_, err = tx.Exec(ctx, "INSERT INTO workflow_definition_versions (definition_id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
			d.ID, d.Version, body, d.UpdatedAt, d.UpdatedBy)
		return err
	})
}

// UpdateWorkflowDefinition saves d as its next version when version is
// still the current one; the versions before stay for the instances on
// them.
func (db *DB) UpdateWorkflowDefinition(ctx context.Context, d *workflow.Definition, version int, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		body := workflowBody(*d)
		res, err := tx.Exec(ctx, "UPDATE workflow_definitions SET version = ?, body = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?",
			d.Version, body, d.UpdatedAt, d.UpdatedBy, d.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "workflow.changed_version", d.Code, version+1, version)
		}
		_, err = tx.Exec(ctx, "INSERT INTO workflow_definition_versions (definition_id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
			d.ID, d.Version, body, d.UpdatedAt, d.UpdatedBy)
		return err
	})
}

// ActiveUsersOfRole lists the enabled users of a role, by id.
func (db *DB) ActiveUsersOfRole(ctx context.Context, role crm.Role) ([]int64, error) {
	return queryIDs(ctx, db, "SELECT id FROM users WHERE role = ? AND disabled_at IS NULL ORDER BY id", string(role))
}

// UserExists reports whether an enabled user has id.
func (db *DB) UserExists(ctx context.Context, id int64) (bool, error) {
	ids, err := queryIDs(ctx, db, "SELECT id FROM users WHERE id = ? AND disabled_at IS NULL", id)
	return len(ids) > 0, err
}

// StartWorkflow writes an instance and its first task, with its audit entry.
func (db *DB) StartWorkflow(ctx context.Context, l *workflow.Launch) error {
	return db.InTxAudited(ctx, &l.Audit, func(tx *Tx) error { return startWorkflowTx(ctx, tx, l) })
}

// startWorkflowTx writes l in tx: the instance, its first task and the
// task's inbox rows. A module that starts an instance with its own record
// calls it inside its own transaction.
func startWorkflowTx(ctx context.Context, tx *Tx, l *workflow.Launch) error {
	in := &l.Instance
	facts, _ := json.Marshal(in.Facts)
	if err := tx.QueryRow(ctx, `INSERT INTO workflow_instances (definition_id, version, entity, entity_id, customer_id, owner_id, status, current_step,
		facts, started_at, started_by, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.DefinitionID, in.Version, in.Entity, in.EntityID, in.CustomerID, in.OwnerID, in.Status, in.CurrentStep, string(facts),
		in.StartedAt, in.StartedBy, in.FinishedAt).Scan(&in.ID); err != nil {
		return err
	}
	l.Audit.EntityID = strconv.FormatInt(in.ID, 10)
	if l.Task != nil {
		l.Task.InstanceID = in.ID
		if err := insertTask(ctx, tx, l.Task); err != nil {
			return err
		}
		in.Tasks = []workflow.Task{*l.Task}
	}
	return nil
}

func insertTask(ctx context.Context, tx *Tx, t *workflow.Task) error {
	approvers, _ := json.Marshal(t.Approvers)
	if err := tx.QueryRow(ctx, `INSERT INTO workflow_tasks (instance_id, step_index, step_key, step_name, step_name_en, status, need, approvers,
		opened_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.InstanceID, t.StepIndex, t.StepKey, t.StepName, t.StepNameEn,
		t.Status, t.Need, string(approvers), t.OpenedAt, t.DueAt).Scan(&t.ID); err != nil {
		return err
	}
	for _, part := range chunks(t.Waiting, 200) {
		args := make([]any, 0, 2*len(part))
		for _, u := range part {
			args = append(args, u, t.ID)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO workflow_inbox (user_id, task_id) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", "), args...); err != nil {
			return err
		}
	}
	return nil
}

const instanceColumns = "id, definition_id, version, entity, entity_id, customer_id, owner_id, status, current_step, facts, started_at, started_by, finished_at"

func scanInstance(sc scanner) (workflow.Instance, error) {
	var in workflow.Instance
	var facts string
	var finished sql.NullTime
	err := sc.Scan(&in.ID, &in.DefinitionID, &in.Version, &in.Entity, &in.EntityID, &in.CustomerID, &in.OwnerID, &in.Status, &in.CurrentStep,
		&facts, &in.StartedAt, &in.StartedBy, &finished)
	if err != nil {
		return in, err
	}
	_ = json.Unmarshal([]byte(facts), &in.Facts)
	in.FinishedAt = wfTime(finished)
	return in, nil
}

func wfTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

const taskColumns = "t.id, t.instance_id, t.step_index, t.step_key, t.step_name, t.step_name_en, t.status, t.need, t.approvers, t.opened_at, t.due_at, t.decided_at, t.escalated_at"

func scanTask(sc scanner) (workflow.Task, error) {
	var t workflow.Task
	var approvers string
	var due, decided, escalated sql.NullTime
	err := sc.Scan(&t.ID, &t.InstanceID, &t.StepIndex, &t.StepKey, &t.StepName, &t.StepNameEn, &t.Status, &t.Need, &approvers, &t.OpenedAt,
		&due, &decided, &escalated)
	if err != nil {
		return t, err
	}
	_ = json.Unmarshal([]byte(approvers), &t.Approvers)
	t.DueAt, t.DecidedAt, t.EscalatedAt = wfTime(due), wfTime(decided), wfTime(escalated)
	return t, nil
}

func (db *DB) waiting(ctx context.Context, taskID int64) ([]int64, error) {
	return queryIDs(ctx, db, "SELECT user_id FROM workflow_inbox WHERE task_id = ? ORDER BY user_id", taskID)
}

// WorkflowInstance reads an instance with its tasks (the open one with
// the approvers still to decide) and its decisions.
func (db *DB) WorkflowInstance(ctx context.Context, id int64) (workflow.Instance, error) {
	in, err := scanInstance(db.QueryRow(ctx, "SELECT "+instanceColumns+" FROM workflow_instances WHERE id = ?", id))
	if err != nil {
		return in, noSuch(err, "workflow.no_such_instance", id)
	}
	return in, db.fillInstance(ctx, &in)
}

func (db *DB) fillInstance(ctx context.Context, in *workflow.Instance) error {
	var err error
	if in.Tasks, err = queryAll(ctx, db, scanTask, "SELECT "+taskColumns+" FROM workflow_tasks t WHERE t.instance_id = ? ORDER BY t.step_index, t.id", in.ID); err != nil {
		return err
	}
	for i := range in.Tasks {
		if in.Tasks[i].Status == workflow.TaskOpen {
			if in.Tasks[i].Waiting, err = db.waiting(ctx, in.Tasks[i].ID); err != nil {
				return err
			}
		}
	}
	in.Decisions, err = queryAll(ctx, db, func(sc scanner) (workflow.Decision, error) {
		var d workflow.Decision
		err := sc.Scan(&d.ID, &d.InstanceID, &d.TaskID, &d.UserID, &d.Username, &d.OnBehalfOf, &d.Decision, &d.Comment, &d.DecidedAt)
		d.DecidedAt = d.DecidedAt.UTC()
		return d, err
	}, `SELECT id, instance_id, task_id, user_id, username, on_behalf_of, decision, comment, decided_at FROM workflow_decisions
		WHERE instance_id = ? ORDER BY id`, in.ID)
	return err
}

// WorkflowInstanceFor reads the latest instance about an entity.
func (db *DB) WorkflowInstanceFor(ctx context.Context, entity, entityID string) (workflow.Instance, error) {
	ids, err := queryIDs(ctx, db, "SELECT id FROM workflow_instances WHERE entity = ? AND entity_id = ? ORDER BY entity, entity_id, id DESC LIMIT 1", entity, entityID)
	if err != nil {
		return workflow.Instance{}, err
	}
	if len(ids) == 0 {
		return workflow.Instance{}, crm.Fail(crm.ENotFound, "workflow.no_such_instance_for", entity, entityID)
	}
	return db.WorkflowInstance(ctx, ids[0])
}

// ApplyAdvance writes a decision and what follows it, with its audit entry.
func (db *DB) ApplyAdvance(ctx context.Context, a *workflow.Advance) error {
	return db.InTxAudited(ctx, &a.Audit, func(tx *Tx) error { return applyAdvanceTx(ctx, tx, a) })
}

// applyAdvanceTx writes a in tx: the decider's inbox row goes first (none
// left: someone decided first, a conflict), then the decision, the task's
// new status, the next task with its inbox rows, and the instance.
func applyAdvanceTx(ctx context.Context, tx *Tx, a *workflow.Advance) error {
	removed := a.Removed
	if a.Decision.Decision != "" && len(removed) > 0 {
		res, err := tx.Exec(ctx, "DELETE FROM workflow_inbox WHERE user_id = ? AND task_id = ?", removed[0], a.Task.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "workflow.already_decided", a.Task.StepName)
		}
		removed = removed[1:]
		if err := tx.QueryRow(ctx, `INSERT INTO workflow_decisions (instance_id, task_id, user_id, username, on_behalf_of, decision, comment, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.Decision.InstanceID, a.Decision.TaskID, a.Decision.UserID, a.Decision.Username,
			a.Decision.OnBehalfOf, a.Decision.Decision, a.Decision.Comment, a.Decision.DecidedAt).Scan(&a.Decision.ID); err != nil {
			return err
		}
	}
	for _, u := range removed {
		if _, err := tx.Exec(ctx, "DELETE FROM workflow_inbox WHERE user_id = ? AND task_id = ?", u, a.Task.ID); err != nil {
			return err
		}
	}
	if a.Task.ID != 0 && a.Task.Status != workflow.TaskOpen {
		res, err := tx.Exec(ctx, "UPDATE workflow_tasks SET status = ?, decided_at = ? WHERE id = ? AND status = 'open'", a.Task.Status, a.Task.DecidedAt, a.Task.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "workflow.already_decided", a.Task.StepName)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM workflow_inbox WHERE task_id = ?", a.Task.ID); err != nil {
			return err
		}
	}
	if a.Next != nil {
		a.Next.InstanceID = a.Instance.ID
		if err := insertTask(ctx, tx, a.Next); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, "UPDATE workflow_instances SET status = ?, current_step = ?, finished_at = ? WHERE id = ?",
		a.Instance.Status, a.Instance.CurrentStep, a.Instance.FinishedAt, a.Instance.ID)
	return err
}

// WorkflowInbox lists the open tasks of users, each task once (the first
// user's row wins), oldest first after afterID: one indexed range per user
// (workflow_inbox's key), merged.
func (db *DB) WorkflowInbox(ctx context.Context, users []int64, afterID int64, limit int) ([]workflow.InboxItem, error) {
	var all []workflow.InboxItem
	seen := map[int64]bool{}
	for i, u := range users {
		items, err := queryAll(ctx, db, func(sc scanner) (workflow.InboxItem, error) {
			var it workflow.InboxItem
			var due sql.NullTime
			err := sc.Scan(&it.TaskID, &it.InstanceID, &it.Entity, &it.EntityID, &it.CustomerID, &it.StepKey, &it.StepName, &it.StepNameEn,
				&it.OpenedAt, &due)
			it.DueAt, it.OpenedAt = wfTime(due), it.OpenedAt.UTC()
			if i > 0 {
				it.OnBehalfOf = u
			}
			return it, err
		}, `SELECT t.id, t.instance_id, i.entity, i.entity_id, i.customer_id, t.step_key, t.step_name, t.step_name_en, t.opened_at, t.due_at
			FROM workflow_inbox w JOIN workflow_tasks t ON t.id = w.task_id JOIN workflow_instances i ON i.id = t.instance_id
			WHERE w.user_id = ? AND w.task_id > ? ORDER BY w.task_id LIMIT ?`, u, afterID, limit)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if !seen[it.TaskID] {
				seen[it.TaskID] = true
				all = append(all, it)
			}
		}
	}
	slices.SortFunc(all, func(a, b workflow.InboxItem) int { return cmpInt64(a.TaskID, b.TaskID) })
	if len(all) > limit {
		all = all[:limit]
	}
	if all == nil {
		all = []workflow.InboxItem{}
	}
	return all, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// WorkflowInboxCount counts the inbox rows of users.
func (db *DB) WorkflowInboxCount(ctx context.Context, users []int64) (crm.ListTotal, error) {
	if len(users) == 0 {
		return crm.ListTotal{}, nil
	}
	return db.listTotal(ctx, "workflow_inbox w", "w.user_id IN ("+inList(len(users))+")", int64Args(users))
}

// OverdueWorkflowTasks lists up to limit open, unescalated tasks due
// before now, earliest first, with the approvers still to decide.
func (db *DB) OverdueWorkflowTasks(ctx context.Context, now time.Time, limit int) ([]workflow.Task, error) {
	ts, err := queryAll(ctx, db, scanTask, "SELECT "+taskColumns+` FROM workflow_tasks t
		WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due_at < ? ORDER BY t.due_at LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Waiting, err = db.waiting(ctx, ts[i].ID); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// EscalateWorkflowTasks marks each task escalated (once: a task another
// sweep marked first is passed over) and sends its notices, with e.
func (db *DB) EscalateWorkflowTasks(ctx context.Context, es []workflow.Escalation, at time.Time, e *crm.AuditEntry) (int, error) {
	n := 0
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		n = 0
		for _, x := range es {
			res, err := tx.Exec(ctx, "UPDATE workflow_tasks SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL AND status = 'open'", at, x.Task.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			n++
			if err := sendNotices(ctx, tx, x.Notices, at); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func scanDelegation(sc scanner) (workflow.Delegation, error) {
	var d workflow.Delegation
	err := sc.Scan(&d.ID, &d.UserID, &d.DelegateID, &d.From, &d.To, &d.CreatedAt, &d.CreatedBy)
	d.From, d.To, d.CreatedAt = d.From.UTC(), d.To.UTC(), d.CreatedAt.UTC()
	return d, err
}

// Delegations lists a user's delegations that end after now.
func (db *DB) Delegations(ctx context.Context, userID int64, now time.Time) ([]workflow.Delegation, error) {
	return queryAll(ctx, db, scanDelegation, `SELECT id, user_id, delegate_id, from_at, to_at, created_at, created_by FROM workflow_delegations
		WHERE user_id = ? AND to_at > ? ORDER BY user_id, to_at`, userID, now.UTC())
}

// DelegatorsOf lists the users whose delegation to userID holds at now.
func (db *DB) DelegatorsOf(ctx context.Context, userID int64, now time.Time) ([]int64, error) {
	ids, err := queryIDs(ctx, db, `SELECT user_id FROM workflow_delegations WHERE delegate_id = ? AND to_at > ? AND from_at <= ?
		ORDER BY delegate_id, to_at`, userID, now.UTC(), now.UTC())
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// CreateDelegation inserts d, with e.
func (db *DB) CreateDelegation(ctx context.Context, d *workflow.Delegation, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO workflow_delegations (user_id, delegate_id, from_at, to_at, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, d.UserID, d.DelegateID, d.From, d.To, d.CreatedAt, d.CreatedBy).Scan(&d.ID); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(d.ID, 10)
		return nil
	})
}

// DeleteDelegation removes one of userID's delegations, with e.
func (db *DB) DeleteDelegation(ctx context.Context, id, userID int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM workflow_delegations WHERE id = ? AND user_id = ?", id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.ENotFound, "workflow.no_such_delegation", id)
		}
		return nil
	})
}

// WorkflowUser reads an enabled user as the principal they sign in as
// (role, team, dealer) and their manager: ok is false when there is none.
func (db *DB) WorkflowUser(ctx context.Context, id int64) (p crm.Principal, manager int64, ok bool, err error) {
	var role, name string
	var team, mgr, dealer sql.NullInt64
	err = db.QueryRow(ctx, "SELECT username, role, team_id, manager_id, dealer_id FROM users WHERE id = ? AND disabled_at IS NULL", id).
		Scan(&name, &role, &team, &mgr, &dealer)
	if isNoRows(err) {
		return p, 0, false, nil
	}
	if err != nil {
		return p, 0, false, err
	}
	return crm.Principal{UserID: id, Username: name, Role: crm.Role(role), TeamID: team.Int64, DealerID: dealer.Int64}, mgr.Int64, true, nil
}

// CustomersInScope returns those of ids that are live customers in scope s
// at now.
func (db *DB) CustomersInScope(ctx context.Context, ids []int64, s crm.Scope, now time.Time) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	where, args := "c.id IN ("+inList(len(ids))+") AND c.deleted_at IS NULL", int64Args(ids)
	if !s.All || s.CustomerID != 0 {
		cond, cargs := scopeSQL(s, now)
		where, args = where+" AND "+cond, append(args, cargs...)
	}
	return queryIDs(ctx, db, "SELECT c.id FROM customers c WHERE "+where, args...)
}
