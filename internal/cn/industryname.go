package cn

import (
	"strings"
	"sync"
	"unicode"
)

// industryNames indexes sections and divisions by their folded names
// (Chinese and, for sections, English). Where a section and its only
// division share a name (教育, 国际组织) the division, the finer code,
// stands for it.
var industryNames = sync.OnceValue(func() map[string]Industry {
	m := map[string]Industry{}
	for _, s := range industrySections {
		m[industryKey(s.Name)] = s
		m[industryKey(s.NameEn)] = s
	}
	for _, d := range industryDivisions {
		if d.Code != "" && d.Name != "" {
			m[industryKey(d.Name)] = d
		}
	}
	return m
})

// industryKey folds a name for matching: half-width, lower case, without
// spaces or punctuation ("信息传输,软件和信息技术服务业" matches
// 信息传输、软件和信息技术服务业).
func industryKey(s string) string {
	var b strings.Builder
	for _, r := range foldKeepCase(s) {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || isSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// LookupIndustry reads an industry as people write it: a section letter
// or division code ("C", "39"), a code followed by its name ("C 制造业",
// "39计算机、通信和其他电子设备制造业"), or a name alone (制造业,
// 信息传输、软件和信息技术服务业, a division's name, or a section's English
// name). ok is false when the text names no industry.
func LookupIndustry(s string) (Industry, bool) {
	s = strings.TrimSpace(foldKeepCase(s))
	if s == "" {
		return Industry{}, false
	}
	if in, ok := IndustryByCode(s); ok {
		return in, true
	}
	// A code and then its name: the code decides, when the name fits it.
	code, rest := leadingIndustryCode(s)
	if code != "" {
		if in, ok := IndustryByCode(code); ok {
			if rest == "" || industryKey(rest) == industryKey(in.Name) || industryKey(rest) == industryKey(in.NameEn) {
				return in, true
			}
		}
	}
	in, ok := industryNames()[industryKey(s)]
	return in, ok
}

// leadingIndustryCode splits a leading section letter or two-digit
// division code from what follows it ("C 制造业" → "C", "制造业").
func leadingIndustryCode(s string) (code, rest string) {
	switch {
	case len(s) >= 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && (len(s) == 2 || s[2] < '0' || s[2] > '9'):
		return s[:2], strings.TrimSpace(s[2:])
	case len(s) >= 1 && (s[0] >= 'A' && s[0] <= 'T' || s[0] >= 'a' && s[0] <= 't'):
		r := []rune(s[1:])
		if len(r) == 0 || unicode.IsSpace(r[0]) || r[0] >= 0x2E80 {
			return strings.ToUpper(s[:1]), strings.TrimSpace(s[1:])
		}
	}
	return "", ""
}
