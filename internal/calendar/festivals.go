package calendar

import (
	"fmt"
	"sort"

	lunar "github.com/6tail/lunar-go/calendar"
)

// Names of the traditional festivals Festivals returns.
const (
	// SpringFestival is 春节, 正月初一.
	SpringFestival = "春节"
	// LanternFestival is 元宵节, 正月十五.
	LanternFestival = "元宵节"
	// DragonHeadFestival is 龙抬头, 二月初二.
	DragonHeadFestival = "龙抬头"
	// QingmingFestival is 清明节, the 清明 solar term rather than a lunar date.
	QingmingFestival = "清明节"
	// DragonBoatFestival is 端午节, 五月初五.
	DragonBoatFestival = "端午节"
	// QixiFestival is 七夕节, 七月初七.
	QixiFestival = "七夕节"
	// ZhongyuanFestival is 中元节, 七月十五.
	ZhongyuanFestival = "中元节"
	// MidAutumnFestival is 中秋节, 八月十五.
	MidAutumnFestival = "中秋节"
	// DoubleNinthFestival is 重阳节, 九月初九.
	DoubleNinthFestival = "重阳节"
	// LabaFestival is 腊八节, 腊月初八.
	LabaFestival = "腊八节"
	// LittleNewYear is 小年 on 腊月廿三, the northern custom (the south keeps 廿四).
	LittleNewYear = "小年"
	// NewYearsEve is 除夕, the last day of 腊月 (the 29th or the 30th).
	NewYearsEve = "除夕"
)

// Festival is one traditional festival on its Gregorian date.
type Festival struct {
	Name  string
	Date  Date
	Lunar LunarDate
}

// lunarFestival is a festival on a fixed lunar month and day.
type lunarFestival struct {
	name       string
	month, day int
}

// fixedLunarFestivals is a function, not a package variable, so that no
// shared table can be modified.
func fixedLunarFestivals() []lunarFestival {
	return []lunarFestival{
		{SpringFestival, 1, 1}, {LanternFestival, 1, 15}, {DragonHeadFestival, 2, 2},
		{DragonBoatFestival, 5, 5}, {QixiFestival, 7, 7}, {ZhongyuanFestival, 7, 15},
		{MidAutumnFestival, 8, 15}, {DoubleNinthFestival, 9, 9}, {LabaFestival, 12, 8},
		{LittleNewYear, 12, 23},
	}
}

// Festivals returns the traditional festivals whose Gregorian date falls
// in Gregorian year year (MinLunarYear..MaxLunarYear), sorted by date.
//
// The year is Gregorian because "this year's 除夕" means the eve before this
// year's 春节. Hence 除夕, 小年 and usually 腊八 come from the previous lunar
// year; and since a lunar year is shorter, 腊八 appears twice in some years
// (2022: January 10 and December 30) and not at all in others (2023).
func Festivals(year int) ([]Festival, error) {
	if year < MinLunarYear || year > MaxLunarYear {
		return nil, fmt.Errorf("%w: year %d is outside %d..%d", ErrLunarRange, year, MinLunarYear, MaxLunarYear)
	}
	var out []Festival
	for ly := year - 1; ly <= year; ly++ {
		for _, f := range fixedLunarFestivals() {
			c, err := convertLunar(ly, f.month, f.day, false)
			if err != nil {
				continue
			}
			out = append(out, Festival{Name: f.name, Date: c.Date, Lunar: c.Lunar})
		}
		if eve, err := newYearsEve(ly); err == nil {
			out = append(out, eve)
		}
	}
	if q, err := qingming(year); err == nil {
		out = append(out, q)
	}
	kept := out[:0]
	for _, f := range out {
		if f.Date.Year() == year {
			kept = append(kept, f)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].Date.Before(kept[j].Date) })
	return kept, nil
}

// FestivalDate returns the first date in Gregorian year year of the
// festival with the given name (one of the constants above). It is an
// error when the festival does not fall in that year (腊八 in 2023).
func FestivalDate(year int, name string) (Date, error) {
	fs, err := Festivals(year)
	if err != nil {
		return Date{}, err
	}
	for _, f := range fs {
		if f.Name == name {
			return f.Date, nil
		}
	}
	return Date{}, fmt.Errorf("calendar: no festival %q in %d", name, year)
}

// newYearsEve returns 除夕 of lunar year ly: the last day of its twelfth
// month, or of the leap twelfth month when the year has one.
func newYearsEve(ly int) (Festival, error) {
	m, err := lunarMonth(ly, 12, true)
	leap := m != nil
	if err == nil && m == nil {
		m, err = lunarMonth(ly, 12, false)
	}
	if err != nil || m == nil {
		return Festival{}, fmt.Errorf("%w: no twelfth month in lunar year %d", ErrLunarRange, ly)
	}
	n := m.GetDayCount()
	d := dateFromJulian(m.GetFirstJulianDay()).AddDays(n - 1)
	return Festival{Name: NewYearsEve, Date: d, Lunar: LunarDate{Year: ly, Month: 12, Day: n, Leap: leap}}, nil
}

// qingming returns the 清明 solar term of Gregorian year y, computed by
// lunar-go in Beijing time.
func qingming(y int) (Festival, error) {
	var jd float64
	err := safely(func() error {
		days := lunar.NewLunarYear(y).GetJieQiJulianDays()
		for i, name := range lunar.JIE_QI_IN_USE {
			if name == "清明" && i < len(days) {
				jd = days[i]
				return nil
			}
		}
		return fmt.Errorf("no 清明 in %d", y)
	})
	if err != nil {
		return Festival{}, err
	}
	d := dateFromJulian(jd)
	l, err := ToLunar(d)
	if err != nil {
		return Festival{}, err
	}
	return Festival{Name: QingmingFestival, Date: d, Lunar: l}, nil
}
