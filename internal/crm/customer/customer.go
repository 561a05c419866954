package customer

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"golang.org/x/text/width"
)

// Customer is one record of the customer archive (客户档案).
type Customer struct {
	ID           int64             `json:"id"`
	Code         string            `json:"code"`
	Kind         string            `json:"kind"`
	Name         string            `json:"name"`
	ShortName    string            `json:"short_name"`
	USCC         string            `json:"uscc"`
	LegalRep     string            `json:"legal_representative"`
	IndustryCode string            `json:"industry_code"`
	RegionCode   string            `json:"region_code"`
	Address      string            `json:"address"`
	Source       string            `json:"source"`
	Stage        string            `json:"stage"`
	OwnerID      int64             `json:"owner_id"`
	TeamID       int64             `json:"team_id,omitempty"`
	Notes        string            `json:"notes"`
	EmployeeBand string            `json:"employee_band"`
	RevenueBand  string            `json:"revenue_band"`
	Tags         []string          `json:"tags"`
	Tiers        []TierBadge       `json:"tiers,omitzero"` // the current level in each active tier scheme (客户分级), read only; nil (omitted) for a role without tier.read
	Custom       map[string]string `json:"custom_fields"`
	Version      int               `json:"version"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	DeletedAt    *time.Time        `json:"deleted_at,omitempty"`
	ImportID     int64             `json:"import_id,omitempty"`  // the import it came from, if any
	ImportRow    int               `json:"import_row,omitempty"` // and that import's file row
	// Notices say what validation changed without refusing it (a
	// development-zone code recorded as its region); not stored.
	Notices []crm.FieldError `json:"notices,omitempty"`

	NameNorm string `json:"-"` // NormalizeName(Name), for duplicate checks
	NameSort string `json:"-"` // the stored sort key (NameSortKey(Name) once written)
}

// TierBadge is a customer's current level in one active tier scheme: the
// scheme's code and the level's code and names.
type TierBadge struct {
	SchemeID int64  `json:"scheme_id"`
	Scheme   string `json:"scheme"`
	Level    string `json:"level"`
	Label    string `json:"label"`    // in Chinese
	LabelEn  string `json:"label_en"` // in English
}

// TierLabel is the badge's label in lang.
func (b TierBadge) TierLabel(lang string) string {
	if lang == "en" && b.LabelEn != "" {
		return b.LabelEn
	}
	return b.Label
}

// RegionName names the customer's region in full, placeholders left out
// ("广东省广州市天河区"); "" when it has none or the code is unknown. The
// code stays what is stored and what machines exchange; people read this.
func (c Customer) RegionName() string { return cn.RegionFullName(c.RegionCode) }

// IndustryName names the customer's GB/T 4754 section or division as the
// standard does ("软件和信息技术服务业"); "" when it has none.
func (c Customer) IndustryName() string {
	in, ok := cn.IndustryByCode(c.IndustryCode)
	if !ok || c.IndustryCode == "" {
		return ""
	}
	return in.Name
}

// customerJSON is a Customer without its methods, so that MarshalJSON
// can encode its fields without calling itself.
type customerJSON Customer

// MarshalJSON writes the customer with region_name and industry_name
// beside the codes, so every answer that carries a customer names them.
// A struct that embeds Customer and is itself encoded as JSON must
// declare its own MarshalJSON (this one would be promoted and hide the
// struct's other fields); today only the pages embed it.
func (c Customer) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		customerJSON
		RegionName   string `json:"region_name"`
		IndustryName string `json:"industry_name"`
	}{customerJSON(c), c.RegionName(), c.IndustryName()})
}

// NameSortKey is the key the list sorts names by (sort=name): each Han
// character as its toneless pinyin reading (the most common one, or the
// one a phrase asks for: 长安 is chang an), syllables apart,
// Latin letters lower-cased and digits as they are, so 安徽 < 北京 < 成都
// as in a Chinese index; the name itself follows, after a control
// character, to order names that read alike. The store writes it with
// every insert and update of a customer.
func NameSortKey(name string) string {
	var parts []string
	var word strings.Builder // a run of letters and digits
	var han []rune           // a run of other characters, read together (长安 is chang an)
	n := 0
	flush := func() {
		if word.Len() > 0 {
			parts = append(parts, word.String())
			word.Reset()
		}
		if len(han) > 0 {
			parts = append(parts, cn.FirstReadings(string(han))...)
			han = han[:0]
		}
	}
	for _, r := range width.Fold.String(name) {
		if n++; n > 100 {
			break
		}
		switch {
		case 'A' <= r && r <= 'Z':
			if len(han) > 0 {
				flush()
			}
			word.WriteRune(r + 'a' - 'A')
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			if len(han) > 0 {
				flush()
			}
			word.WriteRune(r)
		default:
			if word.Len() > 0 {
				flush()
			}
			han = append(han, r)
		}
	}
	flush()
	return strings.Join(parts, " ") + "\x01" + name
}

// The option lists of a customer, from the policies.
var (
	CustomerKinds   = []string{"company", "individual", "dealer"} // dealer: 经销商, see internal/crm/dealer
	CustomerSources = []string{"online", "offline", "social_media", "referral", "trade_fair", "advertising", "other"}
	// CustomerStages are 潜在/一般/重要/战略/流失.
	CustomerStages = []string{"potential", "general", "important", "strategic", "churned"}
	// EmployeeBands are head-count bands.
	EmployeeBands = []string{"1-9", "10-49", "50-99", "100-499", "500-999", "1000+"}
	// RevenueBands are yearly revenue bands in yuan (万 = 10,000).
	RevenueBands = []string{"<100万", "100万-500万", "500万-1000万", "1000万-5000万", "5000万-1亿", "1亿+"}
)

// normalize trims the text fields and fills defaults.
func (c *Customer) Normalize() {
	for _, f := range []*string{&c.Kind, &c.Name, &c.ShortName, &c.USCC, &c.LegalRep, &c.IndustryCode, &c.RegionCode, &c.Address, &c.Source, &c.Stage} {
		*f = strings.TrimSpace(*f)
	}
	if c.Kind == "" {
		c.Kind = "company"
	}
	if c.Source == "" {
		c.Source = "other"
	}
	if c.Stage == "" {
		c.Stage = "potential"
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.Custom == nil {
		c.Custom = map[string]string{}
	}
}

// validate checks every field and returns all problems at once.
func (c *Customer) Validate(lang string) error { return c.validateChange(lang, nil) }

// validateChange is validate for a change of before (nil: a new
// customer). A USCC whose check character fails and a region_code that is
// only a province or city prefix were accepted once: a record that still
// has one keeps it through changes to its other fields, but no new value
// of either kind is taken.
func (c *Customer) validateChange(lang string, before *Customer) error {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	// cn's texts and the two below have always spoken lang in Message.
	badIn := func(field, code string, text msg.Message) { fs = append(fs, crm.BadIn(lang, field, code, text)) }
	if !slices.Contains(CustomerKinds, c.Kind) {
		bad("kind", "unknown", "customer.kind.unknown")
	}
	if c.Name == "" {
		bad("name", "required", "customer.required")
	} else if utf8.RuneCountInString(c.Name) > 200 {
		bad("name", "length", "customer.name.max_len")
	}
	if utf8.RuneCountInString(c.ShortName) > 50 {
		bad("short_name", "length", "customer.short_name.length")
	}
	if c.USCC != "" {
		norm, p := cn.ValidateUSCC(c.USCC)
		kept := before != nil && norm == before.USCC
		switch {
		case p != nil && p.Severity == cn.Error:
			badIn("uscc", p.Code, msg.Of(p))
		case p != nil && p.Code == cn.CodeChecksum && !kept:
			badIn("uscc", p.Code, msg.M("customer.uscc.checksum", p.Want, p.Got))
		default:
			c.USCC = norm // an unknown registration authority is only a warning
		}
	}
	if c.IndustryCode != "" {
		if p := cn.ValidIndustryCode(c.IndustryCode); p != nil {
			badIn("industry_code", p.Code, msg.Of(p))
		}
	}
	if c.RegionCode != "" {
		changed := before == nil || c.RegionCode != before.RegionCode
		if cn.ValidRegionCode(c.RegionCode) != nil || changed && cn.IsDevZoneCode(c.RegionCode) {
			// What people have: a development-zone code (320571 or 320576
			// 苏州工业园区, as an import reads it) or a name (江苏省苏州市,
			// 苏州) stands for the region it names, with a notice for a zone.
			if r, zone, _, ok := cn.LookupRegion(c.RegionCode); ok {
				if zone.Code != "" {
					c.Notices = append(c.Notices, crm.BadIn(lang, "region_code", "region_mapped",
						msg.M("customer.region_code.zone_mapped", zone.Code, zone.Name, r.Code, cn.RegionFullName(r.Code))))
				}
				c.RegionCode = r.Code
			}
		}
		if p := cn.ValidRegionCode(c.RegionCode); p != nil {
			badIn("region_code", p.Code, msg.Of(p))
		} else if code, full := compactRegionCode(c.RegionCode); code == full {
			c.RegionCode = code
		} else if before == nil || c.RegionCode != before.RegionCode {
			badIn("region_code", "length", msg.M("customer.region_code.prefix", full, code))
		}
	}
	if !slices.Contains(CustomerSources, c.Source) {
		bad("source", "unknown", "customer.one_of", strings.Join(CustomerSources, ", "))
	}
	if !slices.Contains(CustomerStages, c.Stage) {
		bad("stage", "unknown", "customer.one_of", strings.Join(CustomerStages, ", "))
	}
	if c.EmployeeBand != "" && !slices.Contains(EmployeeBands, c.EmployeeBand) {
		bad("employee_band", "unknown", "customer.one_of", strings.Join(EmployeeBands, ", "))
	}
	if c.RevenueBand != "" && !slices.Contains(RevenueBands, c.RevenueBand) {
		bad("revenue_band", "unknown", "customer.one_of", strings.Join(RevenueBands, ", "))
	}
	if len(c.Tags) > 20 {
		bad("tags", "count", "customer.tags.count")
	}
	seen := map[string]bool{}
	tags := c.Tags[:0]
	for _, t := range c.Tags {
		t = strings.TrimSpace(t)
		if n := utf8.RuneCountInString(t); n == 0 || n > 20 {
			bad("tags", "length", "customer.tags.length")
			break
		}
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	c.Tags = tags
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}

// compactRegionCode returns a region code as entered without spaces and
// with full-width digits folded, and the 6-digit code it stands for: the
// two are equal when it was entered in full, not as a province (2-digit)
// or city (4-digit) prefix.
func compactRegionCode(s string) (code, full string) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, width.Fold.String(s))
	full, _ = cn.NormalizeRegionCode(code)
	return code, full
}

// RestoreUntil is when a customer in the trash stops being restorable:
// TrashDays after it was moved there. Zero for a live customer.
func (c Customer) RestoreUntil() time.Time {
	if c.DeletedAt == nil {
		return time.Time{}
	}
	return c.DeletedAt.Add(TrashDays * 24 * time.Hour)
}

// Restorable reports whether a customer in the trash may still be
// restored at now.
func (c Customer) Restorable(now time.Time) bool {
	return c.DeletedAt != nil && !now.After(c.RestoreUntil())
}
