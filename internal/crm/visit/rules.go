package visit

import (
	"slices"

	"github.com/kehucrm/kehu/internal/calendar"
)

// Kinds of plan item: the channel mix of a service standard.
const (
	KindVisit   = "visit"
	KindPhone   = "phone"
	KindMessage = "message"
)

// Kinds lists the kinds of plan item.
var Kinds = []string{KindVisit, KindPhone, KindMessage}

// Statuses of a plan item.
const (
	StatusOpen      = "open"      // not done yet
	StatusDone      = "done"      // done by its due date
	StatusLateDone  = "late_done" // done after its due date
	StatusEscalated = "escalated" // overdue, the manager copied
	StatusReturned  = "returned"  // overdue past the ladder's last step: returned to the pool
)

// Statuses lists the statuses of a plan item.
var Statuses = []string{StatusOpen, StatusDone, StatusLateDone, StatusEscalated, StatusReturned}

// KindOfChannel is the plan item kind an interaction of channel completes:
// a visit or a meeting is a visit, a call a phone item, an SMS, e-mail or
// WeChat message a message item; "" for the rest.
func KindOfChannel(channel string) string {
	switch channel {
	case "visit", "meeting":
		return KindVisit
	case "phone":
		return KindPhone
	case "sms", "email", "wechat":
		return KindMessage
	}
	return ""
}

// Epoch is the day before the first working day that period numbering
// counts from: period k of a cadence of n working days holds the working
// days ranked k·n+1 … (k+1)·n after it.
var Epoch = calendar.NewDate(2025, 12, 31)

// Period is one cadence period: its first and last working day.
type Period struct {
	Index int
	Start calendar.Date
	Due   calendar.Date
}

// PeriodAt returns the k-th period of a cadence of n working days.
func PeriodAt(cal *calendar.Calendar, n, k int) Period {
	start, _ := cal.AddWorkingDays(Epoch.In(cal.Location()), k*n+1)
	due, _ := cal.AddWorkingDays(Epoch.In(cal.Location()), (k+1)*n)
	return Period{Index: k, Start: cal.DateOf(start.Time), Due: cal.DateOf(due.Time)}
}

// Periods returns the periods of a cadence of n working days that overlap
// [from, to] (both included): the one holding the first working day on or
// after from, through the one holding the last working day on or before
// to. None when n < 1 or the range holds no working day.
func Periods(cal *calendar.Calendar, n int, from, to calendar.Date) []Period {
	if n < 1 || to.Before(from) {
		return nil
	}
	first := cal.WorkingDaysBetween(Epoch, from.AddDays(-1)) + 1 // rank of the first working day ≥ from
	last := cal.WorkingDaysBetween(Epoch, to)                    // rank of the last working day ≤ to
	if last < first || last < 1 {
		return nil
	}
	first = max(first, 1)
	var out []Period
	for k := (first - 1) / n; k <= (last-1)/n; k++ {
		out = append(out, PeriodAt(cal, n, k))
	}
	return out
}

// Mix is a channel mix in percent (visit, phone, message).
type Mix [3]int

// KindFor returns the kind of the item of period k under mix m: the
// kinds take turns in proportion to their shares (smooth weighted round
// robin from period 0), so over any run of periods the mix holds as
// closely as whole items allow. A mix of all zeros plans visits.
func KindFor(m Mix, k int) string {
	total := m[0] + m[1] + m[2]
	if total <= 0 {
		return KindVisit
	}
	var cur [3]int
	pick := 0
	for i := 0; i <= k; i++ {
		pick = 0
		for j := range cur {
			cur[j] += m[j]
			if cur[j] > cur[pick] {
				pick = j
			}
		}
		cur[pick] -= total
	}
	return Kinds[pick]
}

// Cadence is the service standard that plans a customer's contacts: the
// most frequent of its current levels' standards (the smallest positive
// number of working days).
type Cadence struct {
	Days     int
	Mix      Mix
	SchemeID int64
	Level    string
}

// Strictest returns the strictest of cs (zero days: no visits planned),
// and whether there is one.
func Strictest(cs []Cadence) (Cadence, bool) {
	var best Cadence
	for _, c := range cs {
		if c.Days > 0 && (best.Days == 0 || c.Days < best.Days || (c.Days == best.Days && c.SchemeID < best.SchemeID)) {
			best = c
		}
	}
	return best, best.Days > 0
}

// CompletedStatus is the status an item due on due takes when an
// interaction on day completes it.
func CompletedStatus(due, day calendar.Date) string {
	if day.After(due) {
		return StatusLateDone
	}
	return StatusDone
}

// Ladder actions.
const (
	ActRemind      = "remind"       // remind the owner
	ActCopyManager = "copy_manager" // remind the owner and copy their manager; the item is escalated
	ActReturn      = "return"       // the item is returned to the pool; owner and manager are told
)

// Actions lists the ladder's actions in the order a ladder takes them.
var Actions = []string{ActRemind, ActCopyManager, ActReturn}

// Step is one rung of the escalation ladder: its action, taken once an
// item is overdue by at least AfterDays working days.
type Step struct {
	Action    string `json:"action"`
	AfterDays int    `json:"after_working_days"`
}

// Reached returns how many of steps (in order) an item overdue by
// overdue working days has reached; 0 when it is not overdue (overdue < 0).
func Reached(steps []Step, overdue int) int {
	if overdue < 0 {
		return 0
	}
	n := 0
	for _, s := range steps {
		if overdue < s.AfterDays {
			break
		}
		n++
	}
	return n
}

// Overdue is how many working days after due the day today is: -1 when
// today is not after due, else the working days in (due, today].
func Overdue(cal *calendar.Calendar, due, today calendar.Date) int {
	if !today.After(due) {
		return -1
	}
	return cal.WorkingDaysBetween(due, today)
}

// StatusAfter is the status an open item takes when the ladder's step
// with action a is reached.
func StatusAfter(a string) string {
	switch a {
	case ActCopyManager:
		return StatusEscalated
	case ActReturn:
		return StatusReturned
	}
	return StatusOpen
}

// Completable reports whether an item in status s may still be completed.
func Completable(s string) bool { return slices.Contains([]string{StatusOpen, StatusEscalated}, s) }
