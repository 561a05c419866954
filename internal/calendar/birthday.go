package calendar

import "fmt"

// LunarConversion is the Gregorian date of a requested lunar date, with
// the lunar date actually used after any fallback.
type LunarConversion struct {
	Date  Date      // the Gregorian date
	Lunar LunarDate // the lunar date actually converted
	// LeapMonthMissing is set when a leap month was asked for but the year
	// has none with that number; the ordinary month was used instead.
	LeapMonthMissing bool
	// DayClamped is set when day 30 was asked for but the month has only
	// 29 days (小月); day 29, the month's last day, was used instead.
	DayClamped bool
}

// LunarBirthday returns the Gregorian date of lunar month/day (leap
// selects the leap month 闰月) in lunar year year, i.e. the lunar year that
// begins at the 春节 of Gregorian year year. Birthdays late in the lunar
// year (冬月, 腊月) therefore usually fall in January or February of
// year+1; use NextLunarBirthday for "the next occurrence from today".
//
// A birthday does not always exist as such in a given year, so it falls
// back the way families customarily celebrate:
//   - leap is true but the year has no leap month with that number: the
//     ordinary month is used (LeapMonthMissing).
//   - leap is false: always the ordinary month, even when the year also
//     has a leap month with that number.
//   - day 30 in a month of 29 days: day 29, the last day of that month,
//     is used (DayClamped) rather than spilling into the next month.
//
// Errors: month outside 1..12, day outside 1..30, or year outside
// MinLunarYear..MaxLunarYear.
func LunarBirthday(year, month, day int, leap bool) (LunarConversion, error) {
	if year < MinLunarYear || year > MaxLunarYear {
		return LunarConversion{}, fmt.Errorf("%w: lunar year %d is outside %d..%d", ErrLunarRange, year, MinLunarYear, MaxLunarYear)
	}
	return convertLunar(year, month, day, leap)
}

// convertLunar is LunarBirthday without the public year range, so that
// Festivals can reach into the lunar year before MinLunarYear.
func convertLunar(year, month, day int, leap bool) (LunarConversion, error) {
	if month < 1 || month > 12 || day < 1 || day > 30 {
		return LunarConversion{}, fmt.Errorf("%w: lunar month %d day %d (want 1..12 and 1..30)", ErrLunarRange, month, day)
	}
	var out LunarConversion
	m, err := lunarMonth(year, month, leap)
	if err == nil && m == nil && leap {
		out.LeapMonthMissing = true
		leap = false
		m, err = lunarMonth(year, month, false)
	}
	if err != nil {
		return LunarConversion{}, fmt.Errorf("calendar: LunarBirthday: %w", err)
	}
	if m == nil {
		return LunarConversion{}, fmt.Errorf("%w: lunar-go has no month %d in lunar year %d", ErrLunarRange, month, year)
	}
	if n := m.GetDayCount(); day > n {
		out.DayClamped = true
		day = n
	}
	out.Lunar = LunarDate{Year: year, Month: month, Day: day, Leap: leap}
	out.Date = dateFromJulian(m.GetFirstJulianDay()).AddDays(day - 1)
	return out, nil
}

// NextLunarBirthday returns the first occurrence of the lunar birthday
// month/day (leap as in LunarBirthday, with the same fallbacks) on or
// after from; from itself counts, so a birthday today is today's date.
func NextLunarBirthday(from Date, month, day int, leap bool) (LunarConversion, error) {
	// A lunar year runs from late January/February of its Gregorian year to
	// early the next year, so the lunar years around from's year suffice.
	var lastErr error
	for y := from.Year() - 1; y <= from.Year()+1; y++ {
		if y < MinLunarYear || y > MaxLunarYear {
			continue
		}
		c, err := LunarBirthday(y, month, day, leap)
		if err != nil {
			lastErr = err
			continue
		}
		if !c.Date.Before(from) {
			return c, nil
		}
	}
	if lastErr != nil {
		return LunarConversion{}, lastErr
	}
	return LunarConversion{}, fmt.Errorf("%w: no occurrence after %s within %d..%d", ErrLunarRange, from, MinLunarYear, MaxLunarYear)
}
