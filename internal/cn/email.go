package cn

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// emailSpecials are the ASCII characters besides letters and digits that an
// unquoted local part may hold (RFC 5322 atext, plus the dot).
const emailSpecials = "!#$%&'*+/=?^_`{|}~-."

var (
	textEmailEmpty      = &text{"请填写电子邮箱", "enter the e-mail address"}
	textEmailLength     = &text{"电子邮箱地址过长：最多254个字符，实际为{got}个", "the e-mail address is too long: at most 254 characters, not {got}"}
	textEmailNoAt       = &text{"电子邮箱地址缺少“@”", "the e-mail address has no “@”"}
	textEmailManyAt     = &text{"电子邮箱地址只能有一个“@”", "an e-mail address has only one “@”"}
	textEmailLocalEmpty = &text{"“@”前面缺少用户名", "the user name before the “@” is missing"}
	textEmailLocalLong  = &text{"“@”前面的用户名最多64个字符，实际为{got}个", "the user name before the “@” has at most 64 characters, not {got}"}
	textEmailLocalChar  = &text{"“@”前面的用户名不能含有“{got}”（第{pos}个字符）", "the user name before the “@” cannot contain “{got}” (character {pos})"}
	textEmailLocalDot   = &text{"“@”前面的用户名不能以点开头或结尾，也不能有连续的点", "the user name before the “@” cannot start or end with a dot or have two dots in a row"}
	textEmailDomain     = &text{"“@”后面的域名“{got}”无效：应如 example.com", "the domain “{got}” after the “@” is invalid: it should look like example.com"}
	textEmailLabel      = &text{"域名中的“{got}”无效：每段为1–63个字母、数字或连字符，且不以连字符开头或结尾", "“{got}” in the domain is invalid: each part has 1 to 63 letters, digits or hyphens and does not start or end with a hyphen"}
)

// ValidateEmail checks an e-mail address and returns it trimmed, with
// full-width characters (＠, ．, 。) folded and the domain lower-cased. The
// local part keeps its case: servers may treat it as case-sensitive. Quoted
// local parts and IP-literal domains are rejected as nobody enters them in a
// CRM; non-ASCII letters are accepted (RFC 6531).
func ValidateEmail(s string) (string, *Problem) {
	v := strings.TrimFunc(foldKeepCase(s), isSpace)
	if v == "" {
		return v, emptyProblem(textEmailEmpty)
	}
	if n := utf8.RuneCountInString(v); n > 254 {
		return v, problem(CodeLength, Error, textEmailLength, 0, "254", strconv.Itoa(n))
	}
	at := strings.IndexByte(v, '@')
	if at < 0 {
		return v, problem(CodeFormat, Error, textEmailNoAt, 0, "", "")
	}
	if strings.IndexByte(v[at+1:], '@') >= 0 {
		return v, problem(CodeFormat, Error, textEmailManyAt, 0, "", "")
	}
	local, domain := v[:at], strings.ToLower(v[at+1:])
	if p := checkLocalPart(local); p != nil {
		return v, p
	}
	if p := checkDomain(domain); p != nil {
		return v, p
	}
	if domain == v[at+1:] {
		return v, nil // already normalised: spare the allocation
	}
	return local + "@" + domain, nil
}

func checkLocalPart(local string) *Problem {
	if local == "" {
		return problem(CodeLocalPart, Error, textEmailLocalEmpty, 0, "", "")
	}
	if n := utf8.RuneCountInString(local); n > 64 {
		return problem(CodeLocalPart, Error, textEmailLocalLong, 0, "64", strconv.Itoa(n))
	}
	if pos, r := firstBad(local, func(r rune, _ int) bool {
		return r < utf8.RuneSelf && (isASCIIAlnum(r) || strings.ContainsRune(emailSpecials, r)) ||
			r >= utf8.RuneSelf && r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
	}); pos > 0 {
		return problem(CodeLocalPart, Error, textEmailLocalChar, pos, "", showRune(r))
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return problem(CodeLocalPart, Error, textEmailLocalDot, 0, "", "")
	}
	return nil
}

// checkDomain wants at least two labels and a top-level label that is not
// all digits, which rules out bare host names and IP addresses.
func checkDomain(domain string) *Problem {
	dot := strings.LastIndexByte(domain, '.')
	if len(domain) > 253 || dot < 0 || isDigits(domain[dot+1:]) {
		return problem(CodeDomain, Error, textEmailDomain, 0, "", showString(domain))
	}
	for rest := domain; ; {
		l, tail, more := strings.Cut(rest, ".")
		if !validLabel(l) {
			return problem(CodeDomain, Error, textEmailLabel, 0, "", showString(l))
		}
		if !more {
			return nil
		}
		rest = tail
	}
}

// validLabel checks one domain label: 1–63 bytes of letters, digits and
// inner hyphens; non-ASCII letters and combining marks count as letters.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		ok := r < utf8.RuneSelf && (isASCIIAlnum(r) || r == '-') ||
			r >= utf8.RuneSelf && r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
		if !ok {
			return false
		}
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// foldKeepCase folds full-width forms to ASCII without changing case, and
// the ideographic full stops to dots, as IDNA does for domains.
func foldKeepCase(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Map(func(r rune) rune {
				if r == 0x3002 || r == 0xFF61 {
					return '.'
				}
				return foldWidth(r)
			}, s)
		}
	}
	return s
}
