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
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/workflow"
)

const orderColumns = `o.id, o.code, o.customer_id, c.name, o.status, o.total_fen, o.delivery_address, o.transport, o.destination_station,
	o.previous_balance_fen, o.remittance_fen, o.voucher_id, o.notes, o.revision, o.instance_id,
	COALESCE((SELECT t.step_name FROM workflow_tasks t WHERE t.instance_id = o.instance_id AND t.status = 'open' LIMIT 1), ''),
	COALESCE((SELECT t.step_name_en FROM workflow_tasks t WHERE t.instance_id = o.instance_id AND t.status = 'open' LIMIT 1), ''),
	o.submitted_at, o.approved_at, o.ship_due_at, o.created_at, o.created_by, o.updated_at, o.version`

const orderFrom = " FROM orders o JOIN customers c ON c.id = o.customer_id"

func scanOrder(sc scanner) (order.Order, error) {
	var o order.Order
	var total, balance, remit int64
	var submitted, approved, due sql.NullTime
	err := sc.Scan(&o.ID, &o.Code, &o.CustomerID, &o.CustomerName, &o.Status, &total, &o.DeliveryAddress, &o.Transport, &o.DestinationStation,
		&balance, &remit, &o.VoucherID, &o.Notes, &o.Revision, &o.InstanceID, &o.CurrentStep, &o.CurrentStepEn, &submitted, &approved, &due,
		&o.CreatedAt, &o.CreatedBy, &o.UpdatedAt, &o.Version)
	o.Total, o.PreviousBalance, o.Remittance = sales.Money(total), sales.Money(balance), sales.Money(remit)
	o.AtDealerCost = o.Transport == order.TransportAir
	o.SubmittedAt, o.ApprovedAt, o.ShipDueAt = wfTime(submitted), wfTime(approved), wfTime(due)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// VoucherOf reports whether attachment id is a file of one of the
// customer's interactions.
func (db *DB) VoucherOf(ctx context.Context, id, customerID int64) (bool, error) {
	ids, err := queryIDs(ctx, db, `SELECT a.id FROM attachments a JOIN interactions i ON i.id = a.interaction_id
		WHERE a.id = ? AND i.customer_id = ?`, id, customerID)
	return len(ids) > 0, err
}

func insertOrderLines(ctx context.Context, tx *Tx, id int64, lines []order.Line) error {
	for _, l := range lines {
		if _, err := tx.Exec(ctx, `INSERT INTO order_lines (order_id, line_no, product_id, product_code, product_name, spec, unit, quantity, amount_fen)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, l.LineNo, l.ProductID, l.ProductCode, l.ProductName, l.Spec, l.Unit, l.Quantity, int64(l.Amount)); err != nil {
			return err
		}
	}
	return nil
}

func insertRevision(ctx context.Context, tx *Tx, id int64, r order.Revision) error {
	lines, _ := json.Marshal(r.Lines)
	_, err := tx.Exec(ctx, `INSERT INTO order_revisions (order_id, revision, lines, total_fen, reason, agreed_by, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, r.Revision, string(lines), int64(r.Total), r.Reason, r.AgreedBy, r.CreatedAt, r.CreatedBy)
	return err
}

// CreateOrder allocates the order's code (DH00000001 …) and writes it, its
// lines, its first revision and its workflow instance in one transaction.
func (db *DB) CreateOrder(ctx context.Context, o *order.Order, l *workflow.Launch, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'order_code' RETURNING value").Scan(&n); err != nil {
			return fmt.Errorf("store: order code: %w", err)
		}
		o.Code = fmt.Sprintf("DH%08d", n)
		if err := tx.QueryRow(ctx, `INSERT INTO orders (code, customer_id, status, total_fen, delivery_address, transport, destination_station,
			previous_balance_fen, remittance_fen, voucher_id, notes, revision, submitted_at, approved_at, ship_due_at, created_at, created_by,
			updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			o.Code, o.CustomerID, o.Status, int64(o.Total), o.DeliveryAddress, o.Transport, o.DestinationStation, int64(o.PreviousBalance),
			int64(o.Remittance), o.VoucherID, o.Notes, o.Revision, o.SubmittedAt, o.ApprovedAt, o.ShipDueAt, o.CreatedAt, o.CreatedBy,
			o.UpdatedAt, o.Version).Scan(&o.ID); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(o.ID, 10)
		if err := insertOrderLines(ctx, tx, o.ID, o.Lines); err != nil {
			return err
		}
		if err := insertRevision(ctx, tx, o.ID, order.Revision{Revision: 1, Lines: o.Lines, Total: o.Total, CreatedAt: o.CreatedAt, CreatedBy: o.CreatedBy}); err != nil {
			return err
		}
		if l == nil {
			return nil
		}
		l.Instance.EntityID = e.EntityID
		if err := startWorkflowTx(ctx, tx, l); err != nil {
			return err
		}
		o.InstanceID = l.Instance.ID
		if _, err := tx.Exec(ctx, "UPDATE orders SET instance_id = ? WHERE id = ?", o.InstanceID, o.ID); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &l.Audit)
	})
}

func (db *DB) orderLines(ctx context.Context, id int64) ([]order.Line, error) {
	return queryAll(ctx, db, func(sc scanner) (order.Line, error) {
		var l order.Line
		var amount int64
		err := sc.Scan(&l.LineNo, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Spec, &l.Unit, &l.Quantity, &amount)
		l.Amount = sales.Money(amount)
		return l, err
	}, "SELECT line_no, product_id, product_code, product_name, spec, unit, quantity, amount_fen FROM order_lines WHERE order_id = ? ORDER BY line_no", id)
}

// Order reads an order of a customer in scope, with its lines.
func (db *DB) Order(ctx context.Context, id int64, s crm.Scope, now time.Time) (order.Order, error) {
	where, args := "o.id = ?", []any{id}
	if !s.All || s.CustomerID != 0 {
		cond, cargs := scopeSQL(s, now)
		where, args = where+" AND "+cond, append(args, cargs...)
	}
	o, err := scanOrder(db.QueryRow(ctx, "SELECT "+orderColumns+orderFrom+" WHERE "+where, args...))
	if err != nil {
		return o, noSuch(err, "order.not_found", id)
	}
	o.Lines, err = db.orderLines(ctx, id)
	return o, err
}

func orderWhere(f order.Filter) (string, []any) {
	w := []string{"1 = 1"}
	var args []any
	if !f.Scope.All || f.Scope.CustomerID != 0 {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		w, args = append(w, cond), append(args, cargs...)
	}
	if f.CustomerID != 0 {
		w, args = append(w, "o.customer_id = ?"), append(args, f.CustomerID)
	}
	if f.Status != "" {
		w, args = append(w, "o.status = ?"), append(args, f.Status)
	}
	return strings.Join(w, " AND "), args
}

// ListOrders lists orders newest first, keyset-paged on id.
func (db *DB) ListOrders(ctx context.Context, f order.Filter) ([]order.Order, error) {
	where, args := orderWhere(f)
	if f.After > 0 {
		where, args = where+" AND o.id < ?", append(args, f.After)
	}
	list, err := queryAll(ctx, db, scanOrder, "SELECT "+orderColumns+orderFrom+" WHERE "+where+" ORDER BY o.id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	at := map[int64]int{}
	ids := make([]int64, len(list))
	for i, o := range list {
		at[o.ID], ids[i] = i, o.ID
		list[i].Lines = []order.Line{}
	}
	err = eachRow(ctx, db, func(sc scanner) error {
		var l order.Line
		var id, amount int64
		if err := sc.Scan(&id, &l.LineNo, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Spec, &l.Unit, &l.Quantity, &amount); err != nil {
			return err
		}
		l.Amount = sales.Money(amount)
		list[at[id]].Lines = append(list[at[id]].Lines, l)
		return nil
	}, "SELECT order_id, line_no, product_id, product_code, product_name, spec, unit, quantity, amount_fen FROM order_lines WHERE order_id IN ("+
		inList(len(ids))+") ORDER BY order_id, line_no", int64Args(ids)...)
	return list, err
}

// CountOrders counts the orders matching f, ignoring its cursor.
func (db *DB) CountOrders(ctx context.Context, f order.Filter) (crm.ListTotal, error) {
	where, args := orderWhere(f)
	return db.listTotal(ctx, "orders o JOIN customers c ON c.id = o.customer_id", where, args)
}

// Revisions lists an order's revisions, oldest first.
func (db *DB) Revisions(ctx context.Context, id int64) ([]order.Revision, error) {
	return queryAll(ctx, db, func(sc scanner) (order.Revision, error) {
		var r order.Revision
		var lines string
		var total int64
		err := sc.Scan(&r.Revision, &lines, &total, &r.Reason, &r.AgreedBy, &r.CreatedAt, &r.CreatedBy)
		if err == nil {
			err = json.Unmarshal([]byte(lines), &r.Lines)
		}
		r.Total, r.CreatedAt = sales.Money(total), r.CreatedAt.UTC()
		return r, err
	}, "SELECT revision, lines, total_fen, reason, agreed_by, created_at, created_by FROM order_revisions WHERE order_id = ? ORDER BY revision", id)
}

// DecideOrder writes a decision on an order's approval and the order's
// new status, ship-by date and version, in one transaction.
func (db *DB) DecideOrder(ctx context.Context, o *order.Order, a *workflow.Advance) error {
	return db.InTxAudited(ctx, &a.Audit, func(tx *Tx) error {
		if err := applyAdvanceTx(ctx, tx, a); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE orders SET status = ?, approved_at = ?, ship_due_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			o.Status, o.ApprovedAt, o.ShipDueAt, o.UpdatedAt, o.ID, o.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "order.changed", o.Code)
		}
		o.Version++
		return nil
	})
}

// AdjustOrder replaces an order's lines with revision r when its version
// is still version, keeping r, and sends the notices.
func (db *DB) AdjustOrder(ctx context.Context, o *order.Order, r order.Revision, version int, notices []crm.Notice, cancel *workflow.Advance, launch *workflow.Launch, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if cancel != nil && launch != nil {
			if err := applyAdvanceTx(ctx, tx, cancel); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, &cancel.Audit); err != nil {
				return err
			}
			if err := startWorkflowTx(ctx, tx, launch); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, &launch.Audit); err != nil {
				return err
			}
			o.InstanceID = launch.Instance.ID
		}
		res, err := tx.Exec(ctx, `UPDATE orders SET total_fen = ?, revision = ?, instance_id = ?, status = ?, approved_at = ?, ship_due_at = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			int64(o.Total), o.Revision, o.InstanceID, o.Status, o.ApprovedAt, o.ShipDueAt, o.UpdatedAt, o.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "order.changed_version", o.Code, version+1, version)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM order_lines WHERE order_id = ?", o.ID); err != nil {
			return err
		}
		if err := insertOrderLines(ctx, tx, o.ID, o.Lines); err != nil {
			return err
		}
		if err := insertRevision(ctx, tx, o.ID, r); err != nil {
			return err
		}
		return sendNotices(ctx, tx, notices, o.UpdatedAt)
	})
}

// DealerUsers lists the enabled accounts of a dealer.
func (db *DB) DealerUsers(ctx context.Context, customerID int64) ([]int64, error) {
	return queryIDs(ctx, db, "SELECT id FROM users WHERE dealer_id = ? AND disabled_at IS NULL ORDER BY id", customerID)
}

// mergeOrders moves merged's orders and the workflow instances of those
// orders to survivor, inside the customer merge's transaction: an open
// order goes on being approved, now for the survivor.
func mergeOrders(ctx context.Context, tx *Tx, survivor, merged int64) error {
	ids, err := queryIDs(ctx, tx, "SELECT id FROM orders WHERE customer_id = ? ORDER BY customer_id, id", merged)
	if err != nil || len(ids) == 0 {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE orders SET customer_id = ?, version = version + 1 WHERE customer_id = ?", survivor, merged); err != nil {
		return fmt.Errorf("store: merge orders: %w", err)
	}
	for _, part := range chunks(ids, 200) {
		args := []any{survivor, "order"}
		for _, id := range part {
			args = append(args, strconv.FormatInt(id, 10))
		}
		if _, err := tx.Exec(ctx, "UPDATE workflow_instances SET customer_id = ? WHERE entity = ? AND entity_id IN ("+inList(len(part))+")", args...); err != nil {
			return fmt.Errorf("store: merge order workflows: %w", err)
		}
	}
	return nil
}

// CustomerTierLevels lists a customer's current levels in the active tier
// schemes, "scheme:level" each, and the level alone for the default
// scheme (abc while it is active, else the first active one).
func (db *DB) CustomerTierLevels(ctx context.Context, customerID int64) ([]string, error) {
	type row struct {
		id          int64
		code, level string
	}
	rows, err := queryAll(ctx, db, func(sc scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.id, &r.code, &r.level)
	}, `SELECT s.id, s.code, ct.level FROM customer_tiers ct JOIN tier_schemes s ON s.id = ct.scheme_id
		WHERE ct.customer_id = ? AND s.active = 1 ORDER BY ct.customer_id, ct.scheme_id`, customerID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	def := 0
	for i, r := range rows {
		if r.code == "abc" {
			def = i
		}
	}
	out := []string{rows[def].level}
	for _, r := range rows {
		out = append(out, r.code+":"+r.level)
	}
	return out, nil
}
