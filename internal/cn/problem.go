// Package cn holds Chinese reference data and validators: identity and
// registration numbers, phone numbers, postal codes, e-mail addresses,
// GB/T 2260 regions, GB/T 4754 industries and pinyin search keys.
//
// Validators take raw user input, return its normalised form and, when
// something is wrong, a *Problem with a stable code and a message in
// Chinese or English. They never panic, whatever the input.
package cn

import (
	"strconv"

	"github.com/kehucrm/kehu/internal/msg"
)

// Severity tells whether a Problem blocks the value or only asks the user to confirm it.
type Severity uint8

const (
	// Error means the value is wrong and must not be stored.
	Error Severity = iota + 1
	// Warning means the value is suspicious but the user may confirm and keep it.
	Warning
)

// String returns "error" or "warning", as used in API bodies.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText lets Severity appear in JSON as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem codes shared by the validators; each is a stable snake_case string
// meant for API error bodies, so they must never be renamed.
const (
	CodeEmpty         = "empty"           // nothing was entered
	CodeLength        = "length"          // wrong number of characters
	CodeCharset       = "charset"         // a character outside the allowed set
	CodeFormat        = "format"          // the characters are fine but their arrangement is not
	CodeChecksum      = "checksum"        // the check character does not match
	CodeAuthority     = "authority"       // USCC: unknown registration authority or category
	CodeBirthDate     = "birth_date"      // resident ID: impossible birth date
	CodeProvince      = "province"        // resident ID: unknown province prefix
	CodeLegacy15Digit = "legacy_15_digit" // resident ID: a 15-digit first-generation number
	CodeCountryCode   = "country_code"    // phone: a country code other than +86
	CodePrefix        = "prefix"          // the leading digits are not in use
	CodeAreaCode      = "area_code"       // landline: missing or invalid area code
	CodeExtension     = "extension"       // landline: invalid extension
	CodeIsMobile      = "is_mobile"       // landline: the number is a mobile number
	CodeLocalPart     = "local_part"      // e-mail: invalid part before the @
	CodeDomain        = "domain"          // e-mail: invalid part after the @
	CodeUnknown       = "unknown"         // well-formed code that is not in the table
)

// Problem says precisely what is wrong with a value.
type Problem struct {
	// Code is one of the Code* constants.
	Code string `json:"code"`
	// Severity tells whether the user may override the problem.
	Severity Severity `json:"severity"`
	// Pos is the 1-based character position in the normalised value that the
	// problem is about, or 0 when it concerns the whole value.
	Pos int `json:"pos,omitempty"`
	// Want is what was expected, e.g. the correct check character, if known.
	Want string `json:"want,omitempty"`
	// Got is what was found, e.g. the offending character or the length.
	Got string `json:"got,omitempty"`

	key text
}

// text is the message catalogue key (part cn) of a problem's text. The
// catalogue's texts take the Problem's fields as arguments in a fixed order,
// Pos, Want, Got, so they read %[1]d, %[2]s and %[3]s, each using those it needs.
type text string

func problem(code string, sev Severity, t text, pos int, want, got string) *Problem {
	return &Problem{Code: code, Severity: sev, Pos: pos, Want: want, Got: got, key: t}
}

// Message returns the problem in the given language: English for tags
// starting with "en" (en, en-US, en_GB …), Simplified Chinese otherwise.
func (p *Problem) Message(lang string) string {
	if p == nil {
		return ""
	}
	if p.key == "" {
		return p.Code
	}
	return msg.Text(lang, string(p.key), p.Pos, p.Want, p.Got)
}

// String returns the code and English message, for logs.
func (p *Problem) String() string {
	if p == nil {
		return "<nil>"
	}
	return p.Code + ": " + p.Message("en")
}

func emptyProblem(t text) *Problem { return problem(CodeEmpty, Error, t, 0, "", "") }
