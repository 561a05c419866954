// Package directory answers what people and records are called, for the
// pages that show a name next to an ID (who did a step, which customer a
// complaint is about) and for pickers of staff. It reveals no sensitive
// field: users come without their mobile numbers.
package directory

import (
	"context"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// Store reads names.
type Store interface {
	UserByID(ctx context.Context, id int64) (identity.User, error)
	// ListUsers pages through every user in ID order after afterID.
	ListUsers(ctx context.Context, afterID int64, limit int) ([]identity.User, error)
	// ComplaintNames returns a customer's name and a user's username;
	// either is "" when its ID is 0 or unknown.
	ComplaintNames(ctx context.Context, customerID, userID int64) (customer, user string, err error)
	// CustomerIDByCode finds a customer by its code (KH…).
	CustomerIDByCode(ctx context.Context, code string) (int64, error)
}

// Service looks up names for signed-in users.
type Service struct{ store Store }

// New returns the directory service.
func New(s Store) *Service { return &Service{store: s} }

// signedIn refuses a caller who is not signed in.
func signedIn(ctx context.Context) error {
	if _, ok := crm.PrincipalFrom(ctx); !ok {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	return nil
}

// User is the user with an ID, without a mobile number.
func (s *Service) User(ctx context.Context, userID int64) (identity.User, error) {
	if err := signedIn(ctx); err != nil {
		return identity.User{}, err
	}
	u, err := s.store.UserByID(ctx, userID)
	u.Mobile, u.MobileEnc = "", ""
	return u, err
}

// Staff lists every user, in ID order, without mobile numbers.
func (s *Service) Staff(ctx context.Context) ([]identity.User, error) {
	if err := signedIn(ctx); err != nil {
		return nil, err
	}
	var out []identity.User
	for after := int64(0); ; {
		page, err := s.store.ListUsers(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		for _, u := range page {
			u.Mobile, u.MobileEnc = "", ""
			out = append(out, u)
		}
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// Names returns a customer's name and a user's username, for a record
// the caller was already allowed to read.
func (s *Service) Names(ctx context.Context, customerID, userID int64) (customer, user string, err error) {
	if err := signedIn(ctx); err != nil {
		return "", "", err
	}
	return s.store.ComplaintNames(ctx, customerID, userID)
}

// CustomerIDByCode finds a customer's ID by its code.
func (s *Service) CustomerIDByCode(ctx context.Context, code string) (int64, error) {
	if err := signedIn(ctx); err != nil {
		return 0, err
	}
	return s.store.CustomerIDByCode(ctx, code)
}
