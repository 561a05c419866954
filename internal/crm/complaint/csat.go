package complaint

import (
	"context"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// CSATSurvey is the one-question satisfaction survey (1–5 and a comment)
// a complaint gets when it closes: mailed as a private link when the
// complaint has a contact e-mail, otherwise put on the service desk's
// phone follow-up list. Only the hash of the link's token is stored.
type CSATSurvey struct {
	ID              int64      `json:"id"`
	ComplaintID     int64      `json:"complaint_id"`
	ComplaintNumber string     `json:"complaint_number"`
	CustomerID      int64      `json:"customer_id,omitempty"`
	CallerName      string     `json:"caller_name,omitempty"`
	ContactName     string     `json:"contact"`
	Channel         string     `json:"channel"` // CSATEmail or CSATPhone
	CreatedAt       time.Time  `json:"created_at"`
	AnsweredAt      *time.Time `json:"answered_at,omitempty"`
	AnsweredVia     string     `json:"answered_via,omitempty"` // link or phone
	Score           *int       `json:"score,omitempty"`
	Comment         string     `json:"comment,omitempty"`

	TokenHash string `json:"-"`
}

// CSATAnswer is an answer to the survey.
type CSATAnswer struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// OutboxMail is an e-mail written in the transaction that causes it and
// sent by the SLA job after commit. In Body, {{public_url}} stands for the
// configured public address of Kehu.
type OutboxMail struct {
	To      string
	Subject string
	Body    string
	Kind    string
}

// PublicURLPlaceholder is replaced in mail bodies by the public URL.
const PublicURLPlaceholder = "{{public_url}}"

// CSATStore keeps the surveys.
type CSATStore interface {
	CSATByTokenHash(ctx context.Context, hash string) (CSATSurvey, error)
	CSATOfComplaint(ctx context.Context, complaintID int64) (CSATSurvey, error)
	// AnswerCSAT stores the answer on the survey and the complaint if the
	// survey is still unanswered (EConflict otherwise), with e, in one
	// transaction.
	AnswerCSAT(ctx context.Context, s *CSATSurvey, via string, by int64, e *crm.AuditEntry) error
	PhoneFollowUps(ctx context.Context, afterID int64, limit int) ([]CSATSurvey, error)
}

// The channels of a survey: mailed as a link, or taken by phone by the
// service desk when the complaint has no contact e-mail.
const (
	CSATEmail = "email"
	CSATPhone = "phone"
)

// csatPerHour bounds survey answers tried per address and hour.
const csatPerHour = 20

// csatStaff may record answers taken by phone and see the list.
var csatStaff = []crm.Role{crm.RoleService, crm.RoleGM}

// newSurvey prepares the survey of a complaint being closed, and its mail
// when the complaint has a contact e-mail.
func (cs *Service) newSurvey(c Complaint, now time.Time) (*CSATSurvey, []OutboxMail) {
	token, hash := secure.NewToken("kcs_")
	s := &CSATSurvey{ComplaintID: c.ID, ComplaintNumber: c.Number, Channel: CSATPhone, CreatedAt: now, TokenHash: hex.EncodeToString(hash)}
	email := cs.contactEmail(c)
	if email == "" {
		return s, nil
	}
	s.Channel = CSATEmail
	link := PublicURLPlaceholder + "/csat/" + token
	subject := bilingual(msg.M("notice.csat.subject", c.Number), "/ ")
	body := bilingual(msg.M("notice.csat.body", c.Number, link), "\n\n")
	return s, []OutboxMail{{To: email, Subject: subject, Body: body, Kind: "csat"}}
}

func validAnswer(a *CSATAnswer) error {
	var fs []crm.FieldError
	if a.Score < 1 || a.Score > 5 {
		fs = append(fs, crm.Bad("score", "range", "complaint_err.csat.score.range"))
	}
	a.Comment = strings.TrimSpace(a.Comment)
	if utf8.RuneCountInString(a.Comment) > 1000 {
		fs = append(fs, crm.Bad("comment", "length", "complaint_err.csat.comment.length"))
	}
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}

// CSATByToken finds the survey of a public link (for its page).
func (cs *Service) CSATByToken(ctx context.Context, token string) (CSATSurvey, error) {
	if !strings.HasPrefix(token, "kcs_") {
		return CSATSurvey{}, crm.Fail(crm.ENotFound, "complaint_err.csat.no_such_survey")
	}
	s, err := cs.store.CSATByTokenHash(ctx, hex.EncodeToString(secure.HashToken(token)))
	if err != nil {
		return CSATSurvey{}, crm.Fail(crm.ENotFound, "complaint_err.csat.no_such_survey")
	}
	return s, nil
}

// AnswerCSATPublic takes the customer's answer through the link: no
// sign-in, rate-limited per address, one answer per link.
func (cs *Service) AnswerCSATPublic(ctx context.Context, token string, a CSATAnswer, ip string) (CSATSurvey, error) {
	now := cs.now().UTC()
	key := "public-csat:" + ip
	hits, end, err := cs.store.Hit(ctx, key, time.Hour, now)
	if err != nil {
		return CSATSurvey{}, err
	}
	crm.NoteRateLimit(ctx, key, csatPerHour, hits, end)
	if hits > csatPerHour {
		e := crm.Fail(crm.ERateLimited, "complaint_err.csat.rate_limited")
		e.RetryAfter = end.Sub(now)
		return CSATSurvey{}, e
	}
	s, err := cs.CSATByToken(ctx, token)
	if err != nil {
		return s, err
	}
	if s.AnsweredAt != nil {
		return s, crm.Fail(crm.EConflict, "complaint_err.csat.answered_thanks")
	}
	if err := validAnswer(&a); err != nil {
		// An answer refused for what was filled in does not use up the
		// sender's quota.
		if uerr := cs.store.Unhit(ctx, key, time.Hour, now); uerr != nil {
			return s, uerr
		}
		crm.NoteRateLimit(ctx, key, csatPerHour, hits-1, end)
		return s, err
	}
	sys := crm.WithPrincipal(ctx, crm.Principal{UserID: -1, Username: "public:" + ip, Role: crm.RoleService})
	return s, cs.answer(sys, &s, a, "link", 0, now)
}

// RecordCSATByPhone records an answer the service desk took by phone.
func (cs *Service) RecordCSATByPhone(ctx context.Context, complaintID int64, a CSATAnswer) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return Complaint{}, err
	}
	if !slices.Contains(csatStaff, p.Role) {
		return Complaint{}, crm.Fail(crm.EForbidden, "complaint_err.csat.forbidden")
	}
	c, err := cs.Get(ctx, complaintID)
	if err != nil {
		return c, err
	}
	s, err := cs.store.CSATOfComplaint(ctx, complaintID)
	if crm.ErrorCode(err) == crm.ENotFound {
		return c, crm.Invalid(crm.Bad("complaint_id", "not_closed", "complaint_err.csat.not_closed", c.Number))
	} else if err != nil {
		return c, err
	}
	if s.AnsweredAt != nil {
		return c, crm.Fail(crm.EConflict, "complaint_err.csat.answered", c.Number)
	}
	if err := validAnswer(&a); err != nil {
		return c, err
	}
	if err := cs.answer(ctx, &s, a, "phone", p.UserID, cs.now().UTC()); err != nil {
		return c, err
	}
	return cs.Get(ctx, complaintID)
}

func (cs *Service) answer(ctx context.Context, s *CSATSurvey, a CSATAnswer, via string, by int64, now time.Time) error {
	score := a.Score
	s.Score, s.Comment, s.AnsweredAt, s.AnsweredVia = &score, a.Comment, &now, via
	e := crm.NewAudit(ctx, crm.AuditUpdate, "complaint", strconv.FormatInt(s.ComplaintID, 10), map[string]any{"csat_score": score, "csat_via": via})
	return cs.store.AnswerCSAT(ctx, s, via, by, &e)
}

// PhoneFollowUps is the service desk's list of surveys to take by phone,
// oldest first.
func (cs *Service) PhoneFollowUps(ctx context.Context, afterID int64, limit int) ([]CSATSurvey, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(csatStaff, p.Role) {
		return nil, crm.Fail(crm.EForbidden, "complaint_err.csat.follow_ups_forbidden")
	}
	return cs.store.PhoneFollowUps(ctx, afterID, limit)
}
