package calendar

import (
	"errors"
	"fmt"
	"math"

	lunar "github.com/6tail/lunar-go/calendar"
)

// The supported range of lunar conversions. lunar-go computes far wider,
// but 1901–2100 is the range published lunar tables agree on and more than
// a CRM needs for birthdays and festivals.
const (
	// MinLunarYear is the first supported (lunar or Gregorian) year.
	MinLunarYear = 1901
	// MaxLunarYear is the last supported (lunar or Gregorian) year.
	MaxLunarYear = 2100
)

// ErrLunarRange is wrapped by errors about unsupported lunar input.
var ErrLunarRange = errors.New("calendar: lunar date out of range")

// LunarDate is a date in the Chinese lunar calendar (农历).
type LunarDate struct {
	Year  int  // lunar year, numbered as the Gregorian year of its 正月初一
	Month int  // 1..12
	Day   int  // 1..30
	Leap  bool // true in a leap (闰) month
}

// String formats the date in Chinese, e.g. "2025年闰六月初五".
func (l LunarDate) String() string {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return fmt.Sprintf("%d年?%d月?%d日", l.Year, l.Month, l.Day)
	}
	leap := ""
	if l.Leap {
		leap = "闰"
	}
	return fmt.Sprintf("%d年%s%s月%s", l.Year, leap, lunarMonthNames()[l.Month-1], lunarDayName(l.Day))
}

// lunarMonthNames returns the customary month names; a function rather
// than a package variable so nothing shared can be modified.
func lunarMonthNames() [12]string {
	return [12]string{"正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"}
}

// lunarDayName returns 初一 … 初十, 十一 … 二十, 廿一 … 三十.
func lunarDayName(d int) string {
	digits := [10]string{"十", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case d <= 10:
		return "初" + digits[d%10]
	case d < 20:
		return "十" + digits[d%10]
	case d == 20:
		return "二十"
	case d < 30:
		return "廿" + digits[d%10]
	}
	return "三十"
}

// ToLunar converts a Gregorian date to its lunar date. Supported are the
// dates from MinLunarYear-01-01 to the end of lunar year MaxLunarYear (in
// early MaxLunarYear+1), so every date LunarBirthday returns converts back.
func ToLunar(d Date) (LunarDate, error) {
	if y := d.Year(); y < MinLunarYear || y > MaxLunarYear+1 {
		return LunarDate{}, fmt.Errorf("%w: %s is outside %d..%d", ErrLunarRange, d, MinLunarYear, MaxLunarYear)
	}
	var out LunarDate
	err := safely(func() error {
		// lunar-go's year object lists the fifteen months from before the
		// previous winter solstice, which always include every day of the
		// Gregorian year with the same number.
		for e := lunar.NewLunarYear(d.Year()).GetMonths().Front(); e != nil; e = e.Next() {
			m, ok := e.Value.(*lunar.LunarMonth)
			if !ok {
				break
			}
			if off := d.Sub(dateFromJulian(m.GetFirstJulianDay())); off >= 0 && off < m.GetDayCount() {
				out = LunarDate{Year: m.GetYear(), Month: absInt(m.GetMonth()), Day: off + 1, Leap: m.IsLeap()}
				return nil
			}
		}
		return fmt.Errorf("no lunar month contains %s", d)
	})
	if err != nil {
		return LunarDate{}, fmt.Errorf("calendar: ToLunar: %w", err)
	}
	if out.Year > MaxLunarYear {
		return LunarDate{}, fmt.Errorf("%w: %s is in lunar year %d, after %d", ErrLunarRange, d, out.Year, MaxLunarYear)
	}
	return out, nil
}

// lunarMonth returns lunar-go's month m (leap or not) of lunar year y, or
// nil when that year has no such month.
func lunarMonth(y, m int, leap bool) (mon *lunar.LunarMonth, err error) {
	if leap {
		m = -m // lunar-go numbers leap months negatively
	}
	err = safely(func() error {
		mon = lunar.NewLunarYear(y).GetMonth(m)
		return nil
	})
	return mon, err
}

// dateFromJulian converts a Julian day number (days since noon 4713 BC;
// lunar-go's month starts are whole numbers, i.e. noon) to a Date.
// 1721426 is the Julian day number of 0001-01-01.
func dateFromJulian(jd float64) Date {
	return Date{days: int64(math.Floor(jd+0.5)) - 1721426}
}

// absInt returns |n|.
func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
