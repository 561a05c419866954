package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOperatorCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "kehu.db")
	cmd := func(stdin string, args ...string) (string, error) {
		var out, errOut syncBuffer
		err := run(ctx, append(args, "--db", db, "--key-file", filepath.Join(dir, "secret.keys")), strings.NewReader(stdin), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	steps := []struct {
		name, stdin string
		args        []string
		want        string // in the output, or in the error when fails
		fails       bool
	}{
		{"the first administrator is added with a password from stdin", "Gate-pass-2026\n", []string{"user", "add", "--username", "admin", "--role", "admin", "--password-stdin"}, "added admin (admin)", false},
		{"a password on the command line is refused", "", []string{"user", "add", "--username", "x1", "--role", "gm"}, "--password-stdin", true},
		{"a weak password names the rule", "weak\n", []string{"user", "add", "--username", "li", "--role", "gm", "--password-stdin"}, "--password", true},
		{"an account manager joins a team under a manager", "Hill-pass-2026\n", []string{"user", "add", "--username", "zhang", "--role", "account_manager", "--team", "华东一组", "--manager", "admin", "--mobile", "13800138000", "--password-stdin"}, "added zhang", false},
		{"users are listed", "", []string{"user", "list"}, "华东一组", false},
		{"a token is made and printed once", "", []string{"token", "create", "--user", "zhang", "--name", "erp", "--expires", "30d"}, "kehu_", false},
		{"a bad lifetime is refused", "", []string{"token", "create", "--user", "zhang", "--name", "x", "--expires", "soon"}, "--expires", true},
		{"tokens are listed without their secrets", "", []string{"token", "list", "--user", "zhang"}, "erp\texpires", false},
		{"a token is revoked", "", []string{"token", "revoke", "--user", "zhang", "--name", "erp"}, "revoked token", false},
		{"a recent audit purge is refused", "", []string{"audit", "purge", "--before", time.Now().AddDate(0, -1, 0).Format("2006-01-02")}, "6 calendar months", true},
		{"a password is reset to a generated one", "", []string{"user", "reset-password", "zhang"}, "new password for zhang", false},
		{"a user is disabled", "", []string{"user", "disable", "zhang"}, "disabled zhang", false},
		{"the key is rotated and values re-encrypted", "", []string{"keys", "rotate", "--settle", "0s"}, "1 values re-encrypted under v2", false},
		{"the audit chain verifies", "", []string{"audit", "verify"}, "audit log intact", false},
	}
	for _, s := range steps {
		out, err := cmd(s.stdin, s.args...)
		if s.fails {
			if err == nil || !strings.Contains(err.Error(), s.want) {
				t.Errorf("%s: got %v, want an error mentioning %q", s.name, err, s.want)
			}
			continue
		}
		if err != nil || !strings.Contains(out, s.want) {
			t.Errorf("%s: output %q, error %v; want %q", s.name, out, err, s.want)
		}
	}
}
