package customer

import (
	"slices"
	"testing"
)

func TestTagsWithSeparatorsSurviveTheirCell(t *testing.T) {
	for _, tags := range [][]string{
		{"华东,B2B"}, {"a;b"}, {"重点", "华东/B2B", "a;b"}, {`"引号"标签`}, {`他说"好"`}, {"-负数"}, {"一", "二"}, {},
		{"x、y", "p|q", "，全角"},
	} {
		cell := JoinTags(tags)
		if got := SplitTags(cell); !slices.Equal(got, tags) {
			t.Errorf("JoinTags(%q) = %q reads back as %q", tags, cell, got)
		}
	}
	for cell, want := range map[string][]string{
		"重点,华东": {"重点", "华东"}, "重点；华东/B2B": {"重点", "华东/B2B"}, "a、b | c": {"a", "b", "c"},
		`"华东,B2B";重点`: {"华东,B2B", "重点"}, `"华东,B2B"`: {"华东,B2B"}, " ": {},
	} {
		if got := SplitTags(cell); !slices.Equal(got, want) {
			t.Errorf("SplitTags(%q) = %q, want %q", cell, got, want)
		}
	}
}
