package api

import (
	"net/http"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/httpx"
)

// auditParams are the audit log's filters.
var auditParams = []httpx.Param{httpx.Text("user"), httpx.Text("entity"), httpx.Text("entity_id"), httpx.Text("action"),
	httpx.Time("from"), httpx.Time("to")}

// listAudit serves the auditor's view of the audit log, newest first,
// filtered by user, entity, action and time range. from and to take a
// date (a day in China time) or an RFC 3339 time.
func (a *API) listAudit(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := audit.AuditFilter{Username: q.Get("user"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"), Action: q.Get("action"), Limit: p.Limit + 1, BeforeID: before}
	for _, tf := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(tf.name); s != "" {
			t, err := parseTimeOrDate(s)
			if err != nil {
				e := crm.Invalid(crm.Bad(tf.name, "format", "api.audit.time.format"))
				e.Code = crm.EBadRequest
				return e
			}
			*tf.dst = t
		}
	}
	entries, err := a.audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	total, err := a.audit.Total(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(entries, p.Limit, func(e crm.AuditEntry) any { return e.ID }).Of(total))
	return nil
}

func parseTimeOrDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02", s, chinaTime)
}

// chinaTime is where a bare date is taken to be.
var chinaTime = crm.ChinaTime()
