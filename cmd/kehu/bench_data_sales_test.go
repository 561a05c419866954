package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/store"
)

// TestBenchDataAddsSalesLinesAndTheirAggregates: --sales-lines loads lines
// whose monthly aggregates add up to them.
func TestBenchDataAddsSalesLinesAndTheirAggregates(t *testing.T) {
	dir := t.TempDir()
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"bench", "data", "--customers", "100", "--sales-lines", "3000", "--data-dir", dir},
		strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("bench data: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "3000 sales lines") {
		t.Fatalf("output: %s", out.String())
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "kehu.db"), store.Options{Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var lines, amount, aggLines, aggAmount int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*), SUM(amount_fen) FROM sales_lines").Scan(&lines, &amount); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT SUM(lines), SUM(amount_fen) FROM customer_sales_months").Scan(&aggLines, &aggAmount); err != nil {
		t.Fatal(err)
	}
	if lines != 3000 || aggLines != lines || aggAmount != amount {
		t.Errorf("%d lines of %d fen; the aggregates hold %d lines of %d fen", lines, amount, aggLines, aggAmount)
	}
}
