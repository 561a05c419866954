package cn

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// devZonesTSV lists retired development-zone codes (code, name) that the
// statistics bureau used in earlier years; see its header for the source.
//
//go:embed regiondevzones.tsv
var devZonesTSV string

// retiredDevZones parses devZonesTSV once: code → name.
var retiredDevZones = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(devZonesTSV) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if ok && len(code) == 6 && isDigits(code) && name != "" {
			m[code] = name
		}
	}
	return m
})

// IsDevZoneCode reports whether code is one of the statistics bureau's
// codes for a development zone or new area (county codes xx71–xx79, such
// as 320576 苏州工业园区, or a retired one such as 320571): codes that
// GB/T 2260 lacks and that name no administrative unit.
func IsDevZoneCode(code string) bool {
	full, ok := NormalizeRegionCode(code)
	if !ok || len(compact(code, "", false)) != 6 || full[4] != '7' || full[5] == '0' {
		return false
	}
	if r, ok := RegionByCode(full); ok {
		return r.Level == CountyLevel && r.Statistical
	}
	_, ok = retiredDevZones()[full]
	return ok
}

// DevZoneRegion maps a development-zone code (see IsDevZoneCode) to the
// administrative region the zone lies in: the city whose code it carries
// (320571 苏州工业园区 → 320500 苏州市), or the province where that city is
// itself only a statistical grouping. zone is the zone's own name. ok is
// false for any other code.
func DevZoneRegion(code string) (in Region, zone string, ok bool) {
	if !IsDevZoneCode(code) {
		return Region{}, "", false
	}
	full, _ := NormalizeRegionCode(code)
	if r, ok := RegionByCode(full); ok {
		zone = r.Name
	} else {
		zone = retiredDevZones()[full]
	}
	if city, ok := RegionByCode(full[:4] + "00"); ok && !city.Statistical {
		return city, zone, true
	}
	province, ok := RegionByCode(full[:2] + "0000")
	return province, zone, ok
}

// DevZone is a development zone or new area with a statistics-bureau
// code (current or retired) and the administrative region it lies in.
type DevZone struct {
	Code string // the zone's own code, e.g. 320576 or 320571
	Name string // e.g. 苏州工业园区
	In   Region // the region it is recorded as (DevZoneRegion)
	// Retired marks a code the bureau no longer uses (not in the region table).
	Retired bool
}

// devZoneOf is DevZoneRegion as a DevZone.
func devZoneOf(code string) (DevZone, bool) {
	in, name, ok := DevZoneRegion(code)
	if !ok {
		return DevZone{}, false
	}
	full, _ := NormalizeRegionCode(code)
	_, current := RegionByCode(full)
	return DevZone{Code: full, Name: name, In: in, Retired: !current}, true
}

// devZones lists every known zone, current ones (in code order) first,
// then retired ones (in code order).
var devZones = sync.OnceValue(func() []DevZone {
	var out []DevZone
	for _, r := range regions().all {
		if r.Statistical && r.Level == CountyLevel {
			if z, ok := devZoneOf(r.Code); ok {
				out = append(out, z)
			}
		}
	}
	var retired []string
	for code := range retiredDevZones() {
		retired = append(retired, code)
	}
	slices.Sort(retired)
	for _, code := range retired {
		if z, ok := devZoneOf(code); ok {
			out = append(out, z)
		}
	}
	return out
})

// DevZoneByName finds the development zone a name stands for
// (苏州工业园区): a current zone before a retired one of the same name.
// Spaces and full-width forms are ignored.
func DevZoneByName(name string) (DevZone, bool) {
	q := compact(foldKeepCase(name), "", false)
	if q == "" {
		return DevZone{}, false
	}
	for _, z := range devZones() {
		if z.Name == q {
			return z, true
		}
	}
	return DevZone{}, false
}

// SearchDevZones finds development zones, current and retired, by code
// prefix (a query of digits) or by a part of their name, at most limit
// (DefaultRegionSearchLimit when limit <= 0); current zones first.
func SearchDevZones(q string, limit int) []DevZone {
	q = compact(foldKeepCase(q), "", false)
	if q == "" {
		return nil
	}
	if limit <= 0 {
		limit = DefaultRegionSearchLimit
	}
	var out []DevZone
	for _, z := range devZones() {
		if len(out) == limit {
			break
		}
		if isDigits(q) && strings.HasPrefix(z.Code, q) || !isDigits(q) && strings.Contains(z.Name, q) {
			out = append(out, z)
		}
	}
	return out
}
