package cn

import (
	"slices"
	"testing"
)

func TestRegionByCode(t *testing.T) {
	tests := []struct {
		name, code string
		want       Region
		ok         bool
	}{
		{"a county is found by its code", "440305", Region{"440305", "南山区", CountyLevel, false}, true},
		{"a province is found by its two-digit prefix", "44", Region{"440000", "广东省", ProvinceLevel, false}, true},
		{"a city is found by its four-digit prefix", "4403", Region{"440300", "深圳市", CityLevel, false}, true},
		{"Hong Kong is present at province level", "810000", Region{"810000", "香港特别行政区", ProvinceLevel, false}, true},
		{"Macao is present at province level", "820000", Region{"820000", "澳门特别行政区", ProvinceLevel, false}, true},
		{"Taiwan is present at province level", "710000", Region{"710000", "台湾省", ProvinceLevel, false}, true},
		{"Beijing's 市辖区 placeholder is flagged statistical", "110100", Region{"110100", "市辖区", CityLevel, true}, true},
		{"Hubei's group of directly governed counties is flagged statistical", "429000", Region{"429000", "省直辖县级行政区划", CityLevel, true}, true},
		{"a development zone is flagged statistical", "130171", Region{"130171", "石家庄高新技术产业开发区", CountyLevel, true}, true},
		{"a city without districts is a city", "441900", Region{"441900", "东莞市", CityLevel, false}, true},
		{"full-width digits are accepted", "４４０３０５", Region{"440305", "南山区", CountyLevel, false}, true},
		{"an abolished county is not found", "110103", Region{}, false},
		{"a five-digit code is not found", "44030", Region{}, false},
		{"a code with letters is not found", "44O305", Region{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := RegionByCode(tt.code)
			if got != tt.want || ok != tt.ok {
				t.Errorf("RegionByCode(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRegionChain(t *testing.T) {
	tests := []struct {
		name, code string
		want       []string
	}{
		{"a county's chain runs from province to county", "440305", []string{"440000", "440300", "440305"}},
		{"a Beijing district's chain includes the placeholder", "110101", []string{"110000", "110100", "110101"}},
		{"a county-level city under a grouping chains through it", "429004", []string{"420000", "429000", "429004"}},
		{"a province's chain is itself", "810000", []string{"810000"}},
		{"an unknown code has no chain", "110103", nil},
		{"garbage has no chain", "abc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range RegionChain(tt.code) {
				got = append(got, r.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("RegionChain(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestRegionNamesAndPrefixes(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"the full name leaves the 市辖区 placeholder out", RegionFullName("110101"), "北京市东城区"},
		{"the full name leaves the 省直辖 grouping out", RegionFullName("429004"), "湖北省仙桃市"},
		{"the full name of a Shenzhen district names all three tiers", RegionFullName("440305"), "广东省深圳市南山区"},
		{"an unknown code has no full name", RegionFullName("999999"), ""},
		{"a province's filter prefix has two digits", first(RegionPrefix("440000")), "44"},
		{"a city's filter prefix has four digits", first(RegionPrefix("4403")), "4403"},
		{"a county's filter prefix is its code", first(RegionPrefix("440305")), "440305"},
		{"an unknown code has no filter prefix", first(RegionPrefix("999999")), ""},
		{"the province of a county is found", provinceName("440305"), "广东省"},
		{"the province of an abolished county is still found", provinceName("110103"), "北京市"},
		{"a code of an unknown province has no province", provinceName("990101"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func first(s string, _ bool) string { return s }

func provinceName(code string) string {
	r, _ := ProvinceOf(code)
	return r.Name
}

func TestRegionChildren(t *testing.T) {
	t.Run("the top level lists the 34 provinces in code order", func(t *testing.T) {
		got := RegionChildren("")
		if len(got) != 34 || got[0].Code != "110000" || got[33].Code != "820000" {
			t.Errorf("provinces: %d, first %v, last %v", len(got), got[0], got[len(got)-1])
		}
	})
	t.Run("a city lists its districts", func(t *testing.T) {
		got := RegionChildren("4403")
		if !slices.ContainsFunc(got, func(r Region) bool { return r.Code == "440305" }) {
			t.Errorf("深圳市 children lack 南山区: %v", got)
		}
	})
	t.Run("a county has no children", func(t *testing.T) {
		if got := RegionChildren("440305"); len(got) != 0 {
			t.Errorf("children of a county: %v", got)
		}
	})
	t.Run("the returned slice is the caller's to change", func(t *testing.T) {
		RegionChildren("")[0].Name = "changed"
		if RegionChildren("")[0].Name != "北京市" {
			t.Error("changing a result changed the table")
		}
	})
}

func TestValidRegionCode(t *testing.T) {
	tests := []struct {
		name, code string
		want       *Problem
	}{
		{"a county code is valid", "440305", nil},
		{"a province prefix is valid", "44", nil},
		{"an empty code is reported as empty", "", errorCode(CodeEmpty)},
		{"letters are invalid characters", "44O305", &Problem{Code: CodeCharset, Severity: Error, Pos: 3, Got: "O"}},
		{"five digits have the wrong length", "44030", &Problem{Code: CodeLength, Severity: Error, Got: "5"}},
		{"an abolished county is unknown", "110103", &Problem{Code: CodeUnknown, Severity: Error, Got: "110103"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, ValidRegionCode(tt.code), tt.want)
		})
	}
}

func FuzzRegionLookups(f *testing.F) {
	for _, s := range []string{"440305", "44", "4403", "", "０", "\xff\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		r, ok := RegionByCode(code)
		if ok != (ValidRegionCode(code) == nil) {
			t.Fatalf("RegionByCode and ValidRegionCode disagree on %q", code)
		}
		chain := RegionChain(code)
		if ok && (len(chain) == 0 || chain[len(chain)-1] != r) {
			t.Fatalf("chain of %q = %v", code, chain)
		}
		ProvinceOf(code)
		RegionFullName(code)
		RegionChildren(code)
		RegionPrefix(code)
	})
}

func BenchmarkRegionByCode(b *testing.B) {
	regions()
	b.ReportAllocs()
	for b.Loop() {
		RegionByCode("440305")
	}
}

func BenchmarkValidRegionCode(b *testing.B) {
	regions()
	b.ReportAllocs()
	for b.Loop() {
		ValidRegionCode("440305")
	}
}
