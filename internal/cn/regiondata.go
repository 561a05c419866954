package cn

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// regionsTSV is the generated region table; see its header and
// scripts/regions/generate.js for source, data year and licence.
//
//go:embed regions.tsv
var regionsTSV string

// regionIndex is the parsed table. It is built once, on first use, and never
// changed afterwards, so it is safe for concurrent readers.
type regionIndex struct {
	all      []Region         // sorted by code
	byCode   map[string]int   // code → index in all
	children map[string][]int // parent code ("" for the top) → indices, sorted
	fullName []string         // per index: names along the chain, placeholders left out
	bad      int              // malformed lines skipped; the tests insist on 0
}

// regions parses the embedded table on first use; parsing takes a few
// milliseconds, which programs that never look up a region should not pay.
var regions = sync.OnceValue(func() *regionIndex { return parseRegions(regionsTSV) })

// parseRegions reads lines of code, level, statistical flag and name. Lines
// starting with # are comments. It skips malformed lines rather than failing,
// because the data is embedded and checked by tests: a bad line cannot appear
// at run time without also failing the build's tests.
func parseRegions(data string) *regionIndex {
	idx := &regionIndex{byCode: make(map[string]int, 4096), children: make(map[string][]int)}
	for line := range strings.Lines(data) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || len(f[0]) != 6 || !isDigits(f[0]) || f[3] == "" || (f[2] != "0" && f[2] != "1") {
			idx.bad++
			continue
		}
		level, ok := parseRegionLevel(f[1])
		if !ok {
			idx.bad++
			continue
		}
		idx.all = append(idx.all, Region{Code: f[0], Name: f[3], Level: level, Statistical: f[2] == "1"})
	}
	// Sorting here keeps children and search results in code order even if
	// the file were edited out of order.
	slices.SortStableFunc(idx.all, func(a, b Region) int { return strings.Compare(a.Code, b.Code) })
	idx.all = slices.CompactFunc(idx.all, func(a, b Region) bool {
		if a.Code == b.Code {
			idx.bad++
		}
		return a.Code == b.Code
	})
	for i, r := range idx.all {
		idx.byCode[r.Code] = i
	}
	// Parents sort before their children, so each full name extends its
	// parent's, already computed.
	idx.fullName = make([]string, len(idx.all))
	for i, r := range idx.all {
		parent := idx.parentCode(r)
		idx.children[parent] = append(idx.children[parent], i)
		base := ""
		if parent != "" {
			base = idx.fullName[idx.byCode[parent]]
		}
		idx.fullName[i] = base
		if !r.Statistical {
			idx.fullName[i] = base + r.Name
		}
	}
	return idx
}

func parseRegionLevel(s string) (RegionLevel, bool) {
	switch s {
	case "province":
		return ProvinceLevel, true
	case "city":
		return CityLevel, true
	case "county":
		return CountyLevel, true
	}
	return 0, false
}

// parentCode derives the parent from the code's structure: a county's city
// is its first four digits, a city's province its first two. A county whose
// city is missing from the table hangs directly under the province.
func (idx *regionIndex) parentCode(r Region) string {
	switch r.Level {
	case CountyLevel:
		if c := r.Code[:4] + "00"; idx.has(c) {
			return c
		}
		fallthrough
	case CityLevel:
		if p := r.Code[:2] + "0000"; idx.has(p) {
			return p
		}
	}
	return ""
}

func (idx *regionIndex) has(code string) bool {
	_, ok := idx.byCode[code]
	return ok
}

// chain returns the regions from the province down to code itself.
func (idx *regionIndex) chain(code string) []Region {
	i, ok := idx.byCode[code]
	if !ok {
		return nil
	}
	var up [3]Region
	n := 0
	for r := idx.all[i]; n < len(up); {
		up[n] = r
		n++
		p := idx.parentCode(r)
		if p == "" {
			break
		}
		r = idx.all[idx.byCode[p]]
	}
	out := make([]Region, n)
	for j := range n {
		out[j] = up[n-1-j]
	}
	return out
}
