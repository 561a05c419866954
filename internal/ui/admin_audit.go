package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
)

// auditData is what the audit viewer shows: the filter form, one page of
// entries, newest first, and links to older and to the newest entries.
type auditData struct {
	Filter  auditQuery
	Actions []actionOption
	Entries []auditRow
	Older   string // the next page's address, "" on the last page
	Newest  string // the first page's address when this is not it
	Problem formProblem
}

// auditQuery is the filter form as typed: dates are days in China time.
type auditQuery struct{ User, Entity, Action, From, To string }

// auditRow is one entry with its action in the page's language.
type auditRow struct {
	crm.AuditEntry
	ActionLabel string
}

// actionOption is one choice of the action filter.
type actionOption struct {
	Value, Label string
	Selected     bool
}

// auditActions are the actions the filter offers, in the order shown.
var auditActions = []string{crm.AuditLogin, crm.AuditLoginFailed, crm.AuditLogout, crm.AuditLocked,
	crm.AuditCreate, crm.AuditUpdate, crm.AuditDelete, crm.AuditPasswordReset,
	crm.AuditTokenCreate, crm.AuditTokenRevoke, crm.AuditPurge}

// auditPage lists the audit log for the auditor. Whether the user may
// read the log is asked first, so that other roles get the 403 page even
// for a query with a bad date; the audit log checks again when listing.
func (a *adminPages) auditPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActAuditRead); err != nil {
		return err
	}
	lang, q := langOf(r), r.URL.Query()
	d := auditData{Filter: auditQuery{User: strings.TrimSpace(q.Get("user")), Entity: strings.TrimSpace(q.Get("entity")),
		Action: q.Get("action"), From: q.Get("from"), To: q.Get("to")}}
	for _, act := range auditActions {
		d.Actions = append(d.Actions, actionOption{Value: act, Label: a.actionLabel(lang, act), Selected: act == d.Filter.Action})
	}
	f, err := a.auditFilter(r, d.Filter)
	if err == nil {
		var entries []crm.AuditEntry
		if entries, err = a.audit.List(r.Context(), f); err == nil {
			a.fillAudit(&d, lang, entries, f)
		}
	}
	status := http.StatusOK
	if err != nil {
		if pageLevel(err) {
			return err
		}
		status, d.Problem = httpx.Status(err), a.problemOf(lang, err, map[string]string{"from": "from", "to": "to"})
	}
	return a.render(w, r, status, "admin_audit", "admin.audit.title", d)
}

// auditFilter reads the query into the audit log's filter. The "to" day
// is included: the filter's end is the start of the day after it.
func (a *adminPages) auditFilter(r *http.Request, in auditQuery) (audit.AuditFilter, error) {
	page, err := httpx.ParsePage(r)
	f := audit.AuditFilter{Username: identity.NormalizeUsername(in.User), Entity: in.Entity, Action: in.Action, Limit: page.Limit + 1}
	if err == nil && page.Cursor != "" {
		err = httpx.DecodeCursor(page.Cursor, &f.BeforeID)
	}
	if err != nil {
		return f, err
	}
	var bad []crm.FieldError
	for _, d := range []struct {
		name, value, refused string
		dst                  *time.Time
		days                 int
	}{{"from", in.From, "field.from.format", &f.From, 0}, {"to", in.To, "field.to.format", &f.To, 1}} {
		if d.value == "" {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", d.value, a.loc)
		if err != nil {
			bad = append(bad, crm.Bad(d.name, "format", d.refused))
			continue
		}
		*d.dst = day.AddDate(0, 0, d.days)
	}
	if len(bad) > 0 {
		return f, crm.Invalid(bad...)
	}
	return f, nil
}

// fillAudit puts one page of entries and the paging links into d.
func (a *adminPages) fillAudit(d *auditData, lang string, entries []crm.AuditEntry, f audit.AuditFilter) {
	limit := f.Limit - 1
	page := httpx.MakePage(entries, limit, func(e crm.AuditEntry) any { return e.ID })
	for _, e := range page.Items {
		d.Entries = append(d.Entries, auditRow{AuditEntry: e, ActionLabel: a.actionLabel(lang, e.Action)})
	}
	link := func(cursor string) string {
		v := url.Values{}
		for k, s := range map[string]string{"user": d.Filter.User, "entity": d.Filter.Entity, "action": d.Filter.Action,
			"from": d.Filter.From, "to": d.Filter.To, "cursor": cursor} {
			if s != "" {
				v.Set(k, s)
			}
		}
		if limit != httpx.DefaultLimit {
			v.Set("limit", strconv.Itoa(limit))
		}
		return "/admin/audit?" + v.Encode()
	}
	if page.NextCursor != "" {
		d.Older = link(page.NextCursor)
	}
	if f.BeforeID > 0 {
		d.Newest = link("")
	}
}

// actionLabel names an audit action in lang; an action the catalogue
// does not know yet shows as recorded.
func (a *adminPages) actionLabel(lang, action string) string {
	if s, ok := a.msgs[lang]["audit.action."+action]; ok {
		return s
	}
	return action
}
