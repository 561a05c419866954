package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/store"
)

// importBaseline writes the rows an import writes, with none of its
// checks and into tables with no index, in the same batches: the floor
// the import's rate is measured against.
type importBaseline struct {
	db   *store.DB
	rows int
	x    importer.Import // the import whose user and id the rows carry
	now  time.Time
}

// customersOnly times the same customers into a table with the same
// columns and no index.
func (b importBaseline) customersOnly(ctx context.Context) (time.Duration, error) {
	cols := store.ImportCustomerColumns()
	if _, err := b.db.Exec(ctx, "CREATE TABLE bench_bare AS SELECT "+strings.Join(cols, ", ")+" FROM customers WHERE 1 = 0"); err != nil {
		return 0, err
	}
	t2 := time.Now()
	err := b.db.BareInsert(ctx, "bench_bare", cols, b.rows, importer.ImportBatchSize, b.customer)
	if err != nil {
		return 0, err
	}
	bare := time.Since(t2)
	_, _ = b.db.Exec(ctx, "DROP TABLE bench_bare")
	return bare, nil
}

// allRows times every row the import writes for a line of the file (its
// customer, its contact and its two tags) into tables with the same
// columns and no index.
func (b importBaseline) allRows(ctx context.Context) (time.Duration, error) {
	cols, kcols := store.ImportCustomerColumns(), store.ImportContactColumns()
	for _, q := range []string{
		"CREATE TABLE bench_bare AS SELECT " + strings.Join(cols, ", ") + " FROM customers WHERE 1 = 0",
		"CREATE TABLE bench_bare_contacts AS SELECT " + strings.Join(kcols, ", ") + " FROM contacts WHERE 1 = 0",
		"CREATE TABLE bench_bare_tags AS SELECT customer_id, tag FROM customer_tags WHERE 1 = 0",
	} {
		if _, err := b.db.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	sealed := strings.Repeat("x", 55) // as long as a sealed mobile
	t3 := time.Now()
	err := b.db.BareInsertTables(ctx, []store.BareTable{
		{Name: "bench_bare", Cols: cols, PerItem: 1, Row: func(i, _ int, a []any) []any { return b.customer(i, a) }},
		{Name: "bench_bare_contacts", Cols: kcols, PerItem: 1, Row: func(i, _ int, a []any) []any {
			c := impRow(i)
			return append(a, int64(i+1), c[7], c[8], sealed, c[9], c[9][7:], "", c[10], "", "", "", false, false, true, "", 1, b.now, b.now)
		}},
		{Name: "bench_bare_tags", Cols: []string{"customer_id", "tag"}, PerItem: 2, Row: func(i, k int, a []any) []any {
			if k == 0 {
				return append(a, int64(i+1), "导入")
			}
			return append(a, int64(i+1), impRow(i)[12])
		}},
	}, b.rows, importer.ImportBatchSize)
	if err != nil {
		return 0, err
	}
	bareAll := time.Since(t3)
	for _, t := range []string{"bench_bare", "bench_bare_contacts", "bench_bare_tags"} {
		_, _ = b.db.Exec(ctx, "DROP TABLE "+t)
	}
	return bareAll, nil
}

// customer appends customer i's columns, as the import writes them, to a.
func (b importBaseline) customer(i int, a []any) []any {
	c := impRow(i)
	return append(a, int64(i+1), fmt.Sprintf("KH%08d", i+1), "company", c[0], c[1], c[2], c[3], c[4], c[5], c[6], "referral", "general",
		b.x.CreatedBy, nil, "", 1, b.now, b.now, customer.NormalizeName(c[0]), "", "", "{}", b.x.ID, i+2, customer.NameSortKey(c[0]))
}
