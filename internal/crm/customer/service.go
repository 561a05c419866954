package customer

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
)

// CustomerStore keeps customers.
type CustomerStore interface {
	// CreateCustomer adds c; with uniqueName it refuses, in the same
	// transaction, a normalised name a live customer has
	// (*DuplicateNameError), so two requests at once cannot both add it.
	CreateCustomer(ctx context.Context, c *Customer, uniqueName bool, e *crm.AuditEntry) error
	Customer(ctx context.Context, id int64, s crm.Scope, trash bool, now time.Time) (Customer, bool, error)
	ListCustomers(ctx context.Context, s crm.Scope, f CustomerFilter, now time.Time) ([]Customer, []int64, error)
	SearchCustomers(ctx context.Context, s crm.Scope, q string, f CustomerFilter, now time.Time) ([]Customer, []int64, error)
	CountCustomers(ctx context.Context, s crm.Scope, f CustomerFilter, now time.Time) (CustomerCount, error)
	CustomerHoldings(ctx context.Context, id int64) (Holdings, error)
	// UpdateCustomer writes c at its version; with uniqueName (a rename)
	// it refuses, in the same transaction, a normalised name another live
	// customer has (*DuplicateNameError), as CreateCustomer does.
	UpdateCustomer(ctx context.Context, c *Customer, uniqueName bool, e *crm.AuditEntry) error
	UpdateCustomers(ctx context.Context, cs []*Customer, es []*crm.AuditEntry) error
	HardDeleteCustomer(ctx context.Context, id int64, e *crm.AuditEntry) error
	UserByID(ctx context.Context, id int64) (identity.User, error)
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// TrashDays is how long a deleted customer can be restored.
const TrashDays = 30

// Service is the customer archive.
type Service struct {
	store        CustomerStore
	contacts     ContactStore
	interactions InteractionStore
	dedup        DedupStore
	fields       CustomerFieldStore
	history      HistoryStore
	sealer       crm.Sealer
	now          func() time.Time
}

// CustomerArchiveStore is everything the customer archive keeps.
type CustomerArchiveStore interface {
	CustomerStore
	ContactStore
	InteractionStore
	DedupStore
	CustomerFieldStore
	HistoryStore
}

// New returns the customer service.
func New(s CustomerArchiveStore, sealer crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, sealer: sealer, contacts: s, interactions: s, dedup: s, fields: s, history: s, now: now}
}

// Create adds a customer. Its owner is the caller unless a gm (anyone) or
// a sales manager (their team) names another: anyone else naming an owner
// is refused with forbidden.
func (cs *Service) Create(ctx context.Context, c Customer, lang string) (Customer, error) {
	return cs.CreateForced(ctx, c, false, lang)
}

// CreateForced is Create that, with force, accepts a name another
// customer already has.
func (cs *Service) CreateForced(ctx context.Context, c Customer, force bool, lang string) (Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return c, err
	}
	c.Normalize()
	if err := c.Validate(lang); err != nil {
		return c, err
	}
	if err := cs.checkCustom(ctx, c.Custom); err != nil {
		return c, err
	}
	if c.OwnerID == 0 {
		c.OwnerID = p.UserID
	}
	if err := cs.checkOwner(ctx, p, &c); err != nil {
		return c, err
	}
	if err := cs.checkDuplicateUSCC(ctx, p, &c); err != nil {
		return c, err
	}
	if err := cs.checkDuplicateName(ctx, p, &c, force); err != nil {
		return c, err
	}
	now := cs.now().UTC()
	c.CreatedAt, c.UpdatedAt, c.DeletedAt = now, now, nil
	e := crm.NewAudit(ctx, crm.AuditCreate, "customer", "", customerFields(c))
	err = cs.store.CreateCustomer(ctx, &c, !force, &e)
	if dup := (*DuplicateNameError)(nil); errors.As(err, &dup) {
		return c, cs.duplicateName(ctx, p, dup.ID)
	}
	return c, err
}

// checkOwner enforces who may own what and sets the customer's team to
// its owner's.
func (cs *Service) checkOwner(ctx context.Context, p crm.Principal, c *Customer) error {
	forbid := func(key string) error {
		return crm.FailField(crm.EForbidden, "owner_id", "forbidden", key)
	}
	if c.OwnerID != p.UserID && !p.Role.Can(crm.ActCustomerAssign) {
		return forbid("customer.owner_id.give_away")
	}
	owner, err := cs.store.UserByID(ctx, c.OwnerID)
	if crm.ErrorCode(err) == crm.ENotFound {
		return crm.Invalid(crm.Bad("owner_id", "unknown", "customer.owner_id.unknown"))
	}
	if err != nil {
		return err
	}
	if owner.Disabled() {
		return crm.Invalid(crm.Bad("owner_id", "disabled", "customer.owner_id.disabled"))
	}
	if !owner.Role.Can(crm.ActCustomerUpdate) {
		// An auditor, an administrator or a QA engineer cannot look
		// after a customer they may not even change.
		return crm.Invalid(crm.Bad("owner_id", "role", "customer.owner_id.role", string(owner.Role), msg.M("role."+string(owner.Role))))
	}
	if p.Role == crm.RoleSalesManager && owner.ID != p.UserID && (owner.TeamID == 0 || owner.TeamID != p.TeamID) {
		return forbid("customer.owner_id.team")
	}
	c.TeamID = owner.TeamID
	return nil
}

// Get reads a customer in the caller's scope; out of scope is not_found.
// A read made possible only by an access grant is audited.
func (cs *Service) Get(ctx context.Context, id int64) (Customer, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerRead)
	if err != nil {
		return Customer{}, err
	}
	c, viaGrant, err := cs.store.Customer(ctx, id, crm.ReadScope(p), false, cs.now())
	if err != nil {
		return c, err
	}
	if viaGrant {
		e := crm.NewAudit(ctx, crm.AuditReadGranted, "customer", strconv.FormatInt(id, 10), nil)
		if err := cs.store.Audit(ctx, &e); err != nil {
			return Customer{}, err
		}
	}
	return c, nil
}

func customerFields(c Customer) map[string]any {
	return map[string]any{"code": c.Code, "kind": c.Kind, "name": c.Name, "uscc": c.USCC, "stage": c.Stage, "owner_id": c.OwnerID}
}

// Visible returns nil when the live customer id is inside scope, or the
// not_found error a caller outside it gets; other areas check a customer
// this way before they attach a record to it.
func (cs *Service) Visible(ctx context.Context, id int64, scope crm.Scope) error {
	_, _, err := cs.store.Customer(ctx, id, scope, false, cs.now())
	return err
}

// today is the date in China now, by the service's clock.
func (cs *Service) today() calendar.Date { return calendar.DateOf(cs.now().In(crm.Shanghai)) }
