package store

import (
	"context"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// ComplaintRules returns the complaint deadline rules, default first.
func (db *DB) ComplaintRules(ctx context.Context) ([]complaint.ComplaintRule, error) {
	out, err := queryAll(ctx, db, func(s scanner) (r complaint.ComplaintRule, err error) {
		return r, s.Scan(&r.Category, &r.Severity, &r.Tier, &r.ReplyHours, &r.SolutionWorkingDays, &r.QualitySolutionWorkingDays,
			&r.EscalateAfterWorkingDays)
	}, `SELECT category, severity, tier, reply_hours, solution_working_days, quality_solution_working_days,
		escalate_after_working_days FROM complaint_rules ORDER BY category, severity, tier`)
	if err != nil {
		return nil, fmt.Errorf("store: complaint rules: %w", err)
	}
	return out, nil
}

// PutComplaintRules replaces every rule, with its audit entry, in one
// transaction.
func (db *DB) PutComplaintRules(ctx context.Context, rules []complaint.ComplaintRule, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM complaint_rules"); err != nil {
			return err
		}
		for _, r := range rules {
			if _, err := tx.Exec(ctx, `INSERT INTO complaint_rules (category, severity, tier, reply_hours, solution_working_days,
				quality_solution_working_days, escalate_after_working_days) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				r.Category, r.Severity, r.Tier, r.ReplyHours, r.SolutionWorkingDays, r.QualitySolutionWorkingDays, r.EscalateAfterWorkingDays); err != nil {
				return err
			}
		}
		return nil
	})
}
