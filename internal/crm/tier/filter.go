package tier

import (
	"context"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// ParseFilter reads a customer list's tier filter: "<scheme>:<level>",
// the scheme by its code or id (abc:A, 2:premium), or a level alone (A),
// of the default scheme (DefaultScheme). The level is its code, in any
// case. An unknown or inactive scheme, or a level the scheme has not, is
// refused naming the field "tier". Filtering by tier reads the
// customers' tiers: a role without tier.read (finance, the warehouse)
// is refused with 403 naming the field "tier".
func (ts *Service) ParseFilter(ctx context.Context, spec string) (schemeID int64, level string, err error) {
	if !MayRead(ctx) {
		return 0, "", crm.FailField(crm.EForbidden, "tier", "forbidden", "tier_err.filter_forbidden")
	}
	spec = strings.TrimSpace(spec)
	schemes, err := ts.store.Schemes(ctx)
	if err != nil {
		return 0, "", err
	}
	ref, code, scoped := strings.Cut(spec, ":")
	if !scoped {
		ref, code = "", spec
	}
	var s Scheme
	found := false
	if !scoped {
		s, found = DefaultScheme(schemes)
	} else {
		id, _ := strconv.ParseInt(ref, 10, 64)
		for _, x := range schemes {
			if x.Active && (x.Code == ref || (id > 0 && x.ID == id)) {
				s, found = x, true
				break
			}
		}
	}
	if !found {
		return 0, "", crm.Invalid(crm.Bad("tier", "unknown", "tier_err.filter_scheme", ref))
	}
	for _, l := range s.Levels {
		if strings.EqualFold(l.Code, strings.TrimSpace(code)) {
			return s.ID, l.Code, nil
		}
	}
	codes := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		codes[i] = l.Code
	}
	return 0, "", crm.Invalid(crm.Bad("tier", "unknown", "tier_err.filter_level", code, s.Code, strings.Join(codes, ", ")))
}

// DefaultScheme is the scheme a level alone refers to: the seed's A/B/C
// (code abc) while it is active, else the first active scheme.
func DefaultScheme(schemes []Scheme) (Scheme, bool) {
	var first *Scheme
	for i, s := range schemes {
		if !s.Active {
			continue
		}
		if s.Code == "abc" {
			return s, true
		}
		if first == nil {
			first = &schemes[i]
		}
	}
	if first == nil {
		return Scheme{}, false
	}
	return *first, true
}

// MayRead reports whether the signed-in user may see customers' tiers
// (tier.read): in lists, filters, exports and the customer's JSON.
func MayRead(ctx context.Context) bool {
	p, ok := crm.PrincipalFrom(ctx)
	return ok && p.Role.Can(crm.ActTierRead)
}

// ActiveSchemes lists the active schemes, for a list's tier filter
// (no permission asked: see ParseFilter).
func (ts *Service) ActiveSchemes(ctx context.Context) ([]Scheme, error) {
	all, err := ts.store.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, s := range all {
		if s.Active {
			out = append(out, s)
		}
	}
	return out, nil
}
