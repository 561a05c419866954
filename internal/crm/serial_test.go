package crm

import (
	"testing"
	"time"
)

func TestMonthlyNumbers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix string
		at     time.Time
		serial int64
		want   string
	}{
		{"a complaint number is the month and four digits", "", time.Date(2026, 11, 5, 3, 0, 0, 0, time.UTC), 42, "202611-0042"},
		{"a service order number starts with FW", "FW", time.Date(2026, 11, 5, 3, 0, 0, 0, time.UTC), 7, "FW202611-0007"},
		{"an abnormality number starts with YC", "YC", time.Date(2026, 1, 1, 0, 0, 0, 0, Shanghai), 1, "YC202601-0001"},
		{"the month is counted in China time, not UTC", "", time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC), 1, "202612-0001"},
		{"the last UTC hours of a China month stay in it", "", time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), 1, "202611-0001"},
		{"a month past 9999 numbers grows a digit", "FW", time.Date(2026, 11, 5, 3, 0, 0, 0, time.UTC), 12345, "FW202611-12345"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := NewMonthlyNumber("counter", tc.prefix, tc.at)
			if got := n.Format(tc.serial); got != tc.want {
				t.Errorf("Format(%d) = %q, want %q", tc.serial, got, tc.want)
			}
		})
	}
}
