package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/store"
)

// openShared opens the database for an operator command that may run
// beside a serving kehu, applying migrations first on a new database.
func openShared(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.dsn(), store.Options{Shared: true, ApplicationName: "kehu-cli"})
	if err != nil {
		return nil, err
	}
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(ms) > 0 && ms[len(ms)-1].AppliedAt == nil {
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	if _, err := cfg.auditKey(db); err != nil { // every CLI entry is keyed too
		db.Close()
		return nil, err
	}
	return db, nil
}

// cliContext acts as the operator at the command line; audit entries name
// "system:cli".
func cliContext(ctx context.Context) context.Context {
	return crm.WithPrincipal(ctx, crm.SystemPrincipal("cli"))
}

func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"kehu user takes add, list, disable or reset-password"}
	}
	sub, args := args[0], args[1:]
	var cfg Config
	var in identity.NewUser
	var pwStdin bool
	fs := flag.NewFlagSet("kehu user "+sub, flag.ContinueOnError)
	dbFlags(fs, &cfg)
	switch sub {
	case "add":
		fs.StringVar(&in.Username, "username", "", "the new user's sign-in name")
		fs.StringVar((*string)(&in.Role), "role", "", "role: "+rolesList())
		fs.StringVar(&in.Team, "team", "", "team name (created if new)")
		fs.StringVar(&in.Manager, "manager", "", "the manager's username")
		fs.StringVar(&in.DisplayName, "display-name", "", "name shown in the UI")
		fs.StringVar(&in.Mobile, "mobile", "", "mobile number for notices (stored encrypted)")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input")
	case "reset-password":
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the new password from standard input (otherwise one is generated and printed)")
	case "list", "disable":
	default:
		return usageError{fmt.Sprintf("kehu user takes add, list, disable or reset-password, not %q", sub)}
	}
	if err := parseInterspersed(fs, args, stderr); err != nil {
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
	id := identity.New(db, identity.DefaultAuthConfig(), keys, nil)
	ctx = cliContext(ctx)

	switch sub {
	case "add":
		if !pwStdin {
			return usageError{"kehu user add needs --password-stdin (a password on the command line would stay in the shell history)"}
		}
		if in.Password, err = readPassword(stdin); err != nil {
			return err
		}
		u, err := id.AddUser(ctx, in, "en")
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", u.Username, u.Role)
	case "list":
		return listUsers(ctx, id, stdout)
	case "disable":
		if fs.NArg() != 1 {
			return usageError{"kehu user disable takes one username"}
		}
		if _, err := id.DisableUser(ctx, fs.Arg(0)); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "disabled %s; their sessions and API tokens have ended\n", fs.Arg(0))
	case "reset-password":
		if fs.NArg() != 1 {
			return usageError{"kehu user reset-password takes one username"}
		}
		pw, generated := "", false
		if pwStdin {
			if pw, err = readPassword(stdin); err != nil {
				return err
			}
		} else {
			pw, generated = generatePassword(), true
		}
		if err := id.ResetPassword(ctx, fs.Arg(0), pw, "en"); err != nil {
			return describe(err)
		}
		if generated {
			fmt.Fprintf(stdout, "new password for %s: %s\n", fs.Arg(0), pw)
		} else {
			fmt.Fprintf(stdout, "password of %s reset\n", fs.Arg(0))
		}
	}
	return nil
}

func listUsers(ctx context.Context, id *identity.Service, stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tROLE\tTEAM\tSTATE")
	var after int64
	for {
		users, err := id.ListUsers(ctx, after, 500)
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "active"
			if u.Disabled() {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Username, u.Role, u.TeamName, state)
			after = u.ID
		}
		if len(users) < 500 {
			break
		}
	}
	return tw.Flush()
}

// readPassword reads one line from stdin: the password, without its line end.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError{"no password on standard input (try: echo 'S3cret-pass' | kehu user add … --password-stdin)"}
	}
	return pw, nil
}

// generatePassword makes a 16-character password from all four classes.
func generatePassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 13)
	_, _ = rand.Read(b)
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(out) + "-7a"
}

// describe turns a validation error into one line naming every field.
func describe(err error) error {
	var e *crm.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = "--" + f.Field + ": " + f.Message
	}
	return errors.New(strings.Join(parts, "; "))
}

func rolesList() string {
	s := make([]string, len(crm.Roles))
	for i, r := range crm.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// parseInterspersed parses flags that may come before or after positional
// arguments (kehu user disable zhang --db x).
func parseInterspersed(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	var pos []string
	for {
		if err := parse(fs, args, stderr); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return parse(fs, pos, stderr)
}
