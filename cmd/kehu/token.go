package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm/identity"
)

func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "list" || args[0] == "revoke") {
		return tokenManage(ctx, args[0], args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		return usageError{"kehu token takes create, list or revoke"}
	}
	var cfg Config
	var user, name, expires string
	fs := flag.NewFlagSet("kehu token create", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&user, "user", "", "the user the token acts for")
	fs.StringVar(&name, "name", "", "what the token is for (e.g. erp-sync)")
	fs.StringVar(&expires, "expires", "90d", "lifetime: Nd, Nh or never")
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	if user == "" || name == "" {
		return usageError{"kehu token create needs --user and --name"}
	}
	ttl, err := parseLifetime(expires)
	if err != nil {
		return err
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	id := identity.New(db, identity.DefaultAuthConfig(), nil, nil)
	plain, t, err := id.CreateAPIToken(cliContext(ctx), user, name, ttl)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, plain)
	until := "never expires"
	if t.ExpiresAt != nil {
		until = "expires " + t.ExpiresAt.Format(time.RFC3339)
	}
	fmt.Fprintf(stderr, "token %q for %s, %s. It is shown only now: store it safely.\n", t.Name, user, until)
	return nil
}

// parseLifetime reads "90d", "12h" or "never".
func parseLifetime(s string) (time.Duration, error) {
	if s == "never" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 && d <= 3650 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usageError{fmt.Sprintf("--expires %q: use a number of days (90d), hours (12h) or never", s)}
}

// tokenManage lists or revokes a user's tokens.
func tokenManage(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var user, name string
	fs := flag.NewFlagSet("kehu token "+sub, flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&user, "user", "", "whose tokens")
	if sub == "revoke" {
		fs.StringVar(&name, "name", "", "the token to revoke")
	}
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if user == "" || (sub == "revoke" && name == "") {
		return usageError{"kehu token " + sub + " needs --user" + map[bool]string{true: " and --name"}[sub == "revoke"]}
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	id := identity.New(db, identity.DefaultAuthConfig(), nil, nil)
	if sub == "revoke" {
		if err := id.RevokeAPIToken(cliContext(ctx), user, name); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "revoked token %q of %s\n", name, user)
		return nil
	}
	tokens, err := id.APITokens(cliContext(ctx), user)
	if err != nil {
		return describe(err)
	}
	for _, t := range tokens {
		state := "live"
		switch {
		case t.RevokedAt != nil:
			state = "revoked " + t.RevokedAt.Format(time.RFC3339)
		case t.ExpiresAt != nil:
			state = "expires " + t.ExpiresAt.Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%s\t%s\n", t.Name, state)
	}
	return nil
}
