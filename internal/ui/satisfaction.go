package ui

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// csatPages are the public satisfaction survey pages: no sign-in, reached
// through the private link mailed (or read out) when a complaint closes.
type csatPages struct {
	*UI
	complaints *complaint.Service
}

// registerSatisfaction adds the public satisfaction (CSAT) pages.
func (u *UI) registerSatisfaction(rt *httpx.Router) {
	p := &csatPages{UI: u, complaints: u.svc.Complaints}
	rt.Handle("GET /csat/{token}", u.public(p.form))
	rt.Handle("POST /csat/{token}", u.public(p.submit))
}

// csatData is what the survey page shows.
type csatData struct {
	Token   string
	Number  string
	Scores  []int
	Score   int
	Comment string
	Error   string
	Done    bool // answered now
	Already bool // answered before
}

// form is the survey; a link that does not work, whatever the reason,
// is the 404 page.
func (p *csatPages) form(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	s, err := p.complaints.CSATByToken(r.Context(), token)
	if err != nil {
		return p.notFound(w, r)
	}
	w.Header().Set("Cache-Control", "no-store")
	return p.render(w, r, http.StatusOK, "csat", "csat.title", csatData{Token: token, Number: s.ComplaintNumber, Scores: []int{5, 4, 3, 2, 1}, Already: s.AnsweredAt != nil})
}

func (p *csatPages) submit(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	d := csatData{Token: token, Scores: []int{5, 4, 3, 2, 1}, Score: score, Comment: r.PostFormValue("comment")}
	s, err := p.complaints.AnswerCSATPublic(r.Context(), token, complaint.CSATAnswer{Score: score, Comment: d.Comment}, httpx.ClientIP(r))
	d.Number = s.ComplaintNumber
	w.Header().Set("Cache-Control", "no-store")
	if err == nil {
		d.Done = true
		return p.render(w, r, http.StatusOK, "csat", "csat.title", d)
	}
	switch crm.ErrorCode(err) {
	case crm.EConflict:
		d.Already = true
		return p.render(w, r, http.StatusConflict, "csat", "csat.title", d)
	case crm.EInvalid:
		d.Error = p.msgs.text(langOf(r), "csat.pick")
		return p.render(w, r, http.StatusUnprocessableEntity, "csat", "csat.title", d)
	case crm.ERateLimited:
		d.Error = p.msgs.text(langOf(r), "csat.slow")
		return p.render(w, r, http.StatusTooManyRequests, "csat", "csat.title", d)
	}
	return err
}
