// Package search turns names and numbers into the tokens of Kehu's own
// search index, and a search box's query into the tokens to look up.
// Chinese names are searched by one- and two-character queries (张, 华为),
// which trigram indexes do not serve, so every name is indexed as its
// single characters and its bigrams, plus pinyin initials and full pinyin
// (every reading of a polyphonic character) as prefixes, codes, and the
// last four digits of mobile numbers.
package search

import (
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/cn"
)

// maxPrefix bounds the pinyin prefixes indexed per spelling.
const maxPrefix = 12

// Doc is what one customer contributes to the index.
type Doc struct {
	Texts   []string // names: the customer's, its short name, its contacts'
	Codes   []string // customer code, USCC: matched whole, case-insensitive
	Numbers []string // last digits of mobile numbers
}

// Tokens returns the distinct tokens of d.
func Tokens(d Doc) []string {
	set := map[string]struct{}{}
	add := func(t string) {
		if t != "" {
			set[t] = struct{}{}
		}
	}
	for _, text := range d.Texts {
		for _, t := range textTokens(text) {
			add(t)
		}
		full, initials := cn.PinyinKeys(text)
		for _, s := range append(full, initials...) {
			for n := 2; n <= len(s) && n <= maxPrefix; n++ {
				add(s[:n])
			}
		}
	}
	for _, c := range d.Codes {
		add(strings.ToLower(strings.TrimSpace(c)))
	}
	for _, n := range d.Numbers {
		add(n)
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	return out
}

// textTokens splits a name into its Han characters and their bigrams, and
// its runs of letters and digits as lower-case words.
func textTokens(s string) []string {
	var out []string
	var prev rune
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			out = append(out, string(r))
			if prev != 0 {
				out = append(out, string(prev)+string(r))
			}
			prev = r
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
		prev = 0
	}
	flush()
	return out
}

// Query returns the tokens all of which a match must have, and whether a
// final check of the real text is needed (queries of three or more Han
// characters match by bigrams, which do not prove adjacency).
func Query(q string) (tokens []string, recheck bool) {
	q = strings.TrimSpace(q)
	var hans []rune
	for _, r := range q {
		if unicode.Is(unicode.Han, r) {
			hans = append(hans, r)
		}
	}
	set := map[string]struct{}{}
	switch {
	case len(hans) == 1:
		set[string(hans[0])] = struct{}{}
	case len(hans) >= 2:
		for i := 1; i < len(hans); i++ {
			set[string(hans[i-1])+string(hans[i])] = struct{}{}
		}
	}
	for _, w := range textTokens(q) {
		if !containsHan(w) {
			if len(w) > maxPrefix && isLetters(w) { // pinyin is indexed up to maxPrefix letters
				w = w[:maxPrefix]
			}
			set[w] = struct{}{}
		}
	}
	for t := range set {
		tokens = append(tokens, t)
	}
	return tokens, len(hans) >= 3
}

func containsHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return s != ""
}
