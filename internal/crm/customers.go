package crm

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// CustomerFilter narrows a customer list. Zero fields do not filter.
type CustomerFilter struct {
	Query    string // the search box: name, short name, pinyin, code, USCC, contact names, mobile endings
	Stage    string
	OwnerID  int64
	TeamID   int64
	Region   string // a GB/T 2260 code or its province (2 digits) or city (4 digits) prefix
	Industry string // a GB/T 4754 section letter or division code
	Tag      string
	From, To time.Time // created in [From, To)
	Trash    bool      // list the trash instead of live customers
	BeforeID int64     // page: customers older than this ID
	Limit    int
}

// CustomerStore keeps customers.
type CustomerStore interface {
	CreateCustomer(ctx context.Context, c *Customer, e *AuditEntry) error
	Customer(ctx context.Context, id int64, s Scope, trash bool, now time.Time) (Customer, bool, error)
	ListCustomers(ctx context.Context, s Scope, f CustomerFilter, now time.Time) ([]Customer, []int64, error)
	SearchCustomers(ctx context.Context, s Scope, q string, f CustomerFilter, now time.Time) ([]Customer, []int64, error)
	UpdateCustomer(ctx context.Context, c *Customer, e *AuditEntry) error
	UpdateCustomers(ctx context.Context, cs []*Customer, es []*AuditEntry) error
	HardDeleteCustomer(ctx context.Context, id int64, e *AuditEntry) error
	UserByID(ctx context.Context, id int64) (User, error)
	Audit(ctx context.Context, e *AuditEntry) error
}

// TrashDays is how long a deleted customer can be restored.
const TrashDays = 30

// Customers is the customer archive.
type Customers struct {
	store        CustomerStore
	contacts     ContactStore
	interactions InteractionStore
	dedup        DedupStore
	fields       CustomerFieldStore
	sealer       Sealer
	now          func() time.Time
}

// CustomerArchiveStore is everything the customer archive keeps.
type CustomerArchiveStore interface {
	CustomerStore
	ContactStore
	InteractionStore
	DedupStore
	CustomerFieldStore
}

// NewCustomers returns the customer service.
func NewCustomers(s CustomerArchiveStore, now func() time.Time) *Customers {
	if now == nil {
		now = time.Now
	}
	return &Customers{store: s, contacts: s, interactions: s, dedup: s, fields: s, now: now}
}

// Create adds a customer. Its owner is the caller unless a gm (anyone) or
// a sales manager (their team) names another: anyone else naming an owner
// is refused with forbidden.
func (cs *Customers) Create(ctx context.Context, c Customer, lang string) (Customer, error) {
	return cs.CreateForced(ctx, c, false, lang)
}

// CreateForced is Create that, with force, accepts a name another
// customer already has.
func (cs *Customers) CreateForced(ctx context.Context, c Customer, force bool, lang string) (Customer, error) {
	p, err := Authorize(ctx, ActCustomerCreate)
	if err != nil {
		return c, err
	}
	c.normalize()
	if err := c.validate(lang); err != nil {
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
	if err := cs.checkDuplicateName(ctx, p, &c, force); err != nil {
		return c, err
	}
	now := cs.now().UTC()
	c.CreatedAt, c.UpdatedAt, c.DeletedAt = now, now, nil
	e := NewAudit(ctx, AuditCreate, "customer", "", customerFields(c))
	return c, cs.store.CreateCustomer(ctx, &c, &e)
}

// checkOwner enforces who may own what and sets the customer's team to
// its owner's.
func (cs *Customers) checkOwner(ctx context.Context, p Principal, c *Customer) error {
	forbid := func(msg string) error {
		return &Error{Code: EForbidden, Message: msg, Fields: []FieldError{{Field: "owner_id", Code: "forbidden", Message: msg}}}
	}
	if c.OwnerID != p.UserID && !p.Role.Can(ActCustomerAssign) {
		return forbid("you may not give a customer to someone else")
	}
	owner, err := cs.store.UserByID(ctx, c.OwnerID)
	if ErrorCode(err) == ENotFound {
		return Invalid(FieldError{Field: "owner_id", Code: "unknown", Message: "no such user"})
	}
	if err != nil {
		return err
	}
	if owner.Disabled() {
		return Invalid(FieldError{Field: "owner_id", Code: "disabled", Message: "this user is disabled"})
	}
	if p.Role == RoleSalesManager && owner.ID != p.UserID && (owner.TeamID == 0 || owner.TeamID != p.TeamID) {
		return forbid("a sales manager may give customers only to their own team")
	}
	c.TeamID = owner.TeamID
	return nil
}

// Get reads a customer in the caller's scope; out of scope is not_found.
// A read made possible only by an access grant is audited.
func (cs *Customers) Get(ctx context.Context, id int64) (Customer, error) {
	p, err := Authorize(ctx, ActCustomerRead)
	if err != nil {
		return Customer{}, err
	}
	c, viaGrant, err := cs.store.Customer(ctx, id, ReadScope(p), false, cs.now())
	if err != nil {
		return c, err
	}
	if viaGrant {
		e := NewAudit(ctx, AuditReadGranted, "customer", strconv.FormatInt(id, 10), nil)
		if err := cs.store.Audit(ctx, &e); err != nil {
			return Customer{}, err
		}
	}
	return c, nil
}

// List returns customers in scope, newest first; rows seen only through a
// grant are audited.
func (cs *Customers) List(ctx context.Context, f CustomerFilter) ([]Customer, error) {
	p, err := Authorize(ctx, ActCustomerRead)
	if err != nil {
		return nil, err
	}
	list, granted, err := cs.store.ListCustomers(ctx, ReadScope(p), f, cs.now())
	if q := strings.TrimSpace(f.Query); q != "" {
		list, granted, err = cs.store.SearchCustomers(ctx, ReadScope(p), q, f, cs.now())
	}
	if err != nil || len(granted) == 0 {
		return list, err
	}
	e := NewAudit(ctx, AuditReadGranted, "customer", "", map[string]any{"ids": granted})
	return list, cs.store.Audit(ctx, &e)
}

func customerFields(c Customer) map[string]any {
	return map[string]any{"code": c.Code, "kind": c.Kind, "name": c.Name, "uscc": c.USCC, "stage": c.Stage, "owner_id": c.OwnerID}
}
