package secure

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/msg"
)

// PasswordPolicy says which new passwords are accepted. Lengths count runes,
// so 密码 is two characters, as a user would count it.
type PasswordPolicy struct {
	MinLength      int  // fewest runes; 0 means no minimum
	MaxLength      int  // most runes, so nobody pastes a megabyte into argon2; 0 means no maximum
	MinClasses     int  // fewest character classes of the four (lower, upper, digit, other)
	RejectUsername bool // refuse a password equal to the username, ignoring case
}

// DefaultPasswordPolicy returns the policy for new installations: at least
// 8 characters from at least 3 of the 4 classes, not the username.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinLength: 8, MaxLength: 256, MinClasses: 3, RejectUsername: true}
}

// Violation codes, stable for API bodies and translations.
const (
	CodeTooShort       = "too_short"
	CodeTooLong        = "too_long"
	CodeTooFewClasses  = "too_few_classes"
	CodeEqualsUsername = "equals_username"
)

// Violation is one rule of the policy that a password breaks.
type Violation struct {
	Code string // one of the Code* constants
	Want int    // the policy's figure for length and class rules, else 0
	Got  int    // the password's figure for length and class rules, else 0
}

// Message returns the violation in the given language: English for tags
// starting with "en" (en, en-US, en_GB …), Simplified Chinese otherwise.
// The texts are in the message catalogue (internal/msg, part password).
func (v Violation) Message(lang string) string {
	return msg.Text(lang, v.key(), v.Want, v.Got)
}

// key names the violation's text in the message catalogue; a code this
// version does not know still reads as a refusal.
func (v Violation) key() string {
	switch v.Code {
	case CodeTooShort:
		return "password.too_short"
	case CodeTooLong:
		return "password.too_long"
	case CodeTooFewClasses:
		return "password.too_few_classes"
	case CodeEqualsUsername:
		return "password.equals_username"
	}
	return "password.not_allowed"
}

// Check returns every rule pw breaks, in a fixed order, or nil if it passes.
//
// Classes are lower-case letters, upper-case letters and decimal digits
// (Unicode-wide, so ａ and ９ count) and everything else: punctuation,
// spaces and letters without case such as Chinese characters, which all
// fall in "other". A password of Chinese characters alone is one class.
func (p PasswordPolicy) Check(username, pw string) []Violation {
	var out []Violation
	n := utf8.RuneCountInString(pw)
	if n < p.MinLength {
		out = append(out, Violation{Code: CodeTooShort, Want: p.MinLength, Got: n})
	}
	if p.MaxLength > 0 && n > p.MaxLength {
		out = append(out, Violation{Code: CodeTooLong, Want: p.MaxLength, Got: n})
	}
	if c := countClasses(pw); c < p.MinClasses {
		out = append(out, Violation{Code: CodeTooFewClasses, Want: p.MinClasses, Got: c})
	}
	// An empty username would make the empty password "equal" to it; the
	// length rule is the one to report there.
	if p.RejectUsername && username != "" && strings.EqualFold(pw, username) {
		out = append(out, Violation{Code: CodeEqualsUsername})
	}
	return out
}

// countClasses returns how many of the four character classes pw uses.
func countClasses(pw string) int {
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}
