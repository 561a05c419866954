package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "purge" {
		return auditPurge(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "checkpoint" {
		return auditCheckpoint(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "verify" {
		return usageError{"kehu audit takes verify, checkpoint or purge"}
	}
	return auditVerify(ctx, args[1:], stdout, stderr)
}

// auditPurge deletes audit entries older than a date, which must be at
// least six calendar months ago (the database refuses anything younger).
func auditPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var before string
	fs := flag.NewFlagSet("kehu audit purge", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&before, "before", "", "delete entries older than this date (YYYY-MM-DD, at least 6 months ago)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	t, err := time.ParseInLocation("2006-01-02", before, crm.ChinaTime())
	if err != nil {
		return usageError{"kehu audit purge needs --before YYYY-MM-DD"}
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	e := crm.NewAudit(cliContext(ctx), crm.AuditPurge, "audit_log", "", map[string]string{"before": before})
	n, err := db.PurgeAudit(ctx, t, &e)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "purged %d audit entries older than %s\n", n, before)
	return nil
}
