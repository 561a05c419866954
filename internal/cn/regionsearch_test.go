package cn

import (
	"strings"
	"testing"
)

func TestSearchRegions(t *testing.T) {
	tests := []struct {
		name, q string
		limit   int
		want    []string // codes expected first, in order
		count   int      // expected length, or -1 for any
	}{
		{"an exact name ranks first", "深圳市", 5, []string{"440300"}, -1},
		{"a partial name finds the province before its districts", "北京", 3, []string{"110000"}, 3},
		{"name prefixes rank cities before counties", "朝阳", 3, []string{"211300", "110105", "211321"}, 3},
		{"a full-name fragment finds a district", "深圳市南山", 5, []string{"440305"}, 1},
		{"a code prefix lists the city and its districts in code order", "4403", 3, []string{"440300", "440303", "440304"}, 3},
		{"full-width input is folded", "４４０３", 1, []string{"440300"}, 1},
		{"the four 市辖区 placeholders of the municipalities are found", "市辖区", 50, []string{"110100", "120100", "310100", "500100"}, 4},
		{"an empty query finds nothing", " ", 5, nil, 0},
		{"an unknown name finds nothing", "不存在的地方", 5, nil, 0},
		{"a limit of zero means the default", "区", 0, nil, DefaultRegionSearchLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SearchRegions(tt.q, tt.limit)
			if tt.count >= 0 && len(got) != tt.count {
				t.Errorf("SearchRegions(%q) returned %d results: %v", tt.q, len(got), got)
			}
			for i, code := range tt.want {
				if i >= len(got) || got[i].Code != code {
					t.Errorf("result %d = %v, want %s (all: %v)", i, got, code, got)
					break
				}
			}
		})
	}
	t.Run("a name match ranks above statistical placeholders", func(t *testing.T) {
		got := SearchRegions("县", 2000)
		seenStat := false
		for _, r := range got {
			if r.Statistical && r.Name == "县" {
				seenStat = true
			} else if seenStat && r.Name == "县" {
				t.Errorf("real region %v after a statistical one", r)
			}
		}
	})
	t.Run("every result contains the query in its name or full name", func(t *testing.T) {
		for _, r := range SearchRegions("南", 100) {
			if !strings.Contains(RegionFullName(r.Code)+r.Name, "南") {
				t.Errorf("%v does not contain 南", r)
			}
		}
	})
}

func FuzzSearchRegions(f *testing.F) {
	for _, s := range []string{"深圳", "44", "", "\xff", "区"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		got := SearchRegions(q, limit)
		max := limit
		if max <= 0 {
			max = DefaultRegionSearchLimit
		}
		if len(got) > max {
			t.Fatalf("%d results for limit %d", len(got), limit)
		}
	})
}

func BenchmarkSearchRegions(b *testing.B) {
	regions()
	for _, q := range []string{"朝阳", "4403"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SearchRegions(q, 10)
			}
		})
	}
}
