package complaint

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/secure"
)

// linkRoles are who link a complaint to its customer: the service desk,
// which takes complaints on every channel, the GM office, which registers
// them, and the gm standing in for it. A complaint from the public form
// comes in with the caller's name, company and phone only.
var linkRoles = []crm.Role{crm.RoleService, crm.RoleGMOffice, crm.RoleGM}

// CanLink reports whether role may link complaints to customers.
func CanLink(role crm.Role) bool { return slices.Contains(linkRoles, role) }

// The reasons a customer matches a complaint (CustomerMatch.By).
const (
	MatchName  = "name"  // the customer's name is the company (or the caller) named
	MatchUSCC  = "uscc"  // a unified social credit code in the complaint is the customer's
	MatchPhone = "phone" // the caller's phone is one of the customer's contacts'
)

// CustomerMatch is a customer a complaint may be from, and why.
type CustomerMatch struct {
	CustomerID int64    `json:"customer_id"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	By         []string `json:"matched_by"` // name, uscc, phone
}

// MatchQuery is what the store looks customers up by; empty parts are
// not looked up.
type MatchQuery struct {
	Names         []string // normalised names (customer.NormalizeName), matched whole
	NameFragments []string // normalised names a customer's name may contain
	USCCs         []string
	MobileIndex   string // blind index of the caller's mobile (customer.MobileBlindIndex)
	Landline      string // the caller's landline as contacts keep it
	Limit         int
}

// LinkStore finds the customers a complaint may be from and links it.
type LinkStore interface {
	// ComplaintCustomerMatches returns the live customers q finds, each
	// with every reason it matched, at most q.Limit.
	ComplaintCustomerMatches(ctx context.Context, q MatchQuery) ([]CustomerMatch, error)
	// LiveCustomer is a live customer's code and name, not_found otherwise.
	LiveCustomer(ctx context.Context, id int64) (code, name string, err error)
	// LinkComplaintCustomer sets c's customer if c is still at c.Version-1
	// (a version conflict otherwise), with e, in one transaction.
	LinkComplaintCustomer(ctx context.Context, c *Complaint, e *crm.AuditEntry) error
}

// matchLimit bounds the customers offered for one complaint.
const matchLimit = 10

// companyPrefix is how the public form keeps the company named with a
// complaint: 【company】 before the description.
var companyPrefix = regexp.MustCompile(`^【([^】]{1,100})】`)

// usccLike finds what may be a unified social credit code in a text.
var usccLike = regexp.MustCompile(`[0-9A-Za-z]{18}`)

// CallerCompany is the company the caller named on the public form, or "".
func CallerCompany(c Complaint) string {
	if m := companyPrefix.FindStringSubmatch(c.Description); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// CustomerMatches lists the customers a complaint may be from, found by
// the company (or caller) it names, a USCC in its text and the caller's
// phone among the customers' contacts, the best matches first. Only those
// who link complaints may ask (they see every customer's name and code
// here, as they must to link one).
func (cs *Service) CustomerMatches(ctx context.Context, id int64) ([]CustomerMatch, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return nil, err
	}
	if !CanLink(p.Role) {
		return nil, crm.Fail(crm.EForbidden, "complaint_err.link.forbidden", crm.RoleWord(p.Role))
	}
	c, err := cs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	q := MatchQuery{Limit: matchLimit}
	for _, name := range []string{CallerCompany(c), c.CallerName, c.ContactName} {
		if norm := customer.NormalizeName(name); norm != "" && !slices.Contains(q.Names, norm) {
			q.Names = append(q.Names, norm)
		}
	}
	// A company named in part (嘉兴电机 for 嘉兴电机有限公司) still
	// matches, if it is long enough to say something.
	if norm := customer.NormalizeName(CallerCompany(c)); utf8.RuneCountInString(norm) >= 4 {
		q.NameFragments = append(q.NameFragments, norm)
	}
	for _, s := range usccLike.FindAllString(CallerCompany(c)+" "+c.Description, -1) {
		if v, pr := cn.ValidateUSCC(s); (pr == nil || pr.Severity != cn.Error) && !slices.Contains(q.USCCs, v) {
			q.USCCs = append(q.USCCs, v)
		}
	}
	if c.CallerPhoneEnc != "" {
		if b, err := cs.sealer.Decrypt(c.CallerPhoneEnc, secure.AAD("complaints", "caller_phone")); err == nil {
			if m, pr := cn.ValidateMobile(string(b)); pr == nil || pr.Severity != cn.Error {
				q.MobileIndex = customer.MobileBlindIndex(cs.sealer, m)
			} else if l, pr := cn.ValidateLandline(string(b)); pr == nil || pr.Severity != cn.Error {
				q.Landline = l
			}
		}
	}
	if len(q.Names) == 0 && len(q.USCCs) == 0 && q.MobileIndex == "" && q.Landline == "" {
		return []CustomerMatch{}, nil
	}
	list, err := cs.store.ComplaintCustomerMatches(ctx, q)
	if err != nil {
		return nil, err
	}
	// More reasons first; a phone or a USCC says more than a name.
	weight := func(m CustomerMatch) int {
		w := 0
		for _, b := range m.By {
			w += map[string]int{MatchUSCC: 4, MatchPhone: 3, MatchName: 2}[b]
		}
		return w
	}
	slices.SortStableFunc(list, func(a, b CustomerMatch) int { return weight(b) - weight(a) })
	return list, nil
}

// LinkCustomer links a complaint to the customer it is from (one of its
// matches, or any live customer): the complaint then shows on the
// customer's page and in the scope of the customer's account managers.
// Its deadlines stay as promised at intake. A closed complaint is not
// linked any more; linking to the customer it already has changes nothing.
func (cs *Service) LinkCustomer(ctx context.Context, id int64, version int, customerID int64) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintRead)
	if err != nil {
		return Complaint{}, err
	}
	if !CanLink(p.Role) {
		return Complaint{}, crm.Fail(crm.EForbidden, "complaint_err.link.forbidden", crm.RoleWord(p.Role))
	}
	c, err := cs.Get(ctx, id)
	if err != nil {
		return c, err
	}
	if version != c.Version {
		return c, crm.Fail(crm.EVersionConflict, "complaint_err.changed_version", c.Version, version)
	}
	if c.Status == StatusClosed {
		return c, crm.Fail(crm.EConflict, "complaint_err.link.closed", c.Number)
	}
	if customerID <= 0 {
		return c, crm.Invalid(crm.Bad("customer_id", "required", "complaint_err.customer_id.required"))
	}
	code, _, err := cs.store.LiveCustomer(ctx, customerID)
	if crm.ErrorCode(err) == crm.ENotFound {
		return c, crm.Invalid(crm.Bad("customer_id", "unknown", "complaint_err.no_such_customer"))
	} else if err != nil {
		return c, err
	}
	if c.CustomerID == customerID {
		return c, nil
	}
	before := c.CustomerID
	c.CustomerID, c.UpdatedAt, c.Version = customerID, cs.now().UTC(), c.Version+1
	e := crm.NewAudit(ctx, crm.AuditUpdate, "complaint", strconv.FormatInt(c.ID, 10),
		map[string]any{"customer_id": crm.Change{Before: before, After: customerID}, "customer_code": code})
	if err := cs.store.LinkComplaintCustomer(ctx, &c, &e); err != nil {
		return c, err
	}
	cs.present(&c)
	return c, nil
}
