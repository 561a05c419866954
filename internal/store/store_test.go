package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestMigrateAppliesEveryMigrationOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ms, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.AppliedAt == nil {
				t.Errorf("migration %d %s is pending after Migrate", m.Version, m.Name)
			}
		}
		again, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", len(again))
		}
		if _, err := db.Exec(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)", "k", `"v"`, time.Now().UTC()); err != nil {
			t.Errorf("settings table is not usable: %v", err)
		}
	})
}

func TestMigrationsExistForBothEngines(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d is %q on sqlite but %q on postgres", i+1, lite[i].Name, pg[i].Name)
		}
	}
}

func TestDatabaseFromNewerKehuIsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", 9999, "future", time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if !errors.Is(err, store.ErrNewerSchema) {
			t.Fatalf("Migrate on a newer database: got %v, want ErrNewerSchema", err)
		}
		if !strings.Contains(err.Error(), "9999") {
			t.Errorf("message should name the database's version: %v", err)
		}
	})
}

func TestTwoInstancesMigratingTogetherOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, store.Postgres)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	counts := make([]int, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			applied, err := db.Migrate(ctx)
			errs[i], counts[i] = err, len(applied)
		}()
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		total += counts[i]
	}
	known, _ := store.Migrations(store.Postgres)
	if total != len(known) {
		t.Errorf("instances applied %d migrations between them, want exactly %d", total, len(known))
	}
}

func TestSecondOpenOfSQLiteFileFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kehu.db")
	first, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, err = store.Open(context.Background(), path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "in use by another kehu process") {
		t.Fatalf("second open: got %v, want an in-use error", err)
	}
	first.Close()
	again, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("open after the first closed: %v", err)
	}
	again.Close()
}

func TestInTxRollsBackWhenFnFails(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)", "a", "1", time.Now().UTC()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want fn's error", err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT count(*) FROM settings WHERE key = ?", "a").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("row written by a failed transaction is visible")
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		shanghai := time.FixedZone("CST", 8*3600)
		in := time.Date(2026, 11, 29, 9, 30, 15, 123456000, shanghai)
		if _, err := db.Exec(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)", "t", "1", in.UTC()); err != nil {
			t.Fatal(err)
		}
		var out time.Time
		if err := db.QueryRow(ctx, "SELECT updated_at FROM settings WHERE key = ?", "t").Scan(&out); err != nil {
			t.Fatal(err)
		}
		if !out.Equal(in) {
			t.Errorf("stored %v, read back %v", in, out)
		}
	})
}
