package card

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/secure"
)

// CardRevision is one save of a customer's data card.
type CardRevision struct {
	ID         int64             `json:"id"`
	CustomerID int64             `json:"customer_id"`
	Revision   int               `json:"revision"`
	Surveyor   string            `json:"surveyor"`
	SurveyedOn string            `json:"surveyed_on"`
	Values     map[string]string `json:"values"` // sensitive values masked
	Changed    []string          `json:"changed"`
	CreatedBy  int64             `json:"created_by"`
	CreatedAt  time.Time         `json:"created_at"`
}

// CardStore keeps card revisions and the template's added fields.
type CardStore interface {
	CardRevisions(ctx context.Context, customerID int64) ([]CardRevision, error) // newest first, values as stored
	AddCardRevision(ctx context.Context, r *CardRevision, e *crm.AuditEntry) error
	CardTemplateExtra(ctx context.Context) ([]customer.CardField, int, error)
	SetCardTemplateExtra(ctx context.Context, fields []customer.CardField, version int, e *crm.AuditEntry) error
}

// Service serves the data card.
type Service struct {
	customers *customer.Service
	store     CardStore
	sealer    crm.Sealer
	now       func() time.Time
}

// New returns the card service over the customer archive.
func New(customers *customer.Service, s CardStore, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{customers: customers, store: s, sealer: sealer, now: now}
}

// Template returns the card's fields: the seed's, then the added ones.
func (c *Service) Template(ctx context.Context) ([]customer.CardField, int, error) {
	extra, version, err := c.store.CardTemplateExtra(ctx)
	return append(DefaultCardFields(), extra...), version, err
}

// AddTemplateFields replaces the administrator's added fields; the
// seed's fields stay. Keys are unique snake_case; choices need options.
func (c *Service) AddTemplateFields(ctx context.Context, fields []customer.CardField, version int) ([]customer.CardField, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return nil, err
	}
	reserved := map[string]bool{}
	for _, f := range DefaultCardFields() {
		reserved[f.Key] = true
	}
	if err := customer.CheckTemplateFields(fields, reserved); err != nil {
		return nil, err
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "card_template", "", map[string]any{"fields": len(fields)})
	if err := c.store.SetCardTemplateExtra(ctx, fields, version, &e); err != nil {
		return nil, err
	}
	return append(DefaultCardFields(), fields...), nil
}

// Save records a new revision of a customer's card: every value is checked
// against the template, sensitive ones are sealed, and the revision lists
// the fields that changed since the last one.
func (c *Service) Save(ctx context.Context, customerID int64, surveyor, surveyedOn string, values map[string]string) (CardRevision, error) {
	p, _, err := c.customers.InScope(ctx, crm.ActCustomerUpdate, customerID)
	if err != nil {
		return CardRevision{}, err
	}
	tmpl, _, err := c.Template(ctx)
	if err != nil {
		return CardRevision{}, err
	}
	byKey := map[string]customer.CardField{}
	for _, f := range tmpl {
		byKey[f.Key] = f
	}
	var fs []crm.FieldError
	if strings.TrimSpace(surveyor) == "" {
		fs = append(fs, crm.Bad("surveyor", "required", "card.surveyor.required"))
	}
	today := calendar.DateOf(c.now().In(crm.Shanghai))
	if surveyedOn == "" {
		surveyedOn = today.String()
	} else if d, err := calendar.ParseDate(surveyedOn); err != nil {
		fs = append(fs, crm.Bad("surveyed_on", "format", "card.surveyed_on.format"))
	} else if d.After(today) {
		fs = append(fs, crm.Bad("surveyed_on", "future", "card.surveyed_on.future", today.String()))
	}
	clean := map[string]string{}
	for k, v := range values {
		v = strings.TrimSpace(v)
		f, ok := byKey[k]
		if !ok {
			fs = append(fs, crm.Bad("values."+k, "unknown", "card.values.unknown"))
			continue
		}
		if v == "" {
			continue
		}
		if t := customer.CheckFieldValue(f, v); !t.IsZero() {
			fs = append(fs, crm.BadText("values."+k, "invalid", t))
			continue
		}
		clean[k] = v
	}
	if len(fs) > 0 {
		return CardRevision{}, crm.Invalid(fs...)
	}
	prev, err := c.latestPlain(ctx, customerID)
	if err != nil {
		return CardRevision{}, err
	}
	// A sensitive value sent back as the masked form it was read in keeps
	// the value on file: clients never see it in full, so they cannot
	// send it back otherwise.
	for k, v := range clean {
		if old, ok := prev.Values[k]; ok && byKey[k].Sensitive && v == maskValue(old) {
			clean[k] = old
		}
	}
	var changed []string
	for _, f := range tmpl {
		if prev.Values[f.Key] != clean[f.Key] {
			changed = append(changed, f.Key)
		}
	}
	stored := map[string]string{}
	for k, v := range clean {
		if byKey[k].Sensitive {
			if v, err = c.sealer.Encrypt([]byte(v), secure.AAD("card", k)); err != nil {
				return CardRevision{}, err
			}
		}
		stored[k] = v
	}
	r := CardRevision{CustomerID: customerID, Revision: prev.Revision + 1, Surveyor: strings.TrimSpace(surveyor), SurveyedOn: surveyedOn,
		Values: stored, Changed: changed, CreatedBy: p.UserID, CreatedAt: c.now().UTC()}
	if r.Changed == nil {
		r.Changed = []string{}
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "customer_card", strconv.FormatInt(customerID, 10), map[string]any{"revision": r.Revision, "changed": changed})
	if err := c.store.AddCardRevision(ctx, &r, &e); err != nil {
		return CardRevision{}, err
	}
	r.Values = c.mask(tmpl, clean)
	return r, nil
}

// latestPlain returns the newest revision with sensitive values opened,
// or an empty revision 0.
func (c *Service) latestPlain(ctx context.Context, customerID int64) (CardRevision, error) {
	revs, err := c.store.CardRevisions(ctx, customerID)
	if err != nil || len(revs) == 0 {
		return CardRevision{Values: map[string]string{}}, err
	}
	return c.open(ctx, revs[0])
}

// open decrypts a revision's sensitive values.
func (c *Service) open(ctx context.Context, r CardRevision) (CardRevision, error) {
	tmpl, _, err := c.Template(ctx)
	if err != nil {
		return r, err
	}
	plain := map[string]string{}
	for k, v := range r.Values {
		plain[k] = v
		for _, f := range tmpl {
			if f.Key == k && f.Sensitive {
				b, err := c.sealer.Decrypt(v, secure.AAD("card", k))
				if err != nil {
					return r, err
				}
				plain[k] = string(b)
			}
		}
	}
	r.Values = plain
	return r, nil
}

func (c *Service) mask(tmpl []customer.CardField, values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		out[k] = v
		for _, f := range tmpl {
			if f.Key == k && f.Sensitive {
				out[k] = maskValue(v)
			}
		}
	}
	return out
}

// CardDiff is a field's value before and after one revision.
type CardDiff struct {
	Key    string `json:"key"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Revisions lists a customer's card revisions, newest first, masked.
func (c *Service) Revisions(ctx context.Context, customerID int64) ([]CardRevision, error) {
	if _, _, err := c.customers.InScope(ctx, crm.ActCustomerRead, customerID); err != nil {
		return nil, err
	}
	tmpl, _, err := c.Template(ctx)
	if err != nil {
		return nil, err
	}
	revs, err := c.store.CardRevisions(ctx, customerID)
	for i := range revs {
		opened, err := c.open(ctx, revs[i])
		if err != nil {
			return nil, err
		}
		revs[i].Values = c.mask(tmpl, opened.Values)
	}
	return revs, err
}

// Diff shows what revision n changed against the one before it.
func (c *Service) Diff(ctx context.Context, customerID int64, n int) ([]CardDiff, error) {
	revs, err := c.Revisions(ctx, customerID)
	if err != nil {
		return nil, err
	}
	var cur, prev *CardRevision
	for i := range revs {
		switch revs[i].Revision {
		case n:
			cur = &revs[i]
		case n - 1:
			prev = &revs[i]
		}
	}
	if cur == nil {
		return nil, crm.Fail(crm.ENotFound, "card.no_revision", n)
	}
	out := []CardDiff{}
	for _, k := range cur.Changed {
		d := CardDiff{Key: k, After: cur.Values[k]}
		if prev != nil {
			d.Before = prev.Values[k]
		}
		out = append(out, d)
	}
	return out, nil
}

// maskValue masks a sensitive card value as the same kind of value is
// masked everywhere else: a mobile number as 138****8000, a bank account
// as **** **** **** 1234, anything else by MaskGeneric.
func maskValue(v string) string {
	if m, p := cn.ValidateMobile(v); p == nil {
		return secure.MaskMobile(m)
	}
	if digits := strings.NewReplacer(" ", "", "-", "").Replace(v); len(digits) >= 12 && strings.Trim(digits, "0123456789") == "" {
		return secure.MaskBankAccount(digits)
	}
	return secure.MaskGeneric(v)
}
