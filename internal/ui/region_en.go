package ui

import (
	"github.com/kehucrm/kehu/internal/cn"
)

// Region names stay Chinese, as the records and the official table have
// them; English pages add their romanisation beside them (苏州市 Suzhou,
// 江苏省苏州市 Suzhou, Jiangsu) so that a reader who does not read 汉字
// can tell one from another.

// Region names a region for the page: its name, and in English its
// romanisation beside it. code names the region; name is what the record
// shows (its full name, as a list writes it); either may be empty.
func (v *view) Region(code, name string) string {
	if name == "" {
		name = cn.RegionFullName(code)
	}
	if name == "" || v.Lang != "en" {
		return name
	}
	if en := cn.RegionEnglish(code, name); en != "" {
		return name + " " + en
	}
	return name
}
