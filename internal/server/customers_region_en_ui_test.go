package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// English pages show a region's pinyin beside its Chinese name, in the
// list, on the record and in the filter; Chinese pages show the name alone.
func TestEnglishPagesShowRegionsInPinyinBesideTheirNames(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"苏州恒信电子"}, "region_code": {"320505"}})
		wantAll(t, "the English list", a.body("/customers", "en", a.am1, 200), "江苏省苏州市虎丘区 Huqiu, Suzhou, Jiangsu")
		wantAll(t, "the English record", a.body(page, "en", a.am1, 200), "江苏省苏州市虎丘区 Huqiu, Suzhou, Jiangsu")
		wantAll(t, "the English filter", a.body("/customers?region=3205", "en", a.am1, 200), "江苏省苏州市 Suzhou, Jiangsu", "江苏省 Jiangsu</option>")
		if zh := a.body("/customers", "zh-CN", a.am1, 200); strings.Contains(zh, "Suzhou") || !strings.Contains(zh, "江苏省苏州市虎丘区") {
			t.Error("the Chinese list should show the region's name alone")
		}
	})
}
