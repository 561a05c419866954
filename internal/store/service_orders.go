package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/service"
)

// serviceOrderColumns never include the signature image, which only the
// voucher reads (ServiceOrderSignature).
const serviceOrderColumns = `s.id, s.number, s.type, s.customer_id, c.name, s.address, s.phone_enc, s.product_model, s.product_spec,
	s.purchase_date, s.purchase_place, s.problem, s.received_at, s.carry_over_at, s.status, s.created_by, s.technician_id,
	COALESCE(t.username, ''), COALESCE(NULLIF(t.display_name, ''), t.username, ''), s.dispatched_by, s.dispatched_at, s.dispatch_note, s.arrived_at, s.left_at, s.work_minutes,
	s.work_done, s.parts_used, s.fee_fen, s.signature_png IS NOT NULL, s.signer_name, s.signed_at, s.settlement,
	s.collected_fen, s.payment_method, s.settled_at, s.invoice_no, s.invoiced_by, s.invoiced_at, s.closed_by, s.closed_at,
	s.close_note, s.version, s.created_at, s.updated_at`

const serviceOrderFrom = ` FROM service_orders s JOIN customers c ON c.id = s.customer_id LEFT JOIN users t ON t.id = s.technician_id`

func scanServiceOrder(sc scanner) (service.ServiceOrder, error) {
	var o service.ServiceOrder
	var createdBy, technician, dispatchedBy, minutes, fee, collected, invoicedBy, closedBy sql.NullInt64
	var dispatched, arrived, left, signed, settled, invoiced, closed sql.NullTime
	err := sc.Scan(&o.ID, &o.Number, &o.Type, &o.CustomerID, &o.CustomerName, &o.Address, &o.PhoneEnc, &o.ProductModel, &o.ProductSpec,
		&o.PurchaseDate, &o.PurchasePlace, &o.Problem, &o.ReceivedAt, &o.CarryOverAt, &o.Status, &createdBy, &technician,
		&o.Technician, &o.TechnicianName, &dispatchedBy, &dispatched, &o.DispatchNote, &arrived, &left, &minutes,
		&o.WorkDone, &o.PartsUsed, &fee, &o.Signed, &o.SignerName, &signed, &o.Settlement,
		&collected, &o.PaymentMethod, &settled, &o.InvoiceNo, &invoicedBy, &invoiced, &closedBy, &closed,
		&o.CloseNote, &o.Version, &o.CreatedAt, &o.UpdatedAt)
	o.CreatedBy, o.TechnicianID, o.DispatchedBy, o.InvoicedBy, o.ClosedBy = createdBy.Int64, technician.Int64, dispatchedBy.Int64, invoicedBy.Int64, closedBy.Int64
	o.DispatchedAt, o.ArrivedAt, o.LeftAt, o.SignedAt = timePtr(dispatched), timePtr(arrived), timePtr(left), timePtr(signed)
	o.SettledAt, o.InvoicedAt, o.ClosedAt = timePtr(settled), timePtr(invoiced), timePtr(closed)
	o.WorkMinutes, o.FeeFen, o.CollectedFen = int64Ptr(minutes), int64Ptr(fee), int64Ptr(collected)
	return o, err
}

func int64Ptr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// CreateServiceOrder allocates the number — the month's next serial of
// number (nextSerial) — and inserts the order in the same transaction,
// so concurrent creators never share a number.
func (db *DB) CreateServiceOrder(ctx context.Context, o *service.ServiceOrder, number crm.MonthlyNumber, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var err error
		if o.Number, err = allocateNumber(ctx, tx, number); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO service_orders (number, type, customer_id, address, phone_enc, product_model, product_spec,
			purchase_date, purchase_place, problem, received_at, carry_over_at, status, created_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			o.Number, o.Type, o.CustomerID, o.Address, o.PhoneEnc, o.ProductModel, o.ProductSpec, o.PurchaseDate, o.PurchasePlace,
			o.Problem, o.ReceivedAt, o.CarryOverAt, o.Status, nullID(o.CreatedBy), o.CreatedAt, o.UpdatedAt).Scan(&o.ID)
		e.EntityID = strconv.FormatInt(o.ID, 10)
		return err
	})
}

// ServiceOrder reads one service order.
func (db *DB) ServiceOrder(ctx context.Context, id int64) (service.ServiceOrder, error) {
	o, err := scanServiceOrder(db.QueryRow(ctx, "SELECT "+serviceOrderColumns+serviceOrderFrom+" WHERE s.id = ?", id))
	return o, noSuch(err, "serviceorder.no_such_order")
}

// SaveServiceOrder writes a step of the order (if its version is current)
// with its audit entry, in one transaction; signature, when not nil, is
// stored as the customer's signature.
func (db *DB) SaveServiceOrder(ctx context.Context, o *service.ServiceOrder, signature []byte, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE service_orders SET status = ?, technician_id = ?, dispatched_by = ?, dispatched_at = ?,
			dispatch_note = ?, arrived_at = ?, left_at = ?, work_minutes = ?, work_done = ?, parts_used = ?, fee_fen = ?,
			signer_name = ?, signed_at = ?, settlement = ?, collected_fen = ?, payment_method = ?, settled_at = ?, invoice_no = ?,
			invoiced_by = ?, invoiced_at = ?, closed_by = ?, closed_at = ?, close_note = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			o.Status, nullID(o.TechnicianID), nullID(o.DispatchedBy), o.DispatchedAt, o.DispatchNote, o.ArrivedAt, o.LeftAt,
			o.WorkMinutes, o.WorkDone, o.PartsUsed, o.FeeFen, o.SignerName, o.SignedAt, o.Settlement, o.CollectedFen,
			o.PaymentMethod, o.SettledAt, o.InvoiceNo, nullID(o.InvoicedBy), o.InvoicedAt, nullID(o.ClosedBy), o.ClosedAt,
			o.CloseNote, o.UpdatedAt, o.ID, o.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.service_order.changed", o.Number)
		}
		if signature != nil {
			_, err = tx.Exec(ctx, "UPDATE service_orders SET signature_png = ? WHERE id = ?", signature, o.ID)
		}
		return err
	})
	if err == nil {
		o.Version++
	}
	return err
}

// ServiceOrderSignature reads the customer's signature image.
func (db *DB) ServiceOrderSignature(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := db.QueryRow(ctx, "SELECT signature_png FROM service_orders WHERE id = ? AND signature_png IS NOT NULL", id).Scan(&b)
	return b, noSuch(err, "store.no_signature")
}

// ActiveUsersByRole lists the users with role who may sign in, by
// username.
func (db *DB) ActiveUsersByRole(ctx context.Context, role crm.Role) ([]identity.User, error) {
	out, err := queryAll(ctx, db, func(s scanner) (identity.User, error) { return scanUser(s) },
		"SELECT "+userColumns+userFrom+" WHERE u.role = ? AND u.disabled_at IS NULL ORDER BY u.username", string(role))
	if err != nil {
		return nil, fmt.Errorf("store: users by role: %w", err)
	}
	return out, nil
}
