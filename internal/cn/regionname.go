package cn

import (
	"strings"
	"sync"
)

// regionSuffixes are the endings a region's name may be written without
// ("苏州" for 苏州市), longest first.
var regionSuffixes = []string{"特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
	"地区", "林区", "特区", "省", "市", "区", "县", "盟", "旗"}

// shortRegionName strips one suffix from a name, keeping at least two
// characters: "苏州市" → "苏州", "和平区" → "和平", "县" stays.
func shortRegionName(name string) string {
	for _, s := range regionSuffixes {
		if rest, ok := strings.CutSuffix(name, s); ok && len([]rune(rest)) >= 2 {
			return rest
		}
	}
	return name
}

// regionNames indexes the table by full name, name and short name: each
// key → the indices of the real (not statistical) units that carry it.
type regionNames struct {
	full, name, short map[string][]int
}

var regionNameIndex = sync.OnceValue(func() *regionNames {
	idx := regions()
	n := &regionNames{full: map[string][]int{}, name: map[string][]int{}, short: map[string][]int{}}
	for i, r := range idx.all {
		if r.Statistical {
			continue
		}
		n.full[idx.fullName[i]] = append(n.full[idx.fullName[i]], i)
		n.name[r.Name] = append(n.name[r.Name], i)
		short := shortRegionName(r.Name)
		if short != r.Name {
			n.short[short] = append(n.short[short], i)
		}
		// "江苏苏州" and "江苏省苏州" are written too: the chain of short names.
		var b strings.Builder
		for _, c := range idx.chain(r.Code) {
			if !c.Statistical {
				b.WriteString(shortRegionName(c.Name))
			}
		}
		if k := b.String(); k != idx.fullName[i] && k != short && k != r.Name {
			n.short[k] = append(n.short[k], i)
		}
	}
	return n
})

// RegionsByName finds the regions a written name stands for: a full name
// along the chain ("江苏省苏州市", "江苏苏州", "北京市朝阳区"), a name
// ("苏州市", "朝阳区") or a name without its suffix ("苏州"). Spaces and
// full-width forms are ignored. It returns one region for a name that is
// unambiguous, several (higher tiers first, then code order) when the name
// fits more than one, and none when no region has it. Statistical zones are
// not found by name.
func RegionsByName(name string) []Region {
	q := compact(foldKeepCase(name), "", false)
	if q == "" {
		return nil
	}
	n, idx := regionNameIndex(), regions()
	var hits []int
	for _, m := range []map[string][]int{n.full, n.name, n.short} {
		if hits = m[q]; len(hits) > 0 {
			break
		}
	}
	if len(hits) == 0 {
		// A full name written with a shortened last part: "江苏省苏州".
		for _, s := range regionSuffixes {
			if hits = n.full[q+s]; len(hits) > 0 {
				break
			}
		}
	}
	out := make([]Region, 0, len(hits))
	for _, i := range hits {
		out = append(out, idx.all[i])
	}
	// One name may be both a city and its own urban district's (e.g. a
	// county-level city named as its prefecture): the higher tier wins.
	if len(out) > 1 && out[0].Level < out[1].Level {
		top := out[0].Level
		kept := out[:0]
		for _, r := range out {
			if r.Level == top {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	return out
}

// LookupRegion reads a region as people write it: a 6-digit code (a
// development-zone code is mapped to the region it lies in, see
// DevZoneRegion), a code followed by its name with or without a space
// ("440305 南山区", "320571苏州工业园区"), a name (see RegionsByName), or a
// development zone's name alone (苏州工业园区, mapped as its code is). It
// returns the region and, when a development zone was mapped, the zone
// (its code and name); ok is false when the text names no region or more
// than one (then candidates lists them).
func LookupRegion(s string) (r Region, zone DevZone, candidates []Region, ok bool) {
	s = strings.TrimSpace(foldKeepCase(s))
	if s == "" {
		return Region{}, DevZone{}, nil, false
	}
	digits := 0
	for digits < len(s) && (s[digits] >= '0' && s[digits] <= '9' || s[digits] == ' ' && digits > 0 && digits < 6) {
		digits++
	}
	code, rest := compact(s[:digits], "", false), strings.TrimSpace(s[digits:])
	if code != "" {
		if z, ok := devZoneOf(code); ok {
			return z.In, z, nil, true
		}
		if len(code) == 6 {
			r, ok := RegionByCode(code)
			return r, DevZone{}, nil, ok
		}
		if rest == "" {
			return Region{}, DevZone{}, nil, false
		}
		s = rest
	}
	found := RegionsByName(s)
	if len(found) == 1 {
		return found[0], DevZone{}, nil, true
	}
	if len(found) == 0 {
		if z, ok := DevZoneByName(s); ok {
			return z.In, z, nil, true
		}
	}
	return Region{}, DevZone{}, found, false
}
