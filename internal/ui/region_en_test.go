package ui

import (
	"testing"

	"github.com/kehucrm/kehu/internal/cn"
)

func TestPlacesAreRomanisedTheWayTheyAreKnown(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"苏州市", "Suzhou"}, {"江苏省", "Jiangsu"}, {"西安市", "Xi'an"}, {"长沙市", "Changsha"}, {"成都市", "Chengdu"},
		{"重庆市", "Chongqing"}, {"厦门市", "Xiamen"}, {"番禺区", "Panyu"}, {"广西壮族自治区", "Guangxi"},
		{"延边朝鲜族自治州", "Yanbian"}, {"黔东南苗族侗族自治州", "Qiandongnan"}, {"陕西省", "Shaanxi"}, {"山西省", "Shanxi"},
		{"内蒙古自治区", "Inner Mongolia"}, {"喀什地区", "Kashi"}, {"香港特别行政区", "Hong Kong"}, {"天河区", "Tianhe"},
	} {
		if got := cn.PlacePinyin(c.name); got != c.want {
			t.Errorf("cn.PlacePinyin(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestEnglishPagesShowARegionsPinyinBesideItsName(t *testing.T) {
	for _, c := range []struct{ lang, code, name, want string }{
		{"en", "320500", "江苏省苏州市", "江苏省苏州市 Suzhou, Jiangsu"},
		{"en", "440106", "", "广东省广州市天河区 Tianhe, Guangzhou, Guangdong"},
		{"en", "110101", "北京市东城区", "北京市东城区 Dongcheng, Beijing"},
		{"zh-CN", "320500", "江苏省苏州市", "江苏省苏州市"},
		{"en", "", "", ""},
	} {
		v := &view{Lang: c.lang}
		if got := v.Region(c.code, c.name); got != c.want {
			t.Errorf("Region(%s, %q) in %s = %q, want %q", c.code, c.name, c.lang, got, c.want)
		}
	}
}
