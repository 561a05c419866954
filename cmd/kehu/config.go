package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/secure"
)

// Config is everything the commands read from flags and the environment.
// It is read once in main and passed down; nothing else reads flags or
// KEHU_* variables.
type Config struct {
	Addr      string // where serve listens
	DataDir   string // where the SQLite file and keys live
	DB        string // SQLite file path or postgres:// URL
	LogFormat string // text or json
	KeyFile   string // the keyring for sensitive fields
	SMTPURL   string // smtp://user:pass@host:port?from=…; empty: no e-mail
	PublicURL string // Kehu's address as people reach it, for links in e-mail
}

// dbFlags registers the flags every command that opens the database
// takes, with their KEHU_* twins as defaults.
func dbFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DataDir, "data-dir", envOr("KEHU_DATA_DIR", "."), "directory for the SQLite database and key files (KEHU_DATA_DIR)")
	fs.StringVar(&c.DB, "db", os.Getenv("KEHU_DB"), "database: a SQLite file path or a postgres:// URL; default DATA-DIR/kehu.db (KEHU_DB)")
	fs.StringVar(&c.KeyFile, "key-file", os.Getenv("KEHU_SECRET_KEY_FILE"), "key file for encrypted fields, created 0600 if missing; default DATA-DIR/secret.keys (KEHU_SECRET_KEY_FILE)")
	importLimitFlags(fs)
	auditFlags(fs)
}

func serveFlags(fs *flag.FlagSet, c *Config) {
	dbFlags(fs, c)
	fs.StringVar(&c.Addr, "addr", envOr("KEHU_ADDR", "127.0.0.1:8080"), "address to listen on (KEHU_ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", envOr("KEHU_LOG_FORMAT", "text"), "log format: text or json (KEHU_LOG_FORMAT)")
	fs.StringVar(&c.SMTPURL, "smtp-url", os.Getenv("KEHU_SMTP_URL"), "send notices and surveys by e-mail through this server: smtp://user:pass@host:port?from=kehu@example.com; STARTTLS when offered (KEHU_SMTP_URL)")
	fs.StringVar(&c.PublicURL, "public-url", os.Getenv("KEHU_PUBLIC_URL"), "Kehu's address as people reach it, for links in e-mail, e.g. https://crm.example.com; default http://ADDR (KEHU_PUBLIC_URL)")
}

// parse parses args into fs; --help prints the flags and stops.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// dsn returns the database to open: --db, or DATA-DIR/kehu.db.
func (c *Config) dsn() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "kehu.db")
}

// keyring opens (or, the first time, creates) the key file. It lives
// outside the database, so a copy of the database alone reveals no
// encrypted field.
func (c *Config) keyring() (*secure.Keyring, error) {
	path := c.KeyFile
	if path == "" {
		if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
			return nil, err
		}
		path = filepath.Join(c.DataDir, secure.KeyFileName)
	}
	k, err := secure.LoadOrCreateKeyring(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	return k, nil
}

// logger builds the process logger. Logs never carry personal data: the
// access log records route patterns, not paths or queries.
func (c *Config) logger(w io.Writer) (*slog.Logger, error) {
	switch strings.ToLower(c.LogFormat) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	default:
		return nil, usageError{fmt.Sprintf("--log-format must be text or json, not %q", c.LogFormat)}
	}
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// describeDB names the database for messages without any password.
func describeDB(dsn string) string {
	if i := strings.Index(dsn, "@"); i >= 0 && strings.Contains(dsn, "://") {
		scheme := dsn[:strings.Index(dsn, "://")+3]
		return scheme + "…" + dsn[i:]
	}
	return dsn
}

// mailer returns the SMTP mailer of --smtp-url, or nil when none is set.
func (c *Config) mailer() (*mail.SMTP, error) {
	if c.SMTPURL == "" {
		return nil, nil
	}
	m, err := mail.ParseURL(c.SMTPURL)
	if err != nil {
		return nil, usageError{"--smtp-url: " + strings.TrimPrefix(err.Error(), "smtp url: ")}
	}
	return m, nil
}

// publicURL is --public-url, or the listening address.
func (c *Config) publicURL(addr string) string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return strings.TrimRight(addr, "/")
}
