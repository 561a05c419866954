package shipping

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
)

func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.FixedZone("CST", 8*3600))
}

func TestShipDueIsTheEndOfTheNthWorkingDayAfterApproval(t *testing.T) {
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		approved time.Time
		days     int
		want     time.Time
	}{
		{"Tuesday: Thursday evening", cst(2026, 12, 1, 10, 0), 2, cst(2026, 12, 3, 18, 0)},
		{"Thursday: over the weekend to Monday", cst(2026, 12, 3, 16, 0), 2, cst(2026, 12, 7, 18, 0)},
		{"late Friday: Tuesday", cst(2026, 12, 4, 23, 30), 2, cst(2026, 12, 8, 18, 0)},
		{"before the National Day holiday: after it", cst(2026, 9, 30, 10, 0), 2, cst(2026, 10, 9, 18, 0)},
		{"zero days: today", cst(2026, 12, 1, 10, 0), 0, cst(2026, 12, 1, 18, 0)},
	} {
		got, err := ShipDue(cal, c.approved, c.days)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: ShipDue = %v, %v; want %v", c.name, got.In(c.want.Location()), err, c.want)
		}
	}
}

func TestReceiptAndClaimWindowsRunCalendarDaysAndEndOnAWorkingDay(t *testing.T) {
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		from time.Time
		days int
		want time.Time
	}{
		{"claim: a week after a Wednesday receipt ends that next Wednesday's midnight", cst(2026, 12, 2, 15, 0), 7, cst(2026, 12, 10, 0, 0)},
		{"claim: a week ending on a Saturday runs to Monday's end", cst(2026, 12, 5, 9, 0), 7, cst(2026, 12, 15, 0, 0)},
		{"claim: the time of day does not matter, only the date in China", time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC), 7, cst(2026, 12, 10, 0, 0)},
		{"receipt: 10 days after a Tuesday shipment", cst(2026, 12, 1, 10, 0), 10, cst(2026, 12, 12, 0, 0)},
		{"receipt: ending in the National Day holiday runs past it", cst(2026, 9, 25, 10, 0), 10, cst(2026, 10, 9, 0, 0)},
	} {
		if got := WindowEnd(cal, c.from, c.days); !got.Equal(c.want) {
			t.Errorf("%s: WindowEnd = %v; want %v", c.name, got.In(c.want.Location()), c.want)
		}
	}
}
