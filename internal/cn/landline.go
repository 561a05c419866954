package cn

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Landline is a parsed fixed-line number.
type Landline struct {
	AreaCode  string // with the trunk prefix 0: "010", "0755"
	Number    string // 7 or 8 digits
	Extension string // 1–6 digits, or empty
}

// String formats the number as AREA-NUMBER or AREA-NUMBER-EXTENSION, a form
// that ParseLandline reads back unchanged.
func (l Landline) String() string {
	if l.Extension != "" {
		return l.AreaCode + "-" + l.Number + "-" + l.Extension
	}
	return l.AreaCode + "-" + l.Number
}

// extensionMarkers introduce an extension; they are matched after folding,
// so "EXT" and "ｅｘｔ" count too.
var extensionMarkers = []string{"转", "分机", "ext.", "ext", "x", "#", ",", "，"}

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textLineEmpty     text = "cn.landline.empty"
	textLineCountry   text = "cn.landline.country"
	textLineCharset   text = "cn.landline.charset"
	textLineMobile    text = "cn.landline.mobile"
	textLineNoArea    text = "cn.landline.no_area"
	textLineBadArea   text = "cn.landline.bad_area"
	textLineLength    text = "cn.landline.length"
	textLinePrefix    text = "cn.landline.prefix"
	textLineExtension text = "cn.landline.extension"
)

// ValidateLandline checks a fixed-line number with area code and returns it
// as AREA-NUMBER[-EXTENSION], e.g. "0755-88888888" or "010-62345678-123".
func ValidateLandline(s string) (string, *Problem) {
	l, p := ParseLandline(s)
	if p != nil {
		return strings.TrimSpace(s), p
	}
	return l.String(), nil
}

// ParseLandline reads a landline such as "(010) 6234-5678", "+86 755
// 88888888", "0755-88888888 转 123" or "021-62345678-8001".
func ParseLandline(s string) (Landline, *Problem) {
	v := strings.TrimSpace(fold(s))
	if v == "" {
		return Landline{}, emptyProblem(textLineEmpty)
	}
	main, ext := v, ""
	for _, m := range extensionMarkers {
		if i := strings.Index(main, m); i >= 0 {
			main, ext = main[:i], strings.TrimSpace(strings.Trim(v[i+len(m):], phoneSeparators+" "))
		}
	}
	var digits strings.Builder
	digits.Grow(len(main))
	groups, lastStart, lastEnd := 0, 0, 0
	for i, r := range main {
		switch {
		case r >= '0' && r <= '9':
			if i == 0 || !isASCIIDigit(main[i-1]) {
				groups, lastStart = groups+1, i
			}
			digits.WriteByte(byte(r))
			lastEnd = i + 1
		case r == '+' && digits.Len() == 0:
			digits.WriteByte('+')
		case isSpace(r) || r < utf8.RuneSelf && inSet(phoneSeparators, byte(r)):
		default:
			return Landline{}, problem(CodeCharset, Error, textLineCharset, 0, "", showRune(r))
		}
	}
	last := main[lastStart:lastEnd]
	all := digits.String()
	national, p := stripCountryCode(all, textLineCountry)
	if p != nil {
		return Landline{}, p
	}
	if len(national) == 11 && national[0] == '1' {
		return Landline{}, problem(CodeIsMobile, Error, textLineMobile, 0, "", "")
	}
	if national != all && national != "" && national[0] != '0' {
		national = "0" + national // +86 10 … drops the trunk prefix
	}
	if national == "" || national[0] != '0' {
		return Landline{}, problem(CodeAreaCode, Error, textLineNoArea, 0, "", "")
	}
	area := areaCodeLength(national)
	if area == 0 {
		n := 4
		if strings.HasPrefix(national, "02") {
			n = 3
		}
		return Landline{}, problem(CodeAreaCode, Error, textLineBadArea, 1, "", leadingDigits(national, n))
	}
	l := Landline{AreaCode: national[:area], Number: national[area:]}
	// A last group is the extension when the digits before it make a whole
	// number and either the digits are too many for one, or the groups show
	// area, number and extension apart, as in String's output 0700-2000000-1.
	if rest := len(l.Number) - len(last); ext == "" && groups >= 2 && len(last) <= 6 && rest >= 7 && rest <= 8 && (len(l.Number) > 8 || groups >= 3) {
		l.Number, ext = l.Number[:rest], last
	}
	if n := len(l.Number); n < 7 || n > 8 {
		return Landline{}, problem(CodeLength, Error, textLineLength, 0, "7–8", strconv.Itoa(n))
	}
	if l.Number[0] < '2' {
		return Landline{}, problem(CodePrefix, Error, textLinePrefix, area+1, "", l.Number[:1])
	}
	if ext != "" {
		if len(ext) > 6 || !isDigits(ext) {
			return Landline{}, problem(CodeExtension, Error, textLineExtension, 0, "", showString(ext))
		}
		l.Extension = ext
	}
	return l, nil
}

// areaCodeLength returns how many leading digits of national form the area
// code: 3 for 010 and 02X (026 is unassigned), 4 for 03XX–09XX, 0 otherwise.
func areaCodeLength(national string) int {
	switch {
	case len(national) < 4:
		return 0
	case strings.HasPrefix(national, "010"):
		return 3
	case national[1] == '2' && national[2] != '6':
		return 3
	case national[1] >= '3' && national[1] <= '9':
		return 4
	}
	return 0
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }
