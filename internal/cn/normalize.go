package cn

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldWidth maps the full-width forms of ASCII characters, which Chinese
// input methods produce easily (９１３５…, ＠), and the ideographic space to
// plain ASCII, so that users are not rejected for their keyboard mode.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// isSpace reports whether r is white space, including the invisible
// characters that copy-and-paste from web pages and Word documents brings in.
func isSpace(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return true
	}
	return unicode.IsSpace(r)
}

// compact normalises raw input: it folds full-width forms, removes white
// space and every ASCII character listed in drop, and upper-cases a–z when
// upper is set. Input that needs none of this is returned as is, without
// allocating, which keeps the common case of clean input fast.
func compact(s, drop string, upper bool) string {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= utf8.RuneSelf || b <= ' ' || b == 0x7F || (upper && 'a' <= b && b <= 'z') || inSet(drop, b) {
			return compactSlow(s, drop, upper)
		}
	}
	return s
}

func compactSlow(s, drop string, upper bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		// ASCII, nearly all real input, skips rune decoding entirely.
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || '\t' <= c && c <= '\r' || inSet(drop, c):
			case upper && 'a' <= c && c <= 'z':
				b.WriteByte(c - ('a' - 'A'))
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		r = foldWidth(r)
		if isSpace(r) || (r < utf8.RuneSelf && inSet(drop, byte(r))) {
			continue
		}
		if upper && 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// inSet reports whether b is one of the bytes of set; a plain loop beats
// strings.IndexByte for the few separators that callers pass.
func inSet(set string, b byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == b {
			return true
		}
	}
	return false
}

// showRune renders a character for a message: itself when printable, its
// code point otherwise, so that messages never carry control characters.
func showRune(r rune) string {
	if r != utf8.RuneError && unicode.IsPrint(r) {
		return string(r)
	}
	return fmt.Sprintf("U+%04X", r)
}

// showString renders user input for a message: at most 40 characters, with
// anything unprintable shown as its code point.
func showString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	n := 0
	for _, r := range s {
		if n++; n > 40 {
			b.WriteString("…")
			break
		}
		if r != utf8.RuneError && unicode.IsPrint(r) {
			b.WriteRune(r)
		} else {
			b.WriteString(showRune(r))
		}
	}
	return b.String()
}

// firstBad returns the 1-based rune position and the rune of the first
// character in s for which ok is false, or 0 if there is none.
func firstBad(s string, ok func(r rune, pos int) bool) (int, rune) {
	pos := 0
	for _, r := range s {
		pos++
		if !ok(r, pos) {
			return pos, r
		}
	}
	return 0, 0
}

// isDigits reports whether s is non-empty and consists of ASCII digits only.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fold folds full-width forms and lower-cases ASCII letters but, unlike
// compact, keeps spaces and separators, for parsers that need the groups.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return foldSlow(s)
		}
	}
	return s
}

func foldSlow(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r = foldWidth(r); 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
