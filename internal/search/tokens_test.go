package search

import (
	"slices"
	"strings"
	"testing"
)

func TestTokensServeShortChineseQueriesPinyinAndNumbers(t *testing.T) {
	toks := Tokens(Doc{Texts: []string{"华为技术有限公司", "重庆", "张伟"}, Codes: []string{"KH00000012", "91350100M000100Y43"}, Numbers: []string{"5678"}})
	for _, q := range []string{"华", "华为", "张", "张伟", "cq", "zq", "hw", "chongq", "chongqing", "huaweijishu", "hwjsyxgs", "zw", "kh00000012", "91350100m000100y43", "5678"} {
		m := Query(q)
		for _, tok := range m.Tokens {
			if !slices.Contains(toks, tok) {
				t.Errorf("query %q needs token %q, which is not indexed", q, tok)
			}
		}
		for _, p := range m.Prefixes {
			if !slices.ContainsFunc(toks, func(tok string) bool { return strings.HasPrefix(tok, p) }) {
				t.Errorf("query %q needs a token beginning %q; none is indexed", q, p)
			}
		}
	}
	for _, q := range []string{"huaweijiao", "hwjsyxgsx", "chongqingshi"} {
		m := Query(q)
		if len(m.Prefixes) != 1 || slices.ContainsFunc(toks, func(tok string) bool { return strings.HasPrefix(tok, m.Prefixes[0]) }) {
			t.Errorf("query %q: prefixes %v should find no indexed token", q, m.Prefixes)
		}
	}
	// Prefixes stop at MaxPrefix letters; longer spellings are whole,
	// at most MaxWhole of each kind (full, initials) per text.
	long := 0
	for _, tok := range toks {
		if isLetters(tok) && len(tok) > MaxPrefix {
			long++
		}
	}
	if long > 3*2*MaxWhole {
		t.Errorf("%d whole spellings for three texts, want at most %d", long, 3*2*MaxWhole)
	}
}

func TestPolyphonicNamesStayCompact(t *testing.T) {
	// 合 肥 信 有 行 长 重 all have several readings; the index keeps the
	// prefixes of every reading but not every combination of them.
	toks := Tokens(Doc{Texts: []string{"合肥联信农业发展有限公司", "联信农业发展", "刘建国"}, Codes: []string{"KH00001234", "91340104100001234X"}, Numbers: []string{"1234"}})
	if len(toks) > 140 {
		t.Errorf("%d tokens for one customer, want at most 140: %v", len(toks), toks)
	}
	for _, want := range []string{"hf", "hflx", "hefei", "gefei", "lx", "lxnyfz", "liujia", "ljg", "合肥", "联信", "刘", "1234", "kh00001234"} {
		if !slices.Contains(toks, want) {
			t.Errorf("token %q missing", want)
		}
	}
}

func TestQuery(t *testing.T) {
	tests := []struct {
		q        string
		want     []string
		prefixes []string
		phrases  []string
	}{
		{"张", []string{"张"}, nil, nil},
		{"华为", []string{"华为"}, nil, nil},
		{"华为技", []string{"华为技"}, nil, nil},
		{"华为技术", []string{"为技术", "华为技"}, nil, []string{"华为技术"}},
		{"第37有", []string{"37", "有", "第"}, nil, nil},
		{"华为 技术有限", []string{"华为", "技术有", "术有限"}, nil, []string{"技术有限"}},
		{" HW ", []string{"hw"}, nil, nil},
		{"huawei", []string{"huawei"}, nil, nil},
		{"HuaweiJishu", []string{"huawei"}, []string{"huaweijishu"}, nil},
		{"13912345678", []string{"13912345678"}, nil, nil},
		{"chang'an", []string{"changa"}, []string{"changan"}, nil},
		{"Xi’an", []string{"xian"}, nil, nil},
		{"'hw'", []string{"hw"}, nil, nil},
		{"", nil, nil, nil},
	}
	for _, tt := range tests {
		got := Query(tt.q)
		if !slices.Equal(got.Tokens, tt.want) || !slices.Equal(got.Prefixes, tt.prefixes) || !slices.Equal(got.Phrases, tt.phrases) {
			t.Errorf("Query(%q) = %+v; want %v, %v, %v", tt.q, got, tt.want, tt.prefixes, tt.phrases)
		}
	}
}

func FuzzQuery(f *testing.F) {
	for _, s := range []string{"华为", "hw", "重庆 cq", "1234", "\xff", "张-伟"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_ = Query(q)
		_ = Tokens(Doc{Texts: []string{q}})
	})
}
