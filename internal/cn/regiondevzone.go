package cn

import (
	_ "embed"
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
