package main

import (
	"context"
	"net/url"
	"strconv"

	"github.com/kehucrm/kehu/internal/bench"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/store"
)

// benchFilter is one of the customer list's filters with the values
// `kehu bench customers` loads it with (cycled through by the workers).
type benchFilter struct {
	kind, name string
	values     []url.Values
}

// benchListFilters are the list's filters over a `kehu bench data` set:
// owner (account manager bench.am11 …), team, region at province, city
// and county level, industry section and division, stage, tag, and a
// month of creation or of last change.
func benchListFilters(ctx context.Context, db *store.DB) ([]benchFilter, error) {
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	var owners, teams []url.Values
	for _, name := range []string{"bench.am11", "bench.am23", "bench.am35", "bench.am42"} {
		u, err := db.UserByUsername(ctx, name)
		if err != nil {
			return nil, err
		}
		owners = append(owners, v("owner_id", strconv.FormatInt(u.ID, 10)))
		teams = append(teams, v("team_id", strconv.FormatInt(u.TeamID, 10)))
	}
	var tags []url.Values
	for _, t := range bench.GenTags() {
		tags = append(tags, v("tag", t))
	}
	var stages []url.Values
	for _, s := range customer.CustomerStages {
		stages = append(stages, v("stage", s))
	}
	return []benchFilter{
		{"owner", "owner", owners},
		{"team", "team", teams},
		{"region", "province", []url.Values{v("region", "32"), v("region", "44"), v("region", "11"), v("region", "51")}},
		{"region", "city", []url.Values{v("region", "3205"), v("region", "4403"), v("region", "3301"), v("region", "2102")}},
		{"region", "county", []url.Values{v("region", "320500"), v("region", "440300"), v("region", "330100"), v("region", "210200")}},
		{"industry", "section", []url.Values{v("industry", "C"), v("industry", "F"), v("industry", "G"), v("industry", "I")}},
		{"industry", "division", []url.Values{v("industry", "34"), v("industry", "51"), v("industry", "65"), v("industry", "27")}},
		{"stage", "stage", stages},
		{"tag", "tag", tags},
		{"created", "created month", []url.Values{v("created_from", "2025-03-01", "created_to", "2025-04-01"),
			v("created_from", "2026-06-01", "created_to", "2026-07-01")}},
		{"updated", "updated month", []url.Values{v("updated_from", "2025-03-01", "updated_to", "2025-04-01"),
			v("updated_from", "2026-06-01", "updated_to", "2026-07-01")}},
	}, nil
}

// benchListTargets are every single filter and every pair of filters of
// different kinds, newest first, each a list page of 50 with its total;
// with sorts, each of them also in every offered sort.
func benchListTargets(filters []benchFilter, sorts bool) []bench.Target {
	orders := []string{""}
	if sorts {
		for _, s := range customer.CustomerSorts {
			orders = append(orders, s, "-"+s)
		}
	}
	var out []bench.Target
	add := func(name string, vs []url.Values) {
		for _, s := range orders {
			t := bench.Target{Name: "list " + name}
			if s != "" {
				t.Name += " sort=" + s
			}
			for _, q := range vs {
				q = cloneValues(q)
				q.Set("limit", "50")
				if s != "" {
					q.Set("sort", s)
				}
				t.Paths = append(t.Paths, "/api/v1/customers?"+q.Encode())
			}
			out = append(out, t)
		}
	}
	for i, a := range filters {
		add(a.name, a.values)
		for _, b := range filters[i+1:] {
			if a.kind == b.kind {
				continue
			}
			var vs []url.Values
			for k := range max(len(a.values), len(b.values)) {
				q := cloneValues(a.values[k%len(a.values)])
				for key, val := range b.values[k%len(b.values)] {
					q[key] = val
				}
				vs = append(vs, q)
			}
			add(a.name+" + "+b.name, vs)
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
