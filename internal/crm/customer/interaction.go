package customer

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Interaction is one entry of a customer's timeline: a visit, a call, a
// message (沟通记录/拜访记录), with the customer's feedback and the next step.
type Interaction struct {
	ID           int64      `json:"id"`
	CustomerID   int64      `json:"customer_id"`
	At           time.Time  `json:"at"`
	Channel      string     `json:"channel"`
	Participants string     `json:"participants"`
	Content      string     `json:"content"`
	Feedback     string     `json:"feedback"`
	NextStep     string     `json:"next_step"`
	NextDueAt    *time.Time `json:"next_due_at,omitempty"`
	CreatedBy    int64      `json:"created_by"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// InteractionChannels are the ways staff reach a customer.
var InteractionChannels = []string{"visit", "phone", "sms", "email", "wechat", "meeting", "other"}

// InteractionStore keeps the timeline.
type InteractionStore interface {
	CreateInteraction(ctx context.Context, it *Interaction, e *crm.AuditEntry) error
	Interaction(ctx context.Context, id int64) (Interaction, error)
	Interactions(ctx context.Context, customerID int64, beforeID int64, limit int) ([]Interaction, error)
	CountInteractions(ctx context.Context, customerID int64) (crm.ListTotal, error)
}

// AddInteraction records a contact with a customer in the caller's scope.
// A next step needs a due date, and the date may not lie in the past.
func (cs *Service) AddInteraction(ctx context.Context, it Interaction) (Interaction, error) {
	p, _, err := cs.InScope(ctx, crm.ActCustomerUpdate, it.CustomerID)
	if err != nil {
		return it, err
	}
	now := cs.now().UTC()
	var fs []crm.FieldError
	if it.At.IsZero() {
		it.At = now
	} else if it.At.After(now.Add(time.Hour)) {
		fs = append(fs, crm.Bad("at", "future", "customer.at.future"))
	} else if it.At.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, crm.Shanghai)) {
		fs = append(fs, crm.Bad("at", "range", "customer.at.range"))
	}
	if !slices.Contains(InteractionChannels, it.Channel) {
		fs = append(fs, crm.Bad("channel", "unknown", "customer.one_of", strings.Join(InteractionChannels, ", ")))
	}
	it.Content = strings.TrimSpace(it.Content)
	if it.Content == "" || utf8.RuneCountInString(it.Content) > 5000 {
		fs = append(fs, crm.Bad("content", "length", "customer.content.length"))
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"participants", &it.Participants, 500}, {"feedback", &it.Feedback, 2000}, {"next_step", &it.NextStep, 500}} {
		if *f.v = strings.TrimSpace(*f.v); utf8.RuneCountInString(*f.v) > f.max {
			fs = append(fs, crm.Bad(f.name, "length", "customer.max_len", f.max))
		}
	}
	if it.NextStep != "" && it.NextDueAt == nil {
		fs = append(fs, crm.Bad("next_due_at", "required", "customer.next_due_at.required"))
	}
	if it.NextStep == "" && it.NextDueAt != nil {
		fs = append(fs, crm.Bad("next_step", "required", "customer.next_step.required"))
	}
	if it.NextDueAt != nil && it.NextDueAt.Before(now.Add(-time.Minute)) {
		fs = append(fs, crm.Bad("next_due_at", "past", "customer.next_due_at.past"))
	}
	if len(fs) > 0 {
		return it, crm.Invalid(fs...)
	}
	it.At = it.At.UTC()
	if it.NextDueAt != nil {
		d := it.NextDueAt.UTC()
		it.NextDueAt = &d
	}
	it.CreatedBy, it.CreatedAt, it.UpdatedAt, it.Version = p.UserID, now, now, 1
	e := crm.NewAudit(ctx, crm.AuditCreate, "interaction", "", map[string]any{"customer_id": it.CustomerID, "channel": it.Channel})
	return it, cs.interactions.CreateInteraction(ctx, &it, &e)
}

// Interactions pages through a customer's timeline, newest first.
func (cs *Service) Interactions(ctx context.Context, customerID, beforeID int64, limit int) ([]Interaction, error) {
	if _, _, err := cs.InScope(ctx, crm.ActCustomerRead, customerID); err != nil {
		return nil, err
	}
	return cs.interactions.Interactions(ctx, customerID, beforeID, limit)
}

// InteractionTotal counts a customer's timeline entries.
func (cs *Service) InteractionTotal(ctx context.Context, customerID int64) (crm.ListTotal, error) {
	if _, _, err := cs.InScope(ctx, crm.ActCustomerRead, customerID); err != nil {
		return crm.ListTotal{}, err
	}
	return cs.interactions.CountInteractions(ctx, customerID)
}
