package crm

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/cn"
)

// Customer is one record of the customer archive (客户档案).
type Customer struct {
	ID           int64      `json:"id"`
	Code         string     `json:"code"`
	Kind         string     `json:"kind"`
	Name         string     `json:"name"`
	ShortName    string     `json:"short_name"`
	USCC         string     `json:"uscc"`
	LegalRep     string     `json:"legal_representative"`
	IndustryCode string     `json:"industry_code"`
	RegionCode   string     `json:"region_code"`
	Address      string     `json:"address"`
	Source       string     `json:"source"`
	Stage        string     `json:"stage"`
	OwnerID      int64      `json:"owner_id"`
	TeamID       int64      `json:"team_id,omitempty"`
	Notes        string     `json:"notes"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	DeletedAt    *time.Time `json:"deleted_at,omitempty"`

	NameNorm string `json:"-"` // NormalizeName(Name), for duplicate checks
}

// The option lists of a customer, from the policies.
var (
	CustomerKinds   = []string{"company", "individual"}
	CustomerSources = []string{"online", "offline", "social_media", "referral", "trade_fair", "advertising", "other"}
	// CustomerStages are 潜在/一般/重要/战略/流失.
	CustomerStages = []string{"potential", "general", "important", "strategic", "churned"}
)

// normalize trims the text fields and fills defaults.
func (c *Customer) normalize() {
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
}

// validate checks every field and returns all problems at once.
func (c *Customer) validate(lang string) error {
	var fs []FieldError
	bad := func(field, code, msg string) { fs = append(fs, FieldError{Field: field, Code: code, Message: msg}) }
	if !slices.Contains(CustomerKinds, c.Kind) {
		bad("kind", "unknown", "must be company or individual")
	}
	if c.Name == "" {
		bad("name", "required", "is required")
	} else if utf8.RuneCountInString(c.Name) > 200 {
		bad("name", "length", "must be at most 200 characters")
	}
	if utf8.RuneCountInString(c.ShortName) > 50 {
		bad("short_name", "length", "must be at most 50 characters")
	}
	if c.USCC != "" {
		norm, p := cn.ValidateUSCC(c.USCC)
		switch {
		case p != nil && p.Severity == cn.Error:
			bad("uscc", p.Code, p.Message(lang))
		default:
			c.USCC = norm // a checksum warning is accepted: some early codes fail it
		}
	}
	if c.IndustryCode != "" {
		if p := cn.ValidIndustryCode(c.IndustryCode); p != nil {
			bad("industry_code", p.Code, p.Message(lang))
		}
	}
	if c.RegionCode != "" {
		if p := cn.ValidRegionCode(c.RegionCode); p != nil {
			bad("region_code", p.Code, p.Message(lang))
		}
	}
	if !slices.Contains(CustomerSources, c.Source) {
		bad("source", "unknown", "must be one of "+strings.Join(CustomerSources, ", "))
	}
	if !slices.Contains(CustomerStages, c.Stage) {
		bad("stage", "unknown", "must be one of "+strings.Join(CustomerStages, ", "))
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}
