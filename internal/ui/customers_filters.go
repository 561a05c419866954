package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// listFilters are the customer list's filters beyond the search box and
// the stage, as typed, with the choices their selects offer and what is
// wrong with those that could not be applied. The query parameters are
// named as the API's (GET /api/v1/customers), except that created_to is
// the last day of the range here (a person picks the days to see) where
// the API's is the first day after it.
type listFilters struct {
	Region, Industry, Owner, Team, Tag, CreatedFrom, CreatedTo string
	// Tier is the tier filter (abc:A), TierGroups its select's schemes.
	Tier       string
	TierGroups []tierGroup
	// RegionName names the region the filter stands for, e.g. 江苏省苏州市.
	RegionName string
	Provinces  []choice        // the datalist of the region input
	Industries []industryGroup // GB/T 4754 sections with their divisions
	Pick       regionPick      // the region picker's start
	// Owners and Teams are the selects, nil for a role that sees only
	// its own customers (owner) or not every team's (team).
	Owners, Teams []choice
	// Errors says, by parameter, why a filter was not applied.
	Errors map[string]string
	// params are the applied filters as the list's links carry them.
	params url.Values
}

// industryGroup is a section of GB/T 4754 in the industry select: the
// section itself, then its divisions.
type industryGroup struct {
	Section   choice
	Divisions []choice
}

// filterParams are the list's filter parameters in the order the
// pages and the export carry them.
var filterParams = []string{"region", "industry", "owner_id", "team_id", "tag", "tier", "created_from", "created_to"}

// readFilters reads the filters of the list's query into f (a
// crm.CustomerFilter with Query and Stage already set) for me. A value
// that is not one is left out of f and said why in Errors.
func (c *customerPages) readFilters(r *http.Request, me crm.Principal, q url.Values, f *customer.CustomerFilter) (listFilters, error) {
	lang := langOf(r)
	d := listFilters{Errors: map[string]string{}, params: url.Values{}}
	get := func(name string) string { return strings.TrimSpace(q.Get(name)) }
	bad := func(name, key string, args ...any) { d.Errors[name] = c.msgs.text(lang, key, args...) }
	keep := func(name, v string) {
		if v != "" {
			d.params.Set(name, v)
		}
	}

	for _, p := range cn.RegionChildren("") {
		label := p.Name
		if lang == "en" {
			label += " " + cn.PlacePinyin(p.Name)
		}
		d.Provinces = append(d.Provinces, choice{Value: p.Code[:2], Label: label})
	}
	if d.Region = get("region"); d.Region != "" {
		if prefix, ok := cn.RegionPrefix(d.Region); ok {
			f.Region, d.RegionName = prefix, cn.RegionFullName(d.Region)
			keep("region", d.Region)
		} else {
			bad("region", "customers.filter.region.invalid")
		}
	}

	d.Industry = get("industry")
	in, ok := cn.IndustryByCode(d.Industry)
	switch {
	case d.Industry == "":
	case !ok:
		bad("industry", "customers.filter.industry.invalid")
	default:
		d.Industry, f.Industry = in.Code, in.Code
		keep("industry", in.Code)
	}
	d.Industries = industryGroups(lang, d.Industry)
	d.Pick = regionPickOf(d.Region)

	scope := crm.CustomerScope(me)
	if scope.All || scope.TeamID != 0 {
		users, err := c.staff(r.Context())
		if err != nil {
			return d, err
		}
		d.Owner = get("owner_id")
		owner, _ := strconv.ParseInt(d.Owner, 10, 64)
		teams := map[int64]string{}
		for _, u := range users {
			if !u.Role.Can(crm.ActCustomerUpdate) || !(scope.All || u.ID == me.UserID || (u.TeamID != 0 && u.TeamID == me.TeamID)) {
				continue
			}
			label := userLabel(u)
			if u.Disabled() {
				label = c.msgs.text(lang, "customers.user_disabled", label)
			}
			d.Owners = append(d.Owners, choice{Value: strconv.FormatInt(u.ID, 10), Label: label, Selected: u.ID == owner})
			if u.TeamID != 0 {
				teams[u.TeamID] = u.TeamName
			}
		}
		if d.Owner != "" {
			if owner < 1 || !slices.ContainsFunc(d.Owners, func(o choice) bool { return o.Selected }) {
				bad("owner_id", "customers.filter.owner.invalid")
			} else {
				f.OwnerID = owner
				keep("owner_id", d.Owner)
			}
		}
		if scope.All {
			d.Team = get("team_id")
			team, _ := strconv.ParseInt(d.Team, 10, 64)
			d.Teams = []choice{}
			for id, name := range teams {
				d.Teams = append(d.Teams, choice{Value: strconv.FormatInt(id, 10), Label: name, Selected: id == team})
			}
			slices.SortFunc(d.Teams, func(a, b choice) int { return strings.Compare(a.Label, b.Label) })
			if d.Team != "" {
				if _, known := teams[team]; team < 1 || !known {
					bad("team_id", "customers.filter.team.invalid")
				} else {
					f.TeamID = team
					keep("team_id", d.Team)
				}
			}
		}
	}

	if err := c.readTierFilter(r, q, &d, f); err != nil {
		return d, err
	}
	if d.Tag = get("tag"); d.Tag != "" {
		if utf8.RuneCountInString(d.Tag) > 20 {
			bad("tag", "customers.filter.tag.invalid")
		} else {
			f.Tag = d.Tag
			keep("tag", d.Tag)
		}
	}

	day := func(name string) (time.Time, string) {
		s := get(name)
		if s == "" {
			return time.Time{}, ""
		}
		t, err := time.ParseInLocation(time.DateOnly, s, c.loc)
		if err != nil {
			bad(name, "customers.filter.date.invalid")
			return time.Time{}, s
		}
		return t, s
	}
	from, fromText := day("created_from")
	to, toText := day("created_to")
	d.CreatedFrom, d.CreatedTo = fromText, toText
	if !from.IsZero() {
		f.From = from
		keep("created_from", fromText)
	}
	switch {
	case to.IsZero():
	case !from.IsZero() && to.Before(from):
		bad("created_to", "customers.filter.date.before_from")
	default:
		f.To = to.AddDate(0, 0, 1) // the whole of the last day
		keep("created_to", toText)
	}
	return d, nil
}

// applied reports whether any of the filters is applied.
func (d listFilters) applied() bool { return len(d.params) > 0 }

// exportParams are the applied filters as the export API takes them:
// its created_to is the day after the range.
func (d listFilters) exportParams(loc *time.Location) url.Values {
	v := url.Values{}
	for _, k := range filterParams {
		if s := d.params.Get(k); s != "" {
			v.Set(k, s)
		}
	}
	if s := v.Get("created_to"); s != "" {
		if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			v.Set("created_to", t.AddDate(0, 0, 1).Format(time.DateOnly))
		}
	}
	return v
}

// staff is every user, in ID order.
func (c *customerPages) staff(ctx context.Context) ([]identity.User, error) {
	return c.svc.Directory.Staff(ctx)
}

// userLabel names a user in a select: the display name with the
// username, or the username alone.
func userLabel(u identity.User) string {
	if u.DisplayName != "" {
		return u.DisplayName + " (" + u.Username + ")"
	}
	return u.Username
}

// industryGroups are the GB/T 4754 sections with their divisions as a
// select offers them (the section's name in English where the page is,
// the divisions by the standard's names), selected marked.
func industryGroups(lang, selected string) []industryGroup {
	var out []industryGroup
	for _, s := range cn.Sections() {
		name := s.Name
		if lang == "en" && s.NameEn != "" {
			name = s.NameEn
		}
		g := industryGroup{Section: choice{Value: s.Code, Label: s.Code + " " + name, Selected: s.Code == selected}}
		for _, v := range cn.Divisions(s.Code) {
			g.Divisions = append(g.Divisions, choice{Value: v.Code, Label: v.Code + " " + v.Name, Selected: v.Code == selected})
		}
		out = append(out, g)
	}
	return out
}

// regionPick is where a region picker starts: the code as typed, the
// chain of regions down to it (JSON for the script: code and name of
// each) and its full name; Chain is "[]" and Name "" for no region.
type regionPick struct {
	Code, Chain, Name string
}

// regionPickOf is the picker's start for a code (or prefix) as typed.
func regionPickOf(code string) regionPick {
	type link struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	chain := []link{}
	for _, r := range cn.RegionChain(strings.TrimSpace(code)) {
		chain = append(chain, link{r.Code, r.Name})
	}
	b, _ := json.Marshal(chain)
	return regionPick{Code: code, Chain: string(b), Name: cn.RegionFullName(strings.TrimSpace(code))}
}

// industryLabel names an industry code for a person: the standard's
// name, a section's English name on an English page; "" for none.
func industryLabel(lang, code string) string {
	in, ok := cn.IndustryByCode(code)
	if !ok || strings.TrimSpace(code) == "" {
		return ""
	}
	if lang == "en" && in.NameEn != "" {
		return in.NameEn
	}
	return in.Name
}
