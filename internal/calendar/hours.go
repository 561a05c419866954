package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Span is one stretch of business hours within a working day, given as
// wall-clock offsets from local midnight: [Start, End).
type Span struct {
	Start time.Duration
	End   time.Duration
}

// Len returns the length of the span.
func (s Span) Len() time.Duration { return s.End - s.Start }

// String formats the span as "HH:MM-HH:MM" (seconds are dropped).
func (s Span) String() string {
	return clock(s.Start) + "-" + clock(s.End)
}

// DefaultBusinessHours returns 09:00–12:00 and 13:00–18:00, the default
// spans; it is a function so that callers cannot mutate shared state.
func DefaultBusinessHours() []Span {
	return []Span{
		{Start: 9 * time.Hour, End: 12 * time.Hour},
		{Start: 13 * time.Hour, End: 18 * time.Hour},
	}
}

// ErrInvalidHours is wrapped by every error about business hours.
var ErrInvalidHours = errors.New("calendar: invalid business hours")

// ParseBusinessHours parses comma-separated spans such as
// "09:00-12:00,13:00-18:00" (24-hour clock; "24:00" is allowed as an end).
// The result is validated like WithBusinessHours does.
func ParseBusinessHours(s string) ([]Span, error) {
	parts := strings.Split(s, ",")
	spans := make([]Span, 0, len(parts))
	for _, p := range parts {
		a, b, ok := strings.Cut(strings.TrimSpace(p), "-")
		if !ok {
			return nil, fmt.Errorf("%w %q: want HH:MM-HH:MM", ErrInvalidHours, p)
		}
		start, err := parseClock(strings.TrimSpace(a))
		if err != nil {
			return nil, err
		}
		end, err := parseClock(strings.TrimSpace(b))
		if err != nil {
			return nil, err
		}
		spans = append(spans, Span{Start: start, End: end})
	}
	if err := checkSpans(spans); err != nil {
		return nil, err
	}
	return spans, nil
}

// parseClock parses "HH:MM" into an offset from midnight.
func parseClock(s string) (time.Duration, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%w %q: want HH:MM", ErrInvalidHours, s)
	}
	h, ok1 := digits(s[:2])
	m, ok2 := digits(s[3:])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%w %q: want a time from 00:00 to 24:00", ErrInvalidHours, s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// clock formats an offset from midnight as HH:MM.
func clock(d time.Duration) string {
	m := int64(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// checkSpans requires at least one span, each non-empty, within one day,
// in increasing order and not overlapping (touching is fine). Overlaps
// would make business time count twice, so they are rejected rather than
// merged silently.
func checkSpans(spans []Span) error {
	if len(spans) == 0 {
		return fmt.Errorf("%w: no spans", ErrInvalidHours)
	}
	for i, s := range spans {
		if s.Start < 0 || s.End > 24*time.Hour || s.Start >= s.End {
			return fmt.Errorf("%w: span %s is empty or outside 00:00–24:00", ErrInvalidHours, s)
		}
		if i > 0 && s.Start < spans[i-1].End {
			return fmt.Errorf("%w: span %s overlaps or precedes %s", ErrInvalidHours, s, spans[i-1])
		}
	}
	return nil
}
