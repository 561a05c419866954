package calendar

import (
	"errors"
	"fmt"
	"sort"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// statutory is the State Council arrangement as shipped in lunar-go, read
// once per New and shared, read-only, by every snapshot derived from it.
type statutory struct {
	days        []Day // sorted by date, one entry per date
	first, last int   // first and last year whose arrangement is present
}

// Years probed for data. lunar-go documents its table as starting on
// 2001-12-29; probing from earlier and stopping at the first empty year
// after data derives the covered range instead of hard-coding it.
const (
	probeFromYear = 1990
	probeMaxYears = 400
)

// loadStatutory reads every holiday and make-up day from lunar-go.
func loadStatutory() (*statutory, error) {
	st := &statutory{}
	err := safely(func() error {
		for y := probeFromYear; y < probeFromYear+probeMaxYears; y++ {
			l := HolidayUtil.GetHolidaysByYear(y)
			if l.Len() == 0 {
				if len(st.days) > 0 {
					break
				}
				continue
			}
			for e := l.Front(); e != nil; e = e.Next() {
				h, ok := e.Value.(*HolidayUtil.Holiday)
				if !ok || h == nil {
					return errors.New("unexpected list element")
				}
				if err := st.add(h); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: reading lunar-go holiday data: %w", err)
	}
	if len(st.days) == 0 {
		return nil, errors.New("calendar: lunar-go holiday data is empty")
	}
	sort.SliceStable(st.days, func(i, j int) bool { return st.days[i].Date.Before(st.days[j].Date) })
	st.days = dedupe(st.days)
	return st, nil
}

// add converts one lunar-go entry. The covered years are taken from the
// holidays' target dates, not the entries' own dates: 2001-12-29 is a
// make-up day for New Year 2002, which does not mean 2001 is covered.
func (st *statutory) add(h *HolidayUtil.Holiday) error {
	d, err := ParseDate(h.GetDay())
	if err != nil {
		return err
	}
	target, err := ParseDate(h.GetTarget())
	if err != nil {
		return err
	}
	kind := DayOff
	if h.IsWork() {
		kind = WorkingDay
	}
	st.days = append(st.days, Day{Date: d, Kind: kind, Name: h.GetName(), Source: SourceStatutory})
	if ty := target.Year(); st.first == 0 || ty < st.first {
		st.first = ty
	}
	if ty := target.Year(); ty > st.last {
		st.last = ty
	}
	return nil
}

// dedupe keeps the first entry for each date of a sorted slice, so that a
// repeated row in the library data cannot produce two answers for a day.
func dedupe(days []Day) []Day {
	out := days[:0]
	for _, d := range days {
		if len(out) > 0 && out[len(out)-1].Date == d.Date {
			continue
		}
		out = append(out, d)
	}
	return out
}

// safely runs f and turns a panic inside lunar-go into an error, because
// this package promises that no input makes it panic.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("lunar-go panicked: %v", r)
		}
	}()
	return f()
}
