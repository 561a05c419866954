package calendar_test

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

// A ticket opened in California on the evening of 27 January 2025 is
// already 28 January — the first day of 春节 — in Shanghai.
func ExampleCalendar_AddWorkingDays() {
	cal, err := calendar.New()
	if err != nil {
		panic(err)
	}
	opened := time.Date(2025, 1, 27, 20, 0, 0, 0, time.FixedZone("PST", -8*3600))
	for _, n := range []int{0, 1, 3} {
		due, err := cal.AddWorkingDays(opened, n)
		if err != nil {
			panic(err)
		}
		fmt.Println(n, due.Time.Format("2006-01-02 15:04 MST"), due.Provisional)
	}
	// Output:
	// 0 2025-02-05 18:00 CST false
	// 1 2025-02-05 18:00 CST false
	// 3 2025-02-07 18:00 CST false
}

// A company adds its own day off and turns a Saturday into a working day;
// the server swaps the new snapshot in atomically while requests go on
// reading the old one.
func ExampleCalendar_WithOverrides() {
	cal, err := calendar.New()
	if err != nil {
		panic(err)
	}
	var current atomic.Pointer[calendar.Calendar]
	current.Store(cal)

	next, err := current.Load().WithOverrides(
		calendar.Override{Date: calendar.NewDate(2026, 3, 2), Kind: calendar.DayOff, Name: "司庆"},
		calendar.Override{Date: calendar.NewDate(2026, 3, 7), Kind: calendar.WorkingDay, Name: "年会补班"},
	)
	if err != nil {
		panic(err)
	}
	current.Store(next)

	for _, day := range current.Load().Year(2026) {
		if day.Source == calendar.SourceOverride {
			fmt.Println(day.Date, day.Date.Weekday(), day.Kind, day.Name)
		}
	}
	fmt.Println(cal.IsWorkingDay(calendar.NewDate(2026, 3, 2)), next.IsWorkingDay(calendar.NewDate(2026, 3, 2)))
	// Output:
	// 2026-03-02 Monday day_off 司庆
	// 2026-03-07 Saturday working_day 年会补班
	// true false
}

// A customer born on 闰六月三十 celebrates in 2025's 29-day 闰六月 on its
// last day, and in 2026 (no 闰六月) in the ordinary 六月.
func ExampleLunarBirthday() {
	for _, year := range []int{2025, 2026} {
		c, err := calendar.LunarBirthday(year, 6, 30, true)
		if err != nil {
			panic(err)
		}
		fmt.Println(c.Date, c.Lunar, c.LeapMonthMissing, c.DayClamped)
	}
	// Output:
	// 2025-08-22 2025年闰六月廿九 false true
	// 2026-08-12 2026年六月三十 true false
}

func ExampleFestivalDate() {
	for _, name := range []string{calendar.NewYearsEve, calendar.SpringFestival, calendar.DragonBoatFestival, calendar.MidAutumnFestival} {
		d, err := calendar.FestivalDate(2026, name)
		if err != nil {
			panic(err)
		}
		fmt.Println(name, d)
	}
	// Output:
	// 除夕 2026-02-16
	// 春节 2026-02-17
	// 端午节 2026-06-19
	// 中秋节 2026-09-25
}
