package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
)

// auditChainConfig is where the audit key and the checkpoints live. Set
// by the flags auditFlags registers on every command that opens the
// database.
type auditChainConfig struct {
	KeyFile       string        // the audit key file; default next to the key file
	CheckpointDir string        // where checkpoints are written; default DATA-DIR/audit-checkpoints
	Every         time.Duration // how often serve writes one
	Syslog        bool          // also send each checkpoint to the local syslog
}

var auditChain auditChainConfig

func auditFlags(fs *flag.FlagSet) {
	fs.StringVar(&auditChain.KeyFile, "audit-key-file", os.Getenv("KEHU_AUDIT_KEY_FILE"),
		"audit key file (HMAC of each entry, Ed25519 key of the checkpoints), created 0600 if missing; default audit.keys next to the key file (KEHU_AUDIT_KEY_FILE)")
	fs.StringVar(&auditChain.CheckpointDir, "audit-checkpoint-dir", os.Getenv("KEHU_AUDIT_CHECKPOINT_DIR"),
		"directory of signed checkpoints of the audit chain's head; default DATA-DIR/audit-checkpoints (KEHU_AUDIT_CHECKPOINT_DIR)")
	every := 24 * time.Hour
	if d, err := time.ParseDuration(os.Getenv("KEHU_AUDIT_CHECKPOINT_EVERY")); err == nil && d > 0 {
		every = d
	}
	fs.DurationVar(&auditChain.Every, "audit-checkpoint-every", every, "how often kehu serve writes a checkpoint, at most 24h (KEHU_AUDIT_CHECKPOINT_EVERY)")
	fs.BoolVar(&auditChain.Syslog, "audit-syslog", os.Getenv("KEHU_AUDIT_SYSLOG") == "1", "also send each checkpoint to the local syslog (KEHU_AUDIT_SYSLOG=1)")
}

// auditKeyPath is --audit-key-file, or audit.keys beside the key file.
func (c *Config) auditKeyPath() string {
	if auditChain.KeyFile != "" {
		return auditChain.KeyFile
	}
	if c.KeyFile != "" {
		return filepath.Join(filepath.Dir(c.KeyFile), secure.AuditKeyFileName)
	}
	return filepath.Join(c.DataDir, secure.AuditKeyFileName)
}

// checkpointDir is --audit-checkpoint-dir or DATA-DIR/audit-checkpoints.
func (c *Config) checkpointDir() string {
	if auditChain.CheckpointDir != "" {
		return auditChain.CheckpointDir
	}
	return filepath.Join(c.DataDir, "audit-checkpoints")
}

// auditKey opens (or, the first time, creates) the audit key file and
// keys db's audit chain with it.
func (c *Config) auditKey(db *store.DB) (*secure.AuditKey, error) {
	path := c.auditKeyPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	k, err := secure.LoadOrCreateAuditKey(path)
	if err != nil {
		return nil, fmt.Errorf("audit key file: %w", err)
	}
	db.SetAuditKey(k)
	return k, nil
}

// writeCheckpoint signs the chain's head and writes it to dir (and
// syslog when asked).
func writeCheckpoint(ctx context.Context, db *store.DB, key *secure.AuditKey, dir string, now time.Time) (string, audit.Checkpoint, error) {
	head, err := db.ReadAuditHead(ctx)
	if err != nil {
		return "", audit.Checkpoint{}, err
	}
	cp := audit.Checkpoint{Seq: head.Seq, Hash: head.Hash, KeyedFrom: head.KeyedFrom, At: now}
	cp.Sign(key)
	path, err := cp.Write(dir)
	if err != nil {
		return "", cp, err
	}
	if auditChain.Syslog {
		if err := sendSyslog(cp); err != nil {
			return path, cp, fmt.Errorf("audit checkpoint to syslog: %w", err)
		}
	}
	return path, cp, nil
}

// auditCheckpoint is `kehu audit checkpoint`: one checkpoint now.
func auditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("kehu audit checkpoint", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	db, err := openShared(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := cfg.auditKey(db)
	if err != nil {
		return err
	}
	path, cp, err := writeCheckpoint(ctx, db, key, cfg.checkpointDir(), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checkpoint of entry %d written to %s\n", cp.Seq, path)
	return nil
}

// auditVerify is `kehu audit verify`: the chain, each entry's keyed hash,
// and the head against the last checkpoint.
func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var cpFile string
	fs := flag.NewFlagSet("kehu audit verify", flag.ContinueOnError)
	dbFlags(fs, &cfg)
	fs.StringVar(&cpFile, "checkpoint", "", "the checkpoint to check the head against; default the newest in --audit-checkpoint-dir")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.dsn(), store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	var key *secure.AuditKey
	switch k, err := secure.LoadAuditKey(cfg.auditKeyPath()); {
	case err == nil:
		key = k
		db.SetAuditKey(k)
	case errors.Is(err, os.ErrNotExist):
		// No key file: only an unkeyed chain can be verified (VerifyAudit says so).
	default:
		return err
	}
	n, problem, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if problem != nil {
		return fmt.Errorf("audit log is NOT intact: entry %d: %s (%d entries before it verified)", problem.ID, problem.Reason, n)
	}
	if cpFile == "" {
		if cpFile, err = audit.LatestCheckpoint(cfg.checkpointDir()); err != nil {
			return err
		}
	}
	if cpFile == "" {
		fmt.Fprintf(stdout, "audit log intact: %d entries verified (no checkpoint to check the head against)\n", n)
		return nil
	}
	cp, err := audit.ReadCheckpoint(cpFile)
	if err != nil {
		return err
	}
	if key == nil {
		return fmt.Errorf("audit checkpoint %s: no audit key file (%s) to check its signature", cpFile, cfg.auditKeyPath())
	}
	if err := cp.Verify(key.PublicKey()); err != nil {
		return fmt.Errorf("audit checkpoint %s is NOT valid: %w", cpFile, err)
	}
	problem, err = db.CheckAuditAnchor(ctx, store.AuditHead{Seq: cp.Seq, Hash: cp.Hash, KeyedFrom: cp.KeyedFrom})
	if err != nil {
		return err
	}
	if problem != nil {
		return fmt.Errorf("audit log is NOT intact against checkpoint %s (entry %d, %s): entry %d: %s",
			cpFile, cp.Seq, cp.At.Format(time.RFC3339), problem.ID, problem.Reason)
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries verified; head matches checkpoint %s (entry %d)\n", n, cpFile, cp.Seq)
	return nil
}

// checkpointJob is the work of the periodic checkpoint job.
func checkpointJob(db *store.DB, cfg Config) func(context.Context) error {
	return func(ctx context.Context) error {
		key, err := cfg.auditKey(db)
		if err != nil {
			return err
		}
		_, _, err = writeCheckpoint(ctx, db, key, cfg.checkpointDir(), time.Now())
		return err
	}
}

// checkpointEvery is --audit-checkpoint-every, at most a day.
func checkpointEvery() time.Duration {
	if auditChain.Every <= 0 || auditChain.Every > 24*time.Hour {
		return 24 * time.Hour
	}
	return auditChain.Every
}
