package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complaintPages serve the complaint desk (客诉): the queue sorted by
// deadline, the intake form, a complaint's page with its timeline and the
// forms of its next steps, the ledger (台账) and the monthly analysis. The
// domain decides roles, scope and every step; the pages turn its
// refusals into field messages, the 404 page or the 403 page.
type complaintPages struct {
	*UI
	complaints *complaint.Service
	reports    *complaint.Service
	now        func() time.Time
}

// registerComplaints adds this module's pages.
func (u *UI) registerComplaints(rt *httpx.Router) {
	p := &complaintPages{UI: u, complaints: u.svc.Complaints, reports: u.svc.Complaints, now: u.svc.Clock}
	rt.Handle("GET /complaints", u.private(p.queue))
	rt.Handle("GET /complaints/new", u.private(p.newForm))
	rt.Handle("POST /complaints/new", u.private(p.create))
	rt.Handle("GET /complaints/ledger", u.private(p.ledger))
	rt.Handle("GET /complaints/analysis", u.private(p.analysis))
	rt.Handle("GET /complaints/{id}", u.private(p.detail))
	rt.Handle("POST /complaints/{id}/move", u.private(p.move))
	rt.Handle("POST /complaints/{id}/link", u.private(p.link))
}

// complaintID reads the ID in the path; anything but a positive number
// is a complaint that does not exist.
func complaintID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Fail(crm.ENotFound, "complaint_err.no_such_complaint")
	}
	return id, nil
}

// word names an option value (a category, status, channel…) in lang;
// one the catalogue does not know shows as stored.
func (p *complaintPages) word(lang, group, value string) string {
	if s, ok := p.msgs[lang]["complaints."+group+"."+value]; ok {
		return s
	}
	return value
}

// options are the choices of a select over values, selected marked.
func (p *complaintPages) options(lang, group string, values []string, selected string) []choice {
	out := make([]choice, 0, len(values))
	for _, v := range values {
		out = append(out, choice{Value: v, Label: p.word(lang, group, v), Selected: v == selected})
	}
	return out
}

// clock is a deadline shown with the time left (or past it), which
// complaints.js keeps ticking.
type clock struct {
	Due     time.Time
	ISO     string
	Text    string
	Overdue bool
	Met     string // met or missed once the deadline's step is done, "" while it runs
}

// clockOf words the time left until due at now in lang.
func (p *complaintPages) clockOf(lang string, due, now time.Time) clock {
	c := clock{Due: due, ISO: due.UTC().Format(time.RFC3339)}
	left := due.Sub(now)
	key := "complaints.clock.left"
	if left < 0 {
		key, left, c.Overdue = "complaints.clock.over", -left, true
	}
	c.Text = p.msgs.text(lang, key, span(p.msgs.text(lang, "complaints.clock.units"), left))
	return c
}

// span words a duration as days, hours and minutes from units "d,h,m".
func span(units string, d time.Duration) string {
	u := splitComma(units)
	if len(u) != 3 {
		u = []string{"d", "h", "m"}
	}
	mins := int(d.Minutes())
	days, hours, m := mins/(24*60), mins/60%24, mins%60
	switch {
	case days > 0:
		return fmt.Sprintf("%d%s%d%s", days, u[0], hours, u[1])
	case hours > 0:
		return fmt.Sprintf("%d%s%d%s", hours, u[1], m, u[2])
	}
	return fmt.Sprintf("%d%s", m, u[2])
}
