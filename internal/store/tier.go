package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/tier"
)

// schemeBody is what tier_schemes.body keeps of a scheme.
func schemeBody(s tier.Scheme) string {
	c := s
	c.ID, c.Version, c.Active, c.UpdatedAt, c.UpdatedBy = 0, 0, false, time.Time{}, ""
	b, _ := json.Marshal(c)
	return string(b)
}

func scanScheme(sc scanner) (tier.Scheme, error) {
	var s tier.Scheme
	var id int64
	var version, active int
	var body, by string
	var at time.Time
	if err := sc.Scan(&id, &version, &active, &body, &at, &by); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		return s, fmt.Errorf("store: tier scheme %d: %w", id, err)
	}
	s.ID, s.Version, s.Active, s.UpdatedAt, s.UpdatedBy = id, version, active == 1, at, by
	_ = tier.Validate(&s) // fills the defaults and parses the amounts of a stored scheme
	return s, nil
}

// Schemes returns every tier scheme by id.
func (db *DB) Schemes(ctx context.Context) ([]tier.Scheme, error) {
	return queryAll(ctx, db, scanScheme, "SELECT id, version, active, body, updated_at, updated_by FROM tier_schemes ORDER BY id")
}

// Scheme returns one tier scheme.
func (db *DB) Scheme(ctx context.Context, id int64) (tier.Scheme, error) {
	s, err := scanScheme(db.QueryRow(ctx, "SELECT id, version, active, body, updated_at, updated_by FROM tier_schemes WHERE id = ?", id))
	return s, noSuch(err, "tier_err.no_such_scheme", id)
}

// SchemeAt returns version of scheme id as it was saved.
func (db *DB) SchemeAt(ctx context.Context, id int64, version int) (tier.Scheme, error) {
	s, err := scanScheme(db.QueryRow(ctx, `SELECT v.scheme_id, v.version, s.active, v.body, v.created_at, v.created_by
		FROM tier_scheme_versions v JOIN tier_schemes s ON s.id = v.scheme_id WHERE v.scheme_id = ? AND v.version = ?`, id, version))
	return s, noSuch(err, "tier_err.no_such_scheme", id)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateScheme inserts s as version 1, with e.
func (db *DB) CreateScheme(ctx context.Context, s *tier.Scheme, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		body := schemeBody(*s)
		err := tx.QueryRow(ctx, `INSERT INTO tier_schemes (code, kind, active, version, body, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Code, string(s.Kind), boolInt(s.Active), s.Version, body, s.UpdatedAt, s.UpdatedBy).Scan(&s.ID)
		if isUniqueViolation(err) {
			return crm.Invalid(crm.Bad("code", "taken", "tier_err.code_taken", s.Code))
		}
		if err != nil {
			return err
		}
		e.EntityID = fmt.Sprint(s.ID)
		_, err = tx.Exec(ctx, "INSERT INTO tier_scheme_versions (scheme_id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
			s.ID, s.Version, body, s.UpdatedAt, s.UpdatedBy)
		return err
	})
}

// UpdateScheme saves s as its scheme's next version when version is
// still the current one.
func (db *DB) UpdateScheme(ctx context.Context, s *tier.Scheme, version int, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		body := schemeBody(*s)
		res, err := tx.Exec(ctx, `UPDATE tier_schemes SET active = ?, version = ?, body = ?, updated_at = ?, updated_by = ?
			WHERE id = ? AND version = ?`, boolInt(s.Active), s.Version, body, s.UpdatedAt, s.UpdatedBy, s.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "tier_err.changed_version", s.Code, version+1, version)
		}
		_, err = tx.Exec(ctx, "INSERT INTO tier_scheme_versions (scheme_id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
			s.ID, s.Version, body, s.UpdatedAt, s.UpdatedBy)
		return err
	})
}

// Population reads every live customer's facts: the window's sales
// summed over months and shards, the last purchase, the complaints
// received since complaintsFrom, and the watch flags.
func (db *DB) Population(ctx context.Context, windowFrom string, complaintsFrom time.Time) ([]tier.Facts, error) {
	var out []tier.Facts
	var after int64
	for {
		ids, err := queryIDs(ctx, db, "SELECT id FROM customers c WHERE c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?", after, 5000)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return out, nil
		}
		facts, err := db.facts(ctx, ids, windowFrom, complaintsFrom)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, *facts[id])
		}
		after = ids[len(ids)-1]
	}
}

// facts reads the facts of the customers ids.
func (db *DB) facts(ctx context.Context, ids []int64, windowFrom string, complaintsFrom time.Time) (map[int64]*tier.Facts, error) {
	out := make(map[int64]*tier.Facts, len(ids))
	for _, id := range ids {
		out[id] = &tier.Facts{CustomerID: id}
	}
	for _, chunk := range chunks(ids, 500) {
		args := int64Args(chunk)
		in := inList(len(chunk))
		err := eachRow(ctx, db, func(s scanner) error {
			var id, lines, amount int64
			var last, month string
			if err := s.Scan(&id, &month, &lines, &amount, &last); err != nil {
				return err
			}
			f := out[id]
			if month >= windowFrom {
				f.Orders += lines
				f.AmountFen += amount
			}
			if last > f.LastPurchase {
				f.LastPurchase = last
			}
			return nil
		}, "SELECT customer_id, month, lines, amount_fen, last_date FROM customer_sales_months WHERE customer_id IN ("+in+")", args...)
		if err != nil {
			return nil, fmt.Errorf("store: tier sales facts: %w", err)
		}
		err = eachRow(ctx, db, func(s scanner) error {
			var id int64
			var n int
			if err := s.Scan(&id, &n); err != nil {
				return err
			}
			out[id].Complaints = n
			return nil
		}, "SELECT customer_id, COUNT(*) FROM complaints WHERE customer_id IN ("+in+") AND received_at >= ? GROUP BY customer_id",
			append(args, complaintsFrom.UTC())...)
		if err != nil {
			return nil, fmt.Errorf("store: tier complaint facts: %w", err)
		}
		err = eachRow(ctx, db, func(s scanner) error {
			var id int64
			var reason string
			if err := s.Scan(&id, &reason); err != nil {
				return err
			}
			out[id].Flagged, out[id].FlagReason = true, reason
			return nil
		}, "SELECT customer_id, reason FROM tier_flags WHERE customer_id IN ("+in+")", args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

const customerTierColumns = `t.scheme_id, t.customer_id, t.level, t.since, t.source, t.inputs, t.computed, t.pending, t.pending_count,
	t.last_period, t.override_level, t.override_reason, t.override_until, t.override_by, t.run_id`

func scanCustomerTier(s scanner) (tier.Current, error) {
	var c tier.Current
	var inputs, olevel, oreason, oby string
	var until sql.NullTime
	err := s.Scan(&c.SchemeID, &c.CustomerID, &c.Level, &c.Since, &c.Source, &inputs, &c.State.Level, &c.State.Pending, &c.State.PendingCount,
		&c.State.LastPeriod, &olevel, &oreason, &until, &oby, &c.RunID)
	if err != nil {
		return c, err
	}
	if olevel != "" && until.Valid {
		c.Override = &tier.Override{Level: olevel, Reason: oreason, Until: until.Time, By: oby}
	}
	return c, json.Unmarshal([]byte(inputs), &c.Inputs)
}

// Members reads up to n live customers after id after with their facts
// and their standing in scheme schemeID.
func (db *DB) Members(ctx context.Context, schemeID, after int64, n int, windowFrom string, complaintsFrom time.Time) ([]tier.Member, error) {
	var ms []tier.Member
	err := eachRow(ctx, db, func(s scanner) error {
		var m tier.Member
		var team sql.NullInt64
		err := s.Scan(&m.CustomerID, &m.Name, &m.OwnerID, &team)
		m.TeamID = team.Int64
		ms = append(ms, m)
		return err
	}, "SELECT c.id, c.name, c.owner_id, c.team_id FROM customers c WHERE c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?", after, n)
	if err != nil || len(ms) == 0 {
		return ms, err
	}
	return ms, db.fillMembers(ctx, schemeID, ms, windowFrom, complaintsFrom)
}

func (db *DB) fillMembers(ctx context.Context, schemeID int64, ms []tier.Member, windowFrom string, complaintsFrom time.Time) error {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.CustomerID
	}
	facts, err := db.facts(ctx, ids, windowFrom, complaintsFrom)
	if err != nil {
		return err
	}
	cur := map[int64]*tier.Current{}
	for _, chunk := range chunks(ids, 500) {
		err := eachRow(ctx, db, func(s scanner) error {
			c, err := scanCustomerTier(s)
			cur[c.CustomerID] = &c
			return err
		}, "SELECT "+customerTierColumns+" FROM customer_tiers t WHERE t.scheme_id = ? AND t.customer_id IN ("+inList(len(chunk))+")",
			append([]any{schemeID}, int64Args(chunk)...)...)
		if err != nil {
			return err
		}
	}
	for i := range ms {
		ms[i].Facts = *facts[ms[i].CustomerID]
		ms[i].Current = cur[ms[i].CustomerID]
	}
	return nil
}

// Member reads one live customer with its facts and standing in a scheme
// (facts over the last twelve months).
func (db *DB) Member(ctx context.Context, schemeID, customerID int64) (tier.Member, error) {
	var m tier.Member
	var team sql.NullInt64
	err := db.QueryRow(ctx, "SELECT c.id, c.name, c.owner_id, c.team_id FROM customers c WHERE c.id = ? AND c.deleted_at IS NULL", customerID).
		Scan(&m.CustomerID, &m.Name, &m.OwnerID, &team)
	if err != nil {
		return m, noSuch(err, "tier_err.no_such_customer", customerID)
	}
	m.TeamID = team.Int64
	from, first := tier.Window(12, time.Now().UTC())
	ms := []tier.Member{m}
	if err := db.fillMembers(ctx, schemeID, ms, from, first); err != nil {
		return m, err
	}
	return ms[0], nil
}

// writeChanges upserts each change's standing and, for a changed level,
// closes the open history entry and starts the next.
func writeChanges(ctx context.Context, tx *Tx, changes []tier.Change) error {
	for _, c := range changes {
		n := c.Next
		inputs, _ := json.Marshal(n.Inputs)
		var ol, or, ob string
		var ou any
		if n.Override != nil {
			ol, or, ob, ou = n.Override.Level, n.Override.Reason, n.Override.By, n.Override.Until.UTC()
		}
		_, err := tx.Exec(ctx, `INSERT INTO customer_tiers (scheme_id, customer_id, level, since, source, inputs, computed, pending, pending_count,
			last_period, override_level, override_reason, override_until, override_by, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (scheme_id, customer_id) DO UPDATE SET level = excluded.level, since = excluded.since, source = excluded.source,
			inputs = excluded.inputs, computed = excluded.computed, pending = excluded.pending, pending_count = excluded.pending_count,
			last_period = excluded.last_period, override_level = excluded.override_level, override_reason = excluded.override_reason,
			override_until = excluded.override_until, override_by = excluded.override_by, run_id = excluded.run_id`,
			n.SchemeID, n.CustomerID, n.Level, n.Since.UTC(), n.Source, string(inputs), n.State.Level, n.State.Pending, n.State.PendingCount,
			n.State.LastPeriod, ol, or, ou, ob, n.RunID)
		if err != nil {
			return fmt.Errorf("store: customer tier: %w", err)
		}
		if h := c.History; h != nil {
			if _, err := tx.Exec(ctx, `UPDATE tier_history SET effective_to = ? WHERE customer_id = ? AND scheme_id = ? AND effective_to IS NULL`,
				h.From.UTC(), h.CustomerID, h.SchemeID); err != nil {
				return err
			}
			hin, _ := json.Marshal(h.Inputs)
			if _, err := tx.Exec(ctx, `INSERT INTO tier_history (scheme_id, scheme_version, customer_id, level, previous, source, reason, inputs,
				effective_from, run_id, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				h.SchemeID, h.SchemeVersion, h.CustomerID, h.Level, h.Previous, h.Source, h.Reason, string(hin), h.From.UTC(), h.RunID, h.By); err != nil {
				return err
			}
		}
	}
	return nil
}

const runColumns = `id, scheme_id, scheme_version, kind, day, status, params, total, done, moved, checkpoint, error, created_at, created_by, finished_at`

func scanRun(s scanner) (tier.Run, error) {
	var r tier.Run
	var fin sql.NullTime
	err := s.Scan(&r.ID, &r.SchemeID, &r.SchemeVersion, &r.Kind, &r.Day, &r.Status, &r.Params, &r.Total, &r.Done, &r.Moved, &r.Checkpoint,
		&r.Error, &r.CreatedAt, &r.CreatedBy, &fin)
	r.FinishedAt = timePtr(fin)
	return r, err
}

// CreateRun queues a run, with e when given.
func (db *DB) CreateRun(ctx context.Context, r *tier.Run, e *crm.AuditEntry) error {
	return db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO tier_runs (scheme_id, scheme_version, kind, day, status, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.SchemeID, r.SchemeVersion, r.Kind, r.Day, r.Status, r.CreatedAt, r.CreatedBy).Scan(&r.ID)
		if err != nil || e == nil {
			return err
		}
		e.Detail = fmt.Sprintf(`{"run":%d,"version":%d}`, r.ID, r.SchemeVersion)
		return tx.AppendAudit(ctx, e)
	})
}

// Run reads a run.
func (db *DB) Run(ctx context.Context, id int64) (tier.Run, error) {
	r, err := scanRun(db.QueryRow(ctx, "SELECT "+runColumns+" FROM tier_runs WHERE id = ?", id))
	return r, noSuch(err, "tier_err.no_such_run", id)
}

// OpenRun returns scheme schemeID's queued or running run, if any.
func (db *DB) OpenRun(ctx context.Context, schemeID int64) (tier.Run, bool, error) {
	r, err := scanRun(db.QueryRow(ctx, "SELECT "+runColumns+" FROM tier_runs WHERE status IN ('queued', 'running') AND scheme_id = ? LIMIT 1", schemeID))
	if isNoRows(err) {
		return r, false, nil
	}
	return r, err == nil, err
}

// HasRun reports whether scheme schemeID has a run of kind for day.
func (db *DB) HasRun(ctx context.Context, schemeID int64, kind, day string) (bool, error) {
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) FROM tier_runs WHERE scheme_id = ? AND kind = ? AND day = ?", schemeID, kind, day).Scan(&n)
	return n > 0, err
}

// ClaimRun leases the oldest queued run, or a running one whose lease
// ran out (its worker stopped), until leaseUntil.
func (db *DB) ClaimRun(ctx context.Context, now, leaseUntil time.Time) (tier.Run, bool, error) {
	var r tier.Run
	found := false
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		r, err = scanRun(tx.QueryRow(ctx, "SELECT "+runColumns+` FROM tier_runs WHERE status = 'queued'
			OR (status = 'running' AND lease_until < ?) ORDER BY id LIMIT 1`, now.UTC()))
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE tier_runs SET status = 'running', lease_until = ? WHERE id = ? AND (status = 'queued' OR lease_until < ?)",
			leaseUntil.UTC(), r.ID, now.UTC())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		found = n == 1
		r.Status = tier.RunRunning
		return nil
	})
	return r, found, err
}

// PrepareRun keeps a run's population figures and size.
func (db *DB) PrepareRun(ctx context.Context, id int64, params string, total int64, leaseUntil time.Time) error {
	_, err := db.Exec(ctx, "UPDATE tier_runs SET params = ?, total = ?, lease_until = ? WHERE id = ?", params, total, leaseUntil.UTC(), id)
	return err
}

// SaveBatch writes a batch of a run and moves its checkpoint, in one
// transaction.
func (db *DB) SaveBatch(ctx context.Context, r tier.Run, changes []tier.Change, notices []crm.Notice, leaseUntil time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := writeChanges(ctx, tx, changes); err != nil {
			return err
		}
		if err := sendNotices(ctx, tx, notices, time.Now().UTC()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE tier_runs SET checkpoint = ?, done = ?, moved = ?, lease_until = ? WHERE id = ?",
			r.Checkpoint, r.Done, r.Moved, leaseUntil.UTC(), r.ID)
		return err
	})
}

// FinishRun ends a run (done or failed), with e when given.
func (db *DB) FinishRun(ctx context.Context, r tier.Run, e *crm.AuditEntry) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE tier_runs SET status = ?, error = ?, finished_at = ?, lease_until = NULL WHERE id = ?",
			r.Status, r.Error, r.FinishedAt, r.ID); err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		return tx.AppendAudit(ctx, e)
	})
}

// CustomerTiers reads a customer's standing in every scheme.
func (db *DB) CustomerTiers(ctx context.Context, customerID int64) ([]tier.Current, error) {
	return queryAll(ctx, db, scanCustomerTier, "SELECT "+customerTierColumns+" FROM customer_tiers t WHERE t.customer_id = ? ORDER BY t.scheme_id", customerID)
}

func tierHistoryWhere(customerID, schemeID, before int64) (string, []any) {
	w, args := "h.customer_id = ?", []any{customerID}
	if schemeID != 0 {
		w, args = w+" AND h.scheme_id = ?", append(args, schemeID)
	}
	if before != 0 {
		w, args = w+" AND h.id < ?", append(args, before)
	}
	return w, args
}

// History lists a customer's tier history, newest first.
func (db *DB) History(ctx context.Context, customerID, schemeID, before int64, limit int) ([]tier.HistoryEntry, error) {
	w, args := tierHistoryWhere(customerID, schemeID, before)
	return queryAll(ctx, db, func(s scanner) (tier.HistoryEntry, error) {
		var h tier.HistoryEntry
		var inputs string
		var to sql.NullTime
		err := s.Scan(&h.ID, &h.SchemeID, &h.SchemeVersion, &h.CustomerID, &h.Level, &h.Previous, &h.Source, &h.Reason, &inputs,
			&h.From, &to, &h.RunID, &h.By)
		if err != nil {
			return h, err
		}
		h.To = timePtr(to)
		return h, json.Unmarshal([]byte(inputs), &h.Inputs)
	}, `SELECT h.id, h.scheme_id, h.scheme_version, h.customer_id, h.level, h.previous, h.source, h.reason, h.inputs,
		h.effective_from, h.effective_to, h.run_id, h.created_by FROM tier_history h WHERE `+w+" ORDER BY h.id DESC LIMIT ?", append(args, limit)...)
}

// HistoryTotal counts a customer's tier history.
func (db *DB) HistoryTotal(ctx context.Context, customerID, schemeID int64) (crm.ListTotal, error) {
	w, args := tierHistoryWhere(customerID, schemeID, 0)
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) FROM tier_history h WHERE "+w, args...).Scan(&n)
	return crm.Exact(n), err
}

// Flag reads a customer's watch flag (nil: none).
func (db *DB) Flag(ctx context.Context, customerID int64) (*tier.Flag, error) {
	f := tier.Flag{CustomerID: customerID}
	err := db.QueryRow(ctx, "SELECT reason, set_at, set_by FROM tier_flags WHERE customer_id = ?", customerID).Scan(&f.Reason, &f.SetAt, &f.SetBy)
	if isNoRows(err) {
		return nil, nil
	}
	return &f, err
}

// SaveChanges writes changes made by hand, the flag (set or cleared),
// their notices and e in one transaction.
func (db *DB) SaveChanges(ctx context.Context, changes []tier.Change, f *tier.Flag, clear bool, customerID int64, notices []crm.Notice, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if f != nil {
			if _, err := tx.Exec(ctx, `INSERT INTO tier_flags (customer_id, reason, set_at, set_by) VALUES (?, ?, ?, ?)
				ON CONFLICT (customer_id) DO UPDATE SET reason = excluded.reason, set_at = excluded.set_at, set_by = excluded.set_by`,
				f.CustomerID, f.Reason, f.SetAt.UTC(), f.SetBy); err != nil {
				return err
			}
		}
		if clear {
			if _, err := tx.Exec(ctx, "DELETE FROM tier_flags WHERE customer_id = ?", customerID); err != nil {
				return err
			}
		}
		if err := writeChanges(ctx, tx, changes); err != nil {
			return err
		}
		return sendNotices(ctx, tx, notices, e.At)
	})
}

// Standards reads the service standards of a scheme (0: of all).
func (db *DB) Standards(ctx context.Context, schemeID int64) ([]tier.Standard, error) {
	w, args := "", []any{}
	if schemeID != 0 {
		w, args = " WHERE scheme_id = ?", []any{schemeID}
	}
	return queryAll(ctx, db, func(s scanner) (tier.Standard, error) {
		var x tier.Standard
		var ded, one int
		err := s.Scan(&x.SchemeID, &x.Level, &ded, &one, &x.VisitEveryDays, &x.ChannelVisit, &x.ChannelPhone, &x.ChannelMessage,
			&x.ReplyHours, &x.SolutionDays, &x.UpdatedAt, &x.UpdatedBy)
		x.DedicatedManager, x.OneToOne = ded == 1, one == 1
		return x, err
	}, `SELECT scheme_id, level, dedicated_manager, one_to_one, visit_every_days, channel_visit, channel_phone, channel_message,
		reply_hours, solution_days, updated_at, updated_by FROM service_standards`+w+" ORDER BY scheme_id, level", args...)
}

// PutStandards replaces a scheme's service standards, with e.
func (db *DB) PutStandards(ctx context.Context, schemeID int64, ss []tier.Standard, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM service_standards WHERE scheme_id = ?", schemeID); err != nil {
			return err
		}
		for _, x := range ss {
			if _, err := tx.Exec(ctx, `INSERT INTO service_standards (scheme_id, level, dedicated_manager, one_to_one, visit_every_days,
				channel_visit, channel_phone, channel_message, reply_hours, solution_days, updated_at, updated_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, schemeID, x.Level, boolInt(x.DedicatedManager), boolInt(x.OneToOne), x.VisitEveryDays,
				x.ChannelVisit, x.ChannelPhone, x.ChannelMessage, x.ReplyHours, x.SolutionDays, x.UpdatedAt, x.UpdatedBy); err != nil {
				return err
			}
		}
		return nil
	})
}

// violationFrom is the customers whose level asks for a dedicated manager
// and whose owner is disabled or manages no customers.
const violationFrom = `FROM customer_tiers t
	JOIN tier_schemes ts ON ts.id = t.scheme_id AND ts.active = 1
	JOIN service_standards ss ON ss.scheme_id = t.scheme_id AND ss.level = t.level AND ss.dedicated_manager = 1
	JOIN customers c ON c.id = t.customer_id AND c.deleted_at IS NULL
	JOIN users u ON u.id = c.owner_id
	WHERE (u.disabled_at IS NOT NULL OR u.role NOT IN ('account_manager', 'sales_manager'))`

// Violations lists the customers in s without the dedicated manager
// their level asks for, by customer id after after.
func (db *DB) Violations(ctx context.Context, s crm.Scope, after int64, limit int) ([]tier.Violation, error) {
	own, args := ownScope(s)
	args = append(args, after, limit)
	return queryAll(ctx, db, func(sc scanner) (tier.Violation, error) {
		var v tier.Violation
		var disabled sql.NullTime
		err := sc.Scan(&v.CustomerID, &v.CustomerName, &v.SchemeID, &v.Level, &v.OwnerID, &v.OwnerName, &disabled)
		v.Problem = "owner_not_manager"
		if disabled.Valid {
			v.Problem = "owner_disabled"
		}
		return v, err
	}, `SELECT c.id, c.name, t.scheme_id, t.level, c.owner_id, CASE WHEN u.display_name <> '' THEN u.display_name ELSE u.username END, u.disabled_at `+
		violationFrom+" AND "+own+" AND c.id > ? ORDER BY c.id, t.scheme_id LIMIT ?", args...)
}

// ViolationTotal counts the violations in s.
func (db *DB) ViolationTotal(ctx context.Context, s crm.Scope) (crm.ListTotal, error) {
	own, args := ownScope(s)
	var n int
	err := db.QueryRow(ctx, "SELECT COUNT(*) "+violationFrom+" AND "+own, args...).Scan(&n)
	return crm.Exact(n), err
}

// The tier tables the plan check may see scanned, and why.
func init() {
	smallTables["tier_schemes"] = true
	smallTables["tier_scheme_versions"] = true
	smallTables["service_standards"] = true
	const violations = "the customers whose tier asks for a dedicated manager and whose owner is none: the owners are read from " +
		"users (the staff), their customers through customers_owner, and the few found are sorted for the page."
	for _, table := range []string{"customers", "customer_tiers", "users"} {
		for _, problem := range []string{"sort under LIMIT", "full scan"} {
			planAllowed = append(planAllowed, planAllow{Table: table, Problem: problem,
				SQL: "JOIN service_standards ss ON ss.scheme_id = t.scheme_id AND ss.level = t.level AND ss.dedicated_manager = 1", Reason: violations})
		}
	}
	planAllowed = append(planAllowed,
		planAllow{Table: "customers", Problem: "full scan", SQL: "SELECT id FROM customers c WHERE c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?",
			Reason: "a tier run walks every live customer by id, a batch at a time (the primary key's order, resumable at the checkpoint)."},
		planAllow{Table: "customers", Problem: "full scan", SQL: "SELECT c.id, c.name, c.owner_id, c.team_id FROM customers c WHERE c.deleted_at IS NULL AND c.id > ?",
			Reason: "a tier run walks every live customer by id, a batch at a time (the primary key's order, resumable at the checkpoint)."},
	)
}

var _ tier.Store = (*DB)(nil)
