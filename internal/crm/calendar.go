package crm

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
)

// CalendarOverride is an administrator's change to the working-day
// calendar: a day off or a working day, with a name (e.g. 公司年会).
type CalendarOverride struct {
	Date      string    `json:"date"` // YYYY-MM-DD
	Kind      string    `json:"kind"` // day_off or working_day
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CalendarStore keeps the overrides.
type CalendarStore interface {
	CalendarOverrides(ctx context.Context) ([]CalendarOverride, int64, error)
	CalendarRevision(ctx context.Context) (int64, error)
	PutCalendarOverride(ctx context.Context, o *CalendarOverride, e *AuditEntry) (bool, error)
	DeleteCalendarOverride(ctx context.Context, date string, e *AuditEntry) error
}

// Calendars serves the working-day calendar with the overrides applied.
// Each call checks the override revision (one primary-key read) and
// rebuilds its snapshot when another instance or request changed it, so
// an override applies at once everywhere.
type Calendars struct {
	store CalendarStore
	base  *calendar.Calendar

	mu  sync.Mutex
	cur *calendar.Calendar
	rev int64
}

// NewCalendars builds the calendar service on the built-in data.
func NewCalendars(s CalendarStore) (*Calendars, error) {
	base, err := calendar.New()
	if err != nil {
		return nil, err
	}
	return &Calendars{store: s, base: base, rev: -1}, nil
}

// Current returns the calendar with every override applied.
func (c *Calendars) Current(ctx context.Context) (*calendar.Calendar, error) {
	rev, err := c.store.CalendarRevision(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && rev == c.rev {
		return c.cur, nil
	}
	ovs, rev, err := c.store.CalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	list := make([]calendar.Override, 0, len(ovs))
	for _, o := range ovs {
		d, err := calendar.ParseDate(o.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar override %q: %w", o.Date, err)
		}
		k, err := calendar.ParseKind(o.Kind)
		if err != nil {
			return nil, fmt.Errorf("calendar override %s: %w", o.Date, err)
		}
		list = append(list, calendar.Override{Date: d, Kind: k, Name: o.Name})
	}
	cal, err := c.base.WithOverrides(list...)
	if err != nil {
		return nil, err
	}
	c.cur, c.rev = cal, rev
	return cal, nil
}

// Read returns the current calendar for a signed-in user.
func (c *Calendars) Read(ctx context.Context) (*calendar.Calendar, error) {
	if _, err := Authorize(ctx, ActCalendarRead); err != nil {
		return nil, err
	}
	return c.Current(ctx)
}

// Overrides lists the overrides, for administrators.
func (c *Calendars) Overrides(ctx context.Context) ([]CalendarOverride, error) {
	if _, err := Authorize(ctx, ActCalendarRead); err != nil {
		return nil, err
	}
	ovs, _, err := c.store.CalendarOverrides(ctx)
	return ovs, err
}

// PutOverride adds or replaces the override of a date; created reports
// whether it was new.
func (c *Calendars) PutOverride(ctx context.Context, o CalendarOverride) (CalendarOverride, bool, error) {
	if _, err := Authorize(ctx, ActCalendarManage); err != nil {
		return o, false, err
	}
	var fields []FieldError
	d, err := calendar.ParseDate(o.Date)
	if err != nil {
		fields = append(fields, Bad("date", "format", "crm.calendar.date.format"))
	} else if d.Year() < 1900 || d.Year() > 2199 {
		fields = append(fields, Bad("date", "range", "crm.calendar.date.range"))
	}
	if _, err := calendar.ParseKind(o.Kind); err != nil {
		fields = append(fields, Bad("kind", "unknown", "crm.calendar.kind.unknown"))
	}
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 50 {
		fields = append(fields, Bad("name", "length", "crm.calendar.name.length"))
	}
	if len(fields) > 0 {
		return o, false, Invalid(fields...)
	}
	o.Date = d.String()
	e := NewAudit(ctx, AuditCreate, "calendar_override", o.Date, nil)
	created, err := c.store.PutCalendarOverride(ctx, &o, &e)
	return o, created, err
}

// DeleteOverride removes the override of a date, so the built-in
// arrangement applies again.
func (c *Calendars) DeleteOverride(ctx context.Context, date string) error {
	if _, err := Authorize(ctx, ActCalendarManage); err != nil {
		return err
	}
	d, err := calendar.ParseDate(date)
	if err != nil {
		return Invalid(Bad("date", "format", "crm.calendar.date.format"))
	}
	e := NewAudit(ctx, AuditDelete, "calendar_override", d.String(), nil)
	return c.store.DeleteCalendarOverride(ctx, d.String(), &e)
}
