package cn

import (
	"strconv"
	"unicode/utf8"
)

// RegionLevel is the tier of a region in the GB/T 2260 hierarchy.
type RegionLevel uint8

const (
	// ProvinceLevel is 省级: provinces, autonomous regions, municipalities and SARs.
	ProvinceLevel RegionLevel = iota + 1
	// CityLevel is 地级: prefecture-level cities, prefectures, leagues.
	CityLevel
	// CountyLevel is 县级: districts, counties, county-level cities, banners.
	CountyLevel
)

// String returns "province", "city" or "county".
func (l RegionLevel) String() string {
	switch l {
	case ProvinceLevel:
		return "province"
	case CityLevel:
		return "city"
	case CountyLevel:
		return "county"
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

// Region is one entry of the region table, which is generated from the
// statistics bureau's 2023 division codes (they follow GB/T 2260) plus Hong
// Kong, Macao and Taiwan; regions.tsv's header names source and licence.
type Region struct {
	// Code is the six-digit division code, e.g. "440305".
	Code string
	// Name is the official name, e.g. "南山区".
	Name string
	// Level is the tier: province, city or county.
	Level RegionLevel
	// Statistical marks statistical-only zones, which are no administrative
	// unit: the 市辖区/县 placeholders of municipalities, the xx90 groupings of
	// directly governed counties, and development zones (county codes 71–79).
	Statistical bool
}

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textRegionEmpty   text = "cn.region.empty"
	textRegionCharset text = "cn.region.charset"
	textRegionLength  text = "cn.region.length"
	textRegionUnknown text = "cn.region.unknown"
)

// NormalizeRegionCode turns a 6-digit code or a 2-digit (province) or
// 4-digit (city) prefix into the 6-digit code it stands for: "44" becomes
// "440000" and "4403" becomes "440300". It does not consult the table.
func NormalizeRegionCode(code string) (string, bool) {
	v := compact(code, "", false)
	if !isDigits(v) {
		return v, false
	}
	switch len(v) {
	case 2:
		return v + "0000", true
	case 4:
		return v + "00", true
	case 6:
		return v, true
	}
	return v, false
}

// ValidRegionCode returns nil when code, or the 2- or 4-digit prefix it
// is, names a region in the table, and the problem otherwise.
func ValidRegionCode(code string) *Problem {
	v := compact(code, "", false)
	if v == "" {
		return emptyProblem(textRegionEmpty)
	}
	if pos, r := firstBad(v, func(r rune, _ int) bool { return r >= '0' && r <= '9' }); pos > 0 {
		return problem(CodeCharset, Error, textRegionCharset, pos, "", showRune(r))
	}
	full, ok := NormalizeRegionCode(v)
	if !ok {
		return problem(CodeLength, Error, textRegionLength, 0, "6", strconv.Itoa(utf8.RuneCountInString(v)))
	}
	if !regions().has(full) {
		return problem(CodeUnknown, Error, textRegionUnknown, 0, "", full)
	}
	return nil
}

// RegionByCode looks a region up by its 6-digit code or 2-/4-digit prefix.
func RegionByCode(code string) (Region, bool) {
	full, ok := NormalizeRegionCode(code)
	if !ok {
		return Region{}, false
	}
	idx := regions()
	i, ok := idx.byCode[full]
	if !ok {
		return Region{}, false
	}
	return idx.all[i], true
}

// RegionChain returns the regions from the province down to code itself,
// e.g. 广东省, 深圳市, 南山区; nil when code is not in the table.
func RegionChain(code string) []Region {
	full, ok := NormalizeRegionCode(code)
	if !ok {
		return nil
	}
	return regions().chain(full)
}

// ProvinceOf returns the province-level region of a code. It looks only at
// the first two digits, so it also works for codes of counties that have
// since been abolished, as found in older ID numbers and USCCs.
func ProvinceOf(code string) (Region, bool) {
	full, ok := NormalizeRegionCode(code)
	if !ok {
		return Region{}, false
	}
	return RegionByCode(full[:2])
}

// RegionFullName joins the names along the chain, leaving statistical
// placeholders out: "北京市东城区", "湖北省仙桃市"; "" for unknown codes.
func RegionFullName(code string) string {
	full, ok := NormalizeRegionCode(code)
	if !ok {
		return ""
	}
	idx := regions()
	if i, ok := idx.byCode[full]; ok {
		return idx.fullName[i]
	}
	return ""
}

// RegionChildren lists the regions directly under code in code order; an
// empty code lists the provinces. The slice is the caller's to keep.
func RegionChildren(code string) []Region {
	parent := ""
	if code != "" {
		full, ok := NormalizeRegionCode(code)
		if !ok {
			return nil
		}
		parent = full
	}
	idx := regions()
	kids := idx.children[parent]
	out := make([]Region, len(kids))
	for i, k := range kids {
		out[i] = idx.all[k]
	}
	return out
}

// RegionPrefix returns the shortest prefix that all codes under code share,
// for filtering stored codes with a prefix match: "440000" gives "44",
// "440300" gives "4403" and a county code gives itself.
func RegionPrefix(code string) (string, bool) {
	r, ok := RegionByCode(code)
	if !ok {
		return "", false
	}
	switch r.Level {
	case ProvinceLevel:
		return r.Code[:2], true
	case CityLevel:
		return r.Code[:4], true
	}
	return r.Code, true
}
