package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/tier"
)

// tierGroup is one active scheme in the customer list's tier select:
// its name and its levels, valued <scheme code>:<level code> as the API's
// tier filter takes them.
type tierGroup struct {
	Name   string
	Levels []choice
}

// readTierFilter reads the list's tier filter (tier=abc:A, or a level of
// the default scheme) into f, with the select's choices; a value that is
// not one is left out and said why.
//
// A role without tier.read (finance, the warehouse) gets neither the
// select nor the tier column, and a tier= in the address is not applied.
func (c *customerPages) readTierFilter(r *http.Request, q url.Values, d *listFilters, f *customer.CustomerFilter) error {
	if !tier.MayRead(r.Context()) {
		return nil
	}
	lang := langOf(r)
	schemes, err := c.svc.Tiers.ActiveSchemes(r.Context())
	if err != nil {
		return err
	}
	d.Tier = strings.TrimSpace(q.Get("tier"))
	if d.Tier != "" {
		id, level, err := c.svc.Tiers.ParseFilter(r.Context(), d.Tier)
		var e *crm.Error
		switch {
		case errors.As(err, &e):
			_, fields := e.In(lang)
			d.Errors["tier"] = e.Error()
			if len(fields) > 0 {
				d.Errors["tier"] = fields[0].Message
			}
		case err != nil:
			return err
		default:
			f.TierScheme, f.TierLevel = id, level
			for _, s := range schemes {
				if s.ID == id {
					d.Tier = s.Code + ":" + level // as the select's options say it
				}
			}
			d.params.Set("tier", d.Tier)
		}
	}
	for _, s := range schemes {
		g := tierGroup{Name: schemeName(lang, s)}
		for _, l := range s.Levels {
			v := s.Code + ":" + l.Code
			g.Levels = append(g.Levels, choice{Value: v, Label: levelName(lang, s, l.Code), Selected: v == d.Tier})
		}
		d.TierGroups = append(d.TierGroups, g)
	}
	return nil
}
