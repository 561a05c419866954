package crm

import (
	"fmt"
	"time"
)

// MonthlyNumber is a record's number that restarts every month: a
// prefix, the month the record came in (YYYYMM in China time, whatever
// the server's zone) and the month's serial, e.g. 202611-0042 for a
// complaint or FW202611-0007 for a service order. The store allocates
// the serial from the counter Counter+":"+Month in the record's own
// transaction, so concurrent creators never share a number; Format
// writes it.
type MonthlyNumber struct {
	Counter string // the counter's name: "complaint", "service_order", "abnormality"
	Prefix  string // written before the month: "", "FW", "YC"
	Month   string // YYYYMM
}

// NumberMonth is the month a number is counted in: t's YYYYMM in China
// time, so a complaint received at 00:30 on 1 December in Beijing is
// December's even though it is still November in UTC.
func NumberMonth(t time.Time) string { return t.In(Shanghai).Format("200601") }

// NewMonthlyNumber is the number series of counter for a record that
// came in at t.
func NewMonthlyNumber(counter, prefix string, t time.Time) MonthlyNumber {
	return MonthlyNumber{Counter: counter, Prefix: prefix, Month: NumberMonth(t)}
}

// Format writes the number of the month's serial n: four digits at
// least, more once a month passes 9999.
func (m MonthlyNumber) Format(n int64) string { return fmt.Sprintf("%s%s-%04d", m.Prefix, m.Month, n) }
