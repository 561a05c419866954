package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/project"
	"github.com/kehucrm/kehu/internal/crm/workflow"
)

const projectColumns = `p.id, p.code, p.customer_id, c.name, p.address, p.nature, p.voltage, p.capacity_kva, p.contact, p.notes, p.status,
	p.instance_id, p.step_key, p.step_name, p.step_due_at, p.fields, p.created_at, p.created_by, p.updated_at, p.completed_at, p.version`

const projectFrom = " FROM projects p JOIN customers c ON c.id = p.customer_id"

const projectDedicatedKey = "project.dedicated_kva"

func scanProject(now time.Time, threshold int) func(sc scanner) (project.Project, error) {
	return func(sc scanner) (project.Project, error) {
		var p project.Project
		var due, done sql.NullTime
		var fields string
		err := sc.Scan(&p.ID, &p.Code, &p.CustomerID, &p.CustomerName, &p.Address, &p.Nature, &p.Voltage, &p.CapacityKVA, &p.Contact, &p.Notes,
			&p.Status, &p.InstanceID, &p.Step, &p.StepName, &due, &fields, &p.CreatedAt, &p.CreatedBy, &p.UpdatedAt, &done, &p.Version)
		if err != nil {
			return p, err
		}
		p.StepDueAt, p.CompletedAt = wfTime(due), wfTime(done)
		p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
		p.Fields = map[string]string{}
		if err := json.Unmarshal([]byte(fields), &p.Fields); err != nil {
			return p, fmt.Errorf("store: project %d fields: %w", p.ID, err)
		}
		p.Overdue = p.Status == project.StatusInProgress && p.StepDueAt != nil && now.After(*p.StepDueAt)
		p.Dedicated = project.NeedsDedicated(p.CapacityKVA, threshold)
		return p, nil
	}
}

func (db *DB) projectThreshold(ctx context.Context) int {
	kva, _, err := db.DedicatedKVA(ctx)
	if err != nil || kva <= 0 {
		return project.DefaultDedicatedKVA
	}
	return kva
}

func fieldsJSON(f map[string]string) string {
	if f == nil {
		f = map[string]string{}
	}
	b, _ := json.Marshal(f)
	return string(b)
}

// CreateProject allocates the project's code (GC00000001 …) and writes it
// and its workflow instance in one transaction.
func (db *DB) CreateProject(ctx context.Context, p *project.Project, l *workflow.Launch, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'project_code' RETURNING value").Scan(&n); err != nil {
			return fmt.Errorf("store: project code: %w", err)
		}
		p.Code = fmt.Sprintf("GC%08d", n)
		if err := tx.QueryRow(ctx, `INSERT INTO projects (code, customer_id, address, nature, voltage, capacity_kva, contact, notes, status,
			step_key, step_name, step_due_at, fields, created_at, created_by, updated_at, completed_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Code, p.CustomerID, p.Address, p.Nature, p.Voltage, p.CapacityKVA, p.Contact, p.Notes, p.Status, p.Step, p.StepName, p.StepDueAt,
			fieldsJSON(p.Fields), p.CreatedAt, p.CreatedBy, p.UpdatedAt, p.CompletedAt, p.Version).Scan(&p.ID); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(p.ID, 10)
		if l == nil {
			return nil
		}
		l.Instance.EntityID = e.EntityID
		if err := startWorkflowTx(ctx, tx, l); err != nil {
			return err
		}
		p.InstanceID = l.Instance.ID
		if _, err := tx.Exec(ctx, "UPDATE projects SET instance_id = ? WHERE id = ?", p.InstanceID, p.ID); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &l.Audit)
	})
}

// Project reads a project of a customer in scope.
func (db *DB) Project(ctx context.Context, id int64, s crm.Scope, now time.Time) (project.Project, error) {
	where, args := "p.id = ?", []any{id}
	if !s.All || s.CustomerID != 0 {
		cond, cargs := scopeSQL(s, now)
		where, args = where+" AND "+cond, append(args, cargs...)
	}
	p, err := scanProject(now, db.projectThreshold(ctx))(db.QueryRow(ctx, "SELECT "+projectColumns+projectFrom+" WHERE "+where, args...))
	if err != nil {
		return p, noSuch(err, "project.not_found", id)
	}
	return p, nil
}

func projectWhere(f project.Filter) (string, []any) {
	w := []string{"1 = 1"}
	var args []any
	if !f.Scope.All || f.Scope.CustomerID != 0 {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		w, args = append(w, cond), append(args, cargs...)
	}
	if f.CustomerID != 0 {
		w, args = append(w, "p.customer_id = ?"), append(args, f.CustomerID)
	}
	if f.Status != "" {
		w, args = append(w, "p.status = ?"), append(args, f.Status)
	}
	if f.Step != "" {
		w, args = append(w, "p.step_key = ?"), append(args, f.Step)
	}
	if f.Overdue {
		w, args = append(w, "p.status = ? AND p.step_due_at < ?"), append(args, project.StatusInProgress, f.Now.UTC())
	}
	return strings.Join(w, " AND "), args
}

// ListProjects lists projects newest first, keyset-paged on id; with
// ByDeadline, the open ones by their step's deadline (the board).
func (db *DB) ListProjects(ctx context.Context, f project.Filter) ([]project.Project, error) {
	where, args := projectWhere(f)
	order := " ORDER BY p.id DESC"
	if f.ByDeadline {
		where, args = where+" AND p.status = ?", append(args, project.StatusInProgress)
		order = " ORDER BY p.step_due_at, p.id"
	} else if f.After > 0 {
		where, args = where+" AND p.id < ?", append(args, f.After)
	}
	return queryAll(ctx, db, scanProject(f.Now, db.projectThreshold(ctx)),
		"SELECT "+projectColumns+projectFrom+" WHERE "+where+order+" LIMIT ?", append(args, f.Limit)...)
}

// CountProjects counts the projects matching f, ignoring its cursor.
func (db *DB) CountProjects(ctx context.Context, f project.Filter) (crm.ListTotal, error) {
	where, args := projectWhere(f)
	if f.ByDeadline {
		where, args = where+" AND p.status = ?", append(args, project.StatusInProgress)
	}
	return db.listTotal(ctx, "projects p JOIN customers c ON c.id = p.customer_id", where, args)
}

// ProjectStepRecords lists the fields each decided step recorded.
func (db *DB) ProjectStepRecords(ctx context.Context, id int64) ([]project.StepRecord, error) {
	return queryAll(ctx, db, func(sc scanner) (project.StepRecord, error) {
		var r project.StepRecord
		var fields string
		err := sc.Scan(&r.TaskID, &r.StepKey, &fields)
		if err == nil {
			err = json.Unmarshal([]byte(fields), &r.Fields)
		}
		return r, err
	}, "SELECT task_id, step_key, fields FROM project_steps WHERE project_id = ? ORDER BY task_id", id)
}

// DecideProject writes a decision on a project's step, the fields it
// recorded and the project's new state, in one transaction.
func (db *DB) DecideProject(ctx context.Context, p *project.Project, a *workflow.Advance, rec *project.StepRecord) error {
	return db.InTxAudited(ctx, &a.Audit, func(tx *Tx) error {
		if err := applyAdvanceTx(ctx, tx, a); err != nil {
			return err
		}
		if rec != nil && len(rec.Fields) > 0 {
			if _, err := tx.Exec(ctx, "INSERT INTO project_steps (project_id, task_id, step_key, fields) VALUES (?, ?, ?, ?)",
				p.ID, rec.TaskID, rec.StepKey, fieldsJSON(rec.Fields)); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE projects SET status = ?, step_key = ?, step_name = ?, step_due_at = ?, fields = ?, updated_at = ?,
			completed_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			p.Status, p.Step, p.StepName, p.StepDueAt, fieldsJSON(p.Fields), p.UpdatedAt, p.CompletedAt, p.ID, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "project.changed", p.Code)
		}
		p.Version++
		return nil
	})
}

// DedicatedKVA reads the configured dedicated-line threshold and the
// setting's version (0, 0 when never set).
func (db *DB) DedicatedKVA(ctx context.Context) (int, int, error) {
	var raw string
	var version int
	err := db.QueryRow(ctx, "SELECT value, version FROM settings WHERE key = ?", projectDedicatedKey).Scan(&raw, &version)
	if isNoRows(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	kva, _ := strconv.Atoi(raw)
	return kva, version, nil
}

// SetDedicatedKVA sets the threshold if the setting is still at version
// (0: never set), with e.
func (db *DB) SetDedicatedKVA(ctx context.Context, kva, version int, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var res sql.Result
		var err error
		if version == 0 {
			res, err = tx.Exec(ctx, "INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (key) DO NOTHING",
				projectDedicatedKey, strconv.Itoa(kva), e.At.UTC())
		} else {
			res, err = tx.Exec(ctx, "UPDATE settings SET value = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ?",
				strconv.Itoa(kva), e.At.UTC(), projectDedicatedKey, version)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "project.settings.changed")
		}
		return nil
	})
}

var _ project.Store = (*DB)(nil)
