package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/visit"
)

// visitColumns are a plan item's columns, with its customer's and
// owner's names, for scanVisitItem.
const visitColumns = `v.id, v.customer_id, c.name, v.owner_id, COALESCE(u.display_name, ''), COALESCE(u.username, ''), v.team_id, v.kind,
	v.period_start, v.due_on, v.cadence, v.scheme_id, v.level, v.status, v.step, v.completed_by, v.completed_at, v.version, v.created_at, v.updated_at`

const visitFrom = ` FROM visit_items v JOIN customers c ON c.id = v.customer_id LEFT JOIN users u ON u.id = v.owner_id`

func scanVisitItem(s scanner) (visit.Item, error) {
	var it visit.Item
	var display, user string
	var by sql.NullInt64
	var at sql.NullTime
	err := s.Scan(&it.ID, &it.CustomerID, &it.CustomerName, &it.OwnerID, &display, &user, &it.TeamID, &it.Kind, &it.PeriodStart, &it.DueOn,
		&it.Cadence, &it.SchemeID, &it.Level, &it.Status, &it.Step, &by, &at, &it.Version, &it.CreatedAt, &it.UpdatedAt)
	it.OwnerName = display
	if it.OwnerName == "" {
		it.OwnerName = user
	}
	if by.Valid {
		it.CompletedBy = &by.Int64
	}
	it.CompletedAt = timePtr(at)
	return it, err
}

// visitWhere is the condition of f, without its page.
func visitWhere(f visit.Filter, now time.Time) (string, []any) {
	scope, args := scopeSQL(f.Scope, now)
	w := []string{"c.deleted_at IS NULL", scope}
	add := func(cond string, v any) {
		w = append(w, cond)
		args = append(args, v)
	}
	if f.CustomerID != 0 {
		add("v.customer_id = ?", f.CustomerID)
	}
	if f.OwnerID != 0 {
		add("v.owner_id = ?", f.OwnerID)
	}
	if f.Status != "" {
		add("v.status = ?", f.Status)
	}
	if f.Open {
		w = append(w, "v.status IN ('open', 'escalated')")
	}
	if f.Kind != "" {
		add("v.kind = ?", f.Kind)
	}
	if f.DueFrom != "" {
		add("v.due_on >= ?", f.DueFrom)
	}
	if f.DueTo != "" {
		add("v.due_on <= ?", f.DueTo)
	}
	return strings.Join(w, " AND "), args
}

// VisitItems lists the plan items f selects, by due date then id.
func (db *DB) VisitItems(ctx context.Context, f visit.Filter) ([]visit.Item, error) {
	w, args := visitWhere(f, time.Now())
	if f.AfterDue != "" {
		w += " AND (v.due_on > ? OR (v.due_on = ? AND v.id > ?))"
		args = append(args, f.AfterDue, f.AfterDue, f.After)
	}
	out, err := queryAll(ctx, db, scanVisitItem, "SELECT "+visitColumns+visitFrom+" WHERE "+w+" ORDER BY v.due_on, v.id LIMIT ?", append(args, f.Limit)...)
	if out == nil {
		out = []visit.Item{}
	}
	return out, err
}

// VisitItemTotal counts the plan items f selects.
func (db *DB) VisitItemTotal(ctx context.Context, f visit.Filter) (crm.ListTotal, error) {
	w, args := visitWhere(f, time.Now())
	return db.listTotal(ctx, "visit_items v JOIN customers c ON c.id = v.customer_id", w, args)
}

// VisitItem reads one plan item in scope s.
func (db *DB) VisitItem(ctx context.Context, s crm.Scope, id int64) (visit.Item, error) {
	scope, args := scopeSQL(s, time.Now())
	it, err := scanVisitItem(db.QueryRow(ctx, "SELECT "+visitColumns+visitFrom+" WHERE v.id = ? AND c.deleted_at IS NULL AND "+scope,
		append([]any{id}, args...)...))
	return it, noSuch(err, "visit.err.no_such_item", id)
}

// VisitMembers reads up to n live customers after id after, by id, with
// the visit cadences of their current levels in the active schemes.
func (db *DB) VisitMembers(ctx context.Context, after int64, n int) ([]visit.Member, error) {
	var ms []visit.Member
	err := eachRow(ctx, db, func(s scanner) error {
		var m visit.Member
		var owner, team sql.NullInt64
		err := s.Scan(&m.CustomerID, &owner, &team)
		m.OwnerID, m.TeamID = owner.Int64, team.Int64
		ms = append(ms, m)
		return err
	}, "SELECT c.id, c.owner_id, c.team_id FROM customers c WHERE c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?", after, n)
	if err != nil || len(ms) == 0 {
		return ms, err
	}
	at := map[int64]int{}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		at[m.CustomerID], ids[i] = i, m.CustomerID
	}
	for _, chunk := range chunks(ids, 500) {
		err := eachRow(ctx, db, func(s scanner) error {
			var id int64
			var c visit.Cadence
			if err := s.Scan(&id, &c.SchemeID, &c.Level, &c.Days, &c.Mix[0], &c.Mix[1], &c.Mix[2]); err != nil {
				return err
			}
			m := &ms[at[id]]
			m.Cadences = append(m.Cadences, c)
			return nil
		}, `SELECT t.customer_id, t.scheme_id, t.level, ss.visit_every_days, ss.channel_visit, ss.channel_phone, ss.channel_message
			FROM customer_tiers t JOIN tier_schemes s ON s.id = t.scheme_id
			JOIN service_standards ss ON ss.scheme_id = t.scheme_id AND ss.level = t.level
			WHERE t.customer_id IN (`+inList(len(chunk))+`) AND s.active = 1 AND ss.visit_every_days > 0`, int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
	}
	return ms, nil
}

// SaveVisitItems inserts the items not there yet and moves r's
// checkpoint, in one transaction; it returns how many it inserted.
func (db *DB) SaveVisitItems(ctx context.Context, r visit.Run, items []visit.Item) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		n = 0
		for len(items) > 0 {
			part := items[:min(len(items), 100)]
			items = items[len(part):]
			var q strings.Builder
			q.WriteString(`INSERT INTO visit_items (customer_id, owner_id, team_id, kind, period_start, due_on, cadence, scheme_id, level,
				status, step, version, created_at, updated_at) VALUES `)
			args := make([]any, 0, len(part)*13)
			for i, it := range part {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)")
				args = append(args, it.CustomerID, it.OwnerID, it.TeamID, it.Kind, it.PeriodStart, it.DueOn, it.Cadence, it.SchemeID, it.Level,
					it.Status, it.CreatedAt.UTC(), it.UpdatedAt.UTC())
			}
			q.WriteString(" ON CONFLICT (customer_id, kind, period_start) DO NOTHING")
			res, err := tx.Exec(ctx, q.String(), args...)
			if err != nil {
				return fmt.Errorf("store: visit items: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		_, err := tx.Exec(ctx, "UPDATE visit_runs SET checkpoint = ?, customers = ?, created = created + ?, lease_until = ? WHERE id = ?",
			r.Checkpoint, r.Customers, n, time.Now().UTC().Add(5*time.Minute), r.ID)
		return err
	})
	return n, err
}

// completeVisitItem completes, inside the transaction that records the
// interaction it, the customer's oldest open plan item of the kind the
// interaction's channel is, whose period had begun by then.
func completeVisitItem(ctx context.Context, tx *Tx, it *customer.Interaction) error {
	kind := visit.KindOfChannel(it.Channel)
	if kind == "" {
		return nil
	}
	day := it.At.In(crm.Shanghai).Format(time.DateOnly)
	var id int64
	var due string
	err := tx.QueryRow(ctx, `SELECT id, due_on FROM visit_items WHERE customer_id = ? AND kind = ? AND period_start <= ?
		AND status IN ('open', 'escalated') ORDER BY period_start LIMIT 1`, it.CustomerID, kind, day).Scan(&id, &due)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: visit item: %w", err)
	}
	status := visit.StatusDone
	if day > due {
		status = visit.StatusLateDone
	}
	_, err = tx.Exec(ctx, `UPDATE visit_items SET status = ?, completed_by = ?, completed_at = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND status IN ('open', 'escalated')`, status, it.ID, it.At.UTC(), it.CreatedAt.UTC(), id)
	return err
}

const visitRunColumns = "id, kind, from_day, to_day, status, checkpoint, customers, created, error, created_at, created_by, finished_at"

func scanVisitRun(s scanner) (visit.Run, error) {
	var r visit.Run
	var fin sql.NullTime
	err := s.Scan(&r.ID, &r.Kind, &r.From, &r.To, &r.Status, &r.Checkpoint, &r.Customers, &r.Created, &r.Error, &r.CreatedAt, &r.CreatedBy, &fin)
	r.FinishedAt = timePtr(fin)
	return r, err
}

// CreateVisitRun queues r, with e.
func (db *DB) CreateVisitRun(ctx context.Context, r *visit.Run, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO visit_runs (kind, from_day, to_day, status, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Kind, r.From, r.To, r.Status, r.CreatedAt.UTC(), r.CreatedBy).Scan(&r.ID)
		e.EntityID = fmt.Sprint(r.ID)
		return err
	})
}

// VisitRun reads one generation run.
func (db *DB) VisitRun(ctx context.Context, id int64) (visit.Run, error) {
	r, err := scanVisitRun(db.QueryRow(ctx, "SELECT "+visitRunColumns+" FROM visit_runs WHERE id = ?", id))
	return r, noSuch(err, "visit.err.no_such_run", id)
}

// OpenVisitRun reads the latest run of kind for from.
func (db *DB) OpenVisitRun(ctx context.Context, kind, from string) (visit.Run, bool, error) {
	r, err := scanVisitRun(db.QueryRow(ctx, "SELECT "+visitRunColumns+" FROM visit_runs WHERE kind = ? AND from_day = ? ORDER BY id DESC LIMIT 1", kind, from))
	if isNoRows(err) {
		return r, false, nil
	}
	return r, err == nil, err
}

// ClaimVisitRun takes the oldest queued run, or a running one whose lease
// ran out.
func (db *DB) ClaimVisitRun(ctx context.Context, now, leaseUntil time.Time) (visit.Run, bool, error) {
	var r visit.Run
	found := false
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		r, err = scanVisitRun(tx.QueryRow(ctx, "SELECT "+visitRunColumns+" FROM visit_runs WHERE status = 'queued' ORDER BY id LIMIT 1"))
		if isNoRows(err) {
			r, err = scanVisitRun(tx.QueryRow(ctx, "SELECT "+visitRunColumns+" FROM visit_runs WHERE status = 'running' AND lease_until < ? ORDER BY id LIMIT 1", now.UTC()))
		}
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE visit_runs SET status = 'running', lease_until = ? WHERE id = ? AND (status = 'queued' OR lease_until < ?)",
			leaseUntil.UTC(), r.ID, now.UTC())
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		found = k == 1
		r.Status = visit.RunRunning
		return nil
	})
	return r, found, err
}

// FinishVisitRun saves a run's outcome.
func (db *DB) FinishVisitRun(ctx context.Context, r visit.Run) error {
	_, err := db.Exec(ctx, "UPDATE visit_runs SET status = ?, error = ?, checkpoint = ?, customers = ?, created = ?, finished_at = ?, lease_until = NULL WHERE id = ?",
		r.Status, r.Error, r.Checkpoint, r.Customers, r.Created, r.FinishedAt, r.ID)
	return err
}

// VisitSettings reads the escalation ladder.
func (db *DB) VisitSettings(ctx context.Context) (visit.Settings, error) {
	var s visit.Settings
	var body string
	err := db.QueryRow(ctx, "SELECT body, version, escalated_on, updated_at, updated_by FROM visit_settings WHERE id = 1").
		Scan(&body, &s.Version, &s.EscalatedOn, &s.UpdatedAt, &s.UpdatedBy)
	if err != nil {
		return s, fmt.Errorf("store: visit settings: %w", err)
	}
	var b struct {
		Steps []visit.Step `json:"steps"`
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return s, fmt.Errorf("store: visit settings: %w", err)
	}
	s.Steps = b.Steps
	if s.Steps == nil {
		s.Steps = []visit.Step{}
	}
	return s, nil
}

// PutVisitSettings saves s when version is the current one, with e; the
// ladder is worked again today under the new steps.
func (db *DB) PutVisitSettings(ctx context.Context, s *visit.Settings, version int, e *crm.AuditEntry) error {
	body, _ := json.Marshal(map[string]any{"steps": s.Steps})
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE visit_settings SET body = ?, version = ?, escalated_on = '', updated_at = ?, updated_by = ? WHERE id = 1 AND version = ?",
			string(body), s.Version, s.UpdatedAt.UTC(), s.UpdatedBy, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return crm.Fail(crm.EVersionConflict, "visit.err.version", version)
		}
		return nil
	})
}

// OverdueVisitItems reads up to n items in status due before today,
// after id after, by id, with their customers' names.
func (db *DB) OverdueVisitItems(ctx context.Context, status, today string, after int64, n int) ([]visit.Item, error) {
	return queryAll(ctx, db, scanVisitItem, "SELECT "+visitColumns+visitFrom+
		" WHERE v.status = ? AND v.id > ? AND v.due_on < ? ORDER BY v.id LIMIT ?", status, after, today, n)
}

// Escalate saves the ladder's steps and sends their notices, with e when
// given; done records day as the day the ladder was worked.
func (db *DB) Escalate(ctx context.Context, es []visit.Escalation, day string, done bool, e *crm.AuditEntry) error {
	fn := func(tx *Tx) error {
		now := time.Now().UTC()
		for _, x := range es {
			res, err := tx.Exec(ctx, `UPDATE visit_items SET step = ?, status = ?, version = version + 1, updated_at = ?
				WHERE id = ? AND step < ? AND status IN ('open', 'escalated')`, x.Step, x.Status, now, x.ItemID, x.Step)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				if err := sendNotices(ctx, tx, x.Notices, now); err != nil {
					return err
				}
			}
		}
		if done {
			_, err := tx.Exec(ctx, "UPDATE visit_settings SET escalated_on = ? WHERE id = 1", day)
			return err
		}
		return nil
	}
	if e != nil {
		return db.InTxAudited(ctx, e, fn)
	}
	return db.InTx(ctx, fn)
}

// Compliance counts the items due in q's range per owner or team.
func (db *DB) Compliance(ctx context.Context, q visit.ComplianceQuery) ([]visit.Row, error) {
	group, name, join := "v.owner_id", "COALESCE(u.display_name, ''), COALESCE(u.username, '')", " LEFT JOIN users u ON u.id = v.owner_id"
	groupBy := "v.owner_id, u.display_name, u.username"
	if q.GroupBy == visit.ByTeam {
		group, name, join, groupBy = "v.team_id", "COALESCE(t.name, ''), ''", " LEFT JOIN teams t ON t.id = v.team_id", "v.team_id, t.name"
	}
	w := "v.due_on >= ? AND v.due_on <= ? AND (v.due_on < ? OR v.status IN ('done', 'late_done'))"
	args := []any{q.From, q.To, q.Today}
	switch {
	case q.OwnerID != 0:
		w += " AND v.owner_id = ?"
		args = append(args, q.OwnerID)
	case q.TeamID != 0:
		w += " AND (v.team_id = ? OR v.owner_id = ?)"
		args = append(args, q.TeamID, q.Self)
	}
	out, err := queryAll(ctx, db, func(s scanner) (visit.Row, error) {
		var r visit.Row
		var alt string
		err := s.Scan(&r.GroupID, &r.Name, &alt, &r.Due, &r.OnTime, &r.Late, &r.Open)
		if r.Name == "" {
			r.Name = alt
		}
		return r, err
	}, "SELECT "+group+", "+name+`, COUNT(*), SUM(CASE WHEN v.status = 'done' THEN 1 ELSE 0 END),
		SUM(CASE WHEN v.status = 'late_done' THEN 1 ELSE 0 END), SUM(CASE WHEN v.status IN ('open', 'escalated', 'returned') THEN 1 ELSE 0 END)
		FROM visit_items v`+join+" WHERE "+w+" GROUP BY "+groupBy+" ORDER BY "+group, args...)
	if out == nil {
		out = []visit.Row{}
	}
	return out, err
}
