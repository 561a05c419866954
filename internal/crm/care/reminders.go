package care

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// GenerateBatch is how many contacts the generator reads at once: a
// million contacts never sit in memory together.
const GenerateBatch = 5000

// GenerateReport says what a generation did.
type GenerateReport struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Contacts int    `json:"contacts"`
	Created  int    `json:"created"`
	Notified int    `json:"notified"`
	Skipped  int    `json:"skipped"` // birthdays that could not be read
	Founding string `json:"founding"`
}

// FoundingNote says why founding anniversaries are not generated.
const FoundingNote = "skipped: customers carry no founding date"

// Generate writes the reminders of every occasion whose date falls in
// [from, to] (one per contact, occasion and occasion year: running it
// again writes nothing new), then posts the reminders due by today to
// their owners' inboxes. It reads contacts GenerateBatch at a time.
// Birthdays are every contact's; festivals and admin-defined dates are
// each customer's primary contact's.
func (s *Service) Generate(ctx context.Context, from, to calendar.Date) (GenerateReport, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareManage); err != nil {
		return GenerateReport{}, err
	}
	rep := GenerateReport{From: from.String(), To: to.String(), Founding: FoundingNote}
	if to.Before(from) {
		return rep, crm.Invalid(crm.Bad("to", "range", "care.generate.range"))
	}
	if to.Sub(from) > 400 {
		return rep, crm.Invalid(crm.Bad("to", "range", "care.generate.too_long"))
	}
	cal, err := s.calendars.Current(ctx)
	if err != nil {
		return rep, err
	}
	rules, err := s.store.LeadRules(ctx)
	if err != nil {
		return rep, err
	}
	dates, err := s.store.CareDates(ctx)
	if err != nil {
		return rep, err
	}
	festivals := FestivalDates(from, to)
	customs := map[int64][]OccasionDate{}
	for _, d := range dates {
		customs[d.ID] = CustomDates(d, from, to)
	}
	remind := map[string]calendar.Date{} // tier|occasion|date → remind on
	remindOn := func(tier string, od OccasionDate) string {
		occ := od.Occasion
		if strings.HasPrefix(occ, OccCustomPrefix) {
			occ = "custom"
		}
		k := tier + "|" + occ + "|" + od.Date.String()
		d, ok := remind[k]
		if !ok {
			lead := LeadDays(rules, tier, occ)
			if occ == "custom" && lead == DefaultLeadDays {
				lead = LeadDays(rules, tier, od.Occasion)
			}
			d = RemindOn(cal, od.Date, lead)
			remind[k] = d
		}
		return d.String()
	}
	// A birthday's dates depend on its month, day and kind only: each
	// is converted once per run (lunar conversions are the costly part).
	type bdKey struct {
		md          string
		lunar, leap bool
	}
	type bdDates struct {
		dates []OccasionDate
		err   error
	}
	bdMemo := map[bdKey]bdDates{}
	birthdays := func(c Candidate) ([]OccasionDate, error) {
		md := c.Birthday
		if len(md) == 10 {
			md = md[5:] // YYYY-MM-DD: the year does not move the day
		}
		k := bdKey{md, c.BirthdayLunar, c.BirthdayLeap}
		v, ok := bdMemo[k]
		if !ok {
			v.dates, v.err = BirthdayDates(c.Birthday, c.BirthdayLunar, c.BirthdayLeap, from, to)
			bdMemo[k] = v
		}
		return v.dates, v.err
	}
	var mark [8]byte
	_, _ = rand.Read(mark[:])
	run := hex.EncodeToString(mark[:])
	today := cal.DateOf(s.now()).String()
	var after int64
	for {
		batch, err := s.store.CareCandidates(ctx, after, GenerateBatch)
		if err != nil {
			return rep, err
		}
		if len(batch) == 0 {
			break
		}
		sweep := &Sweep{FirstID: after + 1, LastID: batch[len(batch)-1].ContactID, From: from.String(), To: to.String(), Today: today, Run: run}
		if len(batch) < GenerateBatch {
			sweep.LastID = math.MaxInt64 // the last batch: contacts after it have no birthday now
		}
		after = batch[len(batch)-1].ContactID
		rep.Contacts += len(batch)
		var out []NewReminder
		add := func(c Candidate, od OccasionDate) {
			out = append(out, NewReminder{ContactID: c.ContactID, CustomerID: c.CustomerID, OwnerID: c.OwnerID,
				Occasion: od.Occasion, Year: od.Year, Date: od.Date.String(), RemindOn: remindOn(c.Tier, od), Note: od.Note})
		}
		for _, c := range batch {
			if c.Birthday != "" {
				bd, err := birthdays(c)
				if err != nil {
					rep.Skipped++
				}
				for _, od := range bd {
					add(c, od)
				}
			}
			if !c.Primary {
				continue
			}
			for _, od := range festivals {
				add(c, od)
			}
			for _, d := range dates {
				if d.Tier != "" && d.Tier != c.Tier {
					continue
				}
				for _, od := range customs[d.ID] {
					add(c, od)
				}
			}
		}
		n, err := s.store.InsertReminders(ctx, out, s.now().UTC(), sweep)
		if err != nil {
			return rep, err
		}
		rep.Created += n
		if len(batch) < GenerateBatch {
			break
		}
	}
	n, err := s.NotifyDue(ctx)
	rep.Notified = n
	return rep, err
}

// NotifyDue posts every reminder due by today and not yet posted to its
// owner's inbox, once.
func (s *Service) NotifyDue(ctx context.Context) (int, error) {
	cal, err := s.calendars.Current(ctx)
	if err != nil {
		return 0, err
	}
	today := cal.DateOf(s.now()).String()
	total := 0
	for {
		n, err := s.store.NotifyDueReminders(ctx, today, s.now().UTC(), 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}

// Reminders lists the reminders of customers in the caller's scope.
func (s *Service) Reminders(ctx context.Context, f ReminderFilter) ([]Reminder, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return nil, err
	}
	f.Scope = scope(p)
	if f.Status != "" && f.Status != "open" && f.Status != "done" {
		return nil, crm.Invalid(crm.Bad("status", "enum", "care.reminder.status"))
	}
	for _, d := range []struct{ name, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v != "" {
			if _, err := calendar.ParseDate(d.v); err != nil {
				return nil, crm.Invalid(crm.Bad(d.name, "format", "care.date.format"))
			}
		}
	}
	return s.store.Reminders(ctx, f)
}

// MyDay is the caller's open reminders due by today whose occasion has
// not passed: what "my day" shows.
func (s *Service) MyDay(ctx context.Context, limit int) ([]Reminder, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return nil, err
	}
	cal, err := s.calendars.Current(ctx)
	if err != nil {
		return nil, err
	}
	today := cal.DateOf(s.now()).String()
	sc := crm.Scope{UserID: p.UserID} // my day is one's own customers
	return s.store.Reminders(ctx, ReminderFilter{Scope: sc, To: today, OccasionFrom: today, Status: "open", Limit: limit})
}

// Reminder reads one reminder in scope.
func (s *Service) Reminder(ctx context.Context, id int64) (Reminder, error) {
	p, err := crm.Authorize(ctx, crm.ActCareRead)
	if err != nil {
		return Reminder{}, err
	}
	return s.store.Reminder(ctx, id, scope(p))
}

// SetReminderStatus marks a reminder done (or open again).
func (s *Service) SetReminderStatus(ctx context.Context, id int64, status string) (Reminder, error) {
	p, err := crm.Authorize(ctx, crm.ActCareSend)
	if err != nil {
		return Reminder{}, err
	}
	if status != "open" && status != "done" {
		return Reminder{}, crm.Invalid(crm.Bad("status", "enum", "care.reminder.status"))
	}
	if _, err := s.store.Reminder(ctx, id, scope(p)); err != nil {
		return Reminder{}, err
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "care_reminder", strconv.FormatInt(id, 10), map[string]string{"status": status})
	if err := s.store.SetReminderStatus(ctx, id, status, &e); err != nil {
		return Reminder{}, err
	}
	return s.store.Reminder(ctx, id, scope(p))
}

// LeadRules lists the lead-time rules.
func (s *Service) LeadRules(ctx context.Context) ([]LeadRule, error) {
	if err := authorizeSettings(ctx); err != nil {
		return nil, err
	}
	return s.store.LeadRules(ctx)
}

// PutLeadRule sets the working days ahead for a tier and occasion.
func (s *Service) PutLeadRule(ctx context.Context, r LeadRule) (LeadRule, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareManage); err != nil {
		return r, err
	}
	r.Tier = strings.TrimSpace(r.Tier)
	var bad []crm.FieldError
	if r.Occasion != "" && r.Occasion != "custom" && !ValidOccasion(r.Occasion) {
		bad = append(bad, crm.Bad("occasion", "enum", "care.occasion.invalid", r.Occasion))
	}
	if r.Days < 0 || r.Days > 60 {
		bad = append(bad, crm.Bad("days", "range", "care.lead.days"))
	}
	if utf8.RuneCountInString(r.Tier) > 40 {
		bad = append(bad, crm.Bad("tier", "length", "care.max_40"))
	} else {
		fe, err := s.checkTier(ctx, "tier", r.Tier)
		if err != nil {
			return r, err
		}
		bad = appendChecked(bad, fe)
	}
	if fe, err := s.checkCustom(ctx, "occasion", r.Occasion); err != nil {
		return r, err
	} else {
		bad = appendChecked(bad, fe)
	}
	if len(bad) > 0 {
		return r, crm.Invalid(bad...)
	}
	r.UpdatedAt = s.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "care_lead_rule", r.Tier+"|"+r.Occasion, r)
	return r, s.store.PutLeadRule(ctx, &r, &e)
}

// CareDates lists the admin-defined dates.
func (s *Service) CareDates(ctx context.Context) ([]CareDate, error) {
	if err := authorizeSettings(ctx); err != nil {
		return nil, err
	}
	return s.store.CareDates(ctx)
}

// DeleteLeadRule removes a lead-time rule.
func (s *Service) DeleteLeadRule(ctx context.Context, id int64) error {
	if _, err := crm.Authorize(ctx, crm.ActCareManage); err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "care_lead_rule", strconv.FormatInt(id, 10), map[string]any{})
	return s.store.DeleteLeadRule(ctx, id, &e)
}

// UpdateCareDate changes an admin-defined date (d.ID).
func (s *Service) UpdateCareDate(ctx context.Context, d CareDate) (CareDate, error) {
	if _, err := crm.Authorize(ctx, crm.ActCareManage); err != nil {
		return d, err
	}
	if err := s.checkCareDate(ctx, &d); err != nil {
		return d, err
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "care_date", strconv.FormatInt(d.ID, 10), d)
	if err := s.store.UpdateCareDate(ctx, &d, &e); err != nil {
		return d, err
	}
	dates, err := s.store.CareDates(ctx)
	for _, x := range dates {
		if x.ID == d.ID {
			return x, err
		}
	}
	return d, err
}

// DeleteCareDate removes an admin-defined date.
func (s *Service) DeleteCareDate(ctx context.Context, id int64) error {
	if _, err := crm.Authorize(ctx, crm.ActCareManage); err != nil {
		return err
	}
	e := crm.NewAudit(ctx, crm.AuditDelete, "care_date", strconv.FormatInt(id, 10), map[string]any{})
	return s.store.DeleteCareDate(ctx, id, &e)
}

// CreateCareDate adds an admin-defined date.
func (s *Service) CreateCareDate(ctx context.Context, d CareDate) (CareDate, error) {
	p, err := crm.Authorize(ctx, crm.ActCareManage)
	if err != nil {
		return d, err
	}
	if err := s.checkCareDate(ctx, &d); err != nil {
		return d, err
	}
	d.CreatedAt, d.CreatedBy = s.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditCreate, "care_date", "", d)
	return d, s.store.CreateCareDate(ctx, &d, &e)
}

// checkCareDate trims and checks a care date.
func (s *Service) checkCareDate(ctx context.Context, d *CareDate) error {
	d.Name, d.Tier = strings.TrimSpace(d.Name), strings.TrimSpace(d.Tier)
	var bad []crm.FieldError
	if d.Name == "" {
		bad = append(bad, crm.Bad("name", "required", "care.name.required"))
	} else if utf8.RuneCountInString(d.Name) > 40 {
		bad = append(bad, crm.Bad("name", "length", "care.max_40"))
	}
	if d.Month < 1 || d.Month > 12 {
		bad = append(bad, crm.Bad("month", "range", "care.month.range"))
	}
	maxDay := 31
	if d.Lunar {
		maxDay = 30
	} else if d.Month >= 1 && d.Month <= 12 {
		maxDay = daysIn(2024, d.Month)
	}
	if d.Day < 1 || d.Day > maxDay {
		bad = append(bad, crm.Bad("day", "range", "care.day.range", maxDay))
	}
	if fe, err := s.checkTier(ctx, "tier", d.Tier); err != nil {
		return err
	} else {
		bad = appendChecked(bad, fe)
	}
	if len(bad) > 0 {
		return crm.Invalid(bad...)
	}
	return nil
}
