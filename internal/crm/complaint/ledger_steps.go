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
	To       Status
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
		s := NextStep{To: to}
		var particulars []string
		s.Required, particulars = st.fields(c, to, role, now)
		if c.Quality {
			s.Required = append(s.Required, particulars...)
		} else {
			s.Optional = particulars
		}
		s.Optional = append(s.Optional, st.optional...)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	return out
}
