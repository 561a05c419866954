package calendar

import "time"

// dayTable answers working-day questions in constant time. Inside [lo, hi)
// it holds a per-day prefix count of working days; outside, the plain
// Monday–Friday rule applies and is counted in closed form, so no lunar-go
// call and no day-by-day loop sits on the hot path.
type dayTable struct {
	lo, hi   int64   // day numbers (see Date.days) covered by the arrays
	rank     []int32 // rank[i] = working days in [lo, lo+i); len hi-lo+1
	work     []int32 // work[r] = offset from lo of the working day of rank r
	fLo, fHi int64   // weekdayRank(lo) and weekdayRank(hi)
	days     []Day   // merged exceptions, sorted by date, one per date
}

// buildTable merges the statutory days with the overrides (overrides win)
// and precomputes the lookup arrays over whole years.
func buildTable(st *statutory, ovs []Override) *dayTable {
	days := mergeDays(st.days, ovs)
	y0, y1 := days[0].Date.Year(), days[len(days)-1].Date.Year()
	t := &dayTable{lo: NewDate(y0, time.January, 1).days, hi: NewDate(y1+1, time.January, 1).days, days: days}
	n := int(t.hi - t.lo)
	working := make([]bool, n)
	for i := range working {
		working[i] = isWeekday(t.lo + int64(i))
	}
	for _, d := range days {
		working[d.Date.days-t.lo] = d.Kind == WorkingDay
	}
	t.rank = make([]int32, n+1)
	t.work = make([]int32, 0, n*5/7+8)
	for i, w := range working {
		t.rank[i+1] = t.rank[i]
		if w {
			t.rank[i+1]++
			t.work = append(t.work, int32(i))
		}
	}
	t.fLo, t.fHi = weekdayRank(t.lo), weekdayRank(t.hi)
	return t
}

// mergeDays overlays the sorted overrides on the sorted statutory days.
func mergeDays(stat []Day, ovs []Override) []Day {
	out := make([]Day, 0, len(stat)+len(ovs))
	i := 0
	for _, o := range ovs {
		for i < len(stat) && stat[i].Date.Before(o.Date) {
			out = append(out, stat[i])
			i++
		}
		if i < len(stat) && stat[i].Date == o.Date {
			i++ // the override replaces the statutory entry
		}
		out = append(out, Day{Date: o.Date, Kind: o.Kind, Name: o.Name, Source: SourceOverride})
	}
	return append(out, stat[i:]...)
}

// isWorking reports whether day number d is a working day.
func (t *dayTable) isWorking(d int64) bool {
	if d >= t.lo && d < t.hi {
		i := d - t.lo
		return t.rank[i+1] > t.rank[i]
	}
	return isWeekday(d)
}

// rankOf returns the number of working days in [lo, d), negative for d
// before lo; rankOf(b)-rankOf(a) counts working days in [a, b).
func (t *dayTable) rankOf(d int64) int64 {
	switch {
	case d < t.lo:
		return weekdayRank(d) - t.fLo
	case d <= t.hi:
		return int64(t.rank[d-t.lo])
	}
	return int64(t.rank[len(t.rank)-1]) + weekdayRank(d) - t.fHi
}

// selectRank returns the working day whose rank is r, the inverse of
// rankOf restricted to working days.
func (t *dayTable) selectRank(r int64) int64 {
	total := int64(len(t.work))
	switch {
	case r < 0:
		return weekdaySelect(t.fLo + r)
	case r < total:
		return t.lo + int64(t.work[r])
	}
	return weekdaySelect(t.fHi + r - total)
}

// isWeekday applies the Monday–Friday rule; day 0 (0001-01-01) is a Monday.
func isWeekday(d int64) bool { return floorMod(d, 7) < 5 }

// weekdayRank counts Monday–Friday days in [0, d) (negative before day 0).
func weekdayRank(d int64) int64 {
	return 5*floorDiv(d, 7) + min(floorMod(d, 7), 5)
}

// weekdaySelect returns the Monday–Friday day whose weekdayRank is k.
func weekdaySelect(k int64) int64 {
	return 7*floorDiv(k, 5) + floorMod(k, 5)
}
