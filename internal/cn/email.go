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

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textEmailEmpty      text = "cn.email.empty"
	textEmailLength     text = "cn.email.length"
	textEmailNoAt       text = "cn.email.no_at"
	textEmailManyAt     text = "cn.email.many_at"
	textEmailLocalEmpty text = "cn.email.local_empty"
	textEmailLocalLong  text = "cn.email.local_long"
	textEmailLocalChar  text = "cn.email.local_char"
	textEmailLocalDot   text = "cn.email.local_dot"
	textEmailDomain     text = "cn.email.domain"
	textEmailLabel      text = "cn.email.label"
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
