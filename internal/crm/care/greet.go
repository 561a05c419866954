package care

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/secure"
)

// Reasons a greeting was not sent, as the send log keeps them.
const (
	ReasonOptedOut   = "opted_out"   // the contact opted out of care messages (PIPL)
	ReasonNoProvider = "no_provider" // no SMTP or SMS provider configured: to send by hand
	ReasonProvider   = "provider_error"
)

// Langs are the languages a template may be in.
var langs = []string{"zh-CN", "en"}

// Templates lists the greeting templates.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareRead); err != nil {
		return nil, err
	}
	return s.store.Templates(ctx)
}

// Template reads one template.
func (s *Service) Template(ctx context.Context, id int64) (Template, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareRead); err != nil {
		return Template{}, err
	}
	return s.store.Template(ctx, id)
}

func checkTemplate(t *Template) error {
	t.Subject, t.Body = strings.TrimSpace(t.Subject), strings.TrimSpace(t.Body)
	var bad []crm.FieldError
	if !ValidOccasion(t.Occasion) {
		bad = append(bad, crm.Bad("occasion", "enum", "care.occasion.invalid", t.Occasion))
	}
	ok := false
	for _, l := range langs {
		ok = ok || l == t.Lang
	}
	if !ok {
		bad = append(bad, crm.Bad("lang", "enum", "care.lang.invalid", t.Lang))
	}
	if utf8.RuneCountInString(t.Subject) > 200 {
		bad = append(bad, crm.Bad("subject", "length", "care.max_200"))
	} else if err := CheckTemplate("subject", t.Subject); err != nil {
		bad = append(bad, fieldErrors(err)...)
	}
	if t.Body == "" {
		bad = append(bad, crm.Bad("body", "required", "care.body.required"))
	} else if utf8.RuneCountInString(t.Body) > 2000 {
		bad = append(bad, crm.Bad("body", "length", "care.max_2000"))
	} else if err := CheckTemplate("body", t.Body); err != nil {
		bad = append(bad, fieldErrors(err)...)
	}
	if len(bad) > 0 {
		return crm.Invalid(bad...)
	}
	return nil
}

func fieldErrors(err error) []crm.FieldError {
	if e, ok := err.(*crm.Error); ok {
		return e.Fields
	}
	return nil
}

// CreateTemplate adds a template (one per occasion and language).
func (s *Service) CreateTemplate(ctx context.Context, t Template) (Template, error) {
	p, err := crm.Authorize(ctx, crm.ActCareManage)
	if err != nil {
		return t, err
	}
	if err := checkTemplate(&t); err != nil {
		return t, err
	}
	if fe, err := s.checkCustom(ctx, "occasion", t.Occasion); err != nil || fe != nil {
		if fe != nil {
			err = crm.Invalid(*fe)
		}
		return t, err
	}
	t.Version, t.UpdatedAt, t.UpdatedBy = 1, s.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditCreate, "greeting_template", "", map[string]string{"occasion": t.Occasion, "lang": t.Lang})
	return t, s.store.CreateTemplate(ctx, &t, &e)
}

// TemplatePatch changes a template.
type TemplatePatch struct {
	Subject *string `json:"subject"`
	Body    *string `json:"body"`
	Version int     `json:"version"`
}

// UpdateTemplate changes a template's subject or body.
func (s *Service) UpdateTemplate(ctx context.Context, id int64, pt TemplatePatch) (Template, error) {
	p, err := crm.Authorize(ctx, crm.ActCareManage)
	if err != nil {
		return Template{}, err
	}
	t, err := s.store.Template(ctx, id)
	if err != nil {
		return t, err
	}
	if pt.Subject != nil {
		t.Subject = *pt.Subject
	}
	if pt.Body != nil {
		t.Body = *pt.Body
	}
	if err := checkTemplate(&t); err != nil {
		return t, err
	}
	t.UpdatedAt, t.UpdatedBy = s.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditUpdate, "greeting_template", strconv.FormatInt(id, 10), map[string]string{"occasion": t.Occasion, "lang": t.Lang})
	if err := s.store.UpdateTemplate(ctx, &t, pt.Version, &e); err != nil {
		return t, err
	}
	return s.store.Template(ctx, id)
}

// SendInput is a greeting to compose or send. The text is the template
// given, else Subject and Body as written, else the template of the
// occasion in Lang.
type SendInput struct {
	ContactID  int64  `json:"contact_id"`
	Occasion   string `json:"occasion"`
	Channel    string `json:"channel"` // email or sms
	TemplateID int64  `json:"template_id"`
	Lang       string `json:"lang"`
	Subject    string `json:"subject"`
	Body       string `json:"body"`
}

// Rendered is a greeting as it would go out.
type Rendered struct {
	ContactID int64  `json:"contact_id"`
	Channel   string `json:"channel"`
	Recipient string `json:"recipient"` // masked
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	OptedOut  bool   `json:"opted_out"`
}

func (s *Service) compose(ctx context.Context, p crm.Principal, in SendInput) (Rendered, Target, string, error) {
	var bad []crm.FieldError
	if in.ContactID <= 0 {
		bad = append(bad, crm.Bad("contact_id", "required", "care.contact.required"))
	}
	if in.Channel != "email" && in.Channel != "sms" {
		bad = append(bad, crm.Bad("channel", "enum", "care.channel.invalid"))
	}
	if in.Occasion == "" {
		in.Occasion = OccOther
	}
	if !ValidOccasion(in.Occasion) {
		bad = append(bad, crm.Bad("occasion", "enum", "care.occasion.invalid", in.Occasion))
	}
	if len(bad) > 0 {
		return Rendered{}, Target{}, "", crm.Invalid(bad...)
	}
	t, err := s.store.CareTarget(ctx, in.ContactID, scope(p))
	if err != nil {
		return Rendered{}, t, "", err
	}
	subject, body := in.Subject, in.Body
	switch {
	case in.TemplateID > 0:
		tp, err := s.store.Template(ctx, in.TemplateID)
		if crm.ErrorCode(err) == crm.ENotFound {
			return Rendered{}, t, "", crm.Invalid(crm.Bad("template_id", "not_found", "care.template.no_such", in.TemplateID))
		}
		if err != nil {
			return Rendered{}, t, "", err
		}
		subject, body, in.Lang = tp.Subject, tp.Body, tp.Lang
	case strings.TrimSpace(body) == "":
		if in.Lang == "" {
			in.Lang = "zh-CN"
		}
		tp, err := s.store.TemplateFor(ctx, in.Occasion, in.Lang)
		if crm.ErrorCode(err) == crm.ENotFound {
			return Rendered{}, t, "", crm.Invalid(crm.Bad("body", "required", "care.greeting.no_text"))
		}
		if err != nil {
			return Rendered{}, t, "", err
		}
		subject, body = tp.Subject, tp.Body
	}
	if utf8.RuneCountInString(body) > 2000 {
		return Rendered{}, t, "", crm.Invalid(crm.Bad("body", "length", "care.max_2000"))
	}
	if err := CheckTemplate("subject", subject); err != nil {
		return Rendered{}, t, "", err
	}
	if err := CheckTemplate("body", body); err != nil {
		return Rendered{}, t, "", err
	}
	v := MergeValues{Salutation: Salutation(t.ContactName, t.Gender, in.Lang), Name: t.ContactName, Company: t.CustomerName, Manager: t.OwnerName}
	r := Rendered{ContactID: t.ContactID, Channel: in.Channel, Subject: Render(subject, v), Body: Render(body, v), OptedOut: t.OptOut}
	var to string
	switch in.Channel {
	case "email":
		if t.Email == "" {
			return r, t, "", crm.Invalid(crm.Bad("channel", "no_email", "care.greeting.no_email"))
		}
		to, r.Recipient = t.Email, crm.MaskEmail(t.Email)
	case "sms":
		if t.MobileEnc == "" || s.sealer == nil {
			return r, t, "", crm.Invalid(crm.Bad("channel", "no_mobile", "care.greeting.no_mobile"))
		}
		b, err := s.sealer.Decrypt(t.MobileEnc, secure.AAD("contacts", "mobile"))
		if err != nil {
			return r, t, "", err
		}
		to, r.Recipient = string(b), secure.MaskMobile(string(b))
	}
	return r, t, to, nil
}

// Preview renders a greeting for a contact without sending it.
func (s *Service) Preview(ctx context.Context, in SendInput) (Rendered, error) {
	p, err := crm.Authorize(ctx, crm.ActCareSend)
	if err != nil {
		return Rendered{}, err
	}
	r, _, _, err := s.compose(ctx, p, in)
	return r, err
}

// Send sends a greeting and logs it: sent or failed through the channel's
// provider; with no provider configured it is queued "to send by hand"
// (status manual), never reported as sent; a contact who opted out gets
// nothing and the log says why. Every send is audited, with the
// recipient masked.
func (s *Service) Send(ctx context.Context, in SendInput) (Greeting, error) {
	p, err := crm.Authorize(ctx, crm.ActCareSend)
	if err != nil {
		return Greeting{}, err
	}
	r, t, to, err := s.compose(ctx, p, in)
	if err != nil {
		return Greeting{}, err
	}
	occ := in.Occasion
	if occ == "" {
		occ = OccOther
	}
	g := Greeting{ContactID: t.ContactID, CustomerID: t.CustomerID, Occasion: occ, Channel: in.Channel, Recipient: r.Recipient,
		Subject: r.Subject, Body: r.Body, SentBy: p.UserID, CreatedAt: s.now().UTC()}
	switch {
	case t.OptOut:
		g.Status, g.Reason, g.Body, g.Subject = StatusOptedOut, ReasonOptedOut, "", ""
	case in.Channel == "email" && s.mailer == nil, in.Channel == "sms" && s.sms == nil:
		g.Status, g.Reason = StatusManual, ReasonNoProvider
	case in.Channel == "email":
		if err := s.mailer.Send(ctx, mail.Message{To: to, Subject: r.Subject, Body: r.Body}); err != nil {
			g.Status, g.Reason = StatusFailed, ReasonProvider+": "+scrub(err.Error(), to)
		} else {
			g.Status = StatusSent
		}
	default:
		id, err := s.sms.SendSMS(ctx, to, r.Body)
		if err != nil {
			g.Status, g.Reason = StatusFailed, ReasonProvider+": "+scrub(err.Error(), to)
		} else {
			g.Status, g.ProviderID = StatusSent, id
		}
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "greeting", "", map[string]any{"contact_id": g.ContactID, "customer_id": g.CustomerID,
		"channel": g.Channel, "recipient": g.Recipient, "occasion": g.Occasion, "status": g.Status, "reason": g.Reason})
	if err := s.store.InsertGreeting(ctx, &g, &e); err != nil {
		return g, err
	}
	return g, nil
}

// scrub keeps a full address or number out of a logged error.
func scrub(s, to string) string {
	if to == "" {
		return s
	}
	return strings.ReplaceAll(s, to, secure.MaskMobile(to))
}

// Greetings lists a contact's send log, newest first.
func (s *Service) Greetings(ctx context.Context, contactID, afterID int64, limit int) ([]Greeting, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return nil, err
	}
	if contactID > 0 {
		if _, err := s.store.CareTarget(ctx, contactID, scope(p)); err != nil {
			return nil, err
		}
	}
	return s.store.Greetings(ctx, contactID, scope(p), afterID, limit)
}

// Greeting reads one entry of the send log.
func (s *Service) Greeting(ctx context.Context, id int64) (Greeting, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return Greeting{}, err
	}
	return s.store.Greeting(ctx, id, scope(p))
}

// OptOut is a contact's care opt-out.
type OptOut struct {
	ContactID int64 `json:"contact_id"`
	OptOut    bool  `json:"opt_out"`
}

// SetOptOut records that a contact does (or no longer does) want care
// messages; audited.
func (s *Service) SetOptOut(ctx context.Context, contactID int64, optOut bool) (OptOut, error) {
	p, err := crm.Authorize(ctx, crm.ActCareSend)
	if err != nil {
		return OptOut{}, err
	}
	if _, err := s.store.CareTarget(ctx, contactID, scope(p)); err != nil {
		return OptOut{}, err
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "contact", strconv.FormatInt(contactID, 10), map[string]bool{"care_opt_out": optOut})
	return OptOut{ContactID: contactID, OptOut: optOut}, s.store.SetCareOptOut(ctx, contactID, optOut, s.now().UTC(), &e)
}
