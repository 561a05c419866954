package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestCareGenerationAtScale generates a year's care reminders for
// KEHU_BENCH_CARE contacts (two per customer, one primary; 60% with a
// birthday, half of those lunar) and logs how long it takes and how many
// reminders it wrote; then runs again to show it writes nothing twice.
//
//	KEHU_BENCH_CARE=1000000 go test -count=1 -run TestCareGenerationAtScale -timeout 60m -v ./internal/store
//	KEHU_BENCH_CARE=1000000 KEHU_BENCH_CARE_ENGINE=postgres go test … (the same on PostgreSQL)
func TestCareGenerationAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("KEHU_BENCH_CARE"))
	if n < 2 {
		t.Skip("set KEHU_BENCH_CARE to a number of contacts")
	}
	eng := store.SQLite
	if os.Getenv("KEHU_BENCH_CARE_ENGINE") == "postgres" {
		eng = store.Postgres
	}
	db := storetest.Open(t, eng)
	ctx := context.Background()
	now := time.Now().UTC()
	if _, err := db.Exec(ctx, "INSERT INTO users (username, display_name, role, password_hash, password_changed_at, version, created_at, updated_at) VALUES ('am','','account_manager','x',?,1,?,?)", now, now, now); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO customers (id, code, kind, name, stage, owner_id, version, created_at, updated_at, name_sort)
		SELECT i, 'KH' || CAST(i AS TEXT), 'company', 'c' || CAST(i AS TEXT), 'general', 1, 1, ?, ?, 'c' FROM n`, n/2, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO contacts (id, customer_id, name, is_primary, birthday, birthday_lunar, created_at, updated_at)
		SELECT i, (i + 1) / 2, 'k' || CAST(i AS TEXT), i % 2 = 1,
			CASE WHEN i % 10 < 3 THEN '1980-' || substr('0' || CAST(1 + i % 12 AS TEXT), -2, 2) || '-' || substr('0' || CAST(1 + i % 28 AS TEXT), -2, 2)
			     WHEN i % 10 < 6 THEN substr('0' || CAST(1 + i % 12 AS TEXT), -2, 2) || '-' || substr('0' || CAST(1 + i % 30 AS TEXT), -2, 2)
			     ELSE '' END,
			i % 10 >= 3 AND i % 10 < 6, ?, ? FROM n`, n, now, now); err != nil {
		t.Fatal(err)
	}
	t.Logf("data: %d contacts in %v", n, time.Since(start))
	cals, err := crm.NewCalendars(db)
	if err != nil {
		t.Fatal(err)
	}
	svc := care.New(db, cals, nil, func() time.Time { return time.Date(2027, 1, 1, 2, 0, 0, 0, time.UTC) })
	actx := crm.WithPrincipal(ctx, crm.SystemPrincipal("bench"))
	from, to := calendar.NewDate(2027, 1, 1), calendar.NewDate(2027, 12, 31)
	start = time.Now()
	rep, err := svc.Generate(actx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generate a year: %d contacts, %d reminders, %d posted, in %v", rep.Contacts, rep.Created, rep.Notified, time.Since(start))
	start = time.Now()
	again, err := svc.Generate(actx, from, to)
	if err != nil || again.Created != 0 {
		t.Fatalf("again: %+v %v", again, err)
	}
	t.Logf("again (nothing new): %v", time.Since(start))
}
