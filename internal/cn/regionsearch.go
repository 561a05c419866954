package cn

import (
	"cmp"
	"slices"
	"strings"
)

// DefaultRegionSearchLimit is how many results SearchRegions returns when
// the caller passes a limit of zero or less.
const DefaultRegionSearchLimit = 20

// SearchRegions finds regions by partial name or code prefix, best first.
//
// A query of digits matches code prefixes ("4403" finds 深圳市 and its
// districts). Otherwise a region matches when its name contains q, or when
// its full name does ("深圳市南山" finds 南山区). Results rank by exact name,
// then name prefix, then name substring, then full-name substring; within
// a rank real units come before statistical zones, higher tiers before
// lower ones, and then code order.
func SearchRegions(q string, limit int) []Region {
	q = strings.TrimFunc(foldKeepCase(q), isSpace)
	if q == "" {
		return nil
	}
	if limit <= 0 {
		limit = DefaultRegionSearchLimit
	}
	idx := regions()
	if isDigits(q) {
		return searchRegionCodes(idx, q, limit)
	}
	type hit struct {
		rank int
		i    int
	}
	var hits []hit
	for i, r := range idx.all {
		// The full name holds the name of every real unit, so one search
		// rules out most regions; placeholders need their name checked.
		if !strings.Contains(idx.fullName[i], q) && (!r.Statistical || !strings.Contains(r.Name, q)) {
			continue
		}
		var rank int
		switch {
		case r.Name == q:
			rank = 0
		case strings.HasPrefix(r.Name, q):
			rank = 1
		case strings.Contains(r.Name, q):
			rank = 2
		case strings.Contains(idx.fullName[i], q):
			rank = 3
		default:
			continue
		}
		rank *= 2
		if r.Statistical {
			rank++
		}
		hits = append(hits, hit{rank*4 + int(r.Level), i})
	}
	// The scan visits regions in code order and the sort is stable, so ties
	// stay in code order.
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.rank, b.rank) })
	out := make([]Region, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, idx.all[h.i])
	}
	return out
}

// searchRegionCodes returns up to limit regions whose code starts with q.
func searchRegionCodes(idx *regionIndex, q string, limit int) []Region {
	start, _ := slices.BinarySearchFunc(idx.all, q, func(r Region, q string) int {
		return strings.Compare(r.Code, q)
	})
	var out []Region
	for _, r := range idx.all[start:] {
		if !strings.HasPrefix(r.Code, q) || len(out) == limit {
			break
		}
		out = append(out, r)
	}
	return out
}
