package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/dealer"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// dealerDueDayKey is the setting holding the day plans are due by.
const dealerDueDayKey = "dealer_plans.due_day"

const planColumns = `d.id, d.dealer_id, c.name, d.month, d.status, d.due_at, d.quantity, d.amount_fen, d.notes, d.created_by,
	d.created_at, d.updated_at, d.submitted_by, d.submitted_at, d.version`

const planFrom = ` FROM dealer_plans d JOIN customers c ON c.id = d.dealer_id`

func scanPlan(sc scanner) (dealer.Plan, error) {
	var p dealer.Plan
	var amount int64
	var by, subBy sql.NullInt64
	var subAt sql.NullTime
	err := sc.Scan(&p.ID, &p.DealerID, &p.DealerName, &p.Month, &p.Status, &p.DueAt, &p.Quantity, &amount, &p.Notes, &by,
		&p.CreatedAt, &p.UpdatedAt, &subBy, &subAt, &p.Version)
	p.Amount, p.CreatedBy, p.SubmittedBy = sales.Money(amount), by.Int64, subBy.Int64
	if subAt.Valid {
		t := subAt.Time.UTC()
		p.SubmittedAt = &t
	}
	p.DueAt = p.DueAt.UTC()
	return p, err
}

// planLines reads the lines of the plans ids, by plan.
func planLines(ctx context.Context, q querier, ids []int64) (map[int64][]dealer.Line, error) {
	out := map[int64][]dealer.Line{}
	for _, chunk := range chunks(ids, 500) {
		err := eachRow(ctx, q, func(sc scanner) error {
			var plan, amount, price int64
			var l dealer.Line
			if err := sc.Scan(&plan, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Unit, &price, &l.Quantity, &amount); err != nil {
				return err
			}
			l.Amount = sales.Money(amount)
			if l.Quantity > 0 {
				l.ListPrice = sales.Money(amount / l.Quantity)
			}
			out[plan] = append(out[plan], l)
			return nil
		}, `SELECT l.plan_id, l.product_id, p.code, p.name, p.unit, p.list_price_fen, l.quantity, l.amount_fen
			FROM dealer_plan_lines l JOIN products p ON p.id = l.product_id
			WHERE l.plan_id IN (`+inList(len(chunk))+`) ORDER BY l.plan_id, l.line_no`, int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func withLines(ctx context.Context, q querier, plans []dealer.Plan) error {
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	lines, err := planLines(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range plans {
		plans[i].Lines = lines[plans[i].ID]
		if plans[i].Lines == nil {
			plans[i].Lines = []dealer.Line{}
		}
	}
	return nil
}

func writePlanLines(ctx context.Context, tx *Tx, p *dealer.Plan) error {
	if _, err := tx.Exec(ctx, "DELETE FROM dealer_plan_lines WHERE plan_id = ?", p.ID); err != nil {
		return err
	}
	for i, l := range p.Lines {
		if _, err := tx.Exec(ctx, "INSERT INTO dealer_plan_lines (plan_id, line_no, product_id, quantity, amount_fen) VALUES (?, ?, ?, ?, ?)",
			p.ID, i+1, l.ProductID, l.Quantity, int64(l.Amount)); err != nil {
			return err
		}
	}
	return nil
}

// CreatePlan inserts p with its lines and e in one transaction; a plan of
// the same dealer and month is a conflict naming it.
func (db *DB) CreatePlan(ctx context.Context, p *dealer.Plan, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var first int64
		err := tx.QueryRow(ctx, "SELECT id FROM dealer_plans WHERE dealer_id = ? AND month = ?", p.DealerID, p.Month).Scan(&first)
		if err == nil {
			return crm.FailField(crm.EConflict, "month", "taken", "dealer.plan.exists", p.Month, first)
		} else if !isNoRows(err) {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO dealer_plans (dealer_id, month, status, due_at, quantity, amount_fen, notes, created_by,
			created_at, updated_at, submitted_by, submitted_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			p.DealerID, p.Month, p.Status, p.DueAt.UTC(), p.Quantity, int64(p.Amount), p.Notes, nullID(p.CreatedBy), p.CreatedAt, p.UpdatedAt,
			nullID(p.SubmittedBy), dealerNullTime(p.SubmittedAt)).Scan(&p.ID)
		if isUniqueViolation(err) {
			return crm.FailField(crm.EConflict, "month", "taken", "dealer.plan.exists", p.Month, 0)
		}
		if err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(p.ID, 10)
		return writePlanLines(ctx, tx, p)
	})
}

func dealerNullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// UpdatePlan writes p if its version is still p.Version, with e.
func (db *DB) UpdatePlan(ctx context.Context, p *dealer.Plan, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE dealer_plans SET status = ?, quantity = ?, amount_fen = ?, notes = ?, updated_at = ?, submitted_by = ?,
			submitted_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			p.Status, p.Quantity, int64(p.Amount), p.Notes, p.UpdatedAt.UTC(), nullID(p.SubmittedBy), dealerNullTime(p.SubmittedAt), p.ID, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "dealer.plan.changed", p.Version+1, p.Version)
		}
		return writePlanLines(ctx, tx, p)
	})
	if err == nil {
		p.Version++
	}
	return err
}

// Plan reads one plan of a dealer in scope, with its lines.
func (db *DB) Plan(ctx context.Context, id int64, scope crm.Scope, now time.Time) (dealer.Plan, error) {
	where, args := "d.id = ?", []any{id}
	if !scope.All {
		cond, cargs := scopeSQL(scope, now)
		where += " AND " + cond
		args = append(args, cargs...)
	}
	p, err := scanPlan(db.QueryRow(ctx, "SELECT "+planColumns+planFrom+" WHERE "+where, args...))
	if err != nil {
		return p, noSuch(err, "dealer.no_such_plan")
	}
	plans := []dealer.Plan{p}
	if err := withLines(ctx, db, plans); err != nil {
		return p, err
	}
	return plans[0], nil
}

func planWhere(f dealer.PlanFilter) (string, []any) {
	w := []string{"1 = 1"}
	var args []any
	add := func(cond string, a ...any) { w = append(w, cond); args = append(args, a...) }
	if !f.Scope.All {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		add(cond, cargs...)
	}
	if f.DealerID != 0 {
		add("d.dealer_id = ?", f.DealerID)
	}
	if f.Month != "" {
		add("d.month = ?", f.Month)
	}
	if f.Status != "" {
		add("d.status = ?", f.Status)
	}
	return strings.Join(w, " AND "), args
}

// ListPlans lists plans newest month first, then newest first, keyset-paged
// on (month, id), with their lines.
func (db *DB) ListPlans(ctx context.Context, f dealer.PlanFilter) ([]dealer.Plan, error) {
	where, args := planWhere(f)
	if f.After.ID > 0 {
		where += " AND (d.month < ? OR (d.month = ? AND d.id < ?))"
		args = append(args, f.After.Month, f.After.Month, f.After.ID)
	}
	out, err := queryAll(ctx, db, scanPlan, "SELECT "+planColumns+planFrom+" WHERE "+where+" ORDER BY d.month DESC, d.id DESC LIMIT ?",
		append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: dealer plans: %w", err)
	}
	return out, withLines(ctx, db, out)
}

// CountPlans counts the plans matching f, ignoring its cursor.
func (db *DB) CountPlans(ctx context.Context, f dealer.PlanFilter) (crm.ListTotal, error) {
	where, args := planWhere(f)
	return db.listTotal(ctx, "dealer_plans d JOIN customers c ON c.id = d.dealer_id", where, args)
}

// SubmittedPlans reads every submitted plan of the month, with lines.
func (db *DB) SubmittedPlans(ctx context.Context, month string) ([]dealer.Plan, error) {
	out, err := queryAll(ctx, db, scanPlan, "SELECT "+planColumns+planFrom+" WHERE d.month = ? AND d.status = 'submitted' ORDER BY d.dealer_id", month)
	if err != nil {
		return nil, err
	}
	return out, withLines(ctx, db, out)
}

// SalesPlan reads the month's sales plan with its merged lines.
func (db *DB) SalesPlan(ctx context.Context, month string) (dealer.SalesPlan, error) {
	var sp dealer.SalesPlan
	var amount int64
	var merged, submitted, decided sql.NullInt64
	var subAt, decAt sql.NullTime
	err := db.QueryRow(ctx, `SELECT month, status, quantity, amount_fen, plans, merged_by, merged_at, submitted_by, submitted_at,
		decided_by, decided_at, comment, version FROM sales_plans WHERE month = ?`, month).Scan(&sp.Month, &sp.Status, &sp.Quantity, &amount,
		&sp.Plans, &merged, &sp.MergedAt, &submitted, &subAt, &decided, &decAt, &sp.Comment, &sp.Version)
	if err != nil {
		return sp, noSuch(err, "dealer.no_such_sales_plan", month)
	}
	sp.Amount, sp.MergedBy, sp.SubmittedBy, sp.DecidedBy = sales.Money(amount), merged.Int64, submitted.Int64, decided.Int64
	sp.MergedAt = sp.MergedAt.UTC()
	if subAt.Valid {
		t := subAt.Time.UTC()
		sp.SubmittedAt = &t
	}
	if decAt.Valid {
		t := decAt.Time.UTC()
		sp.DecidedAt = &t
	}
	sp.Lines, err = queryAll(ctx, db, func(sc scanner) (dealer.SalesPlanLine, error) {
		var l dealer.SalesPlanLine
		var amount int64
		err := sc.Scan(&l.DealerID, &l.DealerName, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Quantity, &amount)
		l.Amount = sales.Money(amount)
		return l, err
	}, `SELECT l.dealer_id, c.name, l.product_id, p.code, p.name, l.quantity, l.amount_fen FROM sales_plan_lines l
		JOIN customers c ON c.id = l.dealer_id JOIN products p ON p.id = l.product_id WHERE l.month = ? ORDER BY l.dealer_id, p.code`, month)
	return sp, err
}

// SaveSalesPlan writes the month's sales plan if its version is still
// sp.Version (0: a new one), and with lines its merged lines, with e.
func (db *DB) SaveSalesPlan(ctx context.Context, sp *dealer.SalesPlan, lines bool, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		if sp.Version == 0 {
			_, err := tx.Exec(ctx, `INSERT INTO sales_plans (month, status, quantity, amount_fen, plans, merged_by, merged_at, comment, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, '', 1)`, sp.Month, sp.Status, sp.Quantity, int64(sp.Amount), sp.Plans, nullID(sp.MergedBy), sp.MergedAt.UTC())
			if isUniqueViolation(err) {
				return crm.Fail(crm.EVersionConflict, "dealer.sales_plan.changed", sp.Month)
			}
			if err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE sales_plans SET status = ?, quantity = ?, amount_fen = ?, plans = ?, merged_by = ?, merged_at = ?,
				submitted_by = ?, submitted_at = ?, decided_by = ?, decided_at = ?, comment = ?, version = version + 1
				WHERE month = ? AND version = ?`, sp.Status, sp.Quantity, int64(sp.Amount), sp.Plans, nullID(sp.MergedBy), sp.MergedAt.UTC(),
				nullID(sp.SubmittedBy), dealerNullTime(sp.SubmittedAt), nullID(sp.DecidedBy), dealerNullTime(sp.DecidedAt), sp.Comment, sp.Month, sp.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return crm.Fail(crm.EVersionConflict, "dealer.sales_plan.changed", sp.Month)
			}
		}
		if !lines {
			return nil
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sales_plan_lines WHERE month = ?", sp.Month); err != nil {
			return err
		}
		sum := map[[2]int64]*dealer.SalesPlanLine{}
		var order [][2]int64
		for i := range sp.Lines {
			l := &sp.Lines[i]
			k := [2]int64{l.DealerID, l.ProductID}
			if s := sum[k]; s != nil {
				s.Quantity += l.Quantity
				s.Amount += l.Amount
				continue
			}
			c := *l
			sum[k] = &c
			order = append(order, k)
		}
		for _, k := range order {
			l := sum[k]
			if _, err := tx.Exec(ctx, "INSERT INTO sales_plan_lines (month, dealer_id, product_id, quantity, amount_fen) VALUES (?, ?, ?, ?, ?)",
				sp.Month, l.DealerID, l.ProductID, l.Quantity, int64(l.Amount)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		sp.Version++
	}
	return err
}

// DealersWithoutPlan lists the live dealers with no submitted plan for
// the month not yet reminded in round, with their active accounts.
func (db *DB) DealersWithoutPlan(ctx context.Context, month string, round int) ([]dealer.Reminder, error) {
	out, err := queryAll(ctx, db, func(sc scanner) (dealer.Reminder, error) {
		var r dealer.Reminder
		err := sc.Scan(&r.DealerID, &r.Name)
		return r, err
	}, `SELECT c.id, c.name FROM customers c WHERE c.kind = 'dealer' AND c.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM dealer_plans d WHERE d.dealer_id = c.id AND d.month = ? AND d.status = 'submitted')
		AND NOT EXISTS (SELECT 1 FROM dealer_plan_reminders r WHERE r.month = ? AND r.round = ? AND r.dealer_id = c.id)
		ORDER BY c.id`, month, month, round)
	if err != nil || len(out) == 0 {
		return out, err
	}
	idx := map[int64]int{}
	ids := make([]int64, len(out))
	for i, r := range out {
		idx[r.DealerID], ids[i] = i, r.DealerID
	}
	for _, chunk := range chunks(ids, 500) {
		err := eachRow(ctx, db, func(sc scanner) error {
			var u, d int64
			if err := sc.Scan(&u, &d); err != nil {
				return err
			}
			out[idx[d]].Users = append(out[idx[d]].Users, u)
			return nil
		}, "SELECT u.id, u.dealer_id FROM users u WHERE u.role = 'dealer' AND u.disabled_at IS NULL AND u.dealer_id IN ("+inList(len(chunk))+") ORDER BY u.id",
			int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MarkReminded records the round's reminders of dealers and sends the
// notices of those not reminded before, in one transaction; it returns
// how many dealers were newly reminded.
func (db *DB) MarkReminded(ctx context.Context, month string, round int, dealers []int64, notices []crm.Notice, at time.Time) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		n = 0
		fresh := map[string]bool{}
		for _, d := range dealers {
			res, err := tx.Exec(ctx, `INSERT INTO dealer_plan_reminders (month, round, dealer_id, sent_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (month, round, dealer_id) DO NOTHING`, month, round, d, at)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
				fresh[strconv.FormatInt(d, 10)] = true
			}
		}
		var send []crm.Notice
		for _, nt := range notices {
			if fresh[nt.EntityID] {
				send = append(send, nt)
			}
		}
		return sendNotices(ctx, tx, send, at)
	})
	return n, err
}

// DueDay reads the configured due day and the setting's version (0, 0
// when never set).
func (db *DB) DueDay(ctx context.Context) (int, int, error) {
	var raw string
	var version int
	err := db.QueryRow(ctx, "SELECT value, version FROM settings WHERE key = ?", dealerDueDayKey).Scan(&raw, &version)
	if isNoRows(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	day, _ := strconv.Atoi(raw)
	return day, version, nil
}

// SetDueDay sets the due day if the setting is still at version (0: never
// set), with e.
func (db *DB) SetDueDay(ctx context.Context, day, version int, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var res sql.Result
		var err error
		if version == 0 {
			res, err = tx.Exec(ctx, "INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (key) DO NOTHING",
				dealerDueDayKey, strconv.Itoa(day), e.At.UTC())
		} else {
			res, err = tx.Exec(ctx, "UPDATE settings SET value = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ?",
				strconv.Itoa(day), e.At.UTC(), dealerDueDayKey, version)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "dealer.settings.changed")
		}
		return nil
	})
}

// IsDealer reports whether the customer is a live dealer.
func (db *DB) IsDealer(ctx context.Context, customerID int64) (bool, error) {
	var kind string
	err := db.QueryRow(ctx, "SELECT c.kind FROM customers c WHERE c.id = ? AND c.deleted_at IS NULL", customerID).Scan(&kind)
	if isNoRows(err) {
		return false, nil
	}
	return kind == dealer.Kind, err
}

var _ dealer.Store = (*DB)(nil)
