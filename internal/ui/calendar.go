package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

func (u *UI) registerCalendar(rt *httpx.Router) {
	rt.Handle("GET /calendar", u.private(u.calendarPage))
	rt.Handle("POST /calendar/overrides", u.private(u.calendarPut))
	rt.Handle("POST /calendar/overrides/delete", u.private(u.calendarDelete))
}

// calendarData is the year view: twelve month grids, the year's exceptions
// and, for administrators, the override form.
type calendarData struct {
	Year, Prev, Next int
	Provisional      bool
	Months           []monthGrid
	Days             []calendar.Day
	CanManage        bool
	Error            string
	Form             crm.CalendarOverride
}

type monthGrid struct {
	Month time.Month
	Weeks [][]dayCell // Monday first; zero cells pad the first and last week
}

type dayCell struct {
	Day     int
	Date    string
	Class   string // off, work (make-up day), weekend, or ""
	Name    string
	IsToday bool
}

func (u *UI) calendarPage(w http.ResponseWriter, r *http.Request) error {
	return u.renderCalendar(w, r, http.StatusOK, "", crm.CalendarOverride{Kind: "day_off"})
}

func (u *UI) renderCalendar(w http.ResponseWriter, r *http.Request, status int, msg string, form crm.CalendarOverride) error {
	cal, err := u.calendars.Read(r.Context())
	if err != nil {
		return err
	}
	today := cal.DateOf(u.svc.Clock())
	year := today.Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1900 && y <= 2199 {
		year = y
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := calendarData{Year: year, Prev: year - 1, Next: year + 1, Days: cal.Year(year), CanManage: p.Role.Can(crm.ActCalendarManage),
		Provisional: year > cal.LastDataYear() || year < cal.FirstDataYear(), Error: msg, Form: form}
	names := map[calendar.Date]calendar.Day{}
	for _, day := range d.Days {
		names[day.Date] = day
	}
	for m := time.January; m <= time.December; m++ {
		g := monthGrid{Month: m}
		first := calendar.NewDate(year, m, 1)
		var week []dayCell
		for i := 0; i < (int(first.Weekday())+6)%7; i++ {
			week = append(week, dayCell{})
		}
		for day := first; day.Month() == m && day.Year() == year; day = day.AddDays(1) {
			c := dayCell{Day: day.Day(), Date: day.String(), IsToday: day == today}
			ex, special := names[day]
			switch {
			case special && ex.Kind == calendar.WorkingDay:
				c.Class, c.Name = "work", ex.Name
			case special:
				c.Class, c.Name = "off", ex.Name
			case !cal.IsWorkingDay(day):
				c.Class = "weekend"
			}
			week = append(week, c)
			if len(week) == 7 {
				g.Weeks, week = append(g.Weeks, week), nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, dayCell{})
			}
			g.Weeks = append(g.Weeks, week)
		}
		d.Months = append(d.Months, g)
	}
	return u.render(w, r, status, "calendar", "nav.calendar", d)
}

// calendarPut adds or replaces an override from the administrator's form.
func (u *UI) calendarPut(w http.ResponseWriter, r *http.Request) error {
	form := crm.CalendarOverride{Date: r.PostFormValue("date"), Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name")}
	o, _, err := u.calendars.PutOverride(r.Context(), form)
	if err != nil {
		return u.calendarError(w, r, err, form)
	}
	http.Redirect(w, r, "/calendar?year="+o.Date[:4], http.StatusSeeOther)
	return nil
}

func (u *UI) calendarDelete(w http.ResponseWriter, r *http.Request) error {
	date := r.PostFormValue("date")
	if err := u.calendars.DeleteOverride(r.Context(), date); err != nil {
		return u.calendarError(w, r, err, crm.CalendarOverride{Kind: "day_off"})
	}
	back := "/calendar"
	if len(date) >= 4 {
		back += "?year=" + url.QueryEscape(date[:4])
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// calendarError shows a refused override on the calendar; a refusal no
// form can fix is returned.
func (u *UI) calendarError(w http.ResponseWriter, r *http.Request, err error, form crm.CalendarOverride) error {
	switch crm.ErrorCode(err) {
	case crm.EInvalid, crm.ENotFound, crm.EVersionConflict:
		lang := langOf(r)
		msg := errorSays(lang, err)
		if e, ok := err.(*crm.Error); ok && len(e.Fields) > 0 {
			msg = ""
			for _, f := range e.Fields {
				msg += u.msgs.text(lang, "calendar.field."+f.Field) + ": " + fieldSays(lang, f) + " "
			}
		}
		return u.renderCalendar(w, r, httpx.Status(err), msg, form)
	}
	return err
}
