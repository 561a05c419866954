package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
)

const csatColumns = `s.id, s.complaint_id, k.number, k.customer_id, k.caller_name, k.contact_name, s.channel, s.created_at,
	s.answered_at, s.answered_via, s.score, s.comment, s.token_hash`

func scanCSAT(sc scanner) (complaint.CSATSurvey, error) {
	var s complaint.CSATSurvey
	var customer, score sql.NullInt64
	var answered sql.NullTime
	err := sc.Scan(&s.ID, &s.ComplaintID, &s.ComplaintNumber, &customer, &s.CallerName, &s.ContactName, &s.Channel, &s.CreatedAt,
		&answered, &s.AnsweredVia, &score, &s.Comment, &s.TokenHash)
	s.CustomerID, s.AnsweredAt = customer.Int64, timePtr(answered)
	if score.Valid {
		n := int(score.Int64)
		s.Score = &n
	}
	return s, err
}

// CSATByTokenHash finds a survey by the hash of its link's token.
func (db *DB) CSATByTokenHash(ctx context.Context, hash string) (complaint.CSATSurvey, error) {
	s, err := scanCSAT(db.QueryRow(ctx, "SELECT "+csatColumns+" FROM csat_surveys s JOIN complaints k ON k.id = s.complaint_id WHERE s.token_hash = ?", hash))
	return s, noSuch(err, "complaint_err.csat.no_such_survey")
}

// CSATOfComplaint finds a complaint's survey.
func (db *DB) CSATOfComplaint(ctx context.Context, complaintID int64) (complaint.CSATSurvey, error) {
	s, err := scanCSAT(db.QueryRow(ctx, "SELECT "+csatColumns+" FROM csat_surveys s JOIN complaints k ON k.id = s.complaint_id WHERE s.complaint_id = ?", complaintID))
	return s, noSuch(err, "complaint_err.csat.no_such_survey")
}

// AnswerCSAT stores an answer on the survey — only if it is still
// unanswered, so two answers racing store one — and on the complaint,
// with its audit entry, in one transaction.
func (db *DB) AnswerCSAT(ctx context.Context, s *complaint.CSATSurvey, via string, by int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE csat_surveys SET answered_at = ?, answered_via = ?, answered_by = ?, score = ?, comment = ?
			WHERE id = ? AND answered_at IS NULL`, s.AnsweredAt, via, nullID(by), *s.Score, s.Comment, s.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EConflict, "store.csat.answered")
		}
		_, err = tx.Exec(ctx, "UPDATE complaints SET csat_score = ?, csat_comment = ?, csat_at = ? WHERE id = ?", *s.Score, s.Comment, s.AnsweredAt, s.ComplaintID)
		return err
	})
}

// PhoneFollowUps lists the unanswered surveys to take by phone, oldest
// first, after afterID.
func (db *DB) PhoneFollowUps(ctx context.Context, afterID int64, limit int) ([]complaint.CSATSurvey, error) {
	out, err := queryAll(ctx, db, scanCSAT, "SELECT "+csatColumns+` FROM csat_surveys s JOIN complaints k ON k.id = s.complaint_id
		WHERE s.channel = ? AND s.answered_at IS NULL AND s.id > ? ORDER BY s.id LIMIT ?`, complaint.CSATPhone, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: phone follow-ups: %w", err)
	}
	return out, nil
}
