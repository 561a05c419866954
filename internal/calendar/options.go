package calendar

import (
	"errors"
	"fmt"
	"time"

	// Embedded zone data: servers and CI images without /usr/share/zoneinfo
	// must still be able to load Asia/Shanghai.
	_ "time/tzdata"
)

// DefaultLocation is the zone name used when no WithLocation is given.
const DefaultLocation = "Asia/Shanghai"

// Option configures New.
type Option func(*settings) error

// settings collects what the options ask for before New validates it.
type settings struct {
	loc       *time.Location
	spans     []Span
	overrides []Override
}

// WithLocation sets the zone in which dates and business hours are read.
func WithLocation(loc *time.Location) Option {
	return func(s *settings) error {
		if loc == nil {
			return errors.New("calendar: WithLocation: nil location")
		}
		s.loc = loc
		return nil
	}
}

// WithBusinessHours sets the business-hour spans of every working day
// (default DefaultBusinessHours). Spans must be ordered and disjoint.
func WithBusinessHours(spans ...Span) Option {
	return func(s *settings) error {
		cp := append([]Span(nil), spans...)
		if err := checkSpans(cp); err != nil {
			return err
		}
		s.spans = cp
		return nil
	}
}

// WithOverrides sets the initial override table; see Calendar.WithOverrides.
func WithOverrides(ovs ...Override) Option {
	return func(s *settings) error {
		cp, err := checkOverrides(ovs)
		if err != nil {
			return err
		}
		s.overrides = cp
		return nil
	}
}

// resolve applies opts on top of the defaults.
func resolve(opts []Option) (settings, error) {
	var s settings
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return settings{}, err
		}
	}
	if s.loc == nil {
		loc, err := time.LoadLocation(DefaultLocation)
		if err != nil {
			return settings{}, fmt.Errorf("calendar: load %s: %w", DefaultLocation, err)
		}
		s.loc = loc
	}
	if s.spans == nil {
		s.spans = DefaultBusinessHours()
	}
	return s, nil
}
