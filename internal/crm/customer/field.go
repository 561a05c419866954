package customer

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/msg"
)

// CardField is one field of the customer data card (客户资料卡). Templates
// are data: the seed's forms are the default, and an administrator adds
// fields of their own.
type CardField struct {
	Key       string   `json:"key"`
	Section   string   `json:"section"`
	LabelZH   string   `json:"label_zh"`
	LabelEN   string   `json:"label_en"`
	Type      string   `json:"type"` // text, number, date, choice
	Options   []string `json:"options,omitempty"`
	Sensitive bool     `json:"sensitive,omitempty"` // stored encrypted, shown masked
	Custom    bool     `json:"custom,omitempty"`    // added by an administrator
	// Min and Max bound a number field's values, when set.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
}

// CardFieldTypes are the kinds of card field.
var CardFieldTypes = []string{"text", "number", "date", "choice"}

// CardSections are the sections of the card a field may be in: the
// seed's three and custom (the default for an administrator's fields).
var CardSections = []string{"operator", "financial", "business", "custom"}

// ValidKey reports whether k is a field key: lower-case ASCII letters,
// digits and underscores, starting with a letter, at most 40 bytes.
func ValidKey(k string) bool {
	if k == "" || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// CheckFieldValue checks a value against its field; it returns what is
// wrong, or the zero Message when the value fits.
func CheckFieldValue(f CardField, v string) msg.Message {
	switch f.Type {
	case "choice":
		if !slices.Contains(f.Options, v) {
			return msg.M("customer.value.one_of", strings.Join(f.Options, " / "))
		}
	case "number":
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			return msg.M("customer.value.whole_number")
		case f.Min != nil && f.Max != nil && (n < *f.Min || n > *f.Max):
			return msg.M("customer.value.between", *f.Min, *f.Max)
		case f.Min != nil && n < *f.Min:
			return msg.M("customer.value.at_least", *f.Min)
		case f.Max != nil && n > *f.Max:
			return msg.M("customer.value.at_most", *f.Max)
		}
	case "date":
		if _, err := calendar.ParseDate(v); err != nil {
			return msg.M("customer.value.date")
		}
	default:
		if utf8.RuneCountInString(v) > 500 {
			return msg.M("customer.value.max_len")
		}
	}
	return msg.Message{}
}
