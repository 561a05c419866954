package customer

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
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

// weChatID is WeChat's rule for an ID (微信号): 6 to 20 letters, digits,
// underscores and hyphens, starting with a letter.
var weChatID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{5,19}$`)

// validWeChatID reports whether s can be a WeChat ID. A mobile number is
// accepted too: WeChat lets people use theirs as an ID.
func validWeChatID(s string) bool {
	if weChatID.MatchString(s) {
		return true
	}
	_, p := cn.ValidateMobile(s)
	return p == nil
}

// validate checks the contact's fields and normalises the phone numbers
// and e-mail; mobile is the raw mobile entered, if any.
func (c *Contact) Validate(lang string, today calendar.Date) error {
	return c.validateChange(lang, nil, today)
}

// validateChange is validate for a change of before: a WeChat ID or a
// birthday kept as it was stored passes, though today's rules (newer
// than it) might refuse it, so an older contact stays editable.
func (c *Contact) validateChange(lang string, before *Contact, today calendar.Date) error {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	// cn's texts and the WeChat ID's have always spoken lang in Message.
	badIn := func(field, code string, text msg.Message) { fs = append(fs, crm.BadIn(lang, field, code, text)) }
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 50 {
		bad("name", "length", "customer.name.length")
	}
	if c.Landline != "" {
		if norm, p := cn.ValidateLandline(c.Landline); p != nil && p.Severity == cn.Error {
			badIn("landline", p.Code, msg.Of(p))
		} else {
			c.Landline = norm
		}
	}
	if c.Email != "" {
		if norm, p := cn.ValidateEmail(c.Email); p != nil && p.Severity == cn.Error {
			badIn("email", p.Code, msg.Of(p))
		} else {
			c.Email = norm
		}
	}
	if c.WeChatID = strings.TrimSpace(c.WeChatID); c.WeChatID != "" && (before == nil || c.WeChatID != before.WeChatID) {
		if !validWeChatID(c.WeChatID) {
			badIn("wechat_id", "format", msg.M("customer.wechat_id.format"))
		}
	}
	switch c.Gender {
	case "":
		c.Gender = "unknown"
	case "male", "female", "unknown":
	default:
		bad("gender", "unknown", "customer.gender.unknown")
	}
	if c.Birthday != "" && (before == nil || c.Birthday != before.Birthday || c.BirthdayLunar != before.BirthdayLunar) {
		if code, key, args := checkBirthday(c.Birthday, c.BirthdayLunar, today); key != "" {
			bad("birthday", code, key, args...)
		}
	}
	if c.BirthdayLeap && !c.BirthdayLunar {
		bad("birthday_leap", "invalid", "customer.birthday_leap.invalid")
	}
	if c.Birthday == "" && (c.BirthdayLunar || c.BirthdayLeap) {
		bad("birthday", "required", "customer.birthday.required")
	}
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}

// checkBirthday returns what is wrong with a birthday (a code and a
// message key with its arguments), or "": a date must be one, and not in
// the future.
func checkBirthday(s string, lunar bool, today calendar.Date) (code, key string, args []any) {
	if m := monthDay.FindStringSubmatch(s); m != nil {
		month, _ := strconv.Atoi(m[1])
		day, _ := strconv.Atoi(m[2])
		maxDay := 31
		if lunar {
			maxDay = 30
		}
		if !lunar && month >= 1 && month <= 12 {
			// The month's own length (29 for February: a birthday with no year).
			maxDay = [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
		}
		if month < 1 || month > 12 || day < 1 || day > maxDay {
			return "format", "customer.birthday.range", nil
		}
		return "", "", nil
	}
	if lunar {
		return "format", "customer.birthday.lunar_format", nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return "format", "customer.birthday.format", nil
	}
	if d.After(today) {
		return "future", "customer.birthday.future", []any{today.String()}
	}
	if d.Year() < 1900 {
		return "range", "customer.birthday.before_1900", nil
	}
	return "", "", nil
}
