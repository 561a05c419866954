package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kehucrm/kehu/internal/crm"
)

// isUniqueViolation reports whether err is a unique-constraint violation
// on either engine.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// noSuch turns sql.ErrNoRows into the domain's not_found, whose text is
// the catalogue's key saying what is missing; other errors pass through.
func noSuch(err error, key string, args ...any) error {
	if isNoRows(err) {
		return crm.Fail(crm.ENotFound, key, args...)
	}
	return err
}

// changeDetail renders the changed fields of an audit entry.
func changeDetail(changes map[string]crm.Change) string {
	b, err := json.Marshal(changes)
	if err != nil {
		return "{}"
	}
	return string(b)
}
