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
	rt.Handle("GET /csat/{token}", http.HandlerFunc(p.form))
	rt.Handle("POST /csat/{token}", http.HandlerFunc(p.submit))
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

func (p *csatPages) form(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	s, err := p.complaints.CSATByToken(r.Context(), token)
	if err != nil {
		p.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "csat", "csat.title", csatData{Token: token, Number: s.ComplaintNumber, Scores: []int{5, 4, 3, 2, 1}, Already: s.AnsweredAt != nil})
}

func (p *csatPages) submit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	d := csatData{Token: token, Scores: []int{5, 4, 3, 2, 1}, Score: score, Comment: r.PostFormValue("comment")}
	s, err := p.complaints.AnswerCSATPublic(r.Context(), token, complaint.CSATAnswer{Score: score, Comment: d.Comment}, httpx.ClientIP(r))
	d.Number = s.ComplaintNumber
	w.Header().Set("Cache-Control", "no-store")
	switch crm.ErrorCode(err) {
	case "":
		d.Done = true
		p.render(w, r, http.StatusOK, "csat", "csat.title", d)
	case crm.ENotFound:
		p.notFound(w, r)
	case crm.EConflict:
		d.Already = true
		p.render(w, r, http.StatusConflict, "csat", "csat.title", d)
	case crm.EInvalid:
		d.Error = p.msgs.text(langOf(r), "csat.pick")
		p.render(w, r, http.StatusUnprocessableEntity, "csat", "csat.title", d)
	case crm.ERateLimited:
		d.Error = p.msgs.text(langOf(r), "csat.slow")
		p.render(w, r, http.StatusTooManyRequests, "csat", "csat.title", d)
	default:
		p.fail(w, r, err)
	}
}
