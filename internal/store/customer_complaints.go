package store

import (
	"context"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm/complaint"
)

// CustomerComplaints returns a customer's complaints, newest first, up to
// limit (read-only; the caller decides who may see them).
func (db *DB) CustomerComplaints(ctx context.Context, customerID int64, limit int) ([]complaint.Complaint, error) {
	rows, err := db.Query(ctx, "SELECT "+complaintColumns+" FROM complaints k WHERE k.customer_id = ? ORDER BY k.id DESC LIMIT ?", customerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: customer complaints: %w", err)
	}
	defer rows.Close()
	out := []complaint.Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
