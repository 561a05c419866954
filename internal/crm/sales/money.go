package sales

import (
	"strconv"
	"strings"
)

// Money is an amount in fen (1/100 yuan). In JSON it is a decimal yuan
// string with two places, "1234.50".
type Money int64

// MaxFen bounds an amount: a trillion yuan.
const MaxFen = 100_000_000_000_000

// Yuan writes m as yuan with two decimal places: 123450 is "1234.50".
func (m Money) Yuan() string {
	n := int64(m)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	frac := strconv.FormatInt(n%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatInt(n/100, 10) + "." + frac
}

// String is Yuan.
func (m Money) String() string { return m.Yuan() }

// MarshalJSON writes m as a yuan string.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(`"` + m.Yuan() + `"`), nil }

// UnmarshalJSON reads a yuan string (or a bare number) written as
// ParseYuan takes it.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	f, ok := ParseYuan(s)
	if !ok {
		return &strconv.NumError{Func: "ParseYuan", Num: s, Err: strconv.ErrSyntax}
	}
	*m = f
	return nil
}

// ParseYuan reads a yuan amount as people write it — "1234.5",
// "1,234.50", "¥1234", "1234元" — with at most two decimal places, into
// fen. Commas count only as thousands grouping ("12,345", not "1,5" or
// "12,34.5"). A negative amount parses (the caller decides whether it may be);
// more than two places, other characters or an amount past MaxFen do not.
func ParseYuan(s string) (Money, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSuffix(s, "元")
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		if !thousands(whole) {
			return 0, false
		}
		whole = strings.ReplaceAll(whole, ",", "")
	}
	if whole == "" && frac == "" || len(frac) > 2 || (dot && frac == "") || len(whole) > 13 {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	var n int64
	if whole != "" {
		n, _ = strconv.ParseInt(whole, 10, 64)
	}
	n *= 100
	if frac != "" {
		f, _ := strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
		n += f
	}
	if n > MaxFen {
		return 0, false
	}
	if neg {
		n = -n
	}
	return Money(n), true
}

// thousands reports whether whole is digits grouped by commas in threes
// ("1,234", "12,345,678"): a first group of one to three digits, then
// groups of exactly three.
func thousands(whole string) bool {
	groups := strings.Split(whole, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}
