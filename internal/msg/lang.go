package msg

import "strings"

// The languages the catalogue speaks. Tags are spelled as the kehu_lang
// cookie and the HTML lang attribute spell them.
const (
	ZhCN = "zh-CN" // Simplified Chinese, the default
	En   = "en"    // English
)

// Langs returns the languages of the catalogue, the default first.
func Langs() []string { return []string{ZhCN, En} }

// Lang normalises a language tag to one of Langs: English for en, en-* and
// en_* in any case, Simplified Chinese for everything else, so that a
// language the catalogue does not speak gets the product's own.
func Lang(tag string) string {
	if l, ok := Parse(tag); ok {
		return l
	}
	return ZhCN
}

// Parse maps a language tag to one of Langs and reports whether it names a
// language the catalogue speaks: zh and every zh-* / zh_* variant (zh-TW
// and zh-HK included, as the catalogue has no Traditional Chinese) give
// zh-CN; en, en-* and en_* give en; any other tag, including "enx", is
// unknown. Case does not matter.
func Parse(tag string) (string, bool) {
	tag = strings.TrimSpace(tag)
	switch {
	case isBase(tag, "en"):
		return En, true
	case isBase(tag, "zh"):
		return ZhCN, true
	}
	return "", false
}

// isBase reports whether tag's primary language subtag is base.
func isBase(tag, base string) bool {
	if len(tag) < len(base) || !strings.EqualFold(tag[:len(base)], base) {
		return false
	}
	return len(tag) == len(base) || tag[len(base)] == '-' || tag[len(base)] == '_'
}
