package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/tier"
)

// tierCond is the condition of a list filtered by tier: the customers
// whose current level in f.TierScheme is f.TierLevel. Alone, the tier's
// customers come from customer_tiers_level (scheme_id, level,
// customer_id), and so with a tag (which is then looked up by its key, as
// nothing else would lead); with a filter on the customers' own columns
// each of their matches is looked up by its key.
func tierCond(f customer.CustomerFilter) string {
	g := f
	g.TierScheme, g.TierLevel, g.Tag = 0, "", ""
	if !filtered(g) {
		return "c.id IN (SELECT customer_id FROM customer_tiers WHERE scheme_id = ? AND level = ?)"
	}
	return "EXISTS (SELECT 1 FROM customer_tiers ctr WHERE ctr.customer_id = c.id AND ctr.scheme_id = ? AND ctr.level = ?)"
}

// onlyTier reports whether the tier is f's only filter.
func onlyTier(f customer.CustomerFilter) bool {
	g := f
	g.TierScheme, g.TierLevel = 0, ""
	return f.TierLevel != "" && !filtered(g)
}

// tierNewest is the query of the IDs of a list filtered by its tier
// alone, newest first, read in the order of customer_tiers_level, and its
// arguments.
func tierNewest(s crm.Scope, f customer.CustomerFilter, now time.Time) (string, []any) {
	g := f
	g.TierScheme, g.TierLevel = 0, ""
	where, args := customerWhere(s, g, now, "ctr.scheme_id = ? AND ctr.level = ?", []any{f.TierScheme, f.TierLevel})
	q := "SELECT ctr.customer_id FROM customer_tiers ctr JOIN customers c ON c.id = ctr.customer_id WHERE " + where
	if f.BeforeID > 0 {
		q += " AND ctr.customer_id < ?"
		args = append(args, f.BeforeID)
	}
	return q + " ORDER BY ctr.customer_id DESC LIMIT ?", append(args, f.Limit)
}

// levelNames caches the level names of each scheme version: a page's
// tiers read the schemes' bodies, which change only with a new version.
var levelNames sync.Map // "id/version" → map[string]tier.Level

func schemeLevels(id int64, version int, body string) map[string]tier.Level {
	key := fmt.Sprintf("%d/%d", id, version)
	if m, ok := levelNames.Load(key); ok {
		return m.(map[string]tier.Level)
	}
	var s tier.Scheme
	m := map[string]tier.Level{}
	if json.Unmarshal([]byte(body), &s) == nil {
		for _, l := range s.Levels {
			m[l.Code] = l
		}
	}
	levelNames.Store(key, m)
	return m
}

// mayReadTiers reports whether the customers read in ctx carry their
// tiers: a signed-in user's role needs tier.read (finance and the
// warehouse see no tier, 重点关注 being a risk flag); the system's jobs
// and reads without a principal see them.
func mayReadTiers(ctx context.Context) bool {
	p, ok := crm.PrincipalFrom(ctx)
	return !ok || p.UserID < 0 || p.Role.Can(crm.ActTierRead)
}

// loadTiers fills each customer's current level in every active scheme,
// leaving Tiers nil (omitted from JSON) for a role without tier.read,
// for a page of customers with one query (customer_tiers_customer_level).
func (db *DB) loadTiers(ctx context.Context, cs []customer.Customer) error {
	if len(cs) == 0 || !mayReadTiers(ctx) {
		return nil
	}
	at := map[int64]int{}
	args := make([]any, len(cs))
	for i, c := range cs {
		at[c.ID], args[i] = i, c.ID
		cs[i].Tiers = []customer.TierBadge{}
	}
	err := eachRow(ctx, db, func(r scanner) error {
		var b customer.TierBadge
		var id int64
		var version int
		var body string
		if err := r.Scan(&id, &b.SchemeID, &b.Level, &b.Scheme, &version, &body); err != nil {
			return err
		}
		l := schemeLevels(b.SchemeID, version, body)[b.Level]
		b.Label, b.LabelEn = l.Name, l.NameEn
		if b.Label == "" {
			b.Label = b.Level
		}
		cs[at[id]].Tiers = append(cs[at[id]].Tiers, b)
		return nil
	}, `SELECT t.customer_id, t.scheme_id, t.level, s.code, s.version, s.body FROM customer_tiers t
		JOIN tier_schemes s ON s.id = t.scheme_id AND s.active = 1
		WHERE t.customer_id IN (`+inList(len(cs))+`) ORDER BY t.customer_id, t.scheme_id`, args...)
	if err != nil {
		return fmt.Errorf("store: customer tiers: %w", err)
	}
	return nil
}

// CustomerTierTerms reads a customer's level in each active scheme with
// its service standard's complaint deadlines (0 where none is set).
func (db *DB) CustomerTierTerms(ctx context.Context, customerID int64) ([]complaint.TierTerm, error) {
	return queryAll(ctx, db, func(s scanner) (complaint.TierTerm, error) {
		var t complaint.TierTerm
		var reply, days sql.NullInt64
		err := s.Scan(&t.Scheme, &t.Level, &reply, &days)
		t.ReplyHours, t.SolutionDays = int(reply.Int64), int(days.Int64)
		return t, err
	}, `SELECT s.code, t.level, ss.reply_hours, ss.solution_days FROM customer_tiers t
		JOIN tier_schemes s ON s.id = t.scheme_id AND s.active = 1
		LEFT JOIN service_standards ss ON ss.scheme_id = t.scheme_id AND ss.level = t.level
		WHERE t.customer_id = ? ORDER BY t.scheme_id`, customerID)
}

// mergeTiers, in a customer merge's transaction: the merged customer's
// watch flag (重点关注) goes to the survivor unless it has its own, and
// the merged customer's standing is dropped (it is in the trash; the
// survivor's, from the sales it now holds, is the next run's).
func mergeTiers(ctx context.Context, tx *Tx, survivor, merged int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO tier_flags (customer_id, reason, set_at, set_by)
		SELECT ?, reason, set_at, set_by FROM tier_flags WHERE customer_id = ? ON CONFLICT (customer_id) DO NOTHING`, survivor, merged); err != nil {
		return fmt.Errorf("store: merge watch flag: %w", err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM tier_flags WHERE customer_id = ?", merged); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM customer_tiers WHERE customer_id = ?", merged)
	return err
}

// TierLevelCodes lists the levels of the active tier schemes as
// <scheme code>:<level code>, in the schemes' order.
func (db *DB) TierLevelCodes(ctx context.Context) ([]string, error) {
	schemes, err := db.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range schemes {
		for _, l := range s.Levels {
			if s.Active && !slices.Contains(out, s.Code+":"+l.Code) {
				out = append(out, s.Code+":"+l.Code)
			}
		}
	}
	return out, nil
}
