package identity

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// User is a member of staff who signs in to Kehu.
type User struct {
	ID                int64      `json:"id"`
	Username          string     `json:"username"`
	DisplayName       string     `json:"display_name"`
	Role              crm.Role   `json:"role"`
	TeamID            int64      `json:"team_id,omitempty"`
	TeamName          string     `json:"team,omitempty"`
	ManagerID         int64      `json:"manager_id,omitempty"`
	DealerID          int64      `json:"dealer_id,omitempty"` // a dealer account's dealer (a customer of kind dealer)
	PasswordHash      string     `json:"-"`
	Mobile            string     `json:"mobile,omitempty"` // masked (138****5678); see RevealMobile
	MobileEnc         string     `json:"-"`                // ciphertext as stored
	MobileIdx         string     `json:"-"`                // blind index as stored
	PasswordChangedAt time.Time  `json:"password_changed_at"`
	FailedLogins      int        `json:"-"`
	LockedUntil       *time.Time `json:"locked_until,omitempty"`
	DisabledAt        *time.Time `json:"disabled_at,omitempty"`
	Lang              string     `json:"lang"` // the language chosen to read Kehu in; "" follows the browser
	Version           int        `json:"version"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Disabled reports whether the user may no longer sign in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// Team is a group of account managers led by a sales manager.
type Team struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NormalizeUsername lower-cases and trims a username, so Zhang.Wei and
// zhang.wei are one account.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateUsername checks a normalised username: 2–32 characters of a–z,
// 0–9, '.', '_' and '-', starting with a letter or digit.
func ValidateUsername(s string) *crm.FieldError {
	bad := func(key string) *crm.FieldError {
		f := crm.Bad("username", "format", key)
		return &f
	}
	if s == "" {
		f := crm.Bad("username", "required", "identity.required")
		return &f
	}
	if n := utf8.RuneCountInString(s); n < 2 || n > 32 {
		return bad("identity.username.length")
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '.' || c == '_' || c == '-'))
		if !ok {
			return bad("identity.username.format")
		}
	}
	return nil
}
