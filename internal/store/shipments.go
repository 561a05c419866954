package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/shipping"
)

// The shipping settings are one row; the list totals of shipments and
// claims stop counting at 10,001 rows.
func init() {
	smallTables["shipping_settings"] = true
	planAllowed = append(planAllowed,
		planAllow{Table: "shipments", Problem: "full scan", SQL: "SELECT COUNT(*) FROM (SELECT 1 FROM shipments s",
			Reason: "the shipments' list total stops counting at 10,001 rows."},
		planAllow{Table: "claims", Problem: "full scan", SQL: "SELECT COUNT(*) FROM (SELECT 1 FROM claims k",
			Reason: "the claims' list total stops counting at 10,001 rows."},
		planAllow{Table: "stock", Problem: "full scan", SQL: "SELECT s.product_id, p.code, p.name, s.quantity, s.updated_at FROM stock s",
			Reason: "the stock count has one row per product, as small as the product list."},
		// A sales manager's or an account manager's scope is an OR of owner,
		// team and grants (scopeSQL): SQLite reads each index and sorts
		// what they found, which is the scope's customers' rows, not the table.
		planAllow{Table: "shipments", Problem: "sort under LIMIT", SQL: strings.TrimSpace(shipmentFrom) + " WHERE",
			Reason: "a scoped list sorts the rows of the scope's customers (scopeSQL's OR), not the table"},
		planAllow{Table: "claims", Problem: "sort under LIMIT", SQL: "FROM claims k",
			Reason: "a scoped list sorts the rows of the scope's customers (scopeSQL's OR), not the table"})
}

const shipmentColumns = `s.id, s.code, s.order_id, o.code, s.customer_id, c.name, s.claim_id, s.status, s.transport, s.carrier, s.waybill_no,
	s.mail_no, s.mailed_at, s.total_fen, s.notes, s.shipped_at, s.shipped_by, s.deemed_at, s.received_at, s.received_by, s.receipt_deemed,
	s.updated_at, s.version`

const shipmentFrom = " FROM shipments s JOIN orders o ON o.id = s.order_id JOIN customers c ON c.id = s.customer_id"

func scanShipment(sc scanner) (shipping.Shipment, error) {
	var s shipping.Shipment
	var mailed, received sql.NullTime
	var total int64
	err := sc.Scan(&s.ID, &s.Code, &s.OrderID, &s.OrderCode, &s.CustomerID, &s.CustomerName, &s.ClaimID, &s.Status, &s.Transport, &s.Carrier,
		&s.WaybillNo, &s.MailNo, &mailed, &total, &s.Notes, &s.ShippedAt, &s.ShippedBy, &s.DeemedAt, &received, &s.ReceivedBy, &s.Deemed,
		&s.UpdatedAt, &s.Version)
	s.Total, s.MailedAt, s.ReceivedAt = sales.Money(total), wfTime(mailed), wfTime(received)
	s.ShippedAt, s.DeemedAt, s.UpdatedAt = s.ShippedAt.UTC(), s.DeemedAt.UTC(), s.UpdatedAt.UTC()
	s.Lines = []shipping.Line{}
	return s, err
}

// ShippingSettings reads the shipping rules.
func (db *DB) ShippingSettings(ctx context.Context) (shipping.Settings, error) {
	var s shipping.Settings
	err := db.QueryRow(ctx, "SELECT block_negative_stock, receipt_days, claim_days, version FROM shipping_settings WHERE id = 1").
		Scan(&s.BlockNegativeStock, &s.ReceiptDays, &s.ClaimDays, &s.Version)
	if err == sql.ErrNoRows {
		return shipping.Settings{ReceiptDays: shipping.DefaultReceiptDays, ClaimDays: shipping.DefaultClaimDays, Version: 1}, nil
	}
	return s, err
}

// SetShippingSettings writes the shipping rules if their version is still
// s.Version.
func (db *DB) SetShippingSettings(ctx context.Context, s shipping.Settings, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE shipping_settings SET block_negative_stock = ?, receipt_days = ?, claim_days = ?, version = version + 1 WHERE id = 1 AND version = ?",
			s.BlockNegativeStock, s.ReceiptDays, s.ClaimDays, s.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "shipping.settings.changed", s.Version+1, s.Version)
		}
		return nil
	})
}

// Shipped sums the order's shipments (not the replacements of claims) by
// product.
func (db *DB) Shipped(ctx context.Context, orderID int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	err := eachRow(ctx, db, func(sc scanner) error {
		var p, q int64
		if err := sc.Scan(&p, &q); err != nil {
			return err
		}
		out[p] += q
		return nil
	}, `SELECT l.product_id, SUM(l.quantity) FROM shipments s JOIN shipment_lines l ON l.shipment_id = s.id
		WHERE s.order_id = ? AND s.claim_id = 0 GROUP BY l.product_id`, orderID)
	return out, err
}

// insertShipmentTx allocates the code (FY00000001 …), writes sh and its
// lines and moves its goods out of stock, naming in sh.Warnings the
// products that went below zero (or failing, with block).
func insertShipmentTx(ctx context.Context, tx *Tx, sh *shipping.Shipment, block bool) error {
	var n int64
	if err := tx.QueryRow(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'shipment_code' RETURNING value").Scan(&n); err != nil {
		return fmt.Errorf("store: shipment code: %w", err)
	}
	sh.Code = fmt.Sprintf("FY%08d", n)
	if err := tx.QueryRow(ctx, `INSERT INTO shipments (code, order_id, customer_id, claim_id, status, transport, carrier, waybill_no, mail_no, mailed_at,
		total_fen, notes, shipped_at, shipped_by, deemed_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sh.Code, sh.OrderID, sh.CustomerID, sh.ClaimID, sh.Status, sh.Transport, sh.Carrier, sh.WaybillNo, sh.MailNo, sh.MailedAt, int64(sh.Total),
		sh.Notes, sh.ShippedAt, sh.ShippedBy, sh.DeemedAt, sh.UpdatedAt, sh.Version).Scan(&sh.ID); err != nil {
		return err
	}
	for _, l := range sh.Lines {
		if _, err := tx.Exec(ctx, `INSERT INTO shipment_lines (shipment_id, line_no, product_id, product_code, product_name, spec, unit, quantity, amount_fen)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sh.ID, l.LineNo, l.ProductID, l.ProductCode, l.ProductName, l.Spec, l.Unit, l.Quantity, int64(l.Amount)); err != nil {
			return err
		}
		balance, err := moveStockTx(ctx, tx, l.ProductID, -l.Quantity, "shipment", sh.ID, sh.Code, sh.ShippedAt, sh.ShippedBy)
		if err != nil {
			return err
		}
		if balance < 0 {
			if block {
				return crm.Invalid(crm.Bad(fmt.Sprintf("lines[%d].quantity", l.LineNo-1), "stock", "shipping.stock.negative_blocked", l.ProductCode, balance+l.Quantity, l.Quantity))
			}
			sh.Warnings = append(sh.Warnings, fmt.Sprintf("%s: %d", l.ProductCode, balance))
		}
	}
	return nil
}

func moveStockTx(ctx context.Context, tx *Tx, product, q int64, kind string, shipment int64, note string, at time.Time, by string) (int64, error) {
	var balance int64
	if err := tx.QueryRow(ctx, `INSERT INTO stock (product_id, quantity, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (product_id) DO UPDATE SET quantity = stock.quantity + excluded.quantity, updated_at = excluded.updated_at RETURNING quantity`,
		product, q, at).Scan(&balance); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `INSERT INTO stock_movements (product_id, quantity, kind, shipment_id, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		product, q, kind, shipment, note, at, by)
	return balance, err
}

// CreateShipment writes a shipment of an order and its stock movements,
// and marks the order shipped when done.
func (db *DB) CreateShipment(ctx context.Context, sh *shipping.Shipment, done, block bool, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var status string
		if err := tx.QueryRow(ctx, "SELECT status FROM orders WHERE id = ?", sh.OrderID).Scan(&status); err != nil {
			return err
		}
		if status != order.StatusApproved {
			return crm.Fail(crm.EConflict, "shipping.order_not_approved", sh.OrderCode, status)
		}
		if err := insertShipmentTx(ctx, tx, sh, block); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(sh.ID, 10)
		if done {
			if _, err := tx.Exec(ctx, "UPDATE orders SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?", order.StatusShipped, sh.ShippedAt, sh.OrderID); err != nil {
				return err
			}
		}
		return nil
	})
}

func (db *DB) shipmentLines(ctx context.Context, list []shipping.Shipment) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]int64, len(list))
	for i, s := range list {
		at[s.ID], ids[i] = i, s.ID
	}
	return eachRow(ctx, db, func(sc scanner) error {
		var l shipping.Line
		var id, amount int64
		if err := sc.Scan(&id, &l.LineNo, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Spec, &l.Unit, &l.Quantity, &amount); err != nil {
			return err
		}
		l.Amount = sales.Money(amount)
		list[at[id]].Lines = append(list[at[id]].Lines, l)
		return nil
	}, "SELECT shipment_id, line_no, product_id, product_code, product_name, spec, unit, quantity, amount_fen FROM shipment_lines WHERE shipment_id IN ("+
		inList(len(ids))+") ORDER BY shipment_id, line_no", int64Args(ids)...)
}

func scoped(w []string, args []any, s crm.Scope, now time.Time) ([]string, []any) {
	if !s.All || s.CustomerID != 0 {
		cond, cargs := scopeSQL(s, now)
		w, args = append(w, cond), append(args, cargs...)
	}
	return w, args
}

// Shipment reads a shipment of a customer in scope, with its lines.
func (db *DB) Shipment(ctx context.Context, id int64, s crm.Scope, now time.Time) (shipping.Shipment, error) {
	w, args := scoped([]string{"s.id = ?"}, []any{id}, s, now)
	sh, err := scanShipment(db.QueryRow(ctx, "SELECT "+shipmentColumns+shipmentFrom+" WHERE "+strings.Join(w, " AND "), args...))
	if err != nil {
		return sh, noSuch(err, "shipping.not_found", id)
	}
	list := []shipping.Shipment{sh}
	err = db.shipmentLines(ctx, list)
	return list[0], err
}

func shipmentWhere(f shipping.Filter) (string, []any) {
	w, args := scoped([]string{"1 = 1"}, nil, f.Scope, f.Now)
	if f.CustomerID != 0 {
		w, args = append(w, "s.customer_id = ?"), append(args, f.CustomerID)
	}
	if f.OrderID != 0 {
		w, args = append(w, "s.order_id = ?"), append(args, f.OrderID)
	}
	if f.Status != "" {
		w, args = append(w, "s.status = ?"), append(args, f.Status)
	}
	return strings.Join(w, " AND "), args
}

// ListShipments lists shipments newest first, keyset-paged on id.
func (db *DB) ListShipments(ctx context.Context, f shipping.Filter) ([]shipping.Shipment, error) {
	where, args := shipmentWhere(f)
	if f.After > 0 {
		where, args = where+" AND s.id < ?", append(args, f.After)
	}
	list, err := queryAll(ctx, db, scanShipment, "SELECT "+shipmentColumns+shipmentFrom+" WHERE "+where+" ORDER BY s.id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	return list, db.shipmentLines(ctx, list)
}

// CountShipments counts the shipments matching f, ignoring its cursor.
func (db *DB) CountShipments(ctx context.Context, f shipping.Filter) (crm.ListTotal, error) {
	where, args := shipmentWhere(f)
	return db.listTotal(ctx, "shipments s JOIN customers c ON c.id = s.customer_id", where, args)
}

// UpdateShipment writes a shipment's transport details if its version is
// still sh.Version.
func (db *DB) UpdateShipment(ctx context.Context, sh *shipping.Shipment, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE shipments SET transport = ?, carrier = ?, waybill_no = ?, mail_no = ?, mailed_at = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, sh.Transport, sh.Carrier, sh.WaybillNo, sh.MailNo, sh.MailedAt, sh.UpdatedAt, sh.ID, sh.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "shipping.changed", sh.Code)
		}
		return nil
	})
}

// ReceiveShipment marks a shipment received when it is still shipped.
func (db *DB) ReceiveShipment(ctx context.Context, sh *shipping.Shipment, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE shipments SET status = ?, received_at = ?, received_by = ?, receipt_deemed = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND status = ?`, shipping.StatusReceived, sh.ReceivedAt, sh.ReceivedBy, sh.Deemed, sh.UpdatedAt, sh.ID, shipping.StatusShipped)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "shipping.already_received", sh.Code)
		}
		return nil
	})
}

// DueToDeem lists shipments still not received whose deemed time passed.
func (db *DB) DueToDeem(ctx context.Context, now time.Time, limit int) ([]shipping.Shipment, error) {
	return queryAll(ctx, db, scanShipment, "SELECT "+shipmentColumns+shipmentFrom+" WHERE s.status = ? AND s.deemed_at <= ? ORDER BY s.deemed_at LIMIT ?",
		shipping.StatusShipped, now, limit)
}

const dueColumns = `o.id, o.code, c.name, o.total_fen, o.ship_due_at,
	(SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) -
	(SELECT COALESCE(SUM(sl.quantity), 0) FROM shipments s JOIN shipment_lines sl ON sl.shipment_id = s.id WHERE s.order_id = o.id AND s.claim_id = 0)`

func scanDue(now time.Time) func(sc scanner) (shipping.Due, error) {
	return func(sc scanner) (shipping.Due, error) {
		var d shipping.Due
		var total int64
		var due sql.NullTime
		err := sc.Scan(&d.OrderID, &d.OrderCode, &d.CustomerName, &total, &due, &d.Remaining)
		d.Total = sales.Money(total)
		if due.Valid {
			d.ShipDueAt = due.Time.UTC()
		}
		d.Overdue = !d.ShipDueAt.IsZero() && now.After(d.ShipDueAt)
		return d, err
	}
}

// Board lists the approved orders in scope waiting to ship, earliest
// deadline (so the overdue) first.
func (db *DB) Board(ctx context.Context, s crm.Scope, now time.Time, limit int) ([]shipping.Due, error) {
	w, args := scoped([]string{"o.status = ?"}, []any{order.StatusApproved}, s, now)
	return queryAll(ctx, db, scanDue(now), "SELECT "+dueColumns+" FROM orders o JOIN customers c ON c.id = o.customer_id WHERE "+strings.Join(w, " AND ")+
		" ORDER BY o.ship_due_at, o.id LIMIT ?", append(args, limit)...)
}

// Overdue lists approved orders past their ship-by date not escalated yet.
func (db *DB) Overdue(ctx context.Context, now time.Time, limit int) ([]shipping.Due, error) {
	return queryAll(ctx, db, scanDue(now), "SELECT "+dueColumns+` FROM orders o JOIN customers c ON c.id = o.customer_id
		WHERE o.status = ? AND o.ship_due_at < ? AND NOT EXISTS (SELECT 1 FROM shipping_escalations x WHERE x.order_id = o.id)
		ORDER BY o.ship_due_at LIMIT ?`, order.StatusApproved, now, limit)
}

// EscalateShipping records an order's escalation and sends its notices, unless it
// was escalated already.
func (db *DB) EscalateShipping(ctx context.Context, orderID int64, notices []crm.Notice, at time.Time) (bool, error) {
	sent := false
	err := db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "INSERT INTO shipping_escalations (order_id, escalated_at) VALUES (?, ?) ON CONFLICT (order_id) DO NOTHING", orderID, at)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		return sendNotices(ctx, tx, notices, at)
	})
	return sent, err
}

// WarehouseManagers lists the managers of the active warehouse accounts.
func (db *DB) WarehouseManagers(ctx context.Context) ([]int64, error) {
	return queryIDs(ctx, db, `SELECT DISTINCT m.id FROM users u JOIN users m ON m.id = u.manager_id
		WHERE u.role = 'warehouse' AND u.disabled_at IS NULL AND m.disabled_at IS NULL ORDER BY m.id`)
}

// Stock lists the stock count by product code.
func (db *DB) Stock(ctx context.Context, limit int) ([]shipping.StockLevel, error) {
	return queryAll(ctx, db, func(sc scanner) (shipping.StockLevel, error) {
		var l shipping.StockLevel
		err := sc.Scan(&l.ProductID, &l.ProductCode, &l.ProductName, &l.Quantity, &l.UpdatedAt)
		l.UpdatedAt = l.UpdatedAt.UTC()
		return l, err
	}, "SELECT s.product_id, p.code, p.name, s.quantity, s.updated_at FROM stock s JOIN products p ON p.id = s.product_id ORDER BY p.code LIMIT ?", limit)
}

// StockMovement reads one stock movement, with the product's balance after
// it (the movements of a product up to and including it).
func (db *DB) StockMovement(ctx context.Context, id int64) (shipping.Movement, error) {
	var m shipping.Movement
	err := db.QueryRow(ctx, `SELECT m.id, m.product_id, m.quantity, m.kind, m.shipment_id, m.note, m.created_at, m.created_by,
		(SELECT COALESCE(SUM(b.quantity), 0) FROM stock_movements b WHERE b.product_id = m.product_id AND b.id <= m.id)
		FROM stock_movements m WHERE m.id = ?`, id).Scan(&m.ID, &m.ProductID, &m.Quantity, &m.Kind, &m.ShipmentID, &m.Note, &m.CreatedAt, &m.CreatedBy, &m.Balance)
	if err != nil {
		return m, noSuch(err, "shipping.stock.movement_not_found", id)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return m, nil
}

// AddStock records goods received into stock.
func (db *DB) AddStock(ctx context.Context, m *shipping.Movement, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		balance, err := moveStockTx(ctx, tx, m.ProductID, m.Quantity, m.Kind, 0, m.Note, m.CreatedAt, m.CreatedBy)
		if err != nil {
			return err
		}
		m.Balance = balance
		if err := tx.QueryRow(ctx, "SELECT MAX(id) FROM stock_movements WHERE product_id = ?", m.ProductID).Scan(&m.ID); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(m.ID, 10)
		return nil
	})
}
