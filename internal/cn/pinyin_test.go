package cn

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPinyinKeys(t *testing.T) {
	tests := []struct {
		name                     string
		in                       string
		wantFull, wantInitials   []string // must all be present
		firstFull, firstInitials string   // expected first keys, if set
	}{
		{"重庆 gives both readings, the place name's first", "重庆", []string{"zhongqing", "chongqing"}, []string{"zq", "cq"}, "chongqing", "cq"},
		{"长安 in a name reads chang'an first", "杭州长安物流有限公司", []string{"hangzhouchanganwuliuyouxiangongsi", "hangzhouzhanganwuliuyouxiangongsi"}, []string{"hzcawlyxgs"}, "hangzhouchanganwuliuyouxiangongsi", "hzcawlyxgs"},
		{"银行 reads yinhang first", "招商银行", []string{"zhaoshangyinhang"}, []string{"zsyh"}, "zhaoshangyinhang", "zsyh"},
		{"a phrase changes only its own characters", "长长安", nil, nil, "zhangchangan", "zca"},
		{"a long name still keeps the alternative reading of its first character", "重庆市长安汽车", []string{"chongqingshichanganqiche"}, []string{"cqscaqc", "zqszaqc"}, "", ""},
		{"厦门 is found as xiamen", "厦门", []string{"xiamen", "shamen"}, []string{"xm"}, "", ""},
		{"ü is written v as on pinyin keyboards", "吕", []string{"lv"}, []string{"l"}, "lv", "l"},
		{"ASCII letters and digits pass through lower-cased", "ABC科技2号", []string{"abckeji2hao"}, []string{"abckj2h"}, "abckeji2hao", "abckj2h"},
		{"full-width letters are folded", "ＩＢＭ中国", []string{"ibmzhongguo"}, []string{"ibmzg"}, "", ""},
		{"punctuation and spaces are dropped", "阿里·巴巴 (中国)", []string{"alibabazhongguo"}, []string{"albbzg"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full, initials := PinyinKeys(tt.in)
			for _, w := range tt.wantFull {
				if !slices.Contains(full, w) {
					t.Errorf("full keys %v lack %q", full, w)
				}
			}
			for _, w := range tt.wantInitials {
				if !slices.Contains(initials, w) {
					t.Errorf("initials %v lack %q", initials, w)
				}
			}
			if tt.firstFull != "" && full[0] != tt.firstFull {
				t.Errorf("first full key %q, want %q", full[0], tt.firstFull)
			}
			if tt.firstInitials != "" && initials[0] != tt.firstInitials {
				t.Errorf("first initials %q, want %q", initials[0], tt.firstInitials)
			}
		})
	}
}

func TestPinyinKeysBounds(t *testing.T) {
	t.Run("a name of polyphonic characters is capped at MaxPinyinVariants", func(t *testing.T) {
		full, initials := PinyinKeys(strings.Repeat("那行长重", 8))
		if len(full) != MaxPinyinVariants || len(initials) > MaxPinyinVariants {
			t.Errorf("%d full, %d initials", len(full), len(initials))
		}
	})
	t.Run("only the first MaxPinyinRunes characters count", func(t *testing.T) {
		full, _ := PinyinKeys(strings.Repeat("a", 1000))
		if len(full) != 1 || len(full[0]) != MaxPinyinRunes {
			t.Errorf("keys %v", full)
		}
	})
	t.Run("a name without Chinese, letters or digits has no keys", func(t *testing.T) {
		if full, initials := PinyinKeys("・—！ "); full != nil || initials != nil {
			t.Errorf("keys %v %v", full, initials)
		}
	})
	t.Run("keys are unique", func(t *testing.T) {
		full, initials := PinyinKeys("行行行")
		for _, keys := range [][]string{full, initials} {
			if c := slices.Compact(slices.Sorted(slices.Values(keys))); len(c) != len(keys) {
				t.Errorf("duplicates in %v", keys)
			}
		}
	})
}

func TestMatchPinyin(t *testing.T) {
	tests := []struct {
		name, text, query string
		want              bool
	}{
		{"initials match the place-name reading", "重庆分公司", "cqfgs", true},
		{"initials match the common reading", "重庆分公司", "zq", true},
		{"a prefix of the full pinyin matches", "重庆分公司", "chongqing", true},
		{"spaces and case in the query are ignored", "重庆分公司", "Chong Qing", true},
		{"the Chinese text itself matches", "重庆分公司", "分公司", true},
		{"an empty query matches everything", "重庆", "", true},
		{"an unrelated query does not match", "重庆分公司", "beijing", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchPinyin(tt.text, tt.query); got != tt.want {
				t.Errorf("MatchPinyin(%q, %q) = %v", tt.text, tt.query, got)
			}
		})
	}
	t.Run("the search text holds full keys and initials", func(t *testing.T) {
		if got := PinyinSearchText("重庆"); got != "chongqing zhongqing tongqing cq zq tq" {
			t.Errorf("PinyinSearchText = %q", got)
		}
	})
}

func FuzzPinyinKeys(f *testing.F) {
	for _, s := range []string{"重庆", "ABC科技", "那那那那", "", "\xff", "𠀀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		full, initials := PinyinKeys(s)
		if len(full) > MaxPinyinVariants || len(initials) > MaxPinyinVariants || len(full) == 0 != (len(initials) == 0) {
			t.Fatalf("%q: %d full, %d initials", s, len(full), len(initials))
		}
		for _, k := range append(full, initials...) {
			if k == "" || !utf8.ValidString(k) || strings.ToLower(k) != k || strings.ContainsFunc(k, func(r rune) bool { return r > 'z' }) {
				t.Fatalf("%q: bad key %q", s, k)
			}
		}
		// Every key must match its own name, and the search text must hold it.
		text := PinyinSearchText(s)
		for _, k := range append(full, initials...) {
			if !MatchPinyin(s, k) || !strings.Contains(text, k) {
				t.Fatalf("%q: key %q does not match back", s, k)
			}
		}
	})
}

func BenchmarkPinyinKeys(b *testing.B) {
	for _, in := range []string{"重庆", "深圳市腾讯计算机系统有限公司"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				PinyinKeys(in)
			}
		})
	}
}
