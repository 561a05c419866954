package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerCare adds customer care (客户关怀, issue #19 points 1-3): the
// care calendar's reminders, lead-time rules and dates, greeting
// templates, greetings and their send log, the care opt-out, gifts and
// gift budgets; see Register.
func (a *API) registerCare(rt *httpx.Router) {
	rt.HandleFunc("GET /api/v1/care/reminders", a.listCareReminders, httpx.List(httpx.Date("from"), httpx.Date("to"), httpx.ID("customer_id"), httpx.OneOf("status", "open", "done")), httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("GET /api/v1/care/reminders/{id}", a.getCareReminder, httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("PATCH /api/v1/care/reminders/{id}", a.patchCareReminder, httpx.Requires(crm.ActCareSend))
	rt.HandleFunc("POST /api/v1/care/generate", a.generateCare, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("GET /api/v1/care/lead-rules", a.listLeadRules, httpx.List(), httpx.Requires(crm.ActCareRead, crm.ActCareManage))
	rt.HandleFunc("PUT /api/v1/care/lead-rules", a.putLeadRule, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("GET /api/v1/care/dates", a.listCareDates, httpx.List(), httpx.Requires(crm.ActCareRead, crm.ActCareManage))
	rt.HandleFunc("POST /api/v1/care/dates", a.createCareDate, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("GET /api/v1/care/dates/{id}", a.getCareDate, httpx.Requires(crm.ActCareRead, crm.ActCareManage))
	rt.HandleFunc("PUT /api/v1/care/dates/{id}", a.putCareDate, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("DELETE /api/v1/care/dates/{id}", a.deleteCareDate, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("DELETE /api/v1/care/lead-rules/{id}", a.deleteLeadRule, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("GET /api/v1/greeting-templates", a.listGreetingTemplates, httpx.List(), httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("POST /api/v1/greeting-templates", a.createGreetingTemplate, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("GET /api/v1/greeting-templates/{id}", a.getGreetingTemplate, httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("PATCH /api/v1/greeting-templates/{id}", a.patchGreetingTemplate, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("POST /api/v1/greeting-preview", a.previewGreeting, httpx.Requires(crm.ActCareSend))
	rt.HandleFunc("GET /api/v1/greetings", a.listGreetings, httpx.List(httpx.ID("contact_id")), httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("POST /api/v1/greetings", a.sendGreeting, httpx.Requires(crm.ActCareSend))
	rt.HandleFunc("GET /api/v1/greetings/{id}", a.getGreeting, httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("PUT /api/v1/contacts/{id}/care-opt-out", a.putCareOptOut, httpx.Requires(crm.ActCareSend))
	rt.HandleFunc("GET /api/v1/gifts", a.listGifts, httpx.List(httpx.OneOf("status", care.GiftApproved, care.GiftPending, care.GiftRejected), httpx.ID("contact_id")), httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("POST /api/v1/gifts", a.createGift, httpx.Requires(crm.ActCareSend))
	rt.HandleFunc("GET /api/v1/gifts/{id}", a.getGift, httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("POST /api/v1/gifts/{id}/decision", a.decideGift, httpx.Requires(crm.ActGiftApprove))
	rt.HandleFunc("GET /api/v1/gift-budgets", a.listGiftBudgets, httpx.List(httpx.IntRange("year", 2000, 2100)), httpx.Requires(crm.ActCareRead))
	rt.HandleFunc("PUT /api/v1/gift-budgets", a.putGiftBudget, httpx.Requires(crm.ActCareManage))
	rt.HandleFunc("GET /api/v1/gift-spend", a.giftSpend, httpx.Query(httpx.IntRange("year", 2000, 2100)), httpx.Requires(crm.ActCareRead))
}

// idPage is a page of a list keyed by id, fetched with one row more than
// the limit; its total is a lower bound (estimated) unless it is the
// first and last page.
func idPage[T any](w http.ResponseWriter, rows []T, p httpx.PageRequest, first bool, id func(T) int64) {
	page := httpx.MakePage(rows, p.Limit, func(x T) any { return id(x) })
	page.Total = int64(len(page.Items))
	if page.NextCursor != "" || !first {
		page.Total, page.TotalEstimated = int64(len(rows)), true
	}
	httpx.WriteJSON(w, http.StatusOK, page)
}

func queryInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(r.URL.Query().Get(name))
	return n
}

func (a *API) listCareReminders(w http.ResponseWriter, r *http.Request) error {
	// Reminders come by date (remind_on, id): the cursor holds both.
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	var key struct {
		Date string `json:"d"`
		ID   int64  `json:"i"`
	}
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &key); err != nil {
			return err
		}
		if key.Date == "" || key.ID < 0 {
			return httpx.DecodeCursor("!", &key) // a cursor Kehu never gives out
		}
	}
	q := r.URL.Query()
	list, err := a.care.Reminders(r.Context(), care.ReminderFilter{From: q.Get("from"), To: q.Get("to"),
		CustomerID: httpx.QueryID(r, "customer_id"), Status: q.Get("status"), AfterDate: key.Date, AfterID: key.ID, Limit: p.Limit + 1})
	if err != nil {
		return err
	}
	page := httpx.MakePage(list, p.Limit, func(x care.Reminder) any {
		return map[string]any{"d": x.RemindOn, "i": x.ID}
	})
	page.Total = int64(len(page.Items))
	if page.NextCursor != "" || p.Cursor != "" {
		page.Total, page.TotalEstimated = int64(len(list)), true
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (a *API) getCareReminder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rem, err := a.care.Reminder(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rem)
	return nil
}

func (a *API) patchCareReminder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	rem, err := a.care.SetReminderStatus(r.Context(), id, in.Status)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rem)
	return nil
}

func (a *API) generateCare(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	from, err := calendar.ParseDate(in.From)
	if err != nil {
		return crm.Invalid(crm.Bad("from", "format", "care.date.format"))
	}
	to, err := calendar.ParseDate(in.To)
	if err != nil {
		return crm.Invalid(crm.Bad("to", "format", "care.date.format"))
	}
	rep, err := a.care.Generate(r.Context(), from, to)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) listLeadRules(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.care.LeadRules(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(x care.LeadRule) int64 { return x.ID })
}

func (a *API) putLeadRule(w http.ResponseWriter, r *http.Request) error {
	var in care.LeadRule
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	rule, err := a.care.PutLeadRule(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (a *API) listCareDates(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.care.CareDates(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(x care.CareDate) int64 { return x.ID })
}

func (a *API) createCareDate(w http.ResponseWriter, r *http.Request) error {
	var in care.CareDate
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := a.care.CreateCareDate(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, 1)
	w.Header().Set("Location", "/api/v1/care/dates/"+strconv.FormatInt(d.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (a *API) putCareDate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in care.CareDate
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	in.ID = id
	d, err := a.care.UpdateCareDate(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, 1)
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) deleteCareDate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.care.DeleteCareDate(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) deleteLeadRule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.care.DeleteLeadRule(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getCareDate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := a.care.CareDates(r.Context())
	if err != nil {
		return err
	}
	for _, d := range list {
		if d.ID == id {
			setETag(w, 1)
			httpx.WriteJSON(w, http.StatusOK, d)
			return nil
		}
	}
	return crm.Fail(crm.ENotFound, "care.date.no_such", id)
}

func (a *API) listGreetingTemplates(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.care.Templates(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(x care.Template) int64 { return x.ID })
}

func (a *API) createGreetingTemplate(w http.ResponseWriter, r *http.Request) error {
	var in care.Template
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, err := a.care.CreateTemplate(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, t.Version)
	w.Header().Set("Location", "/api/v1/greeting-templates/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (a *API) getGreetingTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.care.Template(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, t.Version)
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) patchGreetingTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in care.TemplatePatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	t, err := a.care.UpdateTemplate(r.Context(), id, in)
	if err != nil {
		return err
	}
	setETag(w, t.Version)
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) previewGreeting(w http.ResponseWriter, r *http.Request) error {
	var in care.SendInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	out, err := a.care.Preview(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) sendGreeting(w http.ResponseWriter, r *http.Request) error {
	var in care.SendInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	g, err := a.care.Send(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, 1)
	w.Header().Set("Location", "/api/v1/greetings/"+strconv.FormatInt(g.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (a *API) listGreetings(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, err := a.care.Greetings(r.Context(), httpx.QueryID(r, "contact_id"), before, p.Limit+1)
	if err != nil {
		return err
	}
	idPage(w, list, p, before == 0, func(x care.Greeting) int64 { return x.ID })
	return nil
}

func (a *API) getGreeting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	g, err := a.care.Greeting(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, 1)
	httpx.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (a *API) putCareOptOut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		OptOut *bool `json:"opt_out"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.OptOut == nil {
		return crm.Invalid(crm.Bad("opt_out", "required", "care.opt_out.required"))
	}
	out, err := a.care.SetOptOut(r.Context(), id, *in.OptOut)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) listGifts(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, err := a.care.Gifts(r.Context(), r.URL.Query().Get("status"), httpx.QueryID(r, "contact_id"), before, p.Limit+1)
	if err != nil {
		return err
	}
	idPage(w, list, p, before == 0, func(x care.Gift) int64 { return x.ID })
	return nil
}

func (a *API) createGift(w http.ResponseWriter, r *http.Request) error {
	var in care.GiftInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	g, err := a.care.CreateGift(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, g.Version)
	w.Header().Set("Location", "/api/v1/gifts/"+strconv.FormatInt(g.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (a *API) getGift(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	g, err := a.care.Gift(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, g.Version)
	httpx.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (a *API) decideGift(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in care.Decision
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	g, err := a.care.DecideGift(r.Context(), id, in)
	if err != nil {
		return err
	}
	setETag(w, g.Version)
	httpx.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (a *API) listGiftBudgets(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.care.Budgets(r.Context(), queryInt(r, "year"))
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(x care.Budget) int64 { return x.ID })
}

func (a *API) putGiftBudget(w http.ResponseWriter, r *http.Request) error {
	var in care.BudgetInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	b, err := a.care.PutBudget(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, b.Version)
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (a *API) giftSpend(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.care.Spending(r.Context(), queryInt(r, "year"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}
