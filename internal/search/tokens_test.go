package search

import (
	"slices"
	"testing"
)

func TestTokensServeShortChineseQueriesPinyinAndNumbers(t *testing.T) {
	toks := Tokens(Doc{Texts: []string{"华为技术有限公司", "重庆", "张伟"}, Codes: []string{"KH00000012", "91350100M000100Y43"}, Numbers: []string{"5678"}})
	for _, q := range []string{"华", "华为", "张", "张伟", "cq", "zq", "hw", "chongqing", "zw", "kh00000012", "91350100m000100y43", "5678"} {
		qt, _ := Query(q)
		for _, tok := range qt {
			if !slices.Contains(toks, tok) {
				t.Errorf("query %q needs token %q, which is not indexed", q, tok)
			}
		}
	}
}

func TestQuery(t *testing.T) {
	tests := []struct {
		q       string
		want    []string
		recheck bool
	}{
		{"张", []string{"张"}, false},
		{"华为", []string{"华为"}, false},
		{"华为技术", []string{"华为", "为技", "技术"}, true},
		{" HW ", []string{"hw"}, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, recheck := Query(tt.q)
		slices.Sort(got)
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) || recheck != tt.recheck {
			t.Errorf("Query(%q) = %v, %v; want %v, %v", tt.q, got, recheck, tt.want, tt.recheck)
		}
	}
}

func FuzzQuery(f *testing.F) {
	for _, s := range []string{"华为", "hw", "重庆 cq", "1234", "\xff", "张-伟"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, _ = Query(q)
		_ = Tokens(Doc{Texts: []string{q}})
	})
}
