package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/shipping"
)

const claimColumns = `k.id, k.code, k.shipment_id, s.code, k.customer_id, c.name, k.kind, k.status, k.description, k.resolution, k.resolution_note,
	k.amount_fen, k.replacement_id, k.window_ends_at, k.created_at, k.created_by, k.resolved_at, k.resolved_by, k.updated_at, k.version`

const claimFrom = " FROM claims k JOIN shipments s ON s.id = k.shipment_id JOIN customers c ON c.id = k.customer_id"

func scanClaim(sc scanner) (shipping.Claim, error) {
	var k shipping.Claim
	var amount int64
	var resolved sql.NullTime
	err := sc.Scan(&k.ID, &k.Code, &k.ShipmentID, &k.ShipmentCode, &k.CustomerID, &k.CustomerName, &k.Kind, &k.Status, &k.Description,
		&k.Resolution, &k.ResolutionNote, &amount, &k.ReplacementID, &k.WindowEndsAt, &k.CreatedAt, &k.CreatedBy, &resolved, &k.ResolvedBy,
		&k.UpdatedAt, &k.Version)
	k.Amount, k.ResolvedAt = sales.Money(amount), wfTime(resolved)
	k.WindowEndsAt, k.CreatedAt, k.UpdatedAt = k.WindowEndsAt.UTC(), k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	k.Lines = []shipping.ClaimLine{}
	return k, err
}

func appendLedgerTx(ctx context.Context, tx *Tx, claimID int64, step, note string, at time.Time, by string) error {
	_, err := tx.Exec(ctx, `INSERT INTO claim_ledger (claim_id, seq, step, note, at, by_user)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM claim_ledger WHERE claim_id = ?), ?, ?, ?, ?)`, claimID, claimID, step, note, at, by)
	return err
}

// CreateClaim allocates the claim's code (HS00000001 …) and writes it, its
// lines and the first step of its ledger.
func (db *DB) CreateClaim(ctx context.Context, k *shipping.Claim, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'claim_code' RETURNING value").Scan(&n); err != nil {
			return fmt.Errorf("store: claim code: %w", err)
		}
		k.Code = fmt.Sprintf("HS%08d", n)
		if err := tx.QueryRow(ctx, `INSERT INTO claims (code, shipment_id, customer_id, kind, status, description, amount_fen, window_ends_at,
			created_at, created_by, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			k.Code, k.ShipmentID, k.CustomerID, k.Kind, k.Status, k.Description, int64(k.Amount), k.WindowEndsAt, k.CreatedAt, k.CreatedBy,
			k.UpdatedAt, k.Version).Scan(&k.ID); err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(k.ID, 10)
		for _, l := range k.Lines {
			if _, err := tx.Exec(ctx, `INSERT INTO claim_lines (claim_id, line_no, product_id, product_code, product_name, quantity, amount_fen)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, l.LineNo, l.ProductID, l.ProductCode, l.ProductName, l.Quantity, int64(l.Amount)); err != nil {
				return err
			}
		}
		return appendLedgerTx(ctx, tx, k.ID, "filed", k.Description, k.CreatedAt, k.CreatedBy)
	})
}

func (db *DB) claimLines(ctx context.Context, list []shipping.Claim) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]int64, len(list))
	for i, k := range list {
		at[k.ID], ids[i] = i, k.ID
	}
	return eachRow(ctx, db, func(sc scanner) error {
		var l shipping.ClaimLine
		var id, amount int64
		if err := sc.Scan(&id, &l.LineNo, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Quantity, &amount); err != nil {
			return err
		}
		l.Amount = sales.Money(amount)
		list[at[id]].Lines = append(list[at[id]].Lines, l)
		return nil
	}, "SELECT claim_id, line_no, product_id, product_code, product_name, quantity, amount_fen FROM claim_lines WHERE claim_id IN ("+
		inList(len(ids))+") ORDER BY claim_id, line_no", int64Args(ids)...)
}

// Claim reads a claim of a customer in scope, with its lines, evidence
// and ledger.
func (db *DB) Claim(ctx context.Context, id int64, s crm.Scope, now time.Time) (shipping.Claim, error) {
	w, args := scoped([]string{"k.id = ?"}, []any{id}, s, now)
	k, err := scanClaim(db.QueryRow(ctx, "SELECT "+claimColumns+claimFrom+" WHERE "+strings.Join(w, " AND "), args...))
	if err != nil {
		return k, noSuch(err, "shipping.claim.not_found", id)
	}
	list := []shipping.Claim{k}
	if err := db.claimLines(ctx, list); err != nil {
		return k, err
	}
	k = list[0]
	k.Evidence, err = queryAll(ctx, db, func(sc scanner) (shipping.Evidence, error) {
		var ev shipping.Evidence
		err := sc.Scan(&ev.ID, &ev.Kind, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &ev.CreatedAt, &ev.CreatedBy)
		ev.CreatedAt = ev.CreatedAt.UTC()
		return ev, err
	}, "SELECT id, kind, name, content_type, size, sha256, created_at, created_by FROM claim_evidence WHERE claim_id = ? ORDER BY id", id)
	if err != nil {
		return k, err
	}
	k.Ledger, err = queryAll(ctx, db, func(sc scanner) (shipping.Entry, error) {
		var en shipping.Entry
		err := sc.Scan(&en.Seq, &en.Step, &en.Note, &en.At, &en.By)
		en.At = en.At.UTC()
		return en, err
	}, "SELECT seq, step, note, at, by_user FROM claim_ledger WHERE claim_id = ? ORDER BY seq", id)
	return k, err
}

func claimWhere(f shipping.Filter) (string, []any) {
	w, args := scoped([]string{"1 = 1"}, nil, f.Scope, f.Now)
	if f.CustomerID != 0 {
		w, args = append(w, "k.customer_id = ?"), append(args, f.CustomerID)
	}
	if f.Status != "" {
		w, args = append(w, "k.status = ?"), append(args, f.Status)
	}
	return strings.Join(w, " AND "), args
}

// ListClaims lists claims newest first, keyset-paged on id.
func (db *DB) ListClaims(ctx context.Context, f shipping.Filter) ([]shipping.Claim, error) {
	where, args := claimWhere(f)
	if f.After > 0 {
		where, args = where+" AND k.id < ?", append(args, f.After)
	}
	list, err := queryAll(ctx, db, scanClaim, "SELECT "+claimColumns+claimFrom+" WHERE "+where+" ORDER BY k.id DESC LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	return list, db.claimLines(ctx, list)
}

// CountClaims counts the claims matching f, ignoring its cursor.
func (db *DB) CountClaims(ctx context.Context, f shipping.Filter) (crm.ListTotal, error) {
	where, args := claimWhere(f)
	return db.listTotal(ctx, "claims k JOIN customers c ON c.id = k.customer_id", where, args)
}

// AddEvidence keeps a file with a claim and records it in the ledger.
func (db *DB) AddEvidence(ctx context.Context, claimID int64, ev *shipping.Evidence, data []byte, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO claim_evidence (claim_id, kind, name, content_type, size, sha256, data, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, claimID, ev.Kind, ev.Name, ev.ContentType, ev.Size, ev.SHA256, data, ev.CreatedAt,
			ev.CreatedBy).Scan(&ev.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE claims SET updated_at = ?, version = version + 1 WHERE id = ?", ev.CreatedAt, claimID); err != nil {
			return err
		}
		return appendLedgerTx(ctx, tx, claimID, "evidence", ev.Kind+": "+ev.Name, ev.CreatedAt, ev.CreatedBy)
	})
}

// EvidenceData reads one evidence file of a claim.
func (db *DB) EvidenceData(ctx context.Context, claimID, id int64) (shipping.Evidence, []byte, error) {
	var ev shipping.Evidence
	var data []byte
	err := db.QueryRow(ctx, "SELECT id, kind, name, content_type, size, sha256, created_at, created_by, data FROM claim_evidence WHERE id = ? AND claim_id = ?",
		id, claimID).Scan(&ev.ID, &ev.Kind, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &ev.CreatedAt, &ev.CreatedBy, &data)
	if err != nil {
		return ev, nil, noSuch(err, "shipping.evidence.not_found", id)
	}
	return ev, data, nil
}

// ResolveClaim writes a claim's resolution when it is still open at
// version: the replacement shipment and its stock movements, or the
// pending credit, and the ledger's step.
func (db *DB) ResolveClaim(ctx context.Context, k *shipping.Claim, version int, replacement *shipping.Shipment, block bool, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if replacement != nil {
			if err := insertShipmentTx(ctx, tx, replacement, block); err != nil {
				return err
			}
			k.ReplacementID = replacement.ID
		}
		res, err := tx.Exec(ctx, `UPDATE claims SET status = ?, resolution = ?, resolution_note = ?, amount_fen = ?, replacement_id = ?, resolved_at = ?,
			resolved_by = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = ?`, k.Status, k.Resolution, k.ResolutionNote,
			int64(k.Amount), k.ReplacementID, k.ResolvedAt, k.ResolvedBy, k.UpdatedAt, k.ID, version, shipping.ClaimOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "shipping.claim.changed", k.Code)
		}
		note := k.Resolution
		switch k.Resolution {
		case shipping.ResolveCredit:
			if _, err := tx.Exec(ctx, "INSERT INTO pending_credits (claim_id, customer_id, amount_fen, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
				k.ID, k.CustomerID, int64(k.Amount), k.UpdatedAt); err != nil {
				return err
			}
			note += " " + k.Amount.Yuan()
		case shipping.ResolveCarrier:
			note += " " + k.Amount.Yuan()
		case shipping.ResolveReplacement:
			note += " " + replacement.Code
		}
		if k.ResolutionNote != "" {
			note += ": " + k.ResolutionNote
		}
		return appendLedgerTx(ctx, tx, k.ID, "resolved", note, k.UpdatedAt, k.ResolvedBy)
	})
}
