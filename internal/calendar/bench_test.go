package calendar

import (
	"testing"
	"time"
)

// BenchmarkAddWorkingDays is the hot path the issue asks to run at one
// million operations per second or more on one core.
func BenchmarkAddWorkingDays(b *testing.B) {
	c := newCal(b)
	from := time.Date(2025, 9, 26, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.AddWorkingDays(from, i&31); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddWorkingDaysSpread varies the start over three years so the
// zone and table look-ups do not stay in one cache line.
func BenchmarkAddWorkingDaysSpread(b *testing.B) {
	c := newCal(b)
	base := time.Date(2025, 1, 1, 10, 0, 0, 0, c.Location())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		from := base.Add(time.Duration(i%1096) * 24 * time.Hour)
		if _, err := c.AddWorkingDays(from, i%20); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := newCal(b)
	base := NewDate(2025, 1, 1)
	for i := 0; b.Loop(); i++ {
		c.IsWorkingDay(base.AddDays(i % 1096))
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := newCal(b)
	base := NewDate(2025, 1, 1)
	for i := 0; b.Loop(); i++ {
		c.WorkingDaysBetween(base, base.AddDays(i%1096))
	}
}

func BenchmarkAddBusinessHours(b *testing.B) {
	c := newCal(b)
	from := time.Date(2025, 9, 26, 10, 0, 0, 0, c.Location())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.AddBusinessHours(from, time.Duration(i%200)*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWithOverrides measures rebuilding a snapshot, which happens
// whenever an admin edits the override table.
func BenchmarkWithOverrides(b *testing.B) {
	c := newCal(b)
	ov := Override{Date: NewDate(2026, 3, 3), Kind: DayOff, Name: "司庆"}
	for b.Loop() {
		if _, err := c.WithOverrides(ov); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
