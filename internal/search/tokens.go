// Package search turns names and numbers into the tokens of Kehu's own
// search index, and a search box's query into the tokens to look up.
// Chinese names are searched by one- and two-character queries (张, 华为),
// which trigram indexes do not serve, so every name is indexed as its
// single characters, bigrams and trigrams, plus pinyin initials and full pinyin
// (every reading of a polyphonic character) as prefixes of up to MaxPrefix
// letters and as whole spellings, codes, and the last four digits of
// mobile numbers.
package search

import (
	"slices"
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/cn"
)

// MaxPrefix bounds the pinyin prefixes indexed per spelling: a query of
// up to MaxPrefix letters is one token; a longer one must begin one of
// the whole spellings, which are indexed too (at most MaxWhole of each
// kind per name, most common readings first).
const (
	MaxPrefix = 6
	MaxWhole  = 2
)

// IndexVersion names the tokens Tokens makes. An index built with
// another version is rebuilt (see store.Migrate).
const IndexVersion = "4"

// Doc is what one customer contributes to the index.
type Doc struct {
	Texts   []string // names: the customer's, its short name, its contacts'
	Codes   []string // customer code, USCC: matched whole, case-insensitive
	Numbers []string // last digits of mobile numbers
}

// Tokens returns the distinct tokens of d, sorted.
func Tokens(d Doc) []string {
	out := make([]string, 0, 96)
	for _, text := range d.Texts {
		out = append(out, textTokens(text)...)
		prefixes, whole := cn.PinyinPrefixes(text, MaxPrefix, MaxWhole)
		out = append(append(out, prefixes...), whole...)
	}
	for _, c := range d.Codes {
		out = append(out, strings.ToLower(strings.TrimSpace(c)))
	}
	out = append(out, d.Numbers...)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}

// textTokens splits a name into its Han characters, bigrams and trigrams,
// and its runs of letters and digits as lower-case words.
func textTokens(s string) []string {
	var out []string
	var prev, prev2 rune
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
				if prev2 != 0 {
					out = append(out, string(prev2)+string(prev)+string(r))
				}
			}
			prev, prev2 = r, prev
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
		prev, prev2 = 0, 0
	}
	flush()
	return out
}

// Match is what a search box's query asks of the index.
type Match struct {
	// Tokens must all be indexed for a customer to match.
	Tokens []string
	// Prefixes are pinyin words longer than MaxPrefix letters: each must
	// begin one of the customer's indexed tokens (its whole spellings).
	// Their first MaxPrefix letters are among Tokens.
	Prefixes []string
	// Phrases are the query's runs of four or more Han characters, which
	// match by trigrams that do not prove adjacency: the names themselves
	// must contain each. (A run of three is one trigram, exact.)
	Phrases []string
}

// Empty reports whether the query had nothing to look up.
func (m Match) Empty() bool { return len(m.Tokens) == 0 && len(m.Prefixes) == 0 }

// Query returns what a customer must have in the index to match q.
func Query(q string) Match {
	var m Match
	q = joinSyllables(q)
	var run []rune
	endRun := func() {
		switch {
		case len(run) == 1:
			m.Tokens = append(m.Tokens, string(run))
		case len(run) == 2:
			m.Tokens = append(m.Tokens, string(run))
		case len(run) >= 3:
			for i := 2; i < len(run); i++ {
				m.Tokens = append(m.Tokens, string(run[i-2:i+1]))
			}
		}
		if len(run) >= 4 {
			m.Phrases = append(m.Phrases, string(run))
		}
		run = run[:0]
	}
	for _, r := range q {
		if unicode.Is(unicode.Han, r) {
			run = append(run, r)
		} else {
			endRun()
		}
	}
	endRun()
	for _, w := range textTokens(q) {
		if containsHan(w) {
			continue
		}
		if len(w) > MaxPrefix && isLetters(w) {
			m.Prefixes = append(m.Prefixes, w)
			w = w[:MaxPrefix]
		}
		m.Tokens = append(m.Tokens, w)
	}
	slices.Sort(m.Tokens)
	m.Tokens = slices.Compact(m.Tokens)
	slices.Sort(m.Prefixes)
	m.Prefixes = slices.Compact(m.Prefixes)
	slices.Sort(m.Phrases)
	m.Phrases = slices.Compact(m.Phrases)
	return m
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

// joinSyllables drops the apostrophe (' or ’) that separates pinyin
// syllables between letters, as in chang'an or xi'an: the index holds
// the spellings without it.
func joinSyllables(q string) string {
	if !strings.ContainsAny(q, "'’") {
		return q
	}
	rs := []rune(q)
	var b strings.Builder
	for i, r := range rs {
		if (r == '\'' || r == '’') && i > 0 && i+1 < len(rs) && isASCIILetter(rs[i-1]) && isASCIILetter(rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCIILetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }
