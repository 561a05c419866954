package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/kehucrm/kehu/internal/store"
)

func TestImportCustomersFromTheCommandLine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "kehu.db")
	cmd := func(stdin string, args ...string) (string, string, error) {
		var out, errOut syncBuffer
		err := run(ctx, append(args, "--db", dbPath, "--key-file", filepath.Join(dir, "secret.keys")), strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	if _, _, err := cmd("Hill-pass-2026\n", "user", "add", "--username", "zhang", "--role", "account_manager", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cmd("Lake-pass-2026\n", "user", "add", "--username", "kefu", "--role", "service", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "客户.csv")
	csv := "客户名称,统一社会信用代码,联系人,手机\n" +
		"杭州云栖科技有限公司,,王伟,13800001111\n" +
		"南京坏码科技有限公司,91320106MA1XX,,\n" +
		"武汉良品贸易有限公司,,,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int {
		var n int
		if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct {
		name  string
		args  []string
		want  string // in stdout
		err   string // in the error, when the command must fail
		bar   string // in stderr
		once  string // in stdout exactly once, if set
		after func()
	}{
		{name: "--as is required", args: []string{"import", "customers", file}, err: "--as"},
		{name: "a role that may not add customers", args: []string{"import", "customers", file, "--as", "kefu"}, err: "customer.create"},
		{name: "a missing file", args: []string{"import", "customers", filepath.Join(dir, "none.csv"), "--as", "zhang"}, err: "no such file"},
		{name: "the dry run prints every bad row, fails and writes nothing", args: []string{"import", "customers", file, "--as", "zhang", "--dry-run"},
			want: "3\t统一社会信用代码\t", err: "1 / 3", bar: "校验中", once: "3\t统一社会信用代码\t", after: func() {
				if n := count("SELECT COUNT(*) FROM imports") + count("SELECT COUNT(*) FROM audit_log WHERE entity = 'import'"); n != 0 {
					t.Errorf("a dry run stored an import or an audit entry (%d)", n)
				}
			}},
		{name: "the report speaks --lang", args: []string{"import", "customers", file, "--as", "zhang", "--dry-run", "--lang", "en"},
			want: "Row\tColumn\tProblem", err: "1 of 3 rows are bad", bar: "checking"},
		{name: "all rows are refused while one is bad", args: []string{"import", "customers", file, "--as", "zhang"}, err: "--valid-only"},
		{name: "the valid rows are imported", args: []string{"import", "customers", file, "--as", "zhang", "--valid-only"}, want: "已导入 2 个客户，跳过 1 行", bar: "导入中", once: "3\t统一社会信用代码\t"},
		{name: "the same file again adds nothing", args: []string{"import", "customers", file, "--as", "zhang", "--valid-only"}, want: "已导入 0 个客户，跳过 3 行"},
		{name: "a mapping as JSON", args: []string{"import", "customers", file, "--as", "zhang", "--dry-run", "--mapping", `{"手机":"-"}`}, want: "3 行有问题", err: "3 / 3"},
		{name: "a bad mapping", args: []string{"import", "customers", file, "--as", "zhang", "--mapping", `{"手机":"fax"}`}, err: "mapping.手机"},
	}
	for _, s := range steps {
		out, bar, err := cmd("", s.args...)
		switch {
		case s.err != "" && (err == nil || !strings.Contains(err.Error(), s.err)):
			t.Errorf("%s: error %v, want it to mention %q\n%s", s.name, err, s.err, out)
		case s.err == "" && err != nil:
			t.Errorf("%s: %v\nstdout: %s\nstderr: %s", s.name, err, out, bar)
		case !strings.Contains(out, s.want) || !strings.Contains(bar, s.bar):
			t.Errorf("%s: stdout lacks %q or stderr %q\nstdout: %s\nstderr: %s", s.name, s.want, s.bar, out, bar)
		}
		if s.once != "" && strings.Count(out, s.once) != 1 {
			t.Errorf("%s: %q is reported %d times, want once:\n%s", s.name, s.once, strings.Count(out, s.once), out)
		}
		if s.after != nil {
			s.after()
		}
	}
	if n := count("SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.username = 'zhang'"); n != 2 {
		t.Fatalf("customers owned by zhang: %d", n)
	}
}

func TestImportReportIsOneLanguageAndTheBarEndsBeforeIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "kehu.db")
	// stdout and stderr on one terminal.
	var screen syncBuffer
	cmd := func(stdin string, args ...string) error {
		return run(ctx, append(args, "--db", dbPath, "--key-file", filepath.Join(dir, "secret.keys")), strings.NewReader(stdin), &screen, &screen)
	}
	if err := cmd("Hill-pass-2026\n", "user", "add", "--username", "zhang", "--role", "account_manager", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(file, []byte("name,stage,mobile,contact\nAcme Trading Ltd,vip,12345,Wang\nBeta Ltd,general,,\nTotal,2,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := len(screen.String())
	if err := cmd("", "import", "customers", file, "--as", "zhang", "--valid-only", "--lang", "en"); err != nil {
		t.Fatal(err)
	}
	out := screen.String()[start:]
	report := strings.Index(out, "Import ")
	if report < 0 || strings.LastIndex(out, "\r[") > report {
		t.Fatalf("the progress bar is drawn after the report:\n%q", out)
	}
	for _, r := range out {
		if unicode.Is(unicode.Han, r) {
			t.Fatalf("an English report holds Chinese: %q", out)
		}
	}
	for _, want := range []string{"1 customers imported, 1 rows skipped", "a summary row (Total)", "Note: "} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	// Each problem once: the stage and the mobile of row 2, not again for the commit.
	if n := strings.Count(out, "\n2\t"); n != 2 {
		t.Errorf("row 2 is reported %d times, want its 2 problems once each:\n%s", n, out)
	}
}

// TestImportErrorsSpeakTheReportsLanguage: a refusal of the command itself
// (a role that may not import, an unknown sheet) speaks --lang like the
// report, without machine codes.
func TestImportErrorsSpeakTheReportsLanguage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "kehu.db")
	var screen syncBuffer
	cmd := func(stdin string, args ...string) error {
		return run(ctx, append(args, "--db", dbPath, "--key-file", filepath.Join(dir, "secret.keys")), strings.NewReader(stdin), &screen, &screen)
	}
	if err := cmd("Audit-pass-2026\n", "user", "add", "--username", "shen", "--role", "auditor", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(file, []byte("客户名称\n甲公司\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := cmd("", "import", "customers", file, "--as", "shen", "--dry-run")
	if err == nil || !strings.ContainsFunc(err.Error(), func(r rune) bool { return unicode.Is(unicode.Han, r) }) || strings.Contains(err.Error(), "forbidden") {
		t.Errorf("a Chinese refusal: %v", err)
	}
	err = cmd("", "import", "customers", file, "--as", "shen", "--dry-run", "--lang", "en")
	if err == nil || strings.ContainsFunc(err.Error(), func(r rune) bool { return unicode.Is(unicode.Han, r) }) || strings.Contains(err.Error(), "forbidden:") {
		t.Errorf("an English refusal: %v", err)
	}
}

// TestImportProgressCountsRecordsAndADryRunWritesNothing: a CSV whose
// quoted cells hold line breaks never shows more rows done than it has;
// a dry run stores no import, exits non-zero on a bad row and draws no
// bar after its report.
func TestImportProgressCountsRecordsAndADryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "kehu.db")
	var screen syncBuffer
	cmd := func(stdin string, args ...string) error {
		return run(ctx, append(args, "--db", dbPath, "--key-file", filepath.Join(dir, "secret.keys")), strings.NewReader(stdin), &screen, &screen)
	}
	if err := cmd("Hill-pass-2026\n", "user", "add", "--username", "zhang", "--role", "account_manager", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "notes.csv")
	body := "name,notes\n" + "Acme Ltd,\"one\ntwo\nthree\nfour\"\n" + "Beta Ltd,\"a\nb\nc\"\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	start := len(screen.String())
	if err := cmd("", "import", "customers", file, "--as", "zhang", "--lang", "en"); err != nil {
		t.Fatal(err)
	}
	out := screen.String()[start:]
	if !strings.Contains(out, "importing: 2/2 rows") || strings.Contains(out, "3/2") || strings.Contains(out, "7/2") {
		t.Errorf("the progress must count records, not lines:\n%q", out)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("name,stage\nGamma Ltd,vip\nDelta Ltd,general\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int {
		var n int
		if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	imports, customers := count("SELECT COUNT(*) FROM imports"), count("SELECT COUNT(*) FROM customers")
	start = len(screen.String())
	if err := cmd("", "import", "customers", bad, "--as", "zhang", "--dry-run", "--lang", "en"); err == nil {
		t.Error("a dry run with a bad row exits with status 0")
	}
	out = screen.String()[start:]
	if report := strings.Index(out, "Checked "); report < 0 || strings.LastIndex(out, "\r[") > report {
		t.Errorf("the dry run's bar is drawn after its report:\n%q", out)
	}
	if count("SELECT COUNT(*) FROM imports") != imports || count("SELECT COUNT(*) FROM customers") != customers {
		t.Error("a dry run wrote an import or a customer")
	}
}
