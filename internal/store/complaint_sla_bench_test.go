package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// benchComplaints is how many complaints the SLA benchmark seeds
// (KEHU_BENCH_COMPLAINTS; 1,000,000 by default), of which 20,000 are
// open and 1,000 of those newly overdue.
func benchComplaints() int {
	if n, err := strconv.Atoi(os.Getenv("KEHU_BENCH_COMPLAINTS")); err == nil && n >= 21000 {
		return n
	}
	return 1_000_000
}

const (
	benchOpen    = 20_000
	benchOverdue = 1_000
)

// seedComplaints bulk-inserts n complaints with plain multi-row INSERTs:
// the first n-20,000 closed, then 19,000 open and not yet due, then 1,000
// open whose reply deadline passed an hour before now.
func seedComplaints(tb testing.TB, db *store.DB, n int, now time.Time) {
	tb.Helper()
	ctx := context.Background()
	const per = 500
	cols := "(number, received_at, channel, category, quality, severity, description, status, reply_due_at, solution_due_at, created_at, updated_at, closed_at)"
	row := "(?, ?, 'phone', 'service', ?, 'normal', 'bench', ?, ?, ?, ?, ?, ?)"
	for start := 0; start < n; start += per * 20 {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for s := start; s < min(start+per*20, n); s += per {
				end := min(s+per, n)
				args := make([]any, 0, (end-s)*11)
				for i := s; i < end; i++ {
					received := now.Add(-time.Duration(n-i) * time.Minute)
					status, reply, solution := "closed", received.Add(24*time.Hour), received.Add(72*time.Hour)
					var closed any = received.Add(48 * time.Hour)
					switch {
					case i >= n-benchOverdue:
						status, reply, solution, closed = "registered", now.Add(-time.Hour), now.Add(24*time.Hour), nil
					case i >= n-benchOpen:
						status, reply, solution, closed = "investigating", now.Add(-time.Hour), now.Add(48*time.Hour), nil
					}
					args = append(args, fmt.Sprintf("B%07d-%d", i/10000, i), received, false, status, reply, solution, received, received, closed)
				}
				if _, err := tx.Exec(ctx, "INSERT INTO complaints "+cols+" VALUES "+strings.TrimSuffix(strings.Repeat(row+", ", end-s), ", "), args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed: %v", err)
		}
	}
	if db.Engine == store.Postgres {
		if _, err := db.Exec(ctx, "ANALYZE complaints"); err != nil {
			tb.Fatal(err)
		}
	} else if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkSLASweep seeds 1M complaints (20,000 open, 1,000 newly
// overdue) and times the sweep's detection query and a whole sweep that
// marks the 1,000 (unmarking them between runs, off the clock).
//
//	KEHU_TEST_POSTGRES=postgres://… go test -run XXX -bench SLASweep -benchtime 20x ./internal/store
func BenchmarkSLASweep(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("no PostgreSQL: set " + storetest.EnvPostgres)
			}
			db := storetest.Open(b, engine)
			ctx := context.Background()
			now := time.Now().UTC()
			n := benchComplaints()
			began := time.Now()
			seedComplaints(b, db, n, now)
			b.Logf("%s: seeded %d complaints in %v", engine, n, time.Since(began).Round(time.Millisecond))
			b.Logf("%s plan: %s", engine, plan(b, db, now))

			b.Run("detect", func(b *testing.B) {
				for b.Loop() {
					rows, err := db.Query(ctx, store.OverdueDetectionQuery, now, now)
					if err != nil {
						b.Fatal(err)
					}
					count := 0
					for rows.Next() {
						count++
					}
					rows.Close()
					if count != benchOverdue {
						b.Fatalf("found %d, want %d", count, benchOverdue)
					}
				}
			})
			b.Run("mark1000", func(b *testing.B) {
				for b.Loop() {
					marked, err := db.MarkOverdue(ctx, now, complaint.OverdueRule(func(int) time.Time { return now.Add(24 * time.Hour) }))
					if err != nil || len(marked) != benchOverdue {
						b.Fatalf("marked %d, %v", len(marked), err)
					}
					b.StopTimer()
					if _, err := db.Exec(ctx, "UPDATE complaints SET overdue_at = NULL, escalate_at = NULL WHERE overdue_at IS NOT NULL"); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		})
	}
}

// plan is the query plan of the detection query, to show it reads the
// partial indexes.
func plan(tb testing.TB, db *store.DB, now time.Time) string {
	return planOf(tb, db, store.OverdueDetectionQuery, now, now)
}

func planOf(tb testing.TB, db *store.DB, query string, args ...any) string {
	q := "EXPLAIN QUERY PLAN " + query
	if db.Engine == store.Postgres {
		q = "EXPLAIN " + query
	}
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(out, " | ")
}

// TestTheSweepReadsOnlyThePartialIndexes checks the detection query's
// plan on both engines: it must use the partial indexes on open
// complaints, never scan the table.
func TestTheSweepReadsOnlyThePartialIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now().UTC()
		seedComplaints(t, db, 25_000, now)
		p := plan(t, db, now)
		for _, idx := range []string{"complaints_reply_open", "complaints_solution_open"} {
			if !strings.Contains(p, idx) {
				t.Errorf("the plan does not use %s: %s", idx, p)
			}
		}
		if strings.Contains(p, "SCAN complaints") && !strings.Contains(p, "USING INDEX") || strings.Contains(p, "Seq Scan") {
			t.Errorf("the plan scans the table: %s", p)
		}
		if p := planOf(t, db, store.EscalateQuery, now); !strings.Contains(p, "complaints_escalate_open") {
			t.Errorf("the escalation query does not use its partial index: %s", p)
		}
		marked, err := db.MarkOverdue(context.Background(), now, complaint.OverdueRule(nil))
		if err != nil || len(marked) != benchOverdue {
			t.Errorf("marked %d, %v; want %d", len(marked), err, benchOverdue)
		}
	})
}

// TestTheSweepQueriesSayWhatThePartialIndexesSay holds the status lists
// the store writes into the sweep's queries (generated from the domain's
// complaint.Unresolved) to the predicates of the partial indexes in
// migration 0019, on both engines: a planner uses a partial index only
// when the query repeats its predicate, and migrations never change, so
// a new unresolved status would otherwise lose the index silently.
func TestTheSweepQueriesSayWhatThePartialIndexesSay(t *testing.T) {
	var want []string
	for _, s := range complaint.Unresolved {
		want = append(want, "'"+string(s)+"'")
	}
	list := "status IN (" + strings.Join(want, ", ") + ")"
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e)+" declares the indexes with the domain's unresolved statuses", func(t *testing.T) {
			ms, err := store.Migrations(e)
			if err != nil || len(ms) < 19 {
				t.Fatalf("migrations: %d, %v", len(ms), err)
			}
			m := ms[18].SQL
			for _, idx := range []string{"complaints_solution_open", "complaints_escalate_open"} {
				at := strings.Index(m, "CREATE INDEX "+idx)
				if at < 0 {
					t.Fatalf("migration 0019 has no index %s", idx)
				}
				pred := m[at:]
				pred = pred[:strings.Index(pred, ";")]
				if !strings.Contains(strings.Join(strings.Fields(pred), " "), list) {
					t.Errorf("%s is declared %q, want it to hold %s", idx, pred, list)
				}
			}
			if !strings.Contains(m, "WHERE overdue_at IS NULL AND status = '"+string(complaint.StatusRegistered)+"'") {
				t.Errorf("complaints_reply_open does not read registered complaints")
			}
		})
	}
	t.Run("the detection and escalation queries repeat those predicates", func(t *testing.T) {
		for name, q := range map[string]string{"detection": store.OverdueDetectionQuery, "escalation": store.EscalateQuery} {
			if !strings.Contains(strings.Join(strings.Fields(q), " "), list) {
				t.Errorf("the %s query does not say %s: %s", name, list, q)
			}
		}
		if !strings.Contains(store.OverdueDetectionQuery, "status = 'registered' AND reply_due_at < ?") {
			t.Errorf("the reply half does not repeat complaints_reply_open: %s", store.OverdueDetectionQuery)
		}
	})
}
