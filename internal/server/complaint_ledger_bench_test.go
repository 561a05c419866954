package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
)

// BenchmarkComplaintLedger serves the ledger of a month with 10,000
// complaints (each with four steps on its timeline, most of them closed)
// through the whole handler stack as the service desk, who reads every
// complaint: the ledger page (100 rows and the month's count), the API's
// page, and the whole month as the analysis and as the XLSX export.
// Target: the ledger page ≤ 200 ms (docs/benchmarks.md).
//
//	go test ./internal/server -run '^$' -bench ComplaintLedger -benchtime 20x
func BenchmarkComplaintLedger(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db, srv, token := benchServer(b, engine, "kefu", crm.RoleService)
			seedLedger(b, db, 10_000)
			for _, c := range []struct{ name, path string }{
				{"ledger-page", "/complaints/ledger?month=2026-10"},
				{"ledger-api-100", "/api/v1/complaints/ledger?month=2026-10&limit=100"},
				{"ledger-api-500", "/api/v1/complaints/ledger?month=2026-10&limit=500"},
				{"analysis-10000", "/api/v1/complaints/analysis?month=2026-10"},
				{"xlsx-10000", "/api/v1/complaints/ledger.xlsx?month=2026-10"},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						req := httptest.NewRequest("GET", c.path, nil)
						req.Header.Set("Authorization", "Bearer "+token)
						w := httptest.NewRecorder()
						srv.Handler.ServeHTTP(w, req)
						if w.Code != http.StatusOK {
							b.Fatal(w.Code, w.Body.String())
						}
					}
				})
			}
		})
	}
}

// seedLedger inserts n complaints received in October 2026 from 500
// customers, in batches, each with the steps of its timeline.
func seedLedger(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC) // 2026-10-01 00:00 China time
	now := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	var owner int64
	if err := db.QueryRow(ctx, "SELECT id FROM users WHERE username = 'kefu'").Scan(&owner); err != nil {
		b.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range 500 {
			if _, err := tx.Exec(ctx, `INSERT INTO customers (code, kind, name, owner_id, version, created_at, updated_at)
				VALUES (?, 'company', ?, ?, 1, ?, ?)`, fmt.Sprintf("KB%08d", i), fmt.Sprintf("客户%03d", i), owner, now, now); err != nil {
				return err
			}
		}
		var first int64
		if err := tx.QueryRow(ctx, "SELECT min(id) FROM customers WHERE code LIKE 'KB%'").Scan(&first); err != nil {
			return err
		}
		causes := []string{"承运商延误", "包装破损", "轴承压装不到位", "标签错误", "客户误用", "报价口径不一"}
		categories := []string{"logistics", "logistics", "product_quality", "service", "price", "after_sales"}
		const batch = 200
		for lo := 0; lo < n; lo += batch {
			var rows, evs []string
			var args, eargs []any
			for i := lo; i < min(lo+batch, n); i++ {
				at := start.Add(time.Duration(i) * (30 * 24 * time.Hour / time.Duration(n)))
				solved := at.Add(40 * time.Hour)
				if i%10 == 0 {
					solved = at.Add(80 * time.Hour) // late
				}
				var closed any
				status := "approved"
				if i%4 != 0 {
					c := solved.Add(72 * time.Hour)
					closed, status = c, "closed"
				}
				k := i % len(causes)
				rows = append(rows, "(?, ?, '', ?, 'phone', ?, ?, 'normal', ?, 'x', ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, fmt.Sprintf("202610-%04d", i+1), first+int64(i%500), at, categories[k], categories[k] == "product_quality",
					fmt.Sprintf("M-%03d", i%40), status, at.Add(24*time.Hour), at.Add(48*time.Hour), owner, owner, at, at, "质量管理部",
					causes[k], "换货", "制造部", closed)
			}
			q := `INSERT INTO complaints (number, customer_id, caller_name, received_at, channel, category, quality, severity, part_no,
				description, status, reply_due_at, solution_due_at, created_by, assignee_id, version, created_at, updated_at, department,
				cause, handling, responsibility, closed_at) VALUES ` + strings.Join(rows, ", ") + " RETURNING id, received_at"
			res, err := tx.Query(ctx, q, args...)
			if err != nil {
				return err
			}
			type made struct {
				id int64
				at time.Time
			}
			var ids []made
			for res.Next() {
				var m made
				if err := res.Scan(&m.id, &m.at); err != nil {
					res.Close()
					return err
				}
				ids = append(ids, m)
			}
			res.Close()
			for j, m := range ids {
				replied, solved := m.at.Add(2*time.Hour), m.at.Add(40*time.Hour)
				if (lo+j)%10 == 0 {
					replied, solved = m.at.Add(30*time.Hour), m.at.Add(80*time.Hour)
				}
				for _, s := range []struct {
					from, to string
					at       time.Time
				}{{"registered", "accepted", replied}, {"accepted", "assigned", replied.Add(time.Hour)},
					{"investigating", "solution_proposed", solved.Add(-time.Hour)}, {"solution_proposed", "approved", solved}} {
					evs = append(evs, "(?, ?, ?, 'x', '{}', ?, ?)")
					eargs = append(eargs, m.id, s.from, s.to, owner, s.at)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO complaint_events (complaint_id, from_status, to_status, note, detail, actor_id, at) VALUES `+
				strings.Join(evs, ", "), eargs...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}
