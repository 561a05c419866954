package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// SalesShards is how many rows a customer's month is spread over in
// customer_sales_months: a line goes to the shard of its id mod
// SalesShards, so concurrent sales to one customer seldom wait for the
// same row lock.
const SalesShards = 8

const saleColumns = `s.id, s.date, s.customer_id, c.name, s.product_id, p.code, p.name, s.quantity, s.amount_fen, s.source, s.external_id,
	s.created_by, s.created_at`

const saleFrom = ` FROM sales_lines s JOIN customers c ON c.id = s.customer_id JOIN products p ON p.id = s.product_id`

func scanSale(sc scanner) (sales.Sale, error) {
	var s sales.Sale
	var amount int64
	var by sql.NullInt64
	err := sc.Scan(&s.ID, &s.Date, &s.CustomerID, &s.CustomerName, &s.ProductID, &s.ProductCode, &s.ProductName, &s.Quantity, &amount,
		&s.Source, &s.ExternalID, &by, &s.CreatedAt)
	s.Amount, s.CreatedBy = sales.Money(amount), by.Int64
	return s, err
}

// insertSale inserts s and adds it to its customer's month in tx; it
// reports false, inserting nothing, when s's external ID is taken.
func insertSale(ctx context.Context, tx *Tx, s *sales.Sale) (bool, error) {
	err := tx.QueryRow(ctx, `INSERT INTO sales_lines (date, customer_id, product_id, quantity, amount_fen, source, external_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) WHERE external_id <> '' DO NOTHING RETURNING id`,
		s.Date, s.CustomerID, s.ProductID, s.Quantity, int64(s.Amount), s.Source, s.ExternalID, nullID(s.CreatedBy), s.CreatedAt).Scan(&s.ID)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO customer_sales_months (customer_id, month, shard, lines, quantity, amount_fen, last_date)
		VALUES (?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (customer_id, month, shard) DO UPDATE SET lines = customer_sales_months.lines + 1,
			quantity = customer_sales_months.quantity + excluded.quantity,
			amount_fen = customer_sales_months.amount_fen + excluded.amount_fen,
			last_date = CASE WHEN excluded.last_date > customer_sales_months.last_date THEN excluded.last_date ELSE customer_sales_months.last_date END`,
		s.CustomerID, s.Month(), s.ID%SalesShards, s.Quantity, int64(s.Amount), s.Date)
	return true, err
}

// CreateSale inserts s and adds it to its customer's aggregates, with e,
// in one transaction. A line whose external ID is taken is refused with
// the conflict naming the first line.
func (db *DB) CreateSale(ctx context.Context, s *sales.Sale, e *crm.AuditEntry) error {
	var first sales.Sale
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		ok, err := insertSale(ctx, tx, s)
		if err != nil {
			return err
		}
		if !ok {
			if first, err = scanSale(tx.QueryRow(ctx, "SELECT "+saleColumns+saleFrom+" WHERE s.external_id = ? AND s.external_id <> ''", s.ExternalID)); err != nil {
				return err
			}
			return sales.Duplicate(first)
		}
		e.EntityID = strconv.FormatInt(s.ID, 10)
		return nil
	})
	return err
}

// CreateSales inserts the lines that are new (by external ID) in one
// transaction with e, each added to its customer's aggregates; it returns
// how many it inserted, and marks the others' ID 0.
func (db *DB) CreateSales(ctx context.Context, lines []sales.Sale, e *crm.AuditEntry) (int, error) {
	var n int
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		n = 0
		for i := range lines {
			lines[i].ID = 0
			ok, err := insertSale(ctx, tx, &lines[i])
			if err != nil {
				return err
			}
			if ok {
				n++
			} else {
				lines[i].ID = 0
			}
		}
		return nil
	})
	return n, err
}

// Sale reads one line.
func (db *DB) Sale(ctx context.Context, id int64) (sales.Sale, error) {
	s, err := scanSale(db.QueryRow(ctx, "SELECT "+saleColumns+saleFrom+" WHERE s.id = ?", id))
	return s, noSuch(err, "sales.no_such_sale")
}

// SaleByExternalID reads the line with that external ID.
func (db *DB) SaleByExternalID(ctx context.Context, externalID string) (sales.Sale, error) {
	s, err := scanSale(db.QueryRow(ctx, "SELECT "+saleColumns+saleFrom+" WHERE s.external_id = ? AND s.external_id <> ''", externalID))
	return s, noSuch(err, "sales.no_such_sale")
}

// ExternalIDsTaken returns which of ids are already lines' external IDs.
func (db *DB) ExternalIDsTaken(ctx context.Context, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		err := eachRow(ctx, db, func(sc scanner) error {
			var ext string
			var id int64
			if err := sc.Scan(&ext, &id); err != nil {
				return err
			}
			out[ext] = id
			return nil
		}, "SELECT external_id, id FROM sales_lines WHERE external_id IN ("+inList(len(part))+") AND external_id <> ''", args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func saleWhere(f sales.SaleFilter) (string, []any) {
	w := []string{"1 = 1"}
	var args []any
	add := func(cond string, a ...any) { w = append(w, cond); args = append(args, a...) }
	if !f.Scope.All {
		cond, cargs := scopeSQL(f.Scope, f.Now)
		add(cond, cargs...)
	}
	if f.CustomerID != 0 {
		add("s.customer_id = ?", f.CustomerID)
	}
	if f.ProductID != 0 {
		add("s.product_id = ?", f.ProductID)
	}
	if f.Source != "" {
		add("s.source = ?", f.Source)
	}
	if f.From != "" {
		add("s.date >= ?", f.From)
	}
	if f.To != "" {
		add("s.date <= ?", f.To)
	}
	return strings.Join(w, " AND "), args
}

// ListSales lists lines newest date first, then newest first, keyset-paged
// on (date, id).
func (db *DB) ListSales(ctx context.Context, f sales.SaleFilter) ([]sales.Sale, error) {
	where, args := saleWhere(f)
	if f.After.ID > 0 {
		where += " AND (s.date < ? OR (s.date = ? AND s.id < ?))"
		args = append(args, f.After.Date, f.After.Date, f.After.ID)
	}
	out, err := queryAll(ctx, db, scanSale, "SELECT "+saleColumns+saleFrom+" WHERE "+where+" ORDER BY s.date DESC, s.id DESC LIMIT ?",
		append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: sales: %w", err)
	}
	return out, nil
}

// CountSales counts the lines matching f, ignoring its cursor.
func (db *DB) CountSales(ctx context.Context, f sales.SaleFilter) (crm.ListTotal, error) {
	where, args := saleWhere(f)
	return db.listTotal(ctx, "sales_lines s JOIN customers c ON c.id = s.customer_id", where, args)
}

// CustomerSalesMonths is a customer's sales by month from the month from
// (YYYY-MM; "" for all) on, oldest first, the shards summed.
func (db *DB) CustomerSalesMonths(ctx context.Context, customerID int64, from string) ([]sales.MonthTotal, error) {
	return queryAll(ctx, db, func(sc scanner) (sales.MonthTotal, error) {
		var m sales.MonthTotal
		var amount int64
		err := sc.Scan(&m.Month, &m.Lines, &m.Quantity, &amount, &m.LastDate)
		m.Amount = sales.Money(amount)
		return m, err
	}, `SELECT month, SUM(lines), SUM(quantity), SUM(amount_fen), MAX(last_date) FROM customer_sales_months
		WHERE customer_id = ? AND month >= ? GROUP BY month ORDER BY month`, customerID, from)
}

// CustomersByKey finds live customers by code, else by USCC, else by
// exact name: at most three IDs.
func (db *DB) CustomersByKey(ctx context.Context, key string) ([]int64, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, nil
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"SELECT c.id FROM customers c WHERE c.code = ? AND c.deleted_at IS NULL LIMIT 3", []any{key}},
		{"SELECT c.id FROM customers c WHERE c.uscc = ? AND c.uscc <> '' AND c.deleted_at IS NULL LIMIT 3", []any{strings.ToUpper(key)}},
		{"SELECT c.id FROM customers c WHERE c.name_norm = ? AND c.name = ? AND c.deleted_at IS NULL LIMIT 3", []any{customer.NormalizeName(key), key}},
	} {
		ids, err := queryIDs(ctx, db, q.sql, q.args...)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return nil, nil
}

var _ sales.Store = (*DB)(nil)

// MoveCustomerSales moves the lines and the monthly aggregates of
// customer from to customer to, in tx: a customer merge (MergeCustomers)
// is to call it so that the survivor's aggregates hold the merged
// customer's sales.
func MoveCustomerSales(ctx context.Context, tx *Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, "UPDATE sales_lines SET customer_id = ? WHERE customer_id = ?", to, from); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO customer_sales_months (customer_id, month, shard, lines, quantity, amount_fen, last_date)
		SELECT ?, month, shard, lines, quantity, amount_fen, last_date FROM customer_sales_months WHERE customer_id = ?
		ON CONFLICT (customer_id, month, shard) DO UPDATE SET lines = customer_sales_months.lines + excluded.lines,
			quantity = customer_sales_months.quantity + excluded.quantity,
			amount_fen = customer_sales_months.amount_fen + excluded.amount_fen,
			last_date = CASE WHEN excluded.last_date > customer_sales_months.last_date THEN excluded.last_date ELSE customer_sales_months.last_date END`,
		to, from); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM customer_sales_months WHERE customer_id = ?", from)
	return err
}
