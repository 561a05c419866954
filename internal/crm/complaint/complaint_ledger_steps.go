package complaint

import (
	"slices"
	"sort"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// NextStep is a move of the complaint workflow that a role may take now,
// with the fields its form must carry and those it may carry.
type NextStep struct {
	To       string
	Required []string
	Optional []string
}

// NextSteps lists the moves role may take on c at now, so a page offers
// only the forms that can succeed. It reads the workflow's own table;
// Move still decides every post.
func NextSteps(c Complaint, role crm.Role, now time.Time) []NextStep {
	var out []NextStep
	for to, st := range flow[c.Status] {
		if !slices.Contains(st.roles, role) {
			continue
		}
		s := NextStep{To: to, Required: append([]string{}, st.required...)}
		if to == "investigating" && c.Status == "assigned" && c.Quality && role == crm.RoleProduction {
			s.Required = append(s.Required, productionFields...)
		}
		if to == "accepted" {
			for _, f := range []struct{ key, have string }{{"order_no", c.OrderNo}, {"part_no", c.PartNo}, {"delivery_date", c.DeliveryDate}, {"demand", c.Demand}} {
				switch {
				case f.have != "":
				case c.Quality:
					s.Required = append(s.Required, f.key)
				default:
					s.Optional = append(s.Optional, f.key)
				}
			}
		}
		if to == "closed" && (c.OverdueAt != nil || c.SolutionDueAt != nil && now.After(*c.SolutionDueAt)) {
			s.Required = append(s.Required, "delay_reason")
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	return out
}
