package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// benchImport is `kehu bench import`: it writes a deterministic CSV of N
// realistic customers, imports it as `kehu import customers` does (the dry
// run, then the commit), and in the same run inserts the same number of
// rows into a scratch table with the customers' columns, in the same
// batches, as the baseline. On PostgreSQL it works in a new schema that it
// drops at the end.
func benchImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opt, err := parseBenchImport(args, stderr)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kehu-bench-import-")
	if err != nil {
		return err
	}
	if !opt.keep {
		defer os.RemoveAll(tmp)
	}
	dsn, drop, err := benchImportDSN(ctx, opt.dsn, tmp)
	if err != nil {
		return err
	}
	if !opt.keep {
		defer drop()
	}

	file := filepath.Join(tmp, "customers.csv")
	t0 := time.Now()
	size, err := writeImportCSV(file, opt.rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Generated %d customers (%.1f MiB CSV) in %s\n", opt.rows, float64(size)/(1<<20), time.Since(t0).Round(time.Millisecond))

	db, err := store.Open(ctx, dsn, store.Options{ApplicationName: "kehu-bench"})
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := prepareBenchImportDB(ctx, db, tmp)
	if err != nil {
		return err
	}
	run, err := timeImport(ctx, db, keys, file, opt, stderr)
	if err != nil {
		return err
	}
	base := importBaseline{db: db, rows: opt.rows, x: run.x, now: time.Now().UTC()}
	if run.bare, err = base.customersOnly(ctx); err != nil {
		return err
	}
	if run.bareAll, err = base.allRows(ctx); err != nil {
		return err
	}
	run.print(stdout, db.Engine, opt.rows)
	return nil
}

// benchImportOptions are the flags of `kehu bench import`.
type benchImportOptions struct {
	dsn        string
	rows       int
	keep       bool
	cpuProfile string
}

// parseBenchImport reads the flags of `kehu bench import`.
func parseBenchImport(args []string, stderr io.Writer) (benchImportOptions, error) {
	var opt benchImportOptions
	fs := flag.NewFlagSet("kehu bench import", flag.ContinueOnError)
	fs.StringVar(&opt.dsn, "db", "", "database: a postgres:// URL (a scratch schema is made in it) or a SQLite file (default: a new one in a temporary directory)")
	fs.IntVar(&opt.rows, "rows", 1000000, "customers in the file")
	fs.BoolVar(&opt.keep, "keep", false, "keep the temporary directory (and PostgreSQL schema)")
	fs.StringVar(&opt.cpuProfile, "cpuprofile", "", "write a CPU profile of the import (dry run and commit) to this file")
	if err := parse(fs, args, stderr); err != nil {
		return opt, err
	}
	if opt.rows < 1 || opt.rows > 10000000 {
		return opt, usageError{"--rows must be from 1 to 10000000"}
	}
	return opt, nil
}

// importTimings are what `kehu bench import` measured.
type importTimings struct {
	x                    importer.Import
	total, check, commit time.Duration
	found                int // customers found by searching for the last one's name
	bare, bareAll        time.Duration
}

// timeImport runs the import as the command line does and times its dry
// run and commit.
func timeImport(ctx context.Context, db *store.DB, keys *secure.Keyring, file string, opt benchImportOptions, stderr io.Writer) (importTimings, error) {
	var run importTimings
	svc, err := server.Build(db, server.Options{Sealer: keys}, nil)
	if err != nil {
		return run, err
	}
	imp := svc.Imports
	var checkDone time.Time
	r := importRun{db: db, out: io.Discard, bar: stderr}
	imp.Progress = nil
	stopProfile := func() {}
	if opt.cpuProfile != "" {
		if stopProfile, err = startCPUProfile(opt.cpuProfile); err != nil {
			return run, err
		}
	}
	t1 := time.Now()
	x, err := r.runTimed(ctx, imp, "bench", importer.ImportUpload{FileName: "customers.csv", FilePath: file, Mode: importer.ImportAll, Lang: "en"}, &checkDone)
	stopProfile()
	if err != nil {
		return run, err
	}
	total := time.Since(t1)
	if x.Status != importer.ImportDone || x.Inserted != opt.rows {
		return run, fmt.Errorf("the import ended %s with %d of %d rows imported (%s)", x.Status, x.Inserted, opt.rows, x.Message)
	}
	run.x, run.total = x, total
	run.check, run.commit = checkDone.Sub(t1), total-checkDone.Sub(t1)
	// A customer found by search proves the index was filled.
	found, err := svc.Customers.List(crm.WithPrincipal(ctx, crm.Principal{UserID: x.CreatedBy, Username: "bench", Role: crm.RoleAccountManager}),
		customer.CustomerFilter{Query: impName(opt.rows - 1), Limit: 5})
	if err != nil {
		return run, err
	}
	run.found = len(found)
	return run, nil
}

// print writes the benchmark's report.
func (run importTimings) print(stdout io.Writer, engine store.Engine, rows int) {
	rate := float64(rows) / run.total.Seconds()
	bareRate := float64(rows) / run.bare.Seconds()
	bareAllRate := float64(rows) / run.bareAll.Seconds()
	hwm := peakRSS()
	var t benchTable
	t.fact("Engine", "%s", engine)
	t.fact("Rows", "%d (batches of %d)", rows, importer.ImportBatchSize)
	t.fact("Import", "%s (dry run %s, commit %s)", run.total.Round(time.Millisecond), run.check.Round(time.Millisecond), run.commit.Round(time.Millisecond))
	t.fact("Import rate", "%.0f rows/s (commit phase alone %.0f rows/s)", rate, float64(rows)/run.commit.Seconds())
	t.fact("Bare insert", "%s, %.0f rows/s", run.bare.Round(time.Millisecond), bareRate)
	t.fact("Ratio", "%.2f of the bare rate (target ≥ 0.25)", rate/bareRate)
	t.fact("Bare, all rows", "%s, %.0f file rows/s (customer, contact, two tags each)", run.bareAll.Round(time.Millisecond), bareAllRate)
	t.fact("Ratio, all rows", "%.2f of that rate", rate/bareAllRate)
	t.fact("Peak RSS", "%.0f MiB (target ≤ 512)", float64(hwm)/(1<<20))
	t.fact("Search check", "%d found for %q", run.found, impName(rows-1))
	_ = t.print(stdout)
}

// runTimed is run that notes when the dry run ended.
func (r *importRun) runTimed(ctx context.Context, imp *importer.Service, as string, up importer.ImportUpload, checkDone *time.Time) (importer.Import, error) {
	imp.Progress = func(x importer.Import) {
		if (x.Status == importer.ImportChecked || x.Status == importer.ImportCommitting) && checkDone.IsZero() {
			*checkDone = time.Now()
		}
		r.progress(x)
	}
	defer func() { imp.Progress = nil }()
	r.quiet = false
	return r.runWith(ctx, imp, as, up)
}
