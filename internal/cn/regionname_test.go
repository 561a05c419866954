package cn

import (
	"slices"
	"testing"
)

func TestDevZoneCodesMapToTheCityTheyLieIn(t *testing.T) {
	cases := []struct{ code, in, zone string }{
		{"320571", "320500", "苏州工业园区"}, // retired (2019 list)
		{"320576", "320500", "苏州工业园区"}, // current
		{"３２０５７１", "320500", "苏州工业园区"},
		{"340171", "340100", "合肥高新技术产业开发区"},
		{"130171", "130100", "石家庄高新技术产业开发区"},
	}
	for _, c := range cases {
		in, zone, ok := DevZoneRegion(c.code)
		if !ok || in.Code != c.in || zone != c.zone {
			t.Errorf("DevZoneRegion(%q) = %s %s %v, want %s %s", c.code, in.Code, zone, ok, c.in, c.zone)
		}
	}
	for _, code := range []string{"320505", "320500", "320570", "329971", "32", "3205"} {
		if _, _, ok := DevZoneRegion(code); ok || IsDevZoneCode(code) {
			t.Errorf("%s is taken for a development zone", code)
		}
	}
	if n := len(retiredDevZones()); n != 25 {
		t.Errorf("%d retired zones parsed, want 25", n)
	}
}

func TestRegionsAreFoundByTheNamesPeopleWrite(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"江苏省苏州市", []string{"320500"}},
		{"苏州", []string{"320500"}},
		{"苏州市", []string{"320500"}},
		{"江苏苏州", []string{"320500"}},
		{"江苏省 苏州市", []string{"320500"}},
		{"广东省深圳市南山区", []string{"440305"}},
		{"北京市朝阳区", []string{"110105"}},
		{"北京", []string{"110000"}},
		{"江苏", []string{"320000"}},
		{"朝阳区", []string{"110105", "220104"}}, // ambiguous: Beijing and Changchun
		{"新疆维吾尔自治区", []string{"650000"}},
		{"不存在市", nil},
		{"", nil},
	}
	for _, c := range cases {
		got := RegionsByName(c.in)
		var codes []string
		for _, r := range got {
			codes = append(codes, r.Code)
		}
		if len(codes) != len(c.want) || (len(codes) > 0 && codes[0] != c.want[0]) {
			t.Errorf("RegionsByName(%q) = %v, want %v", c.in, codes, c.want)
		}
	}
}

func TestLookupRegionReadsCodesZonesAndNames(t *testing.T) {
	cases := []struct {
		in, code, zone string
		ok             bool
	}{
		{"440305", "440305", "", true},
		{"440305 南山区", "440305", "", true},
		{"320571 苏州工业园区", "320500", "苏州工业园区", true},
		{"320571苏州工业园区", "320500", "苏州工业园区", true},
		{"３２０５７１　苏州工业园区", "320500", "苏州工业园区", true},
		{"320571", "320500", "苏州工业园区", true},
		{"320576", "320500", "苏州工业园区", true},
		{"苏州工业园区", "320500", "苏州工业园区", true},
		{"440305南山区", "440305", "", true},
		{"江苏省苏州市", "320500", "", true},
		{"苏州", "320500", "", true},
		{"朝阳区", "", "", false},
		{"999999", "", "", false},
	}
	for _, c := range cases {
		r, zone, _, ok := LookupRegion(c.in)
		if ok != c.ok || r.Code != c.code || zone.Name != c.zone {
			t.Errorf("LookupRegion(%q) = %s %q %v, want %s %q %v", c.in, r.Code, zone.Name, ok, c.code, c.zone, c.ok)
		}
	}
}

func TestDevelopmentZonesAreFoundByCodeAndName(t *testing.T) {
	for _, q := range []string{"320571", "苏州工业园区", "3205"} {
		found := SearchDevZones(q, 0)
		if !slices.ContainsFunc(found, func(z DevZone) bool { return z.Name == "苏州工业园区" && z.In.Code == "320500" }) {
			t.Errorf("SearchDevZones(%q) = %+v, want 苏州工业园区 in 320500", q, found)
		}
	}
	if z, ok := DevZoneByName("苏州工业园区"); !ok || z.Code != "320576" || z.Retired || z.In.Code != "320500" {
		t.Errorf("DevZoneByName(苏州工业园区) = %+v %v, want the current code 320576 in 320500", z, ok)
	}
	if z, ok := devZoneOf("320571"); !ok || !z.Retired {
		t.Errorf("320571 is a retired code: %+v", z)
	}
	if _, ok := DevZoneByName("南山区"); ok {
		t.Error("an administrative district is no development zone")
	}
}
