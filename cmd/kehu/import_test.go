package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if _, _, err := cmd("Zhang-pass-2026\n", "user", "add", "--username", "zhang", "--role", "account_manager", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cmd("Kefu-pass-2026\n", "user", "add", "--username", "kefu", "--role", "service", "--password-stdin"); err != nil {
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
	steps := []struct {
		name  string
		args  []string
		want  string // in stdout, or in the error
		bar   string // in stderr
		fails bool
		once  string // in stdout exactly once, if set
	}{
		{"--as is required", []string{"import", "customers", file}, "--as", "", true, ""},
		{"a role that may not add customers", []string{"import", "customers", file, "--as", "kefu"}, "customer.create", "", true, ""},
		{"a missing file", []string{"import", "customers", filepath.Join(dir, "none.csv"), "--as", "zhang"}, "no such file", "", true, ""},
		{"the dry run prints every bad row", []string{"import", "customers", file, "--as", "zhang", "--dry-run"}, "3\t统一社会信用代码\t", "checking", false, ""},
		{"all rows are refused while one is bad", []string{"import", "customers", file, "--as", "zhang"}, "--valid-only", "", true, ""},
		{"the valid rows are imported", []string{"import", "customers", file, "--as", "zhang", "--valid-only"}, "2 customers imported, 1 rows skipped", "importing", false, "3\t统一社会信用代码\t"},
		{"the same file again adds nothing", []string{"import", "customers", file, "--as", "zhang", "--valid-only"}, "0 customers imported, 3 rows skipped", "", false, ""},
		{"a mapping as JSON", []string{"import", "customers", file, "--as", "zhang", "--dry-run", "--mapping", `{"手机":"-"}`}, "3 bad", "", false, ""},
		{"a bad mapping", []string{"import", "customers", file, "--as", "zhang", "--mapping", `{"手机":"fax"}`}, "mapping.手机", "", true, ""},
	}
	for _, s := range steps {
		out, bar, err := cmd("", s.args...)
		if s.fails {
			if err == nil || !strings.Contains(err.Error(), s.want) {
				t.Errorf("%s: error %v, want it to mention %q\n%s", s.name, err, s.want, out)
			}
			continue
		}
		if err != nil || !strings.Contains(out, s.want) || !strings.Contains(bar, s.bar) {
			t.Errorf("%s: %v\nstdout: %s\nstderr: %s", s.name, err, out, bar)
		}
		if s.once != "" && strings.Count(out, s.once) != 1 {
			t.Errorf("%s: %q is reported %d times, want once:\n%s", s.name, s.once, strings.Count(out, s.once), out)
		}
	}
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.username = 'zhang'").Scan(&n); err != nil || n != 2 {
		t.Fatalf("customers owned by zhang: %d %v", n, err)
	}
}
