package cn

import (
	"strconv"
	"unicode/utf8"
)

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textPostEmpty   text = "cn.postcode.empty"
	textPostCharset text = "cn.postcode.charset"
	textPostLength  text = "cn.postcode.length"
	textPostPrefix  text = "cn.postcode.prefix"
)

// ValidatePostalCode checks a mainland China postal code (邮政编码) and
// returns its 6 digits. The first two digits name the province's postal
// zone, 01 (Inner Mongolia) to 86 (Tibet), so codes starting with 00 or 87
// to 99 are rejected; that also catches 999077, which is often typed for
// Hong Kong but is no mainland code.
func ValidatePostalCode(s string) (string, *Problem) {
	v := compact(s, "-", false)
	if v == "" {
		return v, emptyProblem(textPostEmpty)
	}
	if pos, r := firstBad(v, func(r rune, _ int) bool { return r >= '0' && r <= '9' }); pos > 0 {
		return v, problem(CodeCharset, Error, textPostCharset, pos, "", showRune(r))
	}
	if n := utf8.RuneCountInString(v); n != 6 {
		return v, problem(CodeLength, Error, textPostLength, 0, "6", strconv.Itoa(n))
	}
	if v[:2] == "00" || v[:2] > "86" {
		return v, problem(CodePrefix, Error, textPostPrefix, 1, "", v[:2])
	}
	return v, nil
}
