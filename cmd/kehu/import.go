package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// importCmd is `kehu import customers FILE`: it checks every row (the dry
// run), then commits all rows (refused if any is bad) or, with
// --valid-only, the good ones, in batches, showing a progress bar. The
// import runs in this process as the user named by --as; running the same
// command again after an interruption resumes after the last committed
// batch.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "customers" {
		return usageError{"kehu import takes customers: kehu import customers FILE --as USERNAME [--dry-run] [--valid-only] [--mapping JSON|@FILE]"}
	}
	var cfg Config
	var as, mapping string
	var dryRun, validOnly, quiet bool
	fs := flag.NewFlagSet("kehu import customers", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&as, "as", "", "the user who imports (needs customer.create); the customers are theirs unless a column names an owner")
	fs.StringVar(&mapping, "mapping", "", `column mapping as JSON {"header":"field"} or @FILE; "-" ignores a column`)
	fs.BoolVar(&dryRun, "dry-run", false, "check every row and print the report; write nothing")
	fs.BoolVar(&validOnly, "valid-only", false, "import the good rows and skip the bad ones (default: refuse if any row is bad)")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	if err := parseInterspersed(fs, args[1:], stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"kehu import customers takes one FILE (.csv or .xlsx)"}
	}
	if as == "" {
		return usageError{"name the importing user with --as USERNAME"}
	}
	file := fs.Arg(0)
	m, err := parseMapping(mapping)
	if err != nil {
		return err
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := cfg.keyring()
	if err != nil {
		return err
	}
	mode := importer.ImportAll
	if validOnly {
		mode = importer.ImportValidOnly
	}
	svc, err := server.Build(db, server.Options{Sealer: keys}, nil)
	if err != nil {
		return err
	}
	r := importRun{db: db, out: stdout, bar: stderr, quiet: quiet}
	x, err := r.runWith(ctx, svc.Imports, as, importer.ImportUpload{FileName: filepath.Base(file), FilePath: file, Mapping: m, DryRun: dryRun, Mode: mode, Lang: "zh-CN"})
	if err != nil {
		return err
	}
	if x.Status == importer.ImportChecked && x.Mode == importer.ImportAll && x.BadRows > 0 {
		return fmt.Errorf("nothing imported: %d of %d rows are bad (fix them, or run again with --valid-only to skip them)", x.BadRows, x.TotalRows)
	}
	if x.Status == importer.ImportFailed {
		return fmt.Errorf("import %d failed: %s (run the same command again to resume)", x.ID, x.Message)
	}
	return nil
}

func parseMapping(s string) (map[string]string, error) {
	m := map[string]string{}
	if s == "" {
		return m, nil
	}
	if strings.HasPrefix(s, "@") {
		b, err := os.ReadFile(s[1:])
		if err != nil {
			return nil, usageError{"--mapping: " + err.Error()}
		}
		s = string(b)
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, usageError{`--mapping must be a JSON object {"header":"field"}: ` + err.Error()}
	}
	return m, nil
}

// importRun runs one import in this process and reports on it.
type importRun struct {
	db    *store.DB
	out   io.Writer
	bar   io.Writer
	quiet bool
	start time.Time
}

func (r *importRun) runWith(ctx context.Context, imp *importer.Service, as string, up importer.ImportUpload) (importer.Import, error) {
	u, err := r.db.UserByUsername(ctx, as)
	if err != nil {
		return importer.Import{}, fmt.Errorf("--as %s: %w", as, err)
	}
	ctx = crm.WithPrincipal(ctx, crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, TeamID: u.TeamID})
	if _, err := crm.Authorize(ctx, crm.ActCustomerCreate); err != nil {
		return importer.Import{}, fmt.Errorf("--as %s: %w", as, err)
	}
	f, err := os.Open(up.FilePath)
	if err != nil {
		return importer.Import{}, err
	}
	hash, err := importer.FileHash(f)
	f.Close()
	if err != nil {
		return importer.Import{}, err
	}
	x, resumed, err := imp.Resume(ctx, hash)
	if err != nil {
		return x, err
	}
	if resumed {
		fmt.Fprintf(r.out, "Resuming import %d of %s after row %d (%d customers already imported).\n", x.ID, x.FileName, x.RowsDone, x.Inserted)
	} else if x, err = imp.Create(ctx, up); err != nil {
		return x, err
	}
	if x.PreviousID != 0 {
		fmt.Fprintf(r.out, "Note: this file was imported before (import %d); its rows will show as duplicates.\n", x.PreviousID)
	}
	r.start = time.Now()
	if imp.Progress == nil {
		imp.Progress = r.progress
	}
	runErr := imp.Run(ctx, x.ID)
	if !r.quiet {
		fmt.Fprintln(r.bar)
	}
	x, err = r.db.Import(context.WithoutCancel(ctx), x.ID)
	if err != nil {
		return x, err
	}
	r.report(ctx, imp, x)
	if runErr != nil && x.Status != importer.ImportFailed {
		return x, runErr
	}
	return x, nil
}

// progress draws the bar: bytes read while checking, rows while committing.
func (r *importRun) progress(x importer.Import) {
	if r.quiet {
		return
	}
	const width = 30
	var frac float64
	var what string
	switch x.Status {
	case importer.ImportChecking, importer.ImportChecked:
		if x.FileSize > 0 {
			frac = float64(x.CheckedBytes) / float64(x.FileSize)
		}
		if x.Status == importer.ImportChecked {
			frac = 1
		}
		what = fmt.Sprintf("checking  %d rows, %d bad", x.CheckedRows, x.BadRows)
	default:
		if x.TotalRows > 0 {
			frac = float64(x.RowsDone-1) / float64(x.TotalRows)
		}
		what = fmt.Sprintf("importing %d/%d rows, %d imported, %d skipped", max(0, x.RowsDone-1), x.TotalRows, x.Inserted, x.Skipped)
	}
	frac = min(max(frac, 0), 1)
	n := int(frac * width)
	fmt.Fprintf(r.bar, "\r[%s%s] %3.0f%%  %s  %s   ", strings.Repeat("#", n), strings.Repeat("-", width-n), frac*100, what,
		time.Since(r.start).Round(time.Second))
}

// report prints the outcome and every bad row.
func (r *importRun) report(ctx context.Context, imp *importer.Service, x importer.Import) {
	fmt.Fprintf(r.out, "Import %d (%s): %s. %d rows, %d bad", x.ID, x.FileName, x.Status, x.TotalRows, x.BadRows)
	if x.Mode != "" && x.Batches > 0 {
		fmt.Fprintf(r.out, "; %d customers imported, %d rows skipped", x.Inserted, x.Skipped)
	}
	fmt.Fprintln(r.out, ".")
	if x.Message != "" {
		fmt.Fprintln(r.out, x.Message)
	}
	// The commit reports its skipped rows again: show the latest phase's.
	phase := "check"
	if x.Mode != "" && x.Batches > 0 {
		phase = "commit"
	}
	var after int64
	for heading := true; ; {
		ps, err := imp.Problems(ctx, x.ID, after, 500)
		if err != nil || len(ps) == 0 {
			return
		}
		for _, p := range ps {
			if p.Phase != phase {
				continue
			}
			if heading {
				fmt.Fprintln(r.out, "Row\tColumn\tProblem")
				heading = false
			}
			col := p.Column
			if col == "" {
				col = p.Field
			}
			fmt.Fprintf(r.out, "%d\t%s\t%s (%s)\n", p.Row, col, p.Message, p.Code)
		}
		after = ps[len(ps)-1].ID
	}
}
