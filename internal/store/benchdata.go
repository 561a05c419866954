package store

import (
	"context"
	"fmt"
	"time"
)

// BenchCustomer is one generated customer of a benchmark data set, with
// its contact and search tokens prepared by the caller.
type BenchCustomer struct {
	ID                                              int64
	Code, Name, ShortName, NameNorm, NameSort, USCC string
	IndustryCode, RegionCode, Address               string
	Source, Stage                                   string
	OwnerID, TeamID                                 int64
	CreatedAt, UpdatedAt                            time.Time
	Tags                                            []string
	ContactName, ContactTitle                       string
	MobileEnc, MobileIdx, MobileLast4               string
	Tokens                                          []string
}

// LoadBenchCustomers writes one batch of generated customers, their
// contacts and their search index rows in one transaction, with plain
// multi-row INSERTs. It is for `kehu bench data` only: it bypasses the
// domain's validation, duplicate checks and audit trail on purpose, to
// build a million-row data set in minutes. IDs are the caller's.
func (db *DB) LoadBenchCustomers(ctx context.Context, batch []BenchCustomer) error {
	if len(batch) == 0 {
		return nil
	}
	return db.InTx(ctx, func(tx *Tx) error {
		n := len(batch)
		err := insertMany(ctx, tx, "customers", []string{"id", "code", "kind", "name", "short_name", "name_norm", "name_sort",
			"uscc", "industry_code", "region_code", "address", "source", "stage", "owner_id", "team_id", "version", "created_at",
			"updated_at", "custom_fields"}, n, func(i int, a []any) []any {
			c := &batch[i]
			return append(a, c.ID, c.Code, "company", c.Name, c.ShortName, c.NameNorm, c.NameSort, c.USCC, c.IndustryCode,
				c.RegionCode, c.Address, c.Source, c.Stage, c.OwnerID, nullID(c.TeamID), 1, c.CreatedAt.UTC(), updatedAt(c), "{}")
		})
		if err != nil {
			return err
		}
		var tagged [][2]any
		for i := range batch {
			for _, t := range batch[i].Tags {
				tagged = append(tagged, [2]any{batch[i].ID, t})
			}
		}
		if len(tagged) > 0 {
			err = insertMany(ctx, tx, "customer_tags", []string{"customer_id", "tag"}, len(tagged), func(i int, a []any) []any {
				return append(a, tagged[i][0], tagged[i][1])
			})
			if err != nil {
				return err
			}
		}
		err = insertMany(ctx, tx, "contacts", []string{"id", "customer_id", "name", "title", "mobile_enc", "mobile_idx",
			"mobile_last4", "is_primary", "created_at", "updated_at"}, n, func(i int, a []any) []any {
			c := &batch[i]
			return append(a, c.ID, c.ID, c.ContactName, c.ContactTitle, c.MobileEnc, c.MobileIdx, c.MobileLast4, true,
				c.CreatedAt.UTC(), c.CreatedAt.UTC())
		})
		if err != nil {
			return err
		}
		return insertSearchRows(ctx, tx, n, func(i int) (int64, []string) { return batch[i].ID, batch[i].Tokens })
	})
}

// updatedAt is a generated customer's last change: its creation when
// none is given.
func updatedAt(c *BenchCustomer) time.Time {
	if c.UpdatedAt.IsZero() {
		return c.CreatedAt.UTC()
	}
	return c.UpdatedAt.UTC()
}

// BeginBenchLoad prepares an empty database for LoadBenchCustomers: on
// PostgreSQL it drops the search tokens' GIN index, which
// RestoreBenchIndexes builds again in one sorted pass at the end.
func (db *DB) BeginBenchLoad(ctx context.Context) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := db.W.ExecContext(ctx, "DROP INDEX IF EXISTS customer_search_tokens")
	return err
}

// RestoreBenchIndexes builds what BeginBenchLoad dropped, if missing.
func (db *DB) RestoreBenchIndexes(ctx context.Context) error {
	return db.ensureSearchGIN(ctx)
}

// ensureSearchGIN builds the PostgreSQL search tokens' GIN index if it is
// missing (dropped for a bulk load or a rebuild), in one sorted pass.
func (db *DB) ensureSearchGIN(ctx context.Context) error {
	if db.Engine != Postgres {
		return nil
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '512MB'"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "CREATE INDEX IF NOT EXISTS customer_search_tokens ON customer_search USING GIN (tokens)")
		return err
	})
}

// finishBenchLoad is what FinishBenchLoad runs on each engine after the
// code counter: on PostgreSQL the identity sequences move past the loaded
// rows; on SQLite the WAL, grown by the load, is emptied.
var finishBenchLoad = map[Engine][]string{
	Postgres: {
		"SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT COALESCE(MAX(id), 1) FROM customers))",
		"SELECT setval(pg_get_serial_sequence('contacts', 'id'), (SELECT COALESCE(MAX(id), 1) FROM contacts))",
		"ANALYZE customers", "ANALYZE contacts", "ANALYZE customer_tags", "ANALYZE customer_search"},
	SQLite: {"ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"},
}

// FinishBenchLoad moves the code counter and, on PostgreSQL, the identity
// sequences past the loaded rows, compacts the SQLite search index, and
// refreshes the planner's statistics.
func (db *DB) FinishBenchLoad(ctx context.Context) error {
	if err := db.CompactSearchIndex(ctx); err != nil {
		return err
	}
	stmts := append([]string{"UPDATE counters SET value = (SELECT COALESCE(MAX(id), 0) FROM customers) WHERE name = 'customer_code'"},
		finishBenchLoad[db.Engine]...)
	for _, s := range stmts {
		if _, err := db.W.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("store: finish bench load (%s): %w", s, err)
		}
	}
	return db.keepPlanStats(ctx)
}

// MaxCustomerID is the highest customer ID, 0 in an empty database.
func (db *DB) MaxCustomerID(ctx context.Context) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM customers").Scan(&n)
	return n, err
}
