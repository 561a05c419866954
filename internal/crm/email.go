package crm

import (
	"strings"
)

// ValidEmail is a plain check of an address: one @, a dot in the domain,
// no spaces or angle brackets, at most 254 characters.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 1 || at != strings.LastIndexByte(s, '@') || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return false
	}
	d := s[at+1:]
	return strings.Contains(d, ".") && !strings.HasPrefix(d, ".") && !strings.HasSuffix(d, ".")
}

// MaskEmail shows the first character of the local part and the domain:
// "wang@example.com" becomes "w***@example.com".
func MaskEmail(s string) string {
	at := strings.IndexByte(s, '@')
	if at < 1 {
		return "***"
	}
	r := []rune(s[:at])
	return string(r[0]) + "***" + s[at:]
}
