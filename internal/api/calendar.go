package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

type workingDaysResponse struct {
	Date        string    `json:"date"`
	DueAt       time.Time `json:"due_at"`
	Provisional bool      `json:"provisional"`
}

// workingDays answers "which date is the N-th working day after from":
// the deadline rule of the policies ("a solution within 2 working days").
// due_at is the end of business of that day in China time.
func (a *API) workingDays(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err := calendar.ParseDate(q.Get("from"))
	var fields []crm.FieldError
	if err != nil {
		fields = append(fields, crm.Bad("from", "format", "api.from.format"))
	}
	days, err := strconv.Atoi(q.Get("days"))
	if err != nil || days < -3650 || days > 3650 {
		fields = append(fields, crm.Bad("days", "range", "api.days.range"))
	}
	if len(fields) > 0 {
		return crm.Invalid(fields...)
	}
	cal, err := a.calendars.Read(r.Context())
	if err != nil {
		return err
	}
	due, err := cal.AddWorkingDays(from.In(cal.Location()), days)
	if err != nil {
		return crm.Invalid(crm.Bad("days", "range", "api.calendar.range", err.Error()))
	}
	httpx.WriteJSON(w, http.StatusOK, workingDaysResponse{Date: cal.DateOf(due.Time).String(), DueAt: due.Time, Provisional: due.Provisional})
	return nil
}

type yearResponse struct {
	Year        int       `json:"year"`
	Provisional bool      `json:"provisional"`
	Days        []dayJSON `json:"days"`
}

type dayJSON struct {
	Date   string `json:"date"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source"`
}

// year lists the year's days off and make-up working days with their
// names and where each comes from (statutory or override).
func (a *API) year(w http.ResponseWriter, r *http.Request) error {
	y, err := parseYear(r.PathValue("year"))
	if err != nil {
		return err
	}
	cal, err := a.calendars.Read(r.Context())
	if err != nil {
		return err
	}
	res := yearResponse{Year: y, Provisional: y > cal.LastDataYear() || y < cal.FirstDataYear(), Days: []dayJSON{}}
	for _, d := range cal.Year(y) {
		res.Days = append(res.Days, dayJSON{Date: d.Date.String(), Kind: d.Kind.String(), Name: d.Name, Source: string(d.Source)})
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1900 || y > 2199 {
		return 0, crm.Invalid(crm.Bad("year", "range", "api.year.range"))
	}
	return y, nil
}

type festivalJSON struct {
	Name  string `json:"name"`
	Date  string `json:"date"`
	Lunar string `json:"lunar"`
}

// festivals lists the traditional festivals falling in a Gregorian year
// (春节, 端午, 中秋 …), for customer care.
func (a *API) festivals(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActCalendarRead); err != nil {
		return err
	}
	y, err := parseYear(r.PathValue("year"))
	if err != nil {
		return err
	}
	fs, err := calendar.Festivals(y)
	if err != nil {
		return crm.Invalid(crm.Bad("year", "range", "api.calendar.range", err.Error()))
	}
	out := make([]festivalJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, festivalJSON{Name: f.Name, Date: f.Date.String(), Lunar: f.Lunar.String()})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"year": y, "festivals": out})
	return nil
}

type overrideRequest struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Version int    `json:"version"`
}

func (a *API) putOverride(w http.ResponseWriter, r *http.Request) error {
	var req overrideRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	o, created, err := a.calendars.PutOverride(r.Context(), crm.CalendarOverride{Date: r.PathValue("date"), Kind: req.Kind, Name: req.Name, Version: req.Version})
	if err != nil {
		return err
	}
	if created {
		httpx.WriteCreated(w, r.URL.Path, o)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (a *API) deleteOverride(w http.ResponseWriter, r *http.Request) error {
	if err := a.calendars.DeleteOverride(r.Context(), r.PathValue("date")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
