package ui

import (
	"errors"
	"strings"
	"time"
)

// Dates and times are typed and shown the zh-CN way in every language,
// whatever the browser's own format: 2026-12-05 and 2026-12-05 14:30
// (app.js makes every date, datetime and month field a text field in
// that format).
const (
	inputDate     = "2006-01-02"
	inputDateTime = "2006-01-02 15:04"
)

// dateTimeLayouts are the ways a date and time arrives: as the forms
// write it, with the T a datetime-local field sends, with seconds, or
// with slashes typed by hand.
var dateTimeLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"2006/01/02 15:04", "2006/1/2 15:04", "2006-1-2 15:04"}

// errDateTime is a date and time in no known layout.
var errDateTime = errors.New("not a date and time in YYYY-MM-DD HH:mm")

// parseDateTime reads a date and time typed in a form, in loc (China time).
func parseDateTime(v string, loc *time.Location) (time.Time, error) {
	v = strings.Join(strings.Fields(v), " ")
	for _, l := range dateTimeLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errDateTime
}

// formDateTime writes t for a form's date-and-time field, in loc.
func formDateTime(t time.Time, loc *time.Location) string { return t.In(loc).Format(inputDateTime) }
