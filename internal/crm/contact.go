package crm

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
)

// Contact is a person at a customer.
type Contact struct {
	ID            int64     `json:"id"`
	CustomerID    int64     `json:"customer_id"`
	Name          string    `json:"name"`
	Title         string    `json:"title"`
	Mobile        string    `json:"mobile"` // masked (138****5678); reveal shows it in full
	Landline      string    `json:"landline"`
	Email         string    `json:"email"`
	WeChatID      string    `json:"wechat_id"`
	Gender        string    `json:"gender"`
	Birthday      string    `json:"birthday"`       // YYYY-MM-DD, or MM-DD (year unknown, or lunar)
	BirthdayLunar bool      `json:"birthday_lunar"` // the birthday is a lunar month and day (农历)
	BirthdayLeap  bool      `json:"birthday_leap"`  // … in a leap month (闰月)
	IsPrimary     bool      `json:"is_primary"`
	Preferences   string    `json:"preferences"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	MobileEnc   string `json:"-"`
	MobileIdx   string `json:"-"`
	MobileLast4 string `json:"-"`
}

var monthDay = regexp.MustCompile(`^(\d{2})-(\d{2})$`)

// validate checks the contact's fields and normalises the phone numbers
// and e-mail; mobile is the raw mobile entered, if any.
func (c *Contact) validate(lang string) error {
	var fs []FieldError
	bad := func(field, code, msg string) { fs = append(fs, FieldError{Field: field, Code: code, Message: msg}) }
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 50 {
		bad("name", "length", "must be 1 to 50 characters")
	}
	if c.Landline != "" {
		if norm, p := cn.ValidateLandline(c.Landline); p != nil && p.Severity == cn.Error {
			bad("landline", p.Code, p.Message(lang))
		} else {
			c.Landline = norm
		}
	}
	if c.Email != "" {
		if norm, p := cn.ValidateEmail(c.Email); p != nil && p.Severity == cn.Error {
			bad("email", p.Code, p.Message(lang))
		} else {
			c.Email = norm
		}
	}
	switch c.Gender {
	case "":
		c.Gender = "unknown"
	case "male", "female", "unknown":
	default:
		bad("gender", "unknown", "must be male, female or unknown")
	}
	if c.Birthday != "" {
		if err := checkBirthday(c.Birthday, c.BirthdayLunar); err != "" {
			bad("birthday", "format", err)
		}
	}
	if c.BirthdayLeap && !c.BirthdayLunar {
		bad("birthday_leap", "invalid", "applies only to a lunar birthday")
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// checkBirthday returns what is wrong with a birthday, or "".
func checkBirthday(s string, lunar bool) string {
	if m := monthDay.FindStringSubmatch(s); m != nil {
		month, _ := strconv.Atoi(m[1])
		day, _ := strconv.Atoi(m[2])
		maxDay := 31
		if lunar {
			maxDay = 30
		}
		if month < 1 || month > 12 || day < 1 || day > maxDay {
			return "month or day out of range"
		}
		return ""
	}
	if lunar {
		return "a lunar birthday is written MM-DD (the lunar month and day)"
	}
	if _, err := calendar.ParseDate(s); err != nil {
		return "must be a date written YYYY-MM-DD, or MM-DD when the year is unknown"
	}
	return ""
}
