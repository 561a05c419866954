package store_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// BenchmarkWorkflowInbox100k reads the approver's inbox (the first page
// and its total, as GET /api/v1/workflow-tasks?mine=true does: one
// indexed range of workflow_inbox per user, joined to the tasks and
// instances) with 100,000 open steps spread over 100 approvers, and
// reports the p99 of one read.
//
//	go test -run XXX -bench WorkflowInbox100k -benchtime 500x ./internal/store
func BenchmarkWorkflowInbox100k(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("no PostgreSQL")
			}
			b.Setenv(storetest.EnvPlanCheck, "off") // the seeding below is bulk SQL
			db := storetest.Open(b, engine)
			ctx := context.Background()
			const steps, users = 100_000, 100
			at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
			seq := "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n) s"
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO workflow_instances (id, definition_id, version, entity, entity_id, customer_id, status,
					current_step, facts, started_at, started_by) SELECT i, 1, 1, 'order', CAST(i AS TEXT), 0, 'running', 0, '{}', ?, 'bench' FROM `+seq, at, steps); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO workflow_tasks (id, instance_id, step_index, step_key, step_name, status, need, approvers,
					opened_at, due_at) SELECT i, i, 0, 'sales', '销售审核', 'open', 1, '[]', ?, ? FROM `+seq, at, at.Add(8*time.Hour), steps); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `INSERT INTO workflow_inbox (user_id, task_id) SELECT 1000 + i % ?, i FROM `+seq, users, steps)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if engine == store.Postgres {
				if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			me := []int64{1007}
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				began := time.Now()
				items, err := db.WorkflowInbox(ctx, me, 0, 51)
				if err != nil || len(items) != 51 {
					b.Fatalf("inbox: %d items, %v", len(items), err)
				}
				total, err := db.WorkflowInboxCount(ctx, me)
				if err != nil || total.N != steps/users {
					b.Fatalf("total %d, %v", total.N, err)
				}
				took = append(took, time.Since(began))
			}
			b.StopTimer()
			slices.Sort(took)
			p99 := took[min(len(took)-1, len(took)*99/100)]
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		})
	}
}
