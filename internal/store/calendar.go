package store

import (
	"context"
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// CalendarOverrides reads every override and the revision they are at.
func (db *DB) CalendarOverrides(ctx context.Context) ([]crm.CalendarOverride, int64, error) {
	rev, err := db.CalendarRevision(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, "SELECT date, kind, name, version, updated_at FROM calendar_overrides ORDER BY date")
	if err != nil {
		return nil, 0, fmt.Errorf("store: calendar overrides: %w", err)
	}
	defer rows.Close()
	var out []crm.CalendarOverride
	for rows.Next() {
		var o crm.CalendarOverride
		if err := rows.Scan(&o.Date, &o.Kind, &o.Name, &o.Version, &o.UpdatedAt); err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, rev, rows.Err()
}

// CalendarRevision reads the revision of the override table.
func (db *DB) CalendarRevision(ctx context.Context) (int64, error) {
	var rev int64
	if err := db.QueryRow(ctx, "SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'calendar.revision'").Scan(&rev); err != nil {
		return 0, fmt.Errorf("store: calendar revision: %w", err)
	}
	return rev, nil
}

// PutCalendarOverride inserts or replaces the override of o.Date and
// audits it; created reports whether it was new. A stale o.Version (when
// not zero) answers version_conflict.
func (db *DB) PutCalendarOverride(ctx context.Context, o *crm.CalendarOverride, e *crm.AuditEntry) (created bool, err error) {
	now := e.At.UTC() // the change's time, as the domain dated it
	err = db.InTxAudited(ctx, e, func(tx *Tx) error {
		var before crm.CalendarOverride
		err := tx.QueryRow(ctx, "SELECT kind, name, version FROM calendar_overrides WHERE date = ?", o.Date).Scan(&before.Kind, &before.Name, &before.Version)
		switch {
		case err == nil:
			if o.Version != 0 && o.Version != before.Version {
				return crm.Fail(crm.EVersionConflict, "store.calendar.changed", o.Date)
			}
			if _, err := tx.Exec(ctx, "UPDATE calendar_overrides SET kind = ?, name = ?, version = version + 1, updated_at = ? WHERE date = ?",
				o.Kind, o.Name, now, o.Date); err != nil {
				return err
			}
			o.Version = before.Version + 1
			e.Action, e.Detail = crm.AuditUpdate, changeDetail(map[string]crm.Change{"kind": {Before: before.Kind, After: o.Kind}, "name": {Before: before.Name, After: o.Name}})
		case isNoRows(err):
			if _, err := tx.Exec(ctx, "INSERT INTO calendar_overrides (date, kind, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
				o.Date, o.Kind, o.Name, now, now); isUniqueViolation(err) {
				return crm.Fail(crm.EConflict, "store.calendar.added_meanwhile", o.Date)
			} else if err != nil {
				return err
			}
			o.Version, created = 1, true
			e.Action, e.Detail = crm.AuditCreate, changeDetail(map[string]crm.Change{"kind": {After: o.Kind}, "name": {After: o.Name}})
		default:
			return err
		}
		o.UpdatedAt = now
		return bumpCalendar(ctx, tx, now)
	})
	return created, err
}

// DeleteCalendarOverride removes the override of date and audits it.
func (db *DB) DeleteCalendarOverride(ctx context.Context, date string, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var before crm.CalendarOverride
		err := tx.QueryRow(ctx, "SELECT kind, name FROM calendar_overrides WHERE date = ?", date).Scan(&before.Kind, &before.Name)
		if isNoRows(err) {
			return crm.Fail(crm.ENotFound, "store.calendar.no_override", date)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM calendar_overrides WHERE date = ?", date); err != nil {
			return err
		}
		e.Detail = changeDetail(map[string]crm.Change{"kind": {Before: before.Kind}, "name": {Before: before.Name}})
		return bumpCalendar(ctx, tx, e.At.UTC())
	})
}

// bumpCalendar moves the override revision on, so every instance rebuilds
// its calendar.
func bumpCalendar(ctx context.Context, tx *Tx, at time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT), version = version + 1, updated_at = ? WHERE key = 'calendar.revision'",
		at)
	return err
}
