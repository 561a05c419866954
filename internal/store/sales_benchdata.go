package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// BenchProducts is how many products the sales data set sells.
const BenchProducts = 200

// LoadBenchSales writes the sales data set of `kehu bench data`:
// BenchProducts products (BP0001 …) and n sales lines (ids 1 … n) over the
// customers 1 … customers, the same for the same seed: a few customers buy
// most (as an 80/15/5 analysis expects), on dates over the 24 months up to
// today, each with an external ID. Lines go in with plain multi-row
// INSERTs, batch per transaction; the monthly aggregates are then built
// from them in one statement. It bypasses the domain and the audit trail
// on purpose, as LoadBenchCustomers does. progress, when not nil, is told
// how many lines are in.
func (db *DB) LoadBenchSales(ctx context.Context, customers, n int64, seed uint64, batch int, today time.Time, progress func(int64)) error {
	if customers < 1 || n < 1 {
		return nil
	}
	now := time.Now().UTC()
	prices := make([]int64, BenchProducts)
	r := rand.New(rand.NewPCG(seed, 0x5a1e5))
	err := db.InTx(ctx, func(tx *Tx) error {
		return insertMany(ctx, tx, "products", []string{"id", "code", "name", "spec", "unit", "product_line", "list_price_fen", "active",
			"created_at", "updated_at", "version"}, BenchProducts, func(i int, a []any) []any {
			prices[i] = (10 + r.Int64N(5000)) * 100
			return append(a, i+1, fmt.Sprintf("BP%04d", i+1), fmt.Sprintf("基准产品%d", i+1), "", "台", fmt.Sprintf("产品线%d", i%8+1),
				prices[i], true, now, now, 1)
		})
	})
	if err != nil {
		return err
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	for start := int64(1); start <= n; start += int64(batch) {
		size := min(int64(batch), n-start+1)
		err := db.InTx(ctx, func(tx *Tx) error {
			return insertMany(ctx, tx, "sales_lines", []string{"id", "date", "customer_id", "product_id", "quantity", "amount_fen", "source",
				"external_id", "created_at"}, int(size), func(i int, a []any) []any {
				id := start + int64(i)
				u := r.Float64()
				c := 1 + int64(float64(customers)*u*u*u) // a few customers buy most
				p := r.IntN(BenchProducts)
				q := 1 + r.Int64N(50)
				d := day.AddDate(0, 0, -r.IntN(730)).Format(time.DateOnly)
				return append(a, id, d, min(c, customers), p+1, q, prices[p]*q, "import", fmt.Sprintf("BENCH-%d", id), now)
			})
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(start + size - 1)
		}
	}
	stmts := []string{`INSERT INTO customer_sales_months (customer_id, month, shard, lines, quantity, amount_fen, last_date)
		SELECT customer_id, substr(date, 1, 7), id % 8, COUNT(*), SUM(quantity), SUM(amount_fen), MAX(date) FROM sales_lines
		GROUP BY customer_id, substr(date, 1, 7), id % 8`}
	if db.Engine == Postgres {
		stmts = append(stmts, "SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT COALESCE(MAX(id), 1) FROM products))",
			"SELECT setval(pg_get_serial_sequence('sales_lines', 'id'), (SELECT COALESCE(MAX(id), 1) FROM sales_lines))",
			"ANALYZE sales_lines", "ANALYZE customer_sales_months")
	}
	for _, s := range stmts {
		if _, err := db.W.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("store: bench sales (%s): %w", s, err)
		}
	}
	return nil
}
