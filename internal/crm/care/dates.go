package care

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

// Notes a reminder carries when an occasion could not fall on its own day.
const (
	NoteFeb29            = "feb29_on_feb28"     // 2月29日 in a common year: 2月28日
	NoteLeapMonthMissing = "leap_month_missing" // 闰月 birthday in a year without that leap month: the ordinary month
	NoteDayClamped       = "day_clamped"        // 三十 in a 29-day month (小月): 廿九, the month's last day
)

// OccasionDate is an occasion on its Gregorian date. Year is the key of
// "one reminder per contact, occasion and year": the Gregorian year, or
// for a lunar date the lunar year (a 腊月 birthday can fall twice in one
// Gregorian year and not at all in the next).
type OccasionDate struct {
	Occasion string
	Year     int
	Date     calendar.Date
	Note     string
}

// Festival occasions and the calendar's names for them.
var festivalNames = [][2]string{
	{OccSpringFestival, calendar.SpringFestival},
	{OccLantern, calendar.LanternFestival},
	{OccDragonBoat, calendar.DragonBoatFestival},
	{OccMidAutumn, calendar.MidAutumnFestival},
	{OccDoubleNinth, calendar.DoubleNinthFestival},
}

// Occasions lists the calendar's fixed occasions.
func Occasions() []string {
	out := []string{OccBirthday}
	for _, f := range festivalNames {
		out = append(out, f[0])
	}
	return out
}

// ValidOccasion reports whether o names an occasion (custom:<id> and
// other included).
func ValidOccasion(o string) bool {
	if o == OccOther {
		return true
	}
	if rest, ok := strings.CutPrefix(o, OccCustomPrefix); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		return err == nil && n > 0
	}
	for _, x := range Occasions() {
		if x == o {
			return true
		}
	}
	return false
}

var (
	fullDate = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	shortMD  = regexp.MustCompile(`^-{0,2}(\d{2})-(\d{2})$`)
)

// parseMonthDay reads a stored birthday: YYYY-MM-DD or MM-DD (--MM-DD).
func parseMonthDay(s string) (month, day int, err error) {
	if m := fullDate.FindStringSubmatch(s); m != nil {
		month, _ = strconv.Atoi(m[2])
		day, _ = strconv.Atoi(m[3])
	} else if m := shortMD.FindStringSubmatch(s); m != nil {
		month, _ = strconv.Atoi(m[1])
		day, _ = strconv.Atoi(m[2])
	} else {
		return 0, 0, fmt.Errorf("care: birthday %q is not YYYY-MM-DD or MM-DD", s)
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, 0, fmt.Errorf("care: birthday %q is out of range", s)
	}
	return month, day, nil
}

// gregorianDates returns month/day in every Gregorian year of [from, to]
// that falls in it; 2月29日 falls on 2月28日 in a common year.
func gregorianDates(occ string, month, day int, from, to calendar.Date) []OccasionDate {
	var out []OccasionDate
	for y := from.Year(); y <= to.Year(); y++ {
		d, note := day, ""
		if n := daysIn(y, month); d > n {
			d, note = n, NoteFeb29
		}
		date := calendar.NewDate(y, time.Month(month), d)
		if date.Before(from) || date.After(to) {
			continue
		}
		out = append(out, OccasionDate{Occasion: occ, Year: y, Date: date, Note: note})
	}
	return out
}

// lunarDates returns lunar month/day (leap: in the 闰月) in every lunar
// year whose Gregorian date falls in [from, to], with the fallbacks of
// calendar.LunarBirthday: a missing leap month is the ordinary month, a
// missing 三十 is 廿九.
func lunarDates(occ string, month, day int, leap bool, from, to calendar.Date) []OccasionDate {
	var out []OccasionDate
	for ly := from.Year() - 1; ly <= to.Year(); ly++ {
		if ly < calendar.MinLunarYear || ly > calendar.MaxLunarYear {
			continue
		}
		c, err := calendar.LunarBirthday(ly, month, day, leap)
		if err != nil || c.Date.Before(from) || c.Date.After(to) {
			continue
		}
		note := ""
		switch {
		case c.LeapMonthMissing:
			note = NoteLeapMonthMissing
		case c.DayClamped:
			note = NoteDayClamped
		}
		if c.LeapMonthMissing && c.DayClamped {
			note = NoteLeapMonthMissing + "," + NoteDayClamped
		}
		out = append(out, OccasionDate{Occasion: occ, Year: ly, Date: c.Date, Note: note})
	}
	return out
}

// BirthdayDates returns the occurrences of a contact's birthday (as
// stored: YYYY-MM-DD or MM-DD, lunar MM-DD with lunar and leap) whose
// Gregorian date falls in [from, to].
func BirthdayDates(birthday string, lunar, leap bool, from, to calendar.Date) ([]OccasionDate, error) {
	month, day, err := parseMonthDay(birthday)
	if err != nil {
		return nil, err
	}
	if lunar {
		if day > 30 {
			return nil, fmt.Errorf("care: lunar birthday %q: no lunar month has day %d", birthday, day)
		}
		return lunarDates(OccBirthday, month, day, leap, from, to), nil
	}
	return gregorianDates(OccBirthday, month, day, from, to), nil
}

// FestivalDates returns 春节, 元宵, 端午, 中秋 and 重阳 in [from, to].
func FestivalDates(from, to calendar.Date) []OccasionDate {
	var out []OccasionDate
	for y := from.Year(); y <= to.Year(); y++ {
		for _, f := range festivalNames {
			d, err := calendar.FestivalDate(y, f[1])
			if err != nil || d.Before(from) || d.After(to) {
				continue
			}
			out = append(out, OccasionDate{Occasion: f[0], Year: y, Date: d})
		}
	}
	return out
}

// CustomDates returns an admin-defined date's occurrences in [from, to].
func CustomDates(d CareDate, from, to calendar.Date) []OccasionDate {
	occ := OccCustomPrefix + strconv.FormatInt(d.ID, 10)
	if d.Lunar {
		return lunarDates(occ, d.Month, d.Day, false, from, to)
	}
	return gregorianDates(occ, d.Month, d.Day, from, to)
}

// RemindOn is the day a reminder of an occasion on date comes: days
// working days before it on the working-day calendar (0: the day itself).
func RemindOn(cal *calendar.Calendar, date calendar.Date, days int) calendar.Date {
	d := date
	for n := 0; n < days; {
		d = d.AddDays(-1)
		if cal.IsWorkingDay(d) {
			n++
		}
	}
	return d
}

// LeadDays is the working days ahead for a tier and occasion: the rule
// for both, else for the tier, else for the occasion, else for any,
// else DefaultLeadDays.
func LeadDays(rules []LeadRule, tier, occasion string) int {
	best, rank := DefaultLeadDays, 0
	for _, r := range rules {
		var k int
		switch {
		case r.Tier == tier && r.Occasion == occasion && tier != "":
			k = 4
		case r.Tier == tier && tier != "" && r.Occasion == "":
			k = 3
		case r.Tier == "" && r.Occasion == occasion:
			k = 2
		case r.Tier == "" && r.Occasion == "":
			k = 1
		}
		if k > rank {
			best, rank = r.Days, k
		}
	}
	return best
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
