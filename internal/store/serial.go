package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm"
)

// rowQuerier reads one row: a *Tx, or a *preparedTx that prepares its
// statements once per transaction.
type rowQuerier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// nextSerial takes the next serial of counter in month: the counter row
// counter:YYYYMM is created at 1 or incremented, and the insert-or-
// increment locks it until the transaction ends, so concurrent creators
// (on any number of kehu instances) never get the same serial. It is the
// one allocator of every monthly number.
func nextSerial(ctx context.Context, q rowQuerier, counter, month string) (int64, error) {
	var serial int64
	err := q.QueryRow(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, counter+":"+month).Scan(&serial)
	return serial, err
}

// allocateNumber takes the next number of a monthly series in the
// record's transaction; the domain's series writes it.
func allocateNumber(ctx context.Context, q rowQuerier, n crm.MonthlyNumber) (string, error) {
	serial, err := nextSerial(ctx, q, n.Counter, n.Month)
	if err != nil {
		return "", fmt.Errorf("store: %s number: %w", n.Counter, err)
	}
	return n.Format(serial), nil
}
