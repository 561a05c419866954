package cn

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// Industry is a section (门类) or division (大类) of GB/T 4754-2017.
type Industry struct {
	// Code is a capital letter A–T for a section, two digits 01–97 for a division.
	Code string
	// Name is the name given in the standard.
	Name string
	// Section is the letter of the section: the code itself for a section.
	Section string
	// NameEn is an English name for display; only sections carry one.
	NameEn string
}

// IsSection reports whether the entry is a section rather than a division.
func (in Industry) IsSection() bool { return len(in.Code) == 1 }

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textIndustryEmpty   text = "cn.industry.empty"
	textIndustryFormat  text = "cn.industry.format"
	textIndustryUnknown text = "cn.industry.unknown"
)

// IndustryByCode looks up a section by its letter (either case) or a
// division by its two-digit code; surrounding spaces are ignored.
func IndustryByCode(code string) (Industry, bool) {
	v := compact(code, "", true)
	switch {
	case len(v) == 1 && v[0] >= 'A' && v[0] <= 'T':
		return industrySections[v[0]-'A'], true
	case len(v) == 2 && isDigits(v):
		n, _ := strconv.Atoi(v)
		if n >= 1 && n <= len(industryDivisions) {
			return industryDivisions[n-1], true
		}
	}
	return Industry{}, false
}

// ValidIndustryCode returns nil when code is a section letter or division
// code that IndustryByCode finds. It accepts only these two tiers, because
// they are what the CRM records: finer class codes (e.g. "6513") get a
// format problem rather than being truncated silently.
func ValidIndustryCode(code string) *Problem {
	v := compact(code, "", true)
	if v == "" {
		return emptyProblem(textIndustryEmpty)
	}
	if _, ok := IndustryByCode(v); ok {
		return nil
	}
	letter := utf8.RuneCountInString(v) == 1 && v[0] >= 'A' && v[0] <= 'Z'
	if letter || len(v) == 2 && isDigits(v) {
		return problem(CodeUnknown, Error, textIndustryUnknown, 0, "", v)
	}
	return problem(CodeFormat, Error, textIndustryFormat, 0, "", showString(v))
}

// Sections returns the 20 sections A–T in order.
func Sections() []Industry {
	return slices.Clone(industrySections[:])
}

// Divisions returns the divisions of the given section letter in code order,
// all 97 for an empty section, and nil for an unknown one.
func Divisions(section string) []Industry {
	if section == "" {
		return slices.Clone(industryDivisions[:])
	}
	s, ok := IndustryByCode(section)
	if !ok || !s.IsSection() {
		return nil
	}
	var out []Industry
	for _, d := range industryDivisions {
		if d.Section == s.Code {
			out = append(out, d)
		}
	}
	return out
}

// SectionOf returns the section that an industry code belongs to: the
// section itself for a letter, the parent section for a division.
func SectionOf(code string) (Industry, bool) {
	in, ok := IndustryByCode(code)
	if !ok {
		return Industry{}, false
	}
	return industrySections[in.Section[0]-'A'], true
}
