package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/pool"
)

// anyTime scans a timestamp an aggregate returns: SQLite gives MAX of a
// TIMESTAMP column back as text.
type anyTime struct {
	T     time.Time
	Valid bool
}

var anyTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"}

func (a *anyTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*a = anyTime{}
		return nil
	case time.Time:
		*a = anyTime{T: x, Valid: true}
		return nil
	case []byte:
		return a.Scan(string(x))
	case string:
		s := x
		if i := strings.Index(s, " m="); i > 0 { // time.Time's String with a monotonic reading
			s = s[:i]
		}
		for _, l := range anyTimeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				*a = anyTime{T: t, Valid: true}
				return nil
			}
		}
		if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", s); err == nil {
			*a = anyTime{T: t, Valid: true}
			return nil
		}
		return fmt.Errorf("store: not a time: %q", x)
	}
	return fmt.Errorf("store: not a time: %T", v)
}

// PoolRules reads the pool rules, the default first.
func (db *DB) PoolRules(ctx context.Context) ([]pool.Rule, error) {
	return queryAll(ctx, db, func(sc scanner) (pool.Rule, error) {
		var r pool.Rule
		err := sc.Scan(&r.ID, &r.SchemeID, &r.Level, &r.Days, &r.NoticeDays, &r.Cap, &r.CooldownDays, &r.Version, &r.UpdatedAt, &r.UpdatedBy)
		return r, err
	}, `SELECT id, scheme_id, level, days, notice_days, cap, cooldown_days, version, updated_at, updated_by FROM pool_rules
		ORDER BY scheme_id, level`)
}

// SchemeIDByCode finds a tier scheme by its code.
func (db *DB) SchemeIDByCode(ctx context.Context, code string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, "SELECT id FROM tier_schemes WHERE code = ?", code).Scan(&id)
	if isNoRows(err) {
		return 0, crm.Fail(crm.ENotFound, "pool_err.scheme", code)
	}
	return id, err
}

// SchemeCodes maps every tier scheme's id to its code.
func (db *DB) SchemeCodes(ctx context.Context) (map[int64]string, error) {
	type pair struct {
		id   int64
		code string
	}
	ps, err := queryAll(ctx, db, func(sc scanner) (pair, error) {
		var p pair
		return p, sc.Scan(&p.id, &p.code)
	}, "SELECT id, code FROM tier_schemes")
	out := map[int64]string{}
	for _, p := range ps {
		out[p.id] = p.code
	}
	return out, err
}

// PutPoolRule inserts r (version 0) or writes it at version, with e.
func (db *DB) PutPoolRule(ctx context.Context, r *pool.Rule, version int, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if version == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO pool_rules (scheme_id, level, days, notice_days, cap, cooldown_days, version, updated_at, updated_by)
				VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, r.SchemeID, r.Level, r.Days, r.NoticeDays, r.Cap, r.CooldownDays,
				r.UpdatedAt.UTC(), r.UpdatedBy).Scan(&r.ID)
			if isUniqueViolation(err) {
				return crm.Fail(crm.EVersionConflict, "pool_err.changed")
			}
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE pool_rules SET days = ?, notice_days = ?, cap = ?, cooldown_days = ?, version = version + 1,
			updated_at = ?, updated_by = ? WHERE id = ? AND version = ?`, r.Days, r.NoticeDays, r.Cap, r.CooldownDays, r.UpdatedAt.UTC(),
			r.UpdatedBy, r.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "pool_err.changed")
		}
		return nil
	})
}

// DeletePoolRule removes a rule, with e.
func (db *DB) DeletePoolRule(ctx context.Context, id int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM pool_rules WHERE id = ?", id)
		return err
	})
}

const poolColumns = `c.id, c.code, c.name, c.region_code, c.industry_code, pc.since, pc.from_owner_id, COALESCE(u.username, ''), pc.reason`

// poolFrom is the pool: the customers the pool account (pool.OwnerID, -1)
// owns, with their pool rows. The unary + keeps SQLite walking
// pool_customers_since for the order, not customers_owner and a sort.
const poolFrom = ` FROM pool_customers pc JOIN customers c ON c.id = pc.customer_id AND c.deleted_at IS NULL AND +c.owner_id = -1
	LEFT JOIN users u ON u.id = pc.from_owner_id`

func scanPoolEntry(sc scanner) (pool.Entry, error) {
	var e pool.Entry
	err := sc.Scan(&e.CustomerID, &e.Code, &e.Name, &e.RegionCode, &e.IndustryCode, &e.Since, &e.FromOwnerID, &e.FromOwnerName, &e.Reason)
	return e, err
}

func poolWhere(f pool.ListFilter) (string, []any) {
	w, args := "1 = 1", []any{}
	if f.RegionCode != "" {
		w += " AND c.region_code = ?"
		args = append(args, f.RegionCode)
	}
	if f.FromOwnerID != 0 {
		w += " AND pc.from_owner_id = ?"
		args = append(args, f.FromOwnerID)
	}
	return w, args
}

// PoolEntries lists the pool, the latest returned first.
func (db *DB) PoolEntries(ctx context.Context, f pool.ListFilter) ([]pool.Entry, error) {
	w, args := poolWhere(f)
	if f.After.ID != 0 {
		w += " AND (pc.since < ? OR (pc.since = ? AND pc.customer_id < ?))"
		args = append(args, f.After.At.UTC(), f.After.At.UTC(), f.After.ID)
	}
	return queryAll(ctx, db, scanPoolEntry, "SELECT "+poolColumns+poolFrom+" WHERE "+w+" ORDER BY pc.since DESC, pc.customer_id DESC LIMIT ?",
		append(args, f.Limit)...)
}

// listTotalCap is where a total stops counting and says "estimated".
const listTotalCap = 10000

// PoolTotal counts the pool of f, up to listTotalCap.
func (db *DB) PoolTotal(ctx context.Context, f pool.ListFilter) (crm.ListTotal, error) {
	w, args := poolWhere(f)
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1"+poolFrom+" WHERE "+w+" LIMIT ?) t", append(args, listTotalCap+1)...).Scan(&n)
	return cappedTotal(n), err
}

func cappedTotal(n int) crm.ListTotal {
	if n > listTotalCap {
		return crm.ListTotal{N: listTotalCap, Estimated: true}
	}
	return crm.Exact(n)
}

// PoolEntry reads a customer in the pool and its tier levels.
func (db *DB) PoolEntry(ctx context.Context, customerID int64) (pool.Entry, pool.Standing, error) {
	e, err := scanPoolEntry(db.QueryRow(ctx, "SELECT "+poolColumns+poolFrom+" WHERE pc.customer_id = ?", customerID))
	if isNoRows(err) {
		return e, nil, crm.Fail(crm.ENotFound, "pool_err.not_in_pool")
	}
	if err != nil {
		return e, nil, err
	}
	st, err := db.standings(ctx, []int64{customerID})
	return e, st[customerID], err
}

// standings reads the tier levels of customers.
func (db *DB) standings(ctx context.Context, ids []int64) (map[int64]pool.Standing, error) {
	out := map[int64]pool.Standing{}
	type row struct {
		c, s  int64
		level string
	}
	rows, err := queryAll(ctx, db, func(sc scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.c, &r.s, &r.level)
	}, "SELECT customer_id, scheme_id, level FROM customer_tiers WHERE customer_id IN ("+inList(len(ids))+")", int64Args(ids)...)
	for _, r := range rows {
		if out[r.c] == nil {
			out[r.c] = pool.Standing{}
		}
		out[r.c][r.s] = r.level
	}
	return out, err
}

// LastReturn is when customerID last returned to the pool from userID
// (zero: never).
func (db *DB) LastReturn(ctx context.Context, customerID, userID int64) (time.Time, error) {
	var t time.Time
	err := db.QueryRow(ctx, `SELECT at FROM pool_events WHERE customer_id = ? AND user_id = ? AND kind = 'return'
		ORDER BY at DESC LIMIT 1`, customerID, userID).Scan(&t)
	if isNoRows(err) {
		return time.Time{}, nil
	}
	return t, err
}

// ClaimFromPool takes a customer out of the pool for p, within check.
func (db *DB) ClaimFromPool(ctx context.Context, customerID int64, p crm.Principal, now time.Time, check func(held int) error, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if tx.Engine() == Postgres {
			// One claim of a manager at a time, so two cannot both pass the cap.
			if _, err := tx.Exec(ctx, "SELECT id FROM users WHERE id = ? FOR UPDATE", p.UserID); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, "DELETE FROM pool_customers WHERE customer_id = ?", customerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "pool_err.claimed")
		}
		var held int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM customers c WHERE c.owner_id = ? AND c.deleted_at IS NULL", p.UserID).Scan(&held); err != nil {
			return err
		}
		if err := check(held); err != nil {
			return err
		}
		res, err = tx.Exec(ctx, `UPDATE customers SET owner_id = ?, team_id = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND owner_id = ? AND deleted_at IS NULL`, p.UserID, nullID(p.TeamID), now, customerID, pool.OwnerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "pool_err.claimed")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO pool_events (customer_id, user_id, kind, at) VALUES (?, ?, 'claim', ?)", customerID, p.UserID, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM pool_due WHERE customer_id = ?", customerID)
		return err
	})
}

const upcomingColumns = `c.id, c.code, c.name, d.owner_id, COALESCE(u.username, ''), d.last_touch_at, d.due_at, COALESCE(ts.code, ''), COALESCE(r.level, '')`

const upcomingFrom = ` FROM pool_due d JOIN customers c ON c.id = d.customer_id AND c.deleted_at IS NULL
	LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN pool_rules r ON r.id = d.rule_id LEFT JOIN tier_schemes ts ON ts.id = r.scheme_id`

// upcomingLive keeps the rows not overtaken since the job wrote them: no
// interaction after the last touch, not in the pool.
const upcomingLive = ` AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = d.customer_id AND i.at > d.last_touch_at)
	AND NOT EXISTS (SELECT 1 FROM pool_customers pc WHERE pc.customer_id = d.customer_id)`

func upcomingScope(s crm.Scope) (string, []any) {
	switch {
	case s.CustomerID != 0:
		return "d.customer_id = ?", []any{s.CustomerID}
	case s.All:
		return "1 = 1", nil
	case s.TeamID != 0:
		return "d.team_id = ?", []any{s.TeamID}
	}
	return "d.owner_id = ?", []any{s.UserID}
}

// UpcomingReturns lists the customers of s about to return, soonest first.
func (db *DB) UpcomingReturns(ctx context.Context, s crm.Scope, f pool.ListFilter) ([]pool.Upcoming, error) {
	w, args := upcomingScope(s)
	if f.After.ID != 0 {
		w += " AND (d.due_at > ? OR (d.due_at = ? AND d.customer_id > ?))"
		args = append(args, f.After.At.UTC(), f.After.At.UTC(), f.After.ID)
	}
	return queryAll(ctx, db, func(sc scanner) (pool.Upcoming, error) {
		var u pool.Upcoming
		var scheme, level string
		err := sc.Scan(&u.CustomerID, &u.Code, &u.Name, &u.OwnerID, &u.OwnerName, &u.LastTouchAt, &u.DueAt, &scheme, &level)
		u.Tier = pool.DefaultTier
		if scheme != "" {
			u.Tier = scheme + ":" + level
		}
		return u, err
	}, "SELECT "+upcomingColumns+upcomingFrom+" WHERE "+w+upcomingLive+" ORDER BY d.due_at, d.customer_id LIMIT ?", append(args, f.Limit)...)
}

// UpcomingTotal counts the upcoming returns of s, up to listTotalCap.
func (db *DB) UpcomingTotal(ctx context.Context, s crm.Scope) (crm.ListTotal, error) {
	w, args := upcomingScope(s)
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM pool_due d WHERE "+w+upcomingLive+" LIMIT ?) t", append(args, listTotalCap+1)...).Scan(&n)
	return cappedTotal(n), err
}

// Candidates reads up to n live customers after id after, by id, as the
// return job sees them.
func (db *DB) Candidates(ctx context.Context, after int64, n int) ([]pool.Candidate, error) {
	cs, err := queryAll(ctx, db, func(sc scanner) (pool.Candidate, error) {
		var c pool.Candidate
		var team sql.NullInt64
		err := sc.Scan(&c.CustomerID, &c.Name, &c.OwnerID, &team, &c.LastTouch)
		c.TeamID, c.InPool = team.Int64, c.OwnerID == pool.OwnerID
		return c, err
	}, "SELECT c.id, c.name, c.owner_id, c.team_id, c.created_at FROM customers c WHERE c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?", after, n)
	if err != nil || len(cs) == 0 {
		return cs, err
	}
	ids := make([]int64, len(cs))
	byID := map[int64]*pool.Candidate{}
	for i := range cs {
		ids[i] = cs[i].CustomerID
		byID[ids[i]] = &cs[i]
	}
	in, args := inList(len(ids)), int64Args(ids)
	later := func(q string) error {
		rows, err := db.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var t anyTime
			if err := rows.Scan(&id, &t); err != nil {
				return err
			}
			if c := byID[id]; c != nil && t.Valid && t.T.After(c.LastTouch) {
				c.LastTouch = t.T
			}
		}
		return rows.Err()
	}
	if err := later("SELECT customer_id, MAX(at) FROM interactions WHERE customer_id IN (" + in + ") GROUP BY customer_id"); err != nil {
		return nil, err
	}
	if err := later("SELECT customer_id, MAX(at) FROM pool_events WHERE customer_id IN (" + in + ") AND kind IN ('claim', 'assign') GROUP BY customer_id"); err != nil {
		return nil, err
	}
	type due struct {
		id      int64
		noticed sql.NullTime
	}
	dues, err := queryAll(ctx, db, func(sc scanner) (due, error) {
		var d due
		return d, sc.Scan(&d.id, &d.noticed)
	}, "SELECT customer_id, noticed_due FROM pool_due WHERE customer_id IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	for _, d := range dues {
		c := byID[d.id]
		c.Listed = true
		if d.noticed.Valid {
			t := d.noticed.Time
			c.NoticedDue = &t
		}
	}
	st, err := db.standings(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, s := range st {
		byID[id].Standing = s
	}
	return cs, nil
}

// SaveSweep writes one batch of the return job: returns (each only if no
// interaction came since it was read, with its event and audit entry),
// the upcoming rows, and the notices.
func (db *DB) SaveSweep(ctx context.Context, s pool.Sweep, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var notices []crm.Notice
		if len(s.Returns) > 0 {
			if err := ensurePoolAccount(ctx, tx, now); err != nil {
				return err
			}
		}
		for i, c := range s.Returns {
			var touched int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM interactions WHERE customer_id = ? AND at > ? LIMIT 1) t",
				c.CustomerID, c.LastTouch.UTC()).Scan(&touched); err != nil {
				return err
			}
			if touched > 0 {
				continue
			}
			// To the pool account, unless someone took it meanwhile: it
			// leaves its owner's (and team's) scope.
			res, err := tx.Exec(ctx, `UPDATE customers SET owner_id = ?, team_id = NULL, version = version + 1, updated_at = ?
				WHERE id = ? AND owner_id = ? AND deleted_at IS NULL`, pool.OwnerID, now, c.CustomerID, c.OwnerID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO pool_customers (customer_id, since, from_owner_id, reason) VALUES (?, ?, ?, 'no_follow_up')
				ON CONFLICT (customer_id) DO UPDATE SET since = excluded.since, from_owner_id = excluded.from_owner_id, reason = excluded.reason`,
				c.CustomerID, now, c.OwnerID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO pool_events (customer_id, user_id, kind, at) VALUES (?, ?, 'return', ?)", c.CustomerID, c.OwnerID, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM pool_due WHERE customer_id = ?", c.CustomerID); err != nil {
				return err
			}
			if i < len(s.Audits) {
				if err := tx.AppendAudit(ctx, &s.Audits[i]); err != nil {
					return err
				}
			}
			for _, n := range s.Notices {
				if n.Kind == pool.NoticeReturned && n.EntityID == fmt.Sprint(c.CustomerID) {
					notices = append(notices, n)
				}
			}
		}
		for _, d := range s.Due {
			if _, err := tx.Exec(ctx, `INSERT INTO pool_due (customer_id, owner_id, team_id, rule_id, last_touch_at, due_at, noticed_due)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET owner_id = excluded.owner_id, team_id = excluded.team_id,
				rule_id = excluded.rule_id, last_touch_at = excluded.last_touch_at, due_at = excluded.due_at, noticed_due = excluded.noticed_due`,
				d.CustomerID, d.OwnerID, d.TeamID, d.RuleID, d.LastTouchAt.UTC(), d.DueAt.UTC(), nullTime(d.NoticedDue)); err != nil {
				return err
			}
		}
		for _, n := range s.Notices {
			if n.Kind == pool.NoticeReturning {
				notices = append(notices, n)
			}
		}
		if len(s.Clear) > 0 {
			if _, err := tx.Exec(ctx, "DELETE FROM pool_due WHERE customer_id IN ("+inList(len(s.Clear))+")", int64Args(s.Clear)...); err != nil {
				return err
			}
		}
		return sendNotices(ctx, tx, notices, now)
	})
}

// ensurePoolAccount creates the pool account (pool.OwnerID) if it is not
// there: a disabled user with no team, no password and a username no real
// one can have, which owns the customers in the pool. It is created with
// the first return rather than by the migration: in an empty SQLite users
// table a row -1 would give the first real user the id 0. Store lookups by
// username and the user count leave it out (ids below 1).
func ensurePoolAccount(ctx context.Context, tx *Tx, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO users (id, username, display_name, role, password_hash, password_changed_at, disabled_at,
		version, created_at, updated_at) VALUES (?, '_pool', '公海', 'system', '!', ?, ?, 1, ?, ?) ON CONFLICT (id) DO NOTHING`,
		pool.OwnerID, now, now, now, now)
	return err
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// The pool's tables the plan check may see scanned, and why.
func init() {
	smallTables["pool_rules"] = true
	planAllowed = append(planAllowed,
		planAllow{Table: "customers", Problem: "full scan", SQL: "SELECT c.id, c.name, c.owner_id, c.team_id, c.created_at FROM customers c WHERE c.deleted_at IS NULL AND c.id > ?",
			Reason: "the pool's return job walks every live customer by id, a batch at a time (the primary key's order)."},
		planAllow{Table: "pool_customers", Problem: "full scan", SQL: "SELECT COUNT(*) FROM (SELECT 1 FROM pool_customers pc",
			Reason: "the pool's total stops counting at 10,001 rows."},
		planAllow{Table: "customers", Problem: "full scan", SQL: "SELECT COUNT(*) FROM (SELECT 1 FROM pool_customers pc",
			Reason: "the pool's total stops counting at 10,001 rows; its customers are read by id."},
		planAllow{Table: "pool_due", Problem: "full scan", SQL: "SELECT COUNT(*) FROM (SELECT 1 FROM pool_due d WHERE 1 = 1",
			Reason: "the upcoming returns of everyone (the gm) stop counting at 10,001 rows; pool_due holds only the customers within their notice window."},
		planAllow{Table: "leads", Problem: "full scan", SQL: "SELECT COUNT(*) FROM (SELECT 1 FROM leads l WHERE",
			Reason: "a lead list's total stops counting at 10,001 rows."},
	)
}

var _ pool.Store = (*DB)(nil)
