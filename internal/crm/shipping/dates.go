package shipping

import (
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

// WindowEnd is when a window of days calendar days from t closes: the end
// (midnight) of the days-th day after t's date in the calendar's zone,
// moved on to the end of the next working day when that day is off (a
// week after receipt that ends on a holiday runs to the first working
// day after it).
func WindowEnd(cal *calendar.Calendar, t time.Time, days int) time.Time {
	d := cal.DateOf(t).AddDays(days)
	for i := 0; i < 60 && !cal.IsWorkingDay(d); i++ {
		d = d.AddDays(1)
	}
	return d.AddDays(1).In(cal.Location()).UTC()
}

// ShipDue is the ship-by date of an order approved at t: the end of the
// days-th working day after it.
func ShipDue(cal *calendar.Calendar, t time.Time, days int) (time.Time, error) {
	due, err := cal.AddWorkingDays(t, max(days, 0))
	return due.Time.UTC(), err
}
