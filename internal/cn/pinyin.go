package cn

import (
	"slices"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// MaxPinyinVariants caps how many alternative spellings PinyinKeys returns
// of each kind. Every polyphonic character multiplies the combinations, so
// without a cap a long name full of them would yield thousands of keys.
const MaxPinyinVariants = 16

// MaxPinyinRunes is how many characters of a name PinyinKeys looks at;
// search keys for longer text would only bloat the index.
const MaxPinyinRunes = 64

// PinyinKeys returns the spellings a name can be searched by: full pinyin
// without tones ("chongqing") and initials ("cq"), lower-case and without
// spaces. Every reading of a polyphonic character counts, so 重庆 gives
// zhongqing/chongqing/tongqing and zq/cq/tq. ASCII letters and digits pass
// through lower-cased (full-width ones too); other characters are dropped.
//
// At most MaxPinyinVariants keys of each kind are returned. Characters are
// combined left to right with each one's most common reading first, so the
// all-common-readings spelling always comes first, and the cap cuts the
// variants of the later characters first.
func PinyinKeys(name string) (full, initials []string) {
	fullParts, initParts := pinyinParts(name)
	if len(fullParts) == 0 {
		return nil, nil
	}
	return combine(fullParts, MaxPinyinVariants), combine(initParts, MaxPinyinVariants)
}

// PinyinPrefixes returns what a search index needs of a name's spellings
// (see PinyinKeys): every distinct prefix of two to maxPrefix letters of
// any spelling, full or initials, and the spellings longer than maxPrefix
// themselves, at most maxWhole of each kind, most common readings first.
// A query of up to maxPrefix letters is then one exact token, and a longer
// one a prefix of a whole spelling. Walking the readings only as deep as
// maxPrefix letters keeps this cheap for names full of polyphonic
// characters, whose full combinations run into the thousands.
func PinyinPrefixes(name string, maxPrefix, maxWhole int) (prefixes, whole []string) {
	fullParts, initParts := pinyinParts(name)
	if len(fullParts) == 0 {
		return nil, nil
	}
	seen := make(map[string]struct{}, 64)
	prefixes = make([]string, 0, 48)
	buf := make([]byte, 0, 2*maxPrefix)
	budget := 512 // nodes walked, against pathological input
	var walk func(parts [][]string, i int)
	walk = func(parts [][]string, i int) {
		if i == len(parts) || len(buf) >= maxPrefix || budget <= 0 {
			return
		}
		for _, r := range parts[i] {
			budget--
			n := len(buf)
			buf = append(buf, r...)
			for k := max(n+1, 2); k <= len(buf) && k <= maxPrefix; k++ {
				if _, ok := seen[string(buf[:k])]; !ok {
					p := string(buf[:k])
					seen[p] = struct{}{}
					prefixes = append(prefixes, p)
				}
			}
			walk(parts, i+1)
			buf = buf[:n]
		}
	}
	walk(fullParts, 0)
	walk(initParts, 0)
	for _, parts := range [][][]string{fullParts, initParts} {
		for _, k := range combine(parts, maxWhole) {
			if len(k) > maxPrefix {
				whole = append(whole, k)
			}
		}
	}
	return prefixes, whole
}

// pinyinParts splits a name into its characters' spellings: for each
// character, its readings (full) and their first letters (initials).
func pinyinParts(name string) (fullParts, initParts [][]string) {
	n := 0
	var chars []rune // the character of each part, for phraseReadings
	defer func() { preferPhraseReadings(chars, fullParts, initParts) }()
	for _, r := range name {
		if n++; n > MaxPinyinRunes {
			break
		}
		r = foldWidth(r)
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
			fallthrough
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			fullParts = append(fullParts, []string{string(r)})
			initParts = append(initParts, []string{string(r)})
			chars = append(chars, r)
		default:
			readings := pinyinReadings(r)
			if len(readings) == 0 {
				continue
			}
			fullParts = append(fullParts, readings)
			var firsts []string
			for _, s := range readings {
				if !slices.Contains(firsts, s[:1]) {
					firsts = append(firsts, s[:1])
				}
			}
			initParts = append(initParts, firsts)
			chars = append(chars, r)
		}
	}
	return fullParts, initParts
}

// FirstReadings returns, for each character of s that has a pinyin
// reading (and each ASCII letter or digit, lower-cased), its reading in
// context: the most common one, or the one a phrase it is part of asks
// for (长安 → chang an).
func FirstReadings(s string) []string {
	full, _ := pinyinParts(s)
	out := make([]string, len(full))
	for i, p := range full {
		out[i] = p[0]
	}
	return out
}

// phraseReadings are words common in company and place names whose
// characters read otherwise than their most common reading, which the
// per-character dictionary puts first: 长安 is chang'an, not zhang'an.
// A name's first whole spelling uses these readings, so a query of its
// full pinyin as people say it finds it (every reading of each character
// is indexed as a prefix either way).
var phraseReadings = map[string][]string{
	"长安": {"chang", "an"}, "长沙": {"chang", "sha"}, "长春": {"chang", "chun"}, "长江": {"chang", "jiang"},
	"长城": {"chang", "cheng"}, "长虹": {"chang", "hong"}, "长兴": {"chang", "xing"}, "长乐": {"chang", "le"},
	"长治": {"chang", "zhi"}, "长征": {"chang", "zheng"}, "长丰": {"chang", "feng"}, "长宁": {"chang", "ning"},
	"长寿": {"chang", "shou"}, "长泰": {"chang", "tai"}, "长隆": {"chang", "long"}, "长荣": {"chang", "rong"},
	"长信": {"chang", "xin"}, "长盛": {"chang", "sheng"}, "长远": {"chang", "yuan"}, "长期": {"chang", "qi"},
	"重庆": {"chong", "qing"}, "银行": {"yin", "hang"}, "行业": {"hang", "ye"}, "商行": {"shang", "hang"},
	"车行": {"che", "hang"}, "琴行": {"qin", "hang"}, "厦门": {"xia", "men"}, "大厦": {"da", "sha"},
	"朝阳": {"chao", "yang"}, "乐山": {"le", "shan"}, "乐清": {"yue", "qing"}, "音乐": {"yin", "yue"},
	"蚌埠": {"beng", "bu"}, "六安": {"lu", "an"}, "丽水": {"li", "shui"}, "台州": {"tai", "zhou"},
	"单县": {"shan", "xian"}, "西藏": {"xi", "zang"}, "藏族": {"zang", "zu"}, "传媒": {"chuan", "mei"},
	"调味": {"tiao", "wei"}, "空调": {"kong", "tiao"}, "数据": {"shu", "ju"}, "了解": {"liao", "jie"},
	"快乐": {"kuai", "le"}, "欢乐": {"huan", "le"}, "和平": {"he", "ping"}, "合肥": {"he", "fei"},
	"合作": {"he", "zuo"}, "给排水": {"ji", "pai", "shui"}, "供应": {"gong", "ying"}, "供电": {"gong", "dian"},
	"曲阜": {"qu", "fu"}, "番禺": {"pan", "yu"}, "东莞": {"dong", "guan"}, "柏林": {"bo", "lin"},
}

// maxPhraseRunes is the longest phrase in phraseReadings, in characters.
const maxPhraseRunes = 3

// preferPhraseReadings puts each phrase's readings first for its
// characters in parts (chars[i] is part i's character). The readings
// slices may be shared with readingsCache, so a reordered part is a copy.
func preferPhraseReadings(chars []rune, fullParts, initParts [][]string) {
	for i := range chars {
		for l := 2; l <= maxPhraseRunes && i+l <= len(chars); l++ {
			want, ok := phraseReadings[string(chars[i:i+l])]
			if !ok {
				continue
			}
			for k, reading := range want {
				j := i + k
				at := slices.Index(fullParts[j], reading)
				if at <= 0 { // first already, or not a reading of it
					continue
				}
				full := append([]string{reading}, slices.Delete(slices.Clone(fullParts[j]), at, at+1)...)
				fullParts[j] = full
				init := []string{reading[:1]}
				for _, r := range full {
					if !slices.Contains(init, r[:1]) {
						init = append(init, r[:1])
					}
				}
				initParts[j] = init
			}
		}
	}
}

// PinyinSearchText joins all keys of a name with spaces, ready to be stored
// in a text column next to the name and matched with a substring search.
func PinyinSearchText(name string) string {
	full, initials := PinyinKeys(name)
	return strings.Join(append(full, initials...), " ")
}

// MatchPinyin reports whether query, in pinyin or initials, occurs in one
// of name's spellings, or whether query occurs in name itself; e.g.
// MatchPinyin("重庆分公司", "cqf") is true. An empty query matches.
func MatchPinyin(name, query string) bool {
	q := strings.ToLower(compact(query, "", false))
	if q == "" || strings.Contains(name, strings.TrimSpace(query)) {
		return true
	}
	full, initials := PinyinKeys(name)
	for _, k := range append(full, initials...) {
		if strings.Contains(k, q) {
			return true
		}
	}
	return false
}

// pinyinReadings returns the toneless readings of a Han character, most
// common first, without duplicates; nil for characters without pinyin.
// It reads go-pinyin's dictionary directly and strips the tone marks here,
// which is far faster than the library's regular-expression styling.
func pinyinReadings(r rune) []string {
	if v, ok := readingsCache.Load(r); ok {
		return v.([]string)
	}
	out := parseReadings(r)
	readingsCache.Store(r, out)
	return out
}

// readingsCache holds parseReadings' answers: a search index asks for the
// same few thousand characters over and over. Callers must not modify them.
var readingsCache sync.Map // rune → []string

func parseReadings(r rune) []string {
	dict, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return nil
	}
	var out []string
	for reading := range strings.SplitSeq(dict, ",") {
		var b strings.Builder
		for _, c := range reading {
			if c = toneless(c); c != 0 {
				b.WriteRune(c)
			}
		}
		if s := b.String(); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// toneless maps a pinyin letter with a tone mark to its plain letter, ü to
// v as pinyin keyboards type it, and anything else that is not a–z to 0.
func toneless(c rune) rune {
	if 'a' <= c && c <= 'z' {
		return c
	}
	switch c {
	case 'ā', 'á', 'ǎ', 'à':
		return 'a'
	case 'ē', 'é', 'ě', 'è', 'ê', 'ế', 'ề':
		return 'e'
	case 'ī', 'í', 'ǐ', 'ì':
		return 'i'
	case 'ō', 'ó', 'ǒ', 'ò':
		return 'o'
	case 'ū', 'ú', 'ǔ', 'ù':
		return 'u'
	case 'ü', 'ǖ', 'ǘ', 'ǚ', 'ǜ':
		return 'v'
	case 'ń', 'ň', 'ǹ':
		return 'n'
	case 'ḿ':
		return 'm'
	}
	return 0
}

// combine forms concatenations of one choice per part, best first: the
// spelling with every part's first choice, then those that differ from it
// in one part, then in two, and so on, parts and choices in order. It stops
// at limit unique results, or after a fixed number of attempts
// should boundary clashes ("xi"+"an" = "xia"+"n") keep producing repeats.
func combine(parts [][]string, limit int) []string {
	var poly []int // parts with a choice to make
	for i, p := range parts {
		if len(p) > 1 {
			poly = append(poly, i)
		}
	}
	choice := make([]int, len(parts))
	out := make([]string, 0, limit)
	attempts := 0
	var b strings.Builder
	emit := func() bool {
		b.Reset()
		for i, p := range parts {
			b.WriteString(p[choice[i]])
		}
		if s := b.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
		attempts++
		return len(out) < limit && attempts < 64*limit
	}
	// vary changes left more parts, each later in poly than start; it
	// returns false once enough variants are found.
	var vary func(start, left int) bool
	vary = func(start, left int) bool {
		if left == 0 {
			return emit()
		}
		for j := start; j <= len(poly)-left; j++ {
			i := poly[j]
			for c := 1; c < len(parts[i]); c++ {
				choice[i] = c
				if !vary(j+1, left-1) {
					return false
				}
			}
			choice[i] = 0
		}
		return true
	}
	for k := 0; k <= len(poly) && vary(0, k); k++ {
	}
	return out
}
