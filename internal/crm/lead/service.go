package lead

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// MobileDomain separates the blind indexes of leads' mobiles.
const MobileDomain = "leads.mobile"

// Filter narrows a list of leads.
type Filter struct {
	Status     string
	Source     string
	AssigneeID int64
	CustomerID int64
	Before     int64 // the page after this id (newest first)
	Limit      int
	// Set by the service: the caller's scope. Mine, when not zero, keeps
	// the leads assigned to this user and the unassigned new ones.
	Mine int64
}

// Store keeps leads and their history.
type Store interface {
	CreateLead(ctx context.Context, l *Lead, ev Event, e *crm.AuditEntry) error
	Lead(ctx context.Context, id int64) (Lead, error)
	Leads(ctx context.Context, f Filter) ([]Lead, error)
	LeadTotal(ctx context.Context, f Filter) (crm.ListTotal, error)
	// UpdateLead writes l at version (a version conflict when it moved on),
	// with its event and e; onlyUnassigned refuses (conflict) a lead
	// someone else took meanwhile.
	UpdateLead(ctx context.Context, l *Lead, version int, onlyUnassigned bool, ev Event, e *crm.AuditEntry) error
	LeadEvents(ctx context.Context, id int64) ([]Event, error)
	UserByID(ctx context.Context, id int64) (identity.User, error)
}

// Service is the lead service.
type Service struct {
	store     Store
	customers *customer.Service
	sealer    crm.Sealer
	now       func() time.Time
}

// New returns the lead service.
func New(s Store, customers *customer.Service, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, sealer: sealer, now: now}
}

// seesAll reports whether p reads every lead: marketing owns them, sales
// managers and the gm hand them out.
func seesAll(p crm.Principal) bool {
	return p.Role == crm.RoleMarketing || p.Role == crm.RoleSalesManager || p.Role == crm.RoleGM
}

// visible reports whether p may see l: an account manager sees the leads
// assigned to them and the new ones nobody has taken.
func visible(p crm.Principal, l Lead) bool {
	return seesAll(p) || l.AssigneeID == p.UserID || l.AssigneeID == 0 && l.Status == StatusNew
}

// label names l's source in lang and masks its mobile (138****5678).
func (ls *Service) label(l *Lead, lang string) {
	l.SourceLabel = SourceLabel(l.Source, lang)
	if l.MobileEnc == "" {
		l.Mobile = ""
	} else if m, err := ls.mobileOf(*l); err == nil {
		l.Mobile = secure.MaskMobile(m)
	} else {
		l.Mobile = "****" + l.MobileLast4
	}
}

// get reads a lead the caller may see (else not_found).
func (ls *Service) get(ctx context.Context, a crm.Action, id int64) (crm.Principal, Lead, error) {
	p, err := crm.Authorize(ctx, a)
	if err != nil {
		return p, Lead{}, err
	}
	if _, err := crm.Authorize(ctx, crm.ActLeadRead); err != nil {
		return p, Lead{}, err
	}
	l, err := ls.store.Lead(ctx, id)
	if err != nil {
		return p, l, err
	}
	if !visible(p, l) {
		return p, Lead{}, crm.Fail(crm.ENotFound, "lead_err.not_found")
	}
	return p, l, nil
}

// Get reads one lead.
func (ls *Service) Get(ctx context.Context, id int64, lang string) (Lead, error) {
	_, l, err := ls.get(ctx, crm.ActLeadRead, id)
	ls.label(&l, lang)
	return l, err
}

// Events lists a lead's history, oldest first.
func (ls *Service) Events(ctx context.Context, id int64) ([]Event, error) {
	if _, _, err := ls.get(ctx, crm.ActLeadRead, id); err != nil {
		return nil, err
	}
	return ls.store.LeadEvents(ctx, id)
}

// List lists the leads the caller may see, newest first.
func (ls *Service) List(ctx context.Context, f Filter, lang string) ([]Lead, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActLeadRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	if !seesAll(p) {
		f.Mine = p.UserID
	}
	list, err := ls.store.Leads(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	for i := range list {
		ls.label(&list[i], lang)
	}
	total, err := ls.store.LeadTotal(ctx, f)
	return list, total, err
}

// sealMobile validates, encrypts and indexes a lead's mobile ("" clears it).
func (ls *Service) sealMobile(l *Lead, mobile, lang string) *crm.FieldError {
	l.MobileEnc, l.MobileIdx, l.MobileLast4, l.Mobile = "", "", "", ""
	if mobile == "" {
		return nil
	}
	norm, pr := cn.ValidateMobile(mobile)
	if pr != nil && pr.Severity == cn.Error {
		f := crm.BadIn(lang, "mobile", pr.Code, msg.Of(pr))
		return &f
	}
	if ls.sealer == nil {
		f := crm.Bad("mobile", "no_keyring", "crm.no_keyring")
		return &f
	}
	enc, err := ls.sealer.Encrypt([]byte(norm), secure.AAD("leads", "mobile"))
	if err != nil {
		f := crm.Bad("mobile", "seal", "crm.no_keyring")
		return &f
	}
	l.MobileEnc, l.MobileIdx, l.MobileLast4, l.Mobile = enc, ls.sealer.BlindIndex(MobileDomain, []byte(norm)), norm[len(norm)-4:], secure.MaskMobile(norm)
	return nil
}

// mobileOf is a lead's mobile in full ("" when it has none).
func (ls *Service) mobileOf(l Lead) (string, error) {
	if l.MobileEnc == "" {
		return "", nil
	}
	if ls.sealer == nil {
		return "", crm.Fail(crm.EInternal, "crm.no_keyring")
	}
	b, err := ls.sealer.Decrypt(l.MobileEnc, secure.AAD("leads", "mobile"))
	return string(b), err
}

func trimmed(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// Create adds a lead (marketing), new and unassigned, audited.
func (ls *Service) Create(ctx context.Context, in Input, lang string) (Lead, error) {
	p, err := crm.Authorize(ctx, crm.ActLeadCreate)
	if err != nil {
		return Lead{}, err
	}
	now := ls.now().UTC()
	l := Lead{Status: StatusNew, CreatedBy: p.UserID, CreatedByName: p.Username, Version: 1, CreatedAt: now, UpdatedAt: now}
	bad := in.apply(&l, true)
	if fe := ls.sealMobile(&l, trimmed(in.Mobile), lang); fe != nil {
		bad = append(bad, *fe)
	}
	if len(bad) > 0 {
		return Lead{}, crm.Invalid(bad...)
	}
	detail := map[string]any{"company_name": l.CompanyName, "contact_name": l.ContactName, "mobile": l.Mobile, "source": l.Source}
	e := crm.NewAudit(ctx, crm.AuditCreate, "lead", "", detail)
	ev := Event{At: now, Kind: "created", Actor: p.Username, Detail: detail}
	if err := ls.store.CreateLead(ctx, &l, ev, &e); err != nil {
		return Lead{}, err
	}
	ls.label(&l, lang)
	return l, nil
}

// Update changes a lead: marketing changes any field; the account manager
// it is assigned to records contact (status contacted or lost) and notes.
func (ls *Service) Update(ctx context.Context, id int64, in Input, lang string) (Lead, error) {
	p, l, err := ls.get(ctx, crm.ActLeadRead, id)
	if err != nil {
		return Lead{}, err
	}
	owner := p.Role.Can(crm.ActLeadCreate)
	if !owner && l.AssigneeID != p.UserID {
		return Lead{}, crm.Fail(crm.EForbidden, "lead_err.not_yours")
	}
	if !owner && (in.CompanyName != nil || in.ContactName != nil || in.Mobile != nil || in.Source != nil) {
		return Lead{}, crm.Fail(crm.EForbidden, "lead_err.marketing_fields")
	}
	if l.Status == StatusConverted {
		return Lead{}, crm.FailField(crm.EConflict, "status", "converted", "lead_err.converted")
	}
	if in.Version != l.Version {
		return Lead{}, crm.Fail(crm.EVersionConflict, "lead_err.changed")
	}
	before := l
	bad := in.apply(&l, false)
	if in.Mobile != nil {
		if fe := ls.sealMobile(&l, strings.TrimSpace(*in.Mobile), lang); fe != nil {
			bad = append(bad, *fe)
		}
	}
	if len(bad) > 0 {
		return Lead{}, crm.Invalid(bad...)
	}
	l.UpdatedAt = ls.now().UTC()
	change := crm.Change{Before: publicFields(before), After: publicFields(l)}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "lead", strconv.FormatInt(id, 10), change)
	ev := Event{At: l.UpdatedAt, Kind: "updated", Actor: p.Username, Detail: map[string]any{"before": publicFields(before), "after": publicFields(l)}}
	if err := ls.store.UpdateLead(ctx, &l, before.Version, false, ev, &e); err != nil {
		return Lead{}, err
	}
	ls.label(&l, lang)
	return l, nil
}

func publicFields(l Lead) map[string]any {
	return map[string]any{"company_name": l.CompanyName, "contact_name": l.ContactName, "mobile": l.Mobile, "source": l.Source,
		"notes": l.Notes, "status": l.Status}
}

// Assign gives a lead to an account manager (or a sales manager): by
// marketing, a sales manager or the gm. Audited.
func (ls *Service) Assign(ctx context.Context, id, assigneeID int64, lang string) (Lead, error) {
	p, l, err := ls.get(ctx, crm.ActLeadAssign, id)
	if err != nil {
		return Lead{}, err
	}
	if l.Status == StatusConverted {
		return Lead{}, crm.FailField(crm.EConflict, "status", "converted", "lead_err.converted")
	}
	u, err := ls.store.UserByID(ctx, assigneeID)
	switch {
	case crm.ErrorCode(err) == crm.ENotFound || assigneeID == 0:
		return Lead{}, crm.Invalid(crm.Bad("assignee_id", "unknown", "lead_err.assignee_unknown"))
	case err != nil:
		return Lead{}, err
	case u.Disabled():
		return Lead{}, crm.Invalid(crm.Bad("assignee_id", "disabled", "lead_err.assignee_disabled"))
	case u.Role != crm.RoleAccountManager && u.Role != crm.RoleSalesManager:
		return Lead{}, crm.Invalid(crm.Bad("assignee_id", "role", "lead_err.assignee_role"))
	}
	version := l.Version
	from := l.AssigneeID
	l.AssigneeID, l.AssigneeName, l.UpdatedAt = u.ID, u.Username, ls.now().UTC()
	if l.Status == StatusNew || l.Status == StatusLost {
		l.Status = StatusAssigned
	}
	detail := map[string]any{"assignee_id": u.ID, "assignee": u.Username, "from_assignee_id": from}
	e := crm.NewAudit(ctx, "lead_assign", "lead", strconv.FormatInt(id, 10), detail)
	ev := Event{At: l.UpdatedAt, Kind: "assigned", Actor: p.Username, Detail: detail}
	if err := ls.store.UpdateLead(ctx, &l, version, false, ev, &e); err != nil {
		return Lead{}, err
	}
	ls.label(&l, lang)
	return l, nil
}

// Claim takes a new, unassigned lead as the caller's own (account
// managers). Two claims at once: the second is refused with conflict.
func (ls *Service) Claim(ctx context.Context, id int64, lang string) (Lead, error) {
	p, l, err := ls.get(ctx, crm.ActLeadClaim, id)
	if err != nil {
		return Lead{}, err
	}
	if l.AssigneeID != 0 || l.Status != StatusNew {
		return Lead{}, crm.Fail(crm.EConflict, "lead_err.taken")
	}
	version := l.Version
	l.AssigneeID, l.AssigneeName, l.Status, l.UpdatedAt = p.UserID, p.Username, StatusAssigned, ls.now().UTC()
	e := crm.NewAudit(ctx, "lead_claim", "lead", strconv.FormatInt(id, 10), map[string]any{"assignee_id": p.UserID})
	ev := Event{At: l.UpdatedAt, Kind: "claimed", Actor: p.Username, Detail: map[string]any{"assignee_id": p.UserID}}
	if err := ls.store.UpdateLead(ctx, &l, version, true, ev, &e); err != nil {
		return Lead{}, err
	}
	ls.label(&l, lang)
	return l, nil
}

// ConvertInput is what a conversion adds to the lead's own fields.
type ConvertInput struct {
	USCC         string `json:"uscc"`
	Kind         string `json:"kind"`
	RegionCode   string `json:"region_code"`
	IndustryCode string `json:"industry_code"`
	Address      string `json:"address"`
}

// Converted is a conversion's answer: the lead and its new customer.
type Converted struct {
	Lead     Lead              `json:"lead"`
	Customer customer.Customer `json:"customer"`
}

// Convert makes a customer of a lead through the customer archive: its
// duplicate checks (USCC, name, the contact's mobile) run first, so a
// conversion they refuse writes nothing and leaves the lead as it was,
// the error naming the customer it duplicates (when the caller may see
// it). The customer's owner is the lead's assignee (the caller when it has
// none); its first contact carries the lead's contact and mobile. The lead
// becomes converted, linked to the customer, with the event in its history.
func (ls *Service) Convert(ctx context.Context, id int64, in ConvertInput, lang string) (Converted, error) {
	p, l, err := ls.get(ctx, crm.ActLeadConvert, id)
	if err != nil {
		return Converted{}, err
	}
	if p.Role == crm.RoleAccountManager && l.AssigneeID != p.UserID {
		return Converted{}, crm.Fail(crm.EForbidden, "lead_err.not_yours")
	}
	switch l.Status {
	case StatusConverted:
		return Converted{}, crm.FailField(crm.EConflict, "status", "converted", "lead_err.converted")
	case StatusLost:
		return Converted{}, crm.FailField(crm.EConflict, "status", "lost", "lead_err.lost")
	}
	mobile, err := ls.mobileOf(l)
	if err != nil {
		return Converted{}, err
	}
	if mobile != "" && l.ContactName == "" {
		return Converted{}, crm.Invalid(crm.Bad("contact_name", "required", "lead_err.contact_for_mobile"))
	}
	c := customer.Customer{Kind: in.Kind, Name: l.CompanyName, USCC: in.USCC, RegionCode: in.RegionCode, IndustryCode: in.IndustryCode,
		Address: in.Address, Source: customerSource(l.Source), Stage: "potential", OwnerID: l.AssigneeID, Notes: l.Notes}
	if err := ls.customers.CheckNew(ctx, c, mobile, lang); err != nil {
		return Converted{}, asLeadFields(err)
	}
	made, err := ls.customers.Create(ctx, c, lang)
	if err != nil {
		return Converted{}, asLeadFields(err)
	}
	if l.ContactName != "" {
		k := customer.Contact{CustomerID: made.ID, Name: l.ContactName, IsPrimary: true}
		if _, err := ls.customers.AddContact(ctx, k, mobile, false, lang); err != nil {
			return Converted{}, asLeadFields(err)
		}
	}
	version := l.Version
	l.Status, l.CustomerID, l.UpdatedAt = StatusConverted, made.ID, ls.now().UTC()
	detail := map[string]any{"customer_id": made.ID, "customer_code": made.Code, "customer_name": made.Name}
	e := crm.NewAudit(ctx, "lead_convert", "lead", strconv.FormatInt(id, 10), detail)
	ev := Event{At: l.UpdatedAt, Kind: "converted", Actor: p.Username, Detail: detail}
	if err := ls.store.UpdateLead(ctx, &l, version, false, ev, &e); err != nil {
		return Converted{}, err
	}
	ls.label(&l, lang)
	return Converted{Lead: l, Customer: made}, nil
}

// asLeadFields renames the customer archive's field names to the lead's:
// the customer's name is the lead's company_name.
func asLeadFields(err error) error {
	var e *crm.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Fields = append([]crm.FieldError(nil), e.Fields...)
	for i := range out.Fields {
		if out.Fields[i].Field == "name" {
			out.Fields[i].Field = "company_name"
		}
	}
	return &out
}
