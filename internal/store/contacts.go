package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

const contactColumns = `id, customer_id, name, title, mobile_enc, mobile_idx, mobile_last4, landline, email, wechat_id, gender,
	birthday, birthday_lunar, birthday_leap, is_primary, preferences, version, created_at, updated_at`

func scanContact(s scanner) (customer.Contact, error) {
	var c customer.Contact
	err := s.Scan(&c.ID, &c.CustomerID, &c.Name, &c.Title, &c.MobileEnc, &c.MobileIdx, &c.MobileLast4, &c.Landline, &c.Email, &c.WeChatID,
		&c.Gender, &c.Birthday, &c.BirthdayLunar, &c.BirthdayLeap, &c.IsPrimary, &c.Preferences, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func (db *DB) queryContacts(ctx context.Context, where string, args ...any) ([]customer.Contact, error) {
	rows, err := db.Query(ctx, "SELECT "+contactColumns+" FROM contacts WHERE "+where+" ORDER BY is_primary DESC, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: contacts: %w", err)
	}
	defer rows.Close()
	out := []customer.Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Contacts lists a customer's contacts, the primary one first.
func (db *DB) Contacts(ctx context.Context, customerID int64) ([]customer.Contact, error) {
	return db.queryContacts(ctx, "customer_id = ?", customerID)
}

// ContactsByMobileIndex finds contacts by the blind index of their mobile.
func (db *DB) ContactsByMobileIndex(ctx context.Context, idx string) ([]customer.Contact, error) {
	return db.queryContacts(ctx, "mobile_idx = ? AND mobile_idx <> ''", idx)
}

// Contact reads one contact.
func (db *DB) Contact(ctx context.Context, id int64) (customer.Contact, error) {
	c, err := scanContact(db.QueryRow(ctx, "SELECT "+contactColumns+" FROM contacts WHERE id = ?", id))
	return c, noSuch(err, "customer.no_such_contact")
}

// PrimaryContacts returns each of the customers' primary contact (or, if
// none is marked, its first), in one query.
func (db *DB) PrimaryContacts(ctx context.Context, customerIDs []int64) (map[int64]customer.Contact, error) {
	out := make(map[int64]customer.Contact, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(customerIDs))
	for i, id := range customerIDs {
		args[i] = id
	}
	rows, err := db.Query(ctx, "SELECT "+contactColumns+" FROM contacts WHERE customer_id IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+") ORDER BY customer_id, is_primary DESC, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: primary contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		if _, ok := out[c.CustomerID]; !ok {
			out[c.CustomerID] = c
		}
	}
	return out, rows.Err()
}

// CreateContact inserts a contact; a new primary contact demotes the old.
func (db *DB) CreateContact(ctx context.Context, c *customer.Contact, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		if c.IsPrimary {
			if err := demotePrimary(ctx, tx, c, e); err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO contacts (customer_id, name, title, mobile_enc, mobile_idx, mobile_last4, landline, email,
			wechat_id, gender, birthday, birthday_lunar, birthday_leap, is_primary, preferences, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			c.CustomerID, c.Name, c.Title, c.MobileEnc, c.MobileIdx, c.MobileLast4, c.Landline, c.Email, c.WeChatID, c.Gender,
			c.Birthday, c.BirthdayLunar, c.BirthdayLeap, c.IsPrimary, c.Preferences, c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
		if err != nil {
			return err
		}
		e.EntityID = strconv.FormatInt(c.ID, 10)
		return reindexCustomer(ctx, tx, c.CustomerID)
	})
}

// demotePrimary makes c's customer's other primary contact (there is at
// most one) an ordinary one, as of c's update time, and says so in e:
// the demoted contact changes too.
func demotePrimary(ctx context.Context, tx *Tx, c *customer.Contact, e *crm.AuditEntry) error {
	var old int64
	err := tx.QueryRow(ctx, "SELECT id FROM contacts WHERE customer_id = ? AND id <> ? AND is_primary = ? LIMIT 1", c.CustomerID, c.ID, true).Scan(&old)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE contacts SET is_primary = ?, version = version + 1, updated_at = ? WHERE customer_id = ? AND id <> ? AND is_primary = ?",
		false, c.UpdatedAt, c.CustomerID, c.ID, true); err != nil {
		return err
	}
	e.Detail = withDetail(e.Detail, "demoted_primary_contact_id", old)
	return nil
}

// UpdateContact writes a contact if its version is current.
func (db *DB) UpdateContact(ctx context.Context, c *customer.Contact, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		if c.IsPrimary {
			if err := demotePrimary(ctx, tx, c, e); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE contacts SET name = ?, title = ?, mobile_enc = ?, mobile_idx = ?, mobile_last4 = ?, landline = ?,
			email = ?, wechat_id = ?, gender = ?, birthday = ?, birthday_lunar = ?, birthday_leap = ?, is_primary = ?, preferences = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			c.Name, c.Title, c.MobileEnc, c.MobileIdx, c.MobileLast4, c.Landline, c.Email, c.WeChatID, c.Gender, c.Birthday,
			c.BirthdayLunar, c.BirthdayLeap, c.IsPrimary, c.Preferences, c.UpdatedAt, c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.contact.changed")
		}
		return reindexCustomer(ctx, tx, c.CustomerID)
	})
	if err == nil { // after the transaction: a retried attempt must see the old version
		c.Version++
	}
	return err
}

// DeleteContact removes a contact.
func (db *DB) DeleteContact(ctx context.Context, id int64, e *crm.AuditEntry) error {
	return db.InTxAudited(ctx, e, func(tx *Tx) error {
		var customer int64
		err := tx.QueryRow(ctx, "DELETE FROM contacts WHERE id = ? RETURNING customer_id", id).Scan(&customer)
		if isNoRows(err) {
			return crm.Fail(crm.ENotFound, "customer.no_such_contact")
		}
		if err != nil {
			return err
		}
		return reindexCustomer(ctx, tx, customer)
	})
}
