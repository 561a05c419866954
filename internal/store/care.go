package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/msg"
)

// careTierSQL is a customer's tier for care: its level in the scheme
// with the lowest id it is ranked in (” unranked).
const careTierSQL = `COALESCE((SELECT t.level FROM customer_tiers t WHERE t.customer_id = c.id ORDER BY t.scheme_id LIMIT 1), '')`

// CareTarget reads a contact in scope with what care needs.
func (db *DB) CareTarget(ctx context.Context, contactID int64, scope crm.Scope) (care.Target, error) {
	cond, args := ownScope(scope)
	var t care.Target
	var team sql.NullInt64
	var owner sql.NullString
	err := db.QueryRow(ctx, `SELECT k.id, k.name, k.gender, k.email, k.mobile_enc, k.care_opt_out, c.id, c.name, c.owner_id, c.team_id,
		(SELECT COALESCE(NULLIF(u.display_name, ''), u.username) FROM users u WHERE u.id = c.owner_id), `+careTierSQL+`
		FROM contacts k JOIN customers c ON c.id = k.customer_id
		WHERE k.id = ? AND c.deleted_at IS NULL AND `+cond, append([]any{contactID}, args...)...).
		Scan(&t.ContactID, &t.ContactName, &t.Gender, &t.Email, &t.MobileEnc, &t.OptOut, &t.CustomerID, &t.CustomerName, &t.OwnerID, &team, &owner, &t.Tier)
	t.TeamID, t.OwnerName = team.Int64, owner.String
	return t, noSuch(err, "customer.no_such_contact")
}

// SetCareOptOut sets a contact's care opt-out.
func (db *DB) SetCareOptOut(ctx context.Context, contactID int64, optOut bool, at time.Time, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var when any
		if optOut {
			when = at
		}
		_, err := tx.Exec(ctx, "UPDATE contacts SET care_opt_out = ?, care_opt_out_at = ? WHERE id = ?", optOut, when, contactID)
		return err
	})
}

// LeadRules lists the lead-time rules.
func (db *DB) LeadRules(ctx context.Context) ([]care.LeadRule, error) {
	return queryAll(ctx, db, func(s scanner) (care.LeadRule, error) {
		var r care.LeadRule
		return r, s.Scan(&r.ID, &r.Tier, &r.Occasion, &r.Days, &r.UpdatedAt)
	}, "SELECT id, tier, occasion, days, updated_at FROM care_lead_rules ORDER BY tier, occasion")
}

// PutLeadRule inserts or replaces the rule of a tier and occasion.
func (db *DB) PutLeadRule(ctx context.Context, r *care.LeadRule, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO care_lead_rules (tier, occasion, days, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (tier, occasion) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at RETURNING id`,
			r.Tier, r.Occasion, r.Days, r.UpdatedAt).Scan(&r.ID)
	})
}

// TierLevels lists the level codes of every tier scheme.
func (db *DB) TierLevels(ctx context.Context) ([]string, error) {
	schemes, err := db.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sc := range schemes {
		for _, l := range sc.Levels {
			out = append(out, l.Code)
		}
	}
	return out, nil
}

// DeleteLeadRule removes a lead-time rule.
func (db *DB) DeleteLeadRule(ctx context.Context, id int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM care_lead_rules WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.ENotFound, "care.lead.no_such", id)
		}
		return nil
	})
}

// UpdateCareDate changes an admin-defined date's name, day and tier.
func (db *DB) UpdateCareDate(ctx context.Context, d *care.CareDate, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE care_dates SET name = ?, month = ?, day = ?, lunar = ?, tier = ? WHERE id = ?",
			d.Name, d.Month, d.Day, boolInt(d.Lunar), d.Tier, d.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.ENotFound, "care.date.no_such", d.ID)
		}
		return nil
	})
}

// DeleteCareDate removes an admin-defined date and its open reminders
// not yet posted.
func (db *DB) DeleteCareDate(ctx context.Context, id int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM care_dates WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.ENotFound, "care.date.no_such", id)
		}
		return nil
	})
}

// CareDates lists the admin-defined dates.
func (db *DB) CareDates(ctx context.Context) ([]care.CareDate, error) {
	return queryAll(ctx, db, func(s scanner) (care.CareDate, error) {
		var d care.CareDate
		return d, s.Scan(&d.ID, &d.Name, &d.Month, &d.Day, &d.Lunar, &d.Tier, &d.CreatedAt, &d.CreatedBy)
	}, "SELECT id, name, month, day, lunar, tier, created_at, created_by FROM care_dates ORDER BY id")
}

// CreateCareDate adds an admin-defined date.
func (db *DB) CreateCareDate(ctx context.Context, d *care.CareDate, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO care_dates (name, month, day, lunar, tier, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.Name, d.Month, d.Day, boolInt(d.Lunar), d.Tier, d.CreatedAt, d.CreatedBy).Scan(&d.ID)
		e.EntityID = strconv.FormatInt(d.ID, 10)
		return err
	})
}

// CareCandidates reads up to n contacts after contact id after, by id,
// of live customers, with their owner and tier.
func (db *DB) CareCandidates(ctx context.Context, after int64, n int) ([]care.Candidate, error) {
	return queryAll(ctx, db, func(s scanner) (care.Candidate, error) {
		var c care.Candidate
		return c, s.Scan(&c.ContactID, &c.CustomerID, &c.OwnerID, &c.Tier, &c.Primary, &c.Birthday, &c.BirthdayLunar, &c.BirthdayLeap)
	}, `SELECT k.id, c.id, c.owner_id, `+careTierSQL+`, k.is_primary, k.birthday, k.birthday_lunar, k.birthday_leap
		FROM contacts k JOIN customers c ON c.id = k.customer_id
		WHERE k.id > ? AND c.deleted_at IS NULL ORDER BY k.id LIMIT ?`, after, n)
}

// InsertReminders writes reminders, one per contact, occasion and
// year: a reminder already written keeps its id and, once posted or
// done, its dates; an open one not yet posted takes the new dates (a
// changed lead rule or birthday). With sweep, the open, unposted, not yet
// due reminders of the sweep's contacts and window that this run did not
// write (a birthday removed or turned from lunar to Gregorian) go. It
// returns how many are new.
func (db *DB) InsertReminders(ctx context.Context, rs []care.NewReminder, at time.Time, sweep *care.Sweep) (int, error) {
	total := 0
	run := ""
	if sweep != nil {
		run = sweep.Run
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		total = 0
		for start := 0; start < len(rs); start += 200 {
			part := rs[start:min(start+200, len(rs))]
			args := make([]any, 0, len(part)*11+1)
			for _, r := range part {
				args = append(args, r.ContactID, r.CustomerID, r.OwnerID, r.Occasion, r.Year, r.Date, r.RemindOn, r.Note, at, run, run)
			}
			var n int
			err := eachRow(ctx, tx, func(s scanner) error {
				var fresh bool
				if err := s.Scan(&fresh); err != nil {
					return err
				}
				if fresh {
					n++
				}
				return nil
			}, `INSERT INTO care_reminders AS r (contact_id, customer_id, owner_id, occasion, occasion_year, occasion_date, remind_on, note, created_at, run, created_run) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", ")+
				` ON CONFLICT (contact_id, occasion, occasion_year) DO UPDATE SET run = excluded.run,
				occasion_date = CASE WHEN r.status = 'open' AND r.notified_at IS NULL THEN excluded.occasion_date ELSE r.occasion_date END,
				remind_on = CASE WHEN r.status = 'open' AND r.notified_at IS NULL THEN excluded.remind_on ELSE r.remind_on END,
				note = CASE WHEN r.status = 'open' AND r.notified_at IS NULL THEN excluded.note ELSE r.note END
				RETURNING CASE WHEN created_run = ? THEN 1 ELSE 0 END`, append(args, run)...)
			if err != nil {
				return fmt.Errorf("store: care reminders: %w", err)
			}
			total += n
		}
		if sweep == nil {
			return nil
		}
		_, err := tx.Exec(ctx, `DELETE FROM care_reminders WHERE contact_id >= ? AND contact_id <= ? AND run <> ?
			AND status = 'open' AND notified_at IS NULL AND occasion_date >= ? AND occasion_date <= ? AND remind_on >= ?`,
			sweep.FirstID, sweep.LastID, sweep.Run, sweep.From, sweep.To, sweep.Today)
		return err
	})
	return total, err
}

// NotifyDueReminders posts up to limit reminders due by today (and not
// yet posted) to their owners' inboxes and marks them posted.
func (db *DB) NotifyDueReminders(ctx context.Context, today string, at time.Time, limit int) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		type due struct {
			id, owner              int64
			occ, date, who, client string
		}
		var list []due
		err := eachRow(ctx, tx, func(s scanner) error {
			var d due
			err := s.Scan(&d.id, &d.owner, &d.occ, &d.date, &d.who, &d.client)
			list = append(list, d)
			return err
		}, `SELECT r.id, r.owner_id, r.occasion, r.occasion_date, k.name, c.name
			FROM care_reminders r JOIN contacts k ON k.id = r.contact_id JOIN customers c ON c.id = r.customer_id
			WHERE r.notified_at IS NULL AND r.remind_on <= ? ORDER BY r.remind_on, r.id LIMIT ?`, today, limit)
		if err != nil {
			return err
		}
		n = len(list)
		for _, d := range list {
			occ := msg.M("care.occasion." + d.occ)
			if strings.HasPrefix(d.occ, care.OccCustomPrefix) {
				occ = msg.M("care.occasion.custom")
			}
			text := msg.M("care.notice.reminder", d.who, d.client, occ, d.date)
			key, args := storedText(text)
			if d.owner > 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, kind, entity, entity_id, message, msg_key, msg_args, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.owner, "care_reminder", "care_reminder", strconv.FormatInt(d.id, 10), text.In(msg.ZhCN), key, args, at); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, "UPDATE care_reminders SET notified_at = ? WHERE id = ?", at, d.id); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

const reminderCols = `r.id, r.contact_id, k.name, r.customer_id, c.name, r.owner_id, r.occasion, r.occasion_year, r.occasion_date,
	r.remind_on, r.note, r.status, r.notified_at, r.created_at`

func scanReminder(s scanner) (care.Reminder, error) {
	var r care.Reminder
	var notified sql.NullTime
	err := s.Scan(&r.ID, &r.ContactID, &r.ContactName, &r.CustomerID, &r.CustomerName, &r.OwnerID, &r.Occasion, &r.Year, &r.Date,
		&r.RemindOn, &r.Note, &r.Status, &notified, &r.CreatedAt)
	if notified.Valid {
		t := notified.Time
		r.NotifiedAt = &t
	}
	return r, err
}

// Reminders lists reminders in the filter's scope by remind_on, id.
func (db *DB) Reminders(ctx context.Context, f care.ReminderFilter) ([]care.Reminder, error) {
	cond, args := ownScope(f.Scope)
	where := []string{cond, "c.deleted_at IS NULL"}
	if f.From != "" {
		where, args = append(where, "r.remind_on >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "r.remind_on <= ?"), append(args, f.To)
	}
	if f.OccasionFrom != "" {
		where, args = append(where, "r.occasion_date >= ?"), append(args, f.OccasionFrom)
	}
	if f.CustomerID > 0 {
		where, args = append(where, "r.customer_id = ?"), append(args, f.CustomerID)
	}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, f.Status)
	}
	if f.AfterDate != "" {
		where, args = append(where, "(r.remind_on > ? OR (r.remind_on = ? AND r.id > ?))"), append(args, f.AfterDate, f.AfterDate, f.AfterID)
	}
	if f.Limit <= 0 || f.Limit > 501 { // a page of 500 and one more
		f.Limit = 100
	}
	return queryAll(ctx, db, scanReminder, `SELECT `+reminderCols+`
		FROM care_reminders r JOIN customers c ON c.id = r.customer_id JOIN contacts k ON k.id = r.contact_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.remind_on, r.id LIMIT ?`, append(args, f.Limit)...)
}

// Reminder reads one reminder in scope.
func (db *DB) Reminder(ctx context.Context, id int64, scope crm.Scope) (care.Reminder, error) {
	cond, args := ownScope(scope)
	r, err := scanReminder(db.QueryRow(ctx, `SELECT `+reminderCols+`
		FROM care_reminders r JOIN customers c ON c.id = r.customer_id JOIN contacts k ON k.id = r.contact_id
		WHERE r.id = ? AND `+cond, append([]any{id}, args...)...))
	return r, noSuch(err, "care.reminder.no_such", id)
}

// SetReminderStatus marks a reminder open or done.
func (db *DB) SetReminderStatus(ctx context.Context, id int64, status string, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "UPDATE care_reminders SET status = ? WHERE id = ?", status, id)
		return err
	})
}

const templateCols = "id, occasion, lang, subject, body, version, updated_at, updated_by"

func scanTemplate(s scanner) (care.Template, error) {
	var t care.Template
	return t, s.Scan(&t.ID, &t.Occasion, &t.Lang, &t.Subject, &t.Body, &t.Version, &t.UpdatedAt, &t.UpdatedBy)
}

// Templates lists the greeting templates.
func (db *DB) Templates(ctx context.Context) ([]care.Template, error) {
	return queryAll(ctx, db, scanTemplate, "SELECT "+templateCols+" FROM greeting_templates ORDER BY occasion, lang")
}

// Template reads one greeting template.
func (db *DB) Template(ctx context.Context, id int64) (care.Template, error) {
	t, err := scanTemplate(db.QueryRow(ctx, "SELECT "+templateCols+" FROM greeting_templates WHERE id = ?", id))
	return t, noSuch(err, "care.template.no_such", id)
}

// TemplateFor reads the template of an occasion and language.
func (db *DB) TemplateFor(ctx context.Context, occasion, lang string) (care.Template, error) {
	t, err := scanTemplate(db.QueryRow(ctx, "SELECT "+templateCols+" FROM greeting_templates WHERE occasion = ? AND lang = ?", occasion, lang))
	return t, noSuch(err, "care.template.none_for", occasion, lang)
}

// CreateTemplate adds a template.
func (db *DB) CreateTemplate(ctx context.Context, t *care.Template, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO greeting_templates (occasion, lang, subject, body, version, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.Occasion, t.Lang, t.Subject, t.Body, t.Version, t.UpdatedAt, t.UpdatedBy).Scan(&t.ID)
		if isUniqueViolation(err) {
			return crm.Invalid(crm.Bad("occasion", "taken", "care.template.taken", t.Occasion, t.Lang))
		}
		e.EntityID = strconv.FormatInt(t.ID, 10)
		return err
	})
}

// UpdateTemplate saves t if version is its current one.
func (db *DB) UpdateTemplate(ctx context.Context, t *care.Template, version int, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE greeting_templates SET subject = ?, body = ?, version = version + 1, updated_at = ?, updated_by = ?
			WHERE id = ? AND version = ?`, t.Subject, t.Body, t.UpdatedAt, t.UpdatedBy, t.ID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "care.template.changed")
		}
		return nil
	})
}

const greetingCols = "g.id, COALESCE(g.contact_id, 0), g.customer_id, g.occasion, g.channel, g.recipient, g.subject, g.body, g.status, g.reason, g.provider_id, g.sent_by, g.created_at"

func scanGreeting(s scanner) (care.Greeting, error) {
	var g care.Greeting
	return g, s.Scan(&g.ID, &g.ContactID, &g.CustomerID, &g.Occasion, &g.Channel, &g.Recipient, &g.Subject, &g.Body, &g.Status, &g.Reason, &g.ProviderID, &g.SentBy, &g.CreatedAt)
}

// InsertGreeting logs a greeting with its audit entry.
func (db *DB) InsertGreeting(ctx context.Context, g *care.Greeting, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO greetings (contact_id, customer_id, occasion, channel, recipient, subject, body, status, reason, provider_id, sent_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, g.ContactID, g.CustomerID, g.Occasion, g.Channel, g.Recipient, g.Subject, g.Body,
			g.Status, g.Reason, g.ProviderID, g.SentBy, g.CreatedAt).Scan(&g.ID)
		e.EntityID = strconv.FormatInt(g.ID, 10)
		return err
	})
}

// Greetings lists the send log in scope, of a contact (0: all), newest first.
func (db *DB) Greetings(ctx context.Context, contactID int64, scope crm.Scope, beforeID int64, limit int) ([]care.Greeting, error) {
	cond, args := ownScope(scope)
	where := []string{cond}
	if contactID > 0 {
		where, args = append(where, "g.contact_id = ?"), append(args, contactID)
	}
	if beforeID > 0 {
		where, args = append(where, "g.id < ?"), append(args, beforeID)
	}
	if limit <= 0 || limit > 501 { // a page of 500 and one more
		limit = 100
	}
	return queryAll(ctx, db, scanGreeting, "SELECT "+greetingCols+` FROM greetings g JOIN customers c ON c.id = g.customer_id
		WHERE `+strings.Join(where, " AND ")+" ORDER BY g.id DESC LIMIT ?", append(args, limit)...)
}

// Greeting reads one logged greeting in scope.
func (db *DB) Greeting(ctx context.Context, id int64, scope crm.Scope) (care.Greeting, error) {
	cond, args := ownScope(scope)
	g, err := scanGreeting(db.QueryRow(ctx, "SELECT "+greetingCols+` FROM greetings g JOIN customers c ON c.id = g.customer_id
		WHERE g.id = ? AND `+cond, append([]any{id}, args...)...))
	return g, noSuch(err, "care.greeting.no_such", id)
}

func scanBudget(s scanner) (care.Budget, error) {
	var b care.Budget
	var amount int64
	err := s.Scan(&b.ID, &b.Tier, &b.Year, &amount, &b.Version, &b.UpdatedAt)
	b.Amount = sales.Money(amount)
	return b, err
}

// Budgets lists the gift budgets of a year (0: all).
func (db *DB) Budgets(ctx context.Context, year int) ([]care.Budget, error) {
	if year > 0 {
		return queryAll(ctx, db, scanBudget, "SELECT id, tier, year, amount_fen, version, updated_at FROM gift_budgets WHERE year = ? ORDER BY tier", year)
	}
	return queryAll(ctx, db, scanBudget, "SELECT id, tier, year, amount_fen, version, updated_at FROM gift_budgets ORDER BY year DESC, tier")
}

// BudgetFor reads the budget of a tier and year.
func (db *DB) BudgetFor(ctx context.Context, tier string, year int) (care.Budget, bool, error) {
	b, err := scanBudget(db.QueryRow(ctx, "SELECT id, tier, year, amount_fen, version, updated_at FROM gift_budgets WHERE tier = ? AND year = ?", tier, year))
	if isNoRows(err) {
		return b, false, nil
	}
	return b, err == nil, err
}

// PutBudget inserts or changes the budget of a tier and year; a change
// needs the version read (b.Version; 0 for a new budget).
func (db *DB) PutBudget(ctx context.Context, b *care.Budget, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var id int64
		var version int
		err := tx.QueryRow(ctx, "SELECT id, version FROM gift_budgets WHERE tier = ? AND year = ?", b.Tier, b.Year).Scan(&id, &version)
		switch {
		case isNoRows(err):
			b.Version = 1
			return tx.QueryRow(ctx, "INSERT INTO gift_budgets (tier, year, amount_fen, version, updated_at) VALUES (?, ?, ?, 1, ?) RETURNING id",
				b.Tier, b.Year, int64(b.Amount), b.UpdatedAt).Scan(&b.ID)
		case err != nil:
			return err
		case b.Version != 0 && b.Version != version:
			return crm.Fail(crm.EVersionConflict, "care.budget.changed")
		}
		b.ID, b.Version = id, version+1
		_, err = tx.Exec(ctx, "UPDATE gift_budgets SET amount_fen = ?, version = ?, updated_at = ? WHERE id = ?", int64(b.Amount), b.Version, b.UpdatedAt, id)
		return err
	})
}

// OwnerSpend sums a manager's approved and pending gifts of a tier in a year.
func (db *DB) OwnerSpend(ctx context.Context, ownerID int64, tier string, year int) (approved, pending sales.Money, err error) {
	var a, p int64
	err = db.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'approved' THEN cost_fen ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'pending' THEN cost_fen ELSE 0 END), 0)
		FROM gifts WHERE owner_id = ? AND year = ? AND tier = ? AND status IN ('approved', 'pending')`, ownerID, year, tier).Scan(&a, &p)
	return sales.Money(a), sales.Money(p), err
}

const giftCols = `g.id, COALESCE(g.contact_id, 0), g.customer_id, g.owner_id, g.team_id, g.tier, g.year, g.item, g.cost_fen, g.occasion, g.status,
	g.approved_by, g.decided_at, g.note, g.version, g.created_by, g.created_at`

func scanGift(s scanner) (care.Gift, error) {
	var g care.Gift
	var team sql.NullInt64
	var cost int64
	var decided sql.NullTime
	err := s.Scan(&g.ID, &g.ContactID, &g.CustomerID, &g.OwnerID, &team, &g.Tier, &g.Year, &g.Item, &cost, &g.Occasion, &g.Status,
		&g.ApprovedBy, &decided, &g.Note, &g.Version, &g.CreatedBy, &g.CreatedAt)
	g.TeamID, g.Cost = team.Int64, sales.Money(cost)
	if decided.Valid {
		t := decided.Time
		g.DecidedAt = &t
	}
	return g, err
}

// InsertGift records a gift with its audit entry. The manager's spend is
// read inside the writing transaction and, on PostgreSQL, under a lock of
// the manager, tier and year (SQLite's writing transaction is the only
// writer), so concurrent gifts cannot both pass the budget.
func (db *DB) InsertGift(ctx context.Context, g *care.Gift, e *crm.AuditEntry, status func(approved, pending sales.Money) string) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if tx.Engine() == Postgres {
			h := fnv.New64a()
			fmt.Fprintf(h, "kehu.gift.budget\x00%d|%d|%s", g.OwnerID, g.Year, g.Tier)
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(h.Sum64())); err != nil {
				return fmt.Errorf("store: lock the gift budget: %w", err)
			}
		}
		if status != nil {
			var a, p int64
			if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'approved' THEN cost_fen ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN status = 'pending' THEN cost_fen ELSE 0 END), 0)
				FROM gifts WHERE owner_id = ? AND year = ? AND tier = ? AND status IN ('approved', 'pending')`, g.OwnerID, g.Year, g.Tier).Scan(&a, &p); err != nil {
				return err
			}
			g.Status = status(sales.Money(a), sales.Money(p))
			e.Detail = withDetail(e.Detail, "status", g.Status)
		}
		var team any
		if g.TeamID != 0 {
			team = g.TeamID
		}
		err := tx.QueryRow(ctx, `INSERT INTO gifts (contact_id, customer_id, owner_id, team_id, tier, year, item, cost_fen, occasion, status, approved_by, note, version, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, g.ContactID, g.CustomerID, g.OwnerID, team, g.Tier, g.Year, g.Item,
			int64(g.Cost), g.Occasion, g.Status, g.ApprovedBy, g.Note, g.CreatedBy, g.CreatedAt).Scan(&g.ID)
		e.EntityID = strconv.FormatInt(g.ID, 10)
		if err != nil || g.Status != care.GiftPending || g.TeamID == 0 {
			return err
		}
		// Over budget: the team's sales managers decide; tell them.
		text := msg.M("care.notice.gift_pending", g.Item, g.Cost.Yuan(), g.CreatedBy)
		key, args := storedText(text)
		_, err = tx.Exec(ctx, `INSERT INTO notifications (user_id, kind, entity, entity_id, message, msg_key, msg_args, created_at)
			SELECT id, 'gift_pending', 'gift', ?, ?, ?, ?, ? FROM users WHERE team_id = ? AND role = 'sales_manager' AND disabled_at IS NULL`,
			e.EntityID, text.In(msg.ZhCN), key, args, g.CreatedAt, g.TeamID)
		return err
	})
}

// Gift reads one gift in scope.
func (db *DB) Gift(ctx context.Context, id int64, scope crm.Scope) (care.Gift, error) {
	cond, args := ownScope(scope)
	g, err := scanGift(db.QueryRow(ctx, "SELECT "+giftCols+` FROM gifts g JOIN customers c ON c.id = g.customer_id
		WHERE g.id = ? AND `+cond, append([]any{id}, args...)...))
	return g, noSuch(err, "care.gift.no_such", id)
}

// Gifts lists gifts in scope, newest first, before beforeID (0: newest).
func (db *DB) Gifts(ctx context.Context, scope crm.Scope, status string, contactID, beforeID int64, limit int) ([]care.Gift, error) {
	cond, args := ownScope(scope)
	where := []string{cond}
	if status != "" {
		where, args = append(where, "g.status = ?"), append(args, status)
	}
	if contactID > 0 {
		where, args = append(where, "g.contact_id = ?"), append(args, contactID)
	}
	if beforeID > 0 {
		where, args = append(where, "g.id < ?"), append(args, beforeID)
	}
	if limit <= 0 || limit > 501 { // a page of 500 and one more
		limit = 100
	}
	return queryAll(ctx, db, scanGift, "SELECT "+giftCols+` FROM gifts g JOIN customers c ON c.id = g.customer_id
		WHERE `+strings.Join(where, " AND ")+" ORDER BY g.id DESC LIMIT ?", append(args, limit)...)
}

// DecideGift approves or rejects a pending gift at version.
func (db *DB) DecideGift(ctx context.Context, id int64, version int, status, by string, at time.Time, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE gifts SET status = ?, approved_by = ?, decided_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'pending'`, status, by, at, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "care.gift.changed")
		}
		return nil
	})
}

// Spends sums the year's gifts per manager and tier, for customers in scope.
func (db *DB) Spends(ctx context.Context, scope crm.Scope, year int) ([]care.Spend, error) {
	cond, args := ownScope(scope)
	return queryAll(ctx, db, func(s scanner) (care.Spend, error) {
		var r care.Spend
		var team sql.NullInt64
		var owner, teamName sql.NullString
		var a, p int64
		err := s.Scan(&r.OwnerID, &owner, &team, &teamName, &r.Tier, &a, &p)
		r.Owner, r.TeamID, r.TeamName, r.Spent, r.Pending = owner.String, team.Int64, teamName.String, sales.Money(a), sales.Money(p)
		return r, err
	}, `SELECT g.owner_id, MAX(COALESCE(NULLIF(u.display_name, ''), u.username)), MAX(g.team_id), MAX(tm.name), g.tier,
		COALESCE(SUM(CASE WHEN g.status = 'approved' THEN g.cost_fen ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN g.status = 'pending' THEN g.cost_fen ELSE 0 END), 0)
		FROM gifts g JOIN customers c ON c.id = g.customer_id LEFT JOIN users u ON u.id = g.owner_id LEFT JOIN teams tm ON tm.id = g.team_id
		WHERE g.year = ? AND `+cond+` GROUP BY g.owner_id, g.tier ORDER BY g.owner_id, g.tier`, append([]any{year}, args...)...)
}
