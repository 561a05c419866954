package sales

import "testing"

func TestParseYuanTakesCommasOnlyAsThousandsGrouping(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Money
		ok   bool
	}{
		{"1,234.50", 123450, true},
		{"12,345", 1234500, true},
		{"1,234,567.8", 123456780, true},
		{"-1,000", -100000, true},
		{"¥1,000元", 100000, true},
		{"1,5", 0, false},
		{"12,34.5", 0, false},
		{",,,1", 0, false},
		{",100", 0, false},
		{"1,", 0, false},
		{"1,,234", 0, false},
		{"1234,567", 0, false},
		{"1.2,3", 0, false},
		{"1,234.5,0", 0, false},
	} {
		got, ok := ParseYuan(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
