package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
)

// importCmd is `kehu import customers FILE`: it checks every row (the dry
// run), then commits all rows (refused if any is bad) or, with
// --valid-only, the good ones, in batches, showing a progress bar. The
// import runs in this process as the user named by --as; running the same
// command again after an interruption resumes after the last committed
// batch. --dry-run checks and reports without writing anything (no import
// is stored) and exits non-zero when any row is bad. The report speaks
// --lang (zh-CN by default, or en).
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	if len(args) == 0 || args[0] != "customers" {
		return usageError{"kehu import takes customers: kehu import customers FILE --as USERNAME [--dry-run] [--valid-only] [--mapping JSON|@FILE] [--sheet NAME|N] [--header-row N] [--formula-values] [--lang zh-CN|en]"}
	}
	var cfg Config
	var as, mapping, sheet, lang string
	defer func() { err = speakError(err, lang) }()
	var headerRow int
	var dryRun, validOnly, quiet, formulaValues bool
	fs := flag.NewFlagSet("kehu import customers", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&as, "as", "", "the user who imports (needs customer.create); the customers are theirs unless a column names an owner")
	fs.StringVar(&mapping, "mapping", "", `column mapping as JSON {"header":"field"} or @FILE; "-" ignores a column`)
	fs.BoolVar(&dryRun, "dry-run", false, "check every row and print the report; write nothing (exit status 1 when a row is bad)")
	fs.BoolVar(&validOnly, "valid-only", false, "import the good rows and skip the bad ones (default: refuse if any row is bad)")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	fs.StringVar(&sheet, "sheet", "", "the workbook's sheet to read, by name or number (default: the first visible sheet)")
	fs.IntVar(&headerRow, "header-row", 0, "the header's row number (default: the first of the first 20 rows that names the customer's name column)")
	fs.BoolVar(&formulaValues, "formula-values", false, "take formula cells' last calculated values (default: report them as problems)")
	fs.StringVar(&lang, "lang", "zh-CN", "the language of the report: zh-CN or en")
	if err := parseInterspersed(fs, args[1:], stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"kehu import customers takes one FILE (.csv or .xlsx)"}
	}
	if as == "" {
		return usageError{"name the importing user with --as USERNAME"}
	}
	if lang = string(msg.Lang(lang)); lang == "" {
		lang = string(msg.ZhCN)
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
	r := importRun{db: db, out: stdout, bar: stderr, quiet: quiet, lang: lang}
	up := importer.ImportUpload{FileName: filepath.Base(file), FilePath: file, Mapping: m, DryRun: dryRun, Mode: mode, Lang: lang,
		Sheet: sheet, HeaderRow: headerRow, FormulaValues: formulaValues}
	if dryRun {
		x, err := r.dryRun(ctx, svc.Imports, as, up)
		if err != nil {
			return err
		}
		if x.BadRows > 0 {
			return errors.New(msg.Text(lang, "importer.cli.dry_bad", x.BadRows, x.TotalRows))
		}
		return nil
	}
	x, err := r.runWith(ctx, svc.Imports, as, up)
	if err != nil {
		return err
	}
	if x.Status == importer.ImportChecked && x.Mode == importer.ImportAll && x.BadRows > 0 {
		return errors.New(msg.Text(lang, "importer.cli.bad_rows", x.BadRows, x.TotalRows))
	}
	if x.Status == importer.ImportFailed {
		return errors.New(msg.Text(lang, "importer.cli.failed", x.ID, x.In(lang).Message))
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
	lang  string // the report's language; zh-CN when empty
	start time.Time

	mu    sync.Mutex
	drawn bool // a bar is on the line
	done  bool // the report has begun: the bar is not drawn again
}

// principal is the context of the user named by --as, who must be allowed
// to add customers.
func (r *importRun) principal(ctx context.Context, as string) (context.Context, error) {
	u, err := r.db.UserByUsername(ctx, as)
	if err != nil {
		return ctx, fmt.Errorf("--as %s: %w", as, err)
	}
	ctx = crm.WithPrincipal(ctx, crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, TeamID: u.TeamID})
	if _, err := crm.Authorize(ctx, crm.ActCustomerCreate); err != nil {
		return ctx, fmt.Errorf("--as %s: %w", as, err)
	}
	return ctx, nil
}

// dryRun checks the file without writing anything and prints the report.
func (r *importRun) dryRun(ctx context.Context, imp *importer.Service, as string, up importer.ImportUpload) (importer.Import, error) {
	ctx, err := r.principal(ctx, as)
	if err != nil {
		return importer.Import{}, err
	}
	r.start = time.Now()
	if imp.Progress == nil {
		imp.Progress = r.progress
	}
	var lines []importer.ImportProblem
	more := 0
	x, err := imp.DryRun(ctx, up, func(p importer.ImportProblem) {
		if len(lines) < maxReportLines {
			lines = append(lines, p)
		} else {
			more++
		}
	})
	r.endBar()
	if err != nil {
		return x, err
	}
	fmt.Fprintln(r.out, msg.Text(r.language(), "importer.cli.dry_summary", x.FileName, x.TotalRows, x.BadRows))
	r.printLines(lines, more)
	return x, nil
}

// maxReportLines is how many report lines the command prints.
const maxReportLines = 10000

func (r *importRun) language() string {
	if r.lang == "" {
		return string(msg.ZhCN)
	}
	return r.lang
}

func (r *importRun) runWith(ctx context.Context, imp *importer.Service, as string, up importer.ImportUpload) (importer.Import, error) {
	ctx, err := r.principal(ctx, as)
	if err != nil {
		return importer.Import{}, err
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
	lang := r.language()
	if resumed {
		fmt.Fprintln(r.out, msg.Text(lang, "importer.cli.resuming", x.ID, x.FileName, x.RowsDone, x.Inserted))
	} else if x, err = imp.Create(ctx, up); err != nil {
		return x, err
	}
	if x.PreviousID != 0 {
		fmt.Fprintln(r.out, msg.Text(lang, "importer.cli.previous", x.PreviousID))
	}
	r.start = time.Now()
	if imp.Progress == nil {
		imp.Progress = r.progress
	}
	runErr := imp.Run(ctx, x.ID)
	r.endBar()
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

// endBar ends the progress bar's line; the bar is not drawn again, so
// nothing comes after the report.
func (r *importRun) endBar() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drawn && !r.quiet {
		fmt.Fprintln(r.bar)
	}
	r.done, r.drawn = true, false
}

// progress draws the bar: bytes read while checking, rows while committing.
func (r *importRun) progress(x importer.Import) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.quiet || r.done {
		return
	}
	const width = 30
	var frac float64
	var what string
	lang := r.language()
	switch x.Status {
	case importer.ImportChecking, importer.ImportChecked:
		if x.FileSize > 0 {
			frac = float64(x.CheckedBytes) / float64(x.FileSize)
		}
		if x.Status == importer.ImportChecked {
			frac = 1
		}
		what = msg.Text(lang, "importer.cli.checking", x.CheckedRows, x.BadRows)
	default:
		done := importer.RecordsDone(x)
		if x.TotalRows > 0 {
			frac = float64(done) / float64(x.TotalRows)
		}
		what = msg.Text(lang, "importer.cli.importing", done, x.TotalRows, x.Inserted, x.Skipped)
	}
	frac = min(max(frac, 0), 1)
	n := int(frac * width)
	fmt.Fprintf(r.bar, "\r[%s%s] %3.0f%%  %s  %s   ", strings.Repeat("#", n), strings.Repeat("-", width-n), frac*100, what,
		time.Since(r.start).Round(time.Second))
	r.drawn = true
}

// report prints the outcome and the latest phase's report, each line once.
func (r *importRun) report(ctx context.Context, imp *importer.Service, x importer.Import) {
	lang := r.language()
	x = x.In(lang)
	line := msg.Text(lang, "importer.cli.summary", x.ID, x.FileName, msg.Text(lang, "import.status."+x.Status), x.TotalRows, x.BadRows)
	if x.Mode != "" && x.Batches > 0 {
		line += msg.Text(lang, "importer.cli.committed", x.Inserted, x.Skipped)
	}
	fmt.Fprintln(r.out, line)
	if x.Message != "" {
		fmt.Fprintln(r.out, x.Message)
	}
	var lines []importer.ImportProblem
	more := 0
	var after int64
	for {
		ps, err := imp.Problems(ctx, x.ID, after, 500)
		if err != nil || len(ps) == 0 {
			break
		}
		for _, p := range ps {
			if len(lines) < maxReportLines {
				lines = append(lines, p)
			} else {
				more++
			}
		}
		after = ps[len(ps)-1].ID
	}
	r.printLines(lines, more)
}

// printLines prints report lines in the report's language.
func (r *importRun) printLines(lines []importer.ImportProblem, more int) {
	lang := r.language()
	if len(lines) > 0 {
		fmt.Fprintln(r.out, msg.Text(lang, "importer.cli.heading"))
	}
	for _, p := range lines {
		p = p.In(lang)
		col := p.Column
		if col == "" {
			col = p.Field
		}
		text := p.Message
		if p.Level == importer.LevelNotice {
			text = msg.Text(lang, "importer.cli.notice") + text
		}
		fmt.Fprintf(r.out, "%d\t%s\t%s (%s)\n", p.Row, col, text, p.Code)
	}
	if more > 0 {
		fmt.Fprintln(r.out, msg.Text(lang, "importer.cli.more", more))
	}
}

// speakError renders the domain error inside err in lang (zh-CN when lang
// is not one the catalogue speaks), keeping what wraps it ("--as x: …"),
// so the command's last line speaks the report's language.
func speakError(err error, lang string) error {
	var ce *crm.Error
	if !errors.As(err, &ce) {
		return err
	}
	l := string(msg.Lang(lang))
	if l == "" {
		l = string(msg.ZhCN)
	}
	text, fields := ce.In(l)
	for _, f := range fields {
		if f.Message != "" && !strings.Contains(text, f.Message) {
			text += "; " + f.Field + ": " + f.Message
		}
	}
	return errors.New(strings.Replace(err.Error(), ce.Error(), text, 1))
}
