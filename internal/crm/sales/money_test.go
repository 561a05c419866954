package sales

import "testing"

func TestParseYuanReadsAmountsAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Money
		ok   bool
	}{
		{"1234.50", 123450, true},
		{"1234.5", 123450, true},
		{"1234", 123400, true},
		{"0.05", 5, true},
		{".5", 50, true},
		{"1,234.56", 123456, true},
		{"¥12", 1200, true},
		{"12元", 1200, true},
		{"-3.10", -310, true},
		{"0", 0, true},
		{"1.234", 0, false},
		{"1.", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"1e3", 0, false},
		{"12.3.4", 0, false},
		{"99999999999999", 0, false},
	} {
		got, ok := ParseYuan(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMoneyWritesYuanWithTwoPlaces(t *testing.T) {
	for _, c := range []struct {
		in   Money
		want string
	}{{123450, "1234.50"}, {5, "0.05"}, {0, "0.00"}, {-310, "-3.10"}, {100, "1.00"}} {
		if got := c.in.Yuan(); got != c.want {
			t.Errorf("%d.Yuan() = %q, want %q", c.in, got, c.want)
		}
	}
}
