package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// The reference data that forms and filters pick from by name: the
// GB/T 2260 regions (a 省/市/区 cascade with a search box) and the GB/T
// 4754 industries (sections and their divisions). Records keep the
// codes; these endpoints let a person find a code by its name, in 汉字
// or pinyin. Anyone signed in may read them.

// regionJSON is one region as the pickers show it.
type regionJSON struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	FullName    string `json:"full_name"`
	NameEn      string `json:"name_en"`      // the name in pinyin: Suzhou
	FullNameEn  string `json:"full_name_en"` // the chain in pinyin: Suzhou, Jiangsu
	Level       string `json:"level"`
	Statistical bool   `json:"statistical"`
	Leaf        bool   `json:"leaf"` // nothing lies under it
	// MapsTo is, for a development zone, the administrative region a
	// customer given the zone's code is recorded as (320571 → 320500).
	MapsTo  *regionRef `json:"maps_to,omitempty"`
	Retired bool       `json:"retired,omitempty"` // a zone code the bureau no longer uses
}

// regionRef names a region.
type regionRef struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
}

func regionOf(r cn.Region) regionJSON {
	out := regionJSON{Code: r.Code, Name: r.Name, FullName: cn.RegionFullName(r.Code), NameEn: cn.PlacePinyin(r.Name),
		FullNameEn: cn.RegionEnglish(r.Code, r.Name), Level: r.Level.String(),
		Statistical: r.Statistical, Leaf: len(cn.RegionChildren(r.Code)) == 0}
	if r.Statistical {
		if _, zone, _, ok := cn.LookupRegion(r.Code); ok && zone.Code != "" {
			out.MapsTo = &regionRef{Code: zone.In.Code, Name: zone.In.Name, FullName: cn.RegionFullName(zone.In.Code)}
		}
	}
	return out
}

// zoneOf is a retired development zone (not in the region table) as the
// search shows it: its own code and name, and the region it maps to.
func zoneOf(z cn.DevZone) regionJSON {
	return regionJSON{Code: z.Code, Name: z.Name, FullName: cn.RegionFullName(z.In.Code) + z.Name, NameEn: cn.PlacePinyin(z.Name),
		FullNameEn: cn.RegionEnglish(z.In.Code, z.In.Name), Level: cn.CountyLevel.String(),
		Statistical: true, Leaf: true, Retired: z.Retired,
		MapsTo: &regionRef{Code: z.In.Code, Name: z.In.Name, FullName: cn.RegionFullName(z.In.Code)}}
}

// maxReferenceLimit caps how many regions one search answers.
const maxReferenceLimit = 100

// regions answers GET /api/v1/regions: with q, the regions whose name,
// full name, pinyin (full or initials) or code matches, best first; with
// parent (or neither), the regions directly under parent, the provinces
// for none; with code, the chain from the province down to it.
func (a *API) regions(w http.ResponseWriter, r *http.Request) error {
	if _, ok := crm.PrincipalFrom(r.Context()); !ok {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	q := r.URL.Query()
	limit := cn.DefaultRegionSearchLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxReferenceLimit {
			return crm.Invalid(crm.Bad("limit", "range", "api.reference.limit", maxReferenceLimit))
		}
		limit = n
	}
	var found []cn.Region
	switch text, parent, code := strings.TrimSpace(q.Get("q")), strings.TrimSpace(q.Get("parent")), strings.TrimSpace(q.Get("code")); {
	case text != "":
		found = searchRegionNames(text, limit)
	case code != "":
		found = cn.RegionChain(code)
		if len(found) == 0 {
			return crm.Invalid(crm.Bad("code", "unknown", "api.reference.region_unknown"))
		}
	case parent != "":
		if _, ok := cn.RegionByCode(parent); !ok {
			return crm.Invalid(crm.Bad("parent", "unknown", "api.reference.region_unknown"))
		}
		found = cn.RegionChildren(parent)
	default:
		found = cn.RegionChildren("")
	}
	items := make([]regionJSON, 0, len(found))
	for _, x := range found {
		items = append(items, regionOf(x))
	}
	if text := strings.TrimSpace(q.Get("q")); text != "" && len(items) < limit {
		// Development zones by the code or name people have, retired codes
		// (320571 苏州工业园区) too, each with the region it maps to.
		for _, z := range cn.SearchDevZones(text, limit) {
			if len(items) < limit && z.Retired && !slices.ContainsFunc(items, func(x regionJSON) bool { return x.Code == z.Code }) {
				items = append(items, zoneOf(z))
			}
		}
	}
	// One list contract for every list (httpx.Page): without a limit the
	// regions come on one page, as the pickers want them.
	pr := httpx.PageRequest{Limit: max(len(items), 1), Cursor: q.Get("cursor")}
	if q.Get("limit") != "" {
		pr.Limit = limit
	}
	page, err := httpx.SlicePage(items, pr, func(x regionJSON) any { return x.Code })
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// searchRegionNames finds regions by what a person types: 汉字 (a name or
// part of a full name, "广州" or "深圳南山"), pinyin in full or as
// initials ("guangzhou", "gz"), or a code prefix ("4401"); best first,
// at most limit. The UI's pickers and the API search alike.
func searchRegionNames(q string, limit int) []cn.Region {
	q = strings.TrimSpace(q)
	if !isPinyinQuery(q) {
		// A name as people write it ("江苏苏州", "深圳南山") first, then
		// the names and full names that contain what was typed.
		out := cn.RegionsByName(q)
		for _, r := range cn.SearchRegions(q, limit) {
			if !slices.ContainsFunc(out, func(x cn.Region) bool { return x.Code == r.Code }) {
				out = append(out, r)
			}
		}
		return out[:min(limit, len(out))]
	}
	q = strings.ToLower(strings.ReplaceAll(q, " ", ""))
	idx := regionPinyin()
	type hit struct {
		rank int
		i    int
	}
	var hits []hit
	for i, keys := range idx.keys {
		rank := -1
		for _, k := range keys {
			switch {
			case k == q:
				rank = 0
			case strings.HasPrefix(k, q) && (rank < 0 || rank > 1):
				rank = 1
			case strings.Contains(k, q) && rank < 0:
				rank = 2
			}
		}
		if rank < 0 {
			continue
		}
		r := idx.all[i]
		rank *= 2
		if r.Statistical {
			rank++
		}
		hits = append(hits, hit{rank*4 + int(r.Level), i})
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.rank, b.rank) })
	out := make([]cn.Region, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, idx.all[h.i])
	}
	return out
}

// isPinyinQuery reports whether q is Latin letters (and spaces) only.
func isPinyinQuery(q string) bool {
	if q == "" {
		return false
	}
	for _, r := range q {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ') {
			return false
		}
	}
	return true
}

// regionPinyinIndex holds every region's pinyin spellings, full and
// initials, in code order.
type regionPinyinIndex struct {
	all  []cn.Region
	keys [][]string
}

// regionPinyin walks the region tree once, on first use.
var regionPinyin = sync.OnceValue(func() *regionPinyinIndex {
	idx := &regionPinyinIndex{}
	var walk func(parent string)
	walk = func(parent string) {
		for _, r := range cn.RegionChildren(parent) {
			full, initials := cn.PinyinKeys(r.Name)
			idx.all = append(idx.all, r)
			idx.keys = append(idx.keys, append(full, initials...))
			walk(r.Code)
		}
	}
	walk("")
	return idx
})

// industryJSON is a GB/T 4754 section with its divisions, or a division.
type industryJSON struct {
	Code      string         `json:"code"`
	Name      string         `json:"name"`
	NameEn    string         `json:"name_en,omitempty"`
	Divisions []industryJSON `json:"divisions,omitempty"`
}

// industries answers GET /api/v1/industries: the sections with their
// divisions; with q, only the entries whose code, name or pinyin
// matches, under their sections (a matching section keeps all its
// divisions).
func (a *API) industries(w http.ResponseWriter, r *http.Request) error {
	if _, ok := crm.PrincipalFrom(r.Context()); !ok {
		return crm.Fail(crm.EUnauthorized, "crm.sign_in")
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	page, err := httpx.SlicePage(searchIndustries(r.URL.Query().Get("q")), p, func(x industryJSON) any { return x.Code })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// searchIndustries is the industry tree filtered by q (see industries).
func searchIndustries(q string) []industryJSON {
	q = strings.TrimSpace(q)
	out := []industryJSON{}
	for _, s := range cn.Sections() {
		sec := industryJSON{Code: s.Code, Name: s.Name, NameEn: s.NameEn}
		whole := q == "" || industryMatches(s, q)
		for _, d := range cn.Divisions(s.Code) {
			if whole || industryMatches(d, q) {
				sec.Divisions = append(sec.Divisions, industryJSON{Code: d.Code, Name: d.Name})
			}
		}
		if whole || len(sec.Divisions) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

// industryMatches: a code (either case, or a division's leading digit),
// part of the name, pinyin, or an English section name's word.
func industryMatches(in cn.Industry, q string) bool {
	if strings.EqualFold(in.Code, q) || (unicode.IsDigit(rune(q[0])) && strings.HasPrefix(in.Code, q)) {
		return true
	}
	if strings.Contains(in.Name, q) {
		return true
	}
	if in.NameEn != "" && len(q) > 1 && strings.Contains(strings.ToLower(in.NameEn), strings.ToLower(q)) {
		return true
	}
	return isPinyinQuery(q) && len(q) > 1 && cn.MatchPinyin(in.Name, strings.ReplaceAll(q, " ", ""))
}
