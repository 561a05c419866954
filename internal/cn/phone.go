package cn

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// phoneSeparators are the characters people put between digit groups.
const phoneSeparators = "-.()/"

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textMobileEmpty   text = "cn.mobile.empty"
	textMobileCountry text = "cn.mobile.country"
	textMobileCharset text = "cn.mobile.charset"
	textMobileLength  text = "cn.mobile.length"
	textMobilePrefix  text = "cn.mobile.prefix"
)

// ValidateMobile checks a mainland China mobile number and returns it as
// 11 digits (1[3-9]xxxxxxxxx). It accepts a +86, 0086 or 86 prefix, spaces,
// dashes, dots and brackets, and full-width digits.
func ValidateMobile(s string) (string, *Problem) {
	v := compact(s, phoneSeparators, false)
	if v == "" {
		return v, emptyProblem(textMobileEmpty)
	}
	national, p := stripCountryCode(v, textMobileCountry)
	if p != nil {
		return v, p
	}
	// A bare 86 is a country code only when what follows is a whole number;
	// otherwise it could be the start of a typo'd national number.
	if len(national) == 13 && strings.HasPrefix(national, "86") && national == v {
		national = national[2:]
	}
	if pos, r := firstBad(national, func(r rune, _ int) bool { return r >= '0' && r <= '9' }); pos > 0 {
		return v, problem(CodeCharset, Error, textMobileCharset, pos, "", showRune(r))
	}
	if n := utf8.RuneCountInString(national); n != 11 {
		return v, problem(CodeLength, Error, textMobileLength, 0, "11", strconv.Itoa(n))
	}
	if national[0] != '1' || national[1] < '3' {
		return v, problem(CodePrefix, Error, textMobilePrefix, 1, "", national[:2])
	}
	return national, nil
}

// IsMobile reports whether s is a valid mainland mobile number.
func IsMobile(s string) bool {
	_, p := ValidateMobile(s)
	return p == nil
}

// stripCountryCode removes a leading +86 or 0086 from a compacted number
// and rejects any other international prefix with a country_code problem.
func stripCountryCode(v string, t text) (string, *Problem) {
	switch {
	case strings.HasPrefix(v, "+86"):
		return v[3:], nil
	case strings.HasPrefix(v, "0086"):
		return v[4:], nil
	case strings.HasPrefix(v, "+"):
		return v, problem(CodeCountryCode, Error, t, 1, "+86", "+"+leadingDigits(v[1:], 3))
	case strings.HasPrefix(v, "00"):
		return v, problem(CodeCountryCode, Error, t, 1, "+86", "00"+leadingDigits(v[2:], 3))
	}
	return v, nil
}

// leadingDigits returns up to max ASCII digits from the start of s.
func leadingDigits(s string, max int) string {
	n := 0
	for n < len(s) && n < max && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return s[:n]
}
