package customer

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// ExportColumns are the keys of a customer export's columns, in order;
// each column's heading is the catalogue's customer.export.col.KEY.
//
// A customer takes one row per contact (its primary contact first), the
// customer's columns repeated on each, so that the file reads the same as
// CSV and XLSX, sorts and filters in a spreadsheet, and imports back: rows
// that repeat the code of the row above are that customer's further
// contacts. A customer without contacts takes one row.
var ExportColumns = []string{"code", "name", "short_name", "kind", "uscc", "legal_rep", "stage", "source", "region_code",
	"region_name", "industry_code", "industry_name", "address", "contact", "contact_title", "contact_mobile", "contact_email",
	"contact_primary", "tags", "owner", "owner_id", "notes", "created_at", "tier"}

// ExportHeadings returns the headings of ExportColumns in lang.
func ExportHeadings(lang string) []string {
	out := make([]string, len(ExportColumns))
	for i, k := range ExportColumns {
		out[i] = msg.Text(lang, "customer.export.col."+k)
	}
	return out
}

// ExportHeadingsFor is ExportHeadings for the caller: without the tier
// column for a role without tier.read (see ExportsTiers).
func ExportHeadingsFor(ctx context.Context, lang string) []string {
	h := ExportHeadings(lang)
	if !ExportsTiers(ctx) {
		h = h[:len(h)-1]
	}
	return h
}

// ExportsTiers reports whether the caller's export has the tier column
// (the last): a signed-in role needs tier.read; the system's jobs have it.
func ExportsTiers(ctx context.Context) bool {
	p, ok := crm.PrincipalFrom(ctx)
	return !ok || p.UserID < 0 || p.Role.Can(crm.ActTierRead)
}

// ExportRow is one customer as exported: text cells, formula-safe.
type ExportRow []string

// ExportOptions are how an export shows sensitive values.
type ExportOptions struct {
	// RevealReason, from a user who may reveal mobiles, exports them in
	// full, audited with the reason as a reveal is; otherwise they are
	// masked (138****5678).
	RevealReason string
	Format       string // csv or xlsx, for the audit entry
	Lang         string // the language of the option words (English gives the codes)
}

// exportOptions are the option codes an export writes as words, the
// catalogue's customer.export.option.CODE (the words an import reads back;
// the English words are the codes themselves).
var exportOptions = []string{"company", "individual", "dealer", "potential", "general", "important", "strategic", "churned",
	"online", "offline", "social_media", "referral", "trade_fair", "advertising", "other"}

// Export is ExportWith masking every sensitive value.
func (cs *Service) Export(ctx context.Context, f CustomerFilter, emit func(ExportRow) error) (int, error) {
	return cs.ExportWith(ctx, f, ExportOptions{}, emit)
}

// ExportWith streams the customers matching f in the caller's scope to
// emit, one row at a time, in the list's order (f.Sort, newest first by
// default), and audits the export before the first row: who, when, the
// whole filter and format, and whether mobiles were revealed and why. Cells that a
// spreadsheet would run as a formula (starting with = + - @ or a tab/CR)
// are neutralised.
func (cs *Service) ExportWith(ctx context.Context, f CustomerFilter, opt ExportOptions, emit func(ExportRow) error) (int, error) {
	if err := cs.CheckExport(ctx, opt); err != nil {
		return 0, err
	}
	reveal := strings.TrimSpace(opt.RevealReason) != ""
	tiers := ExportsTiers(ctx)
	owners := map[int64]string{}
	owner := func(id int64) string {
		if name, ok := owners[id]; ok {
			return name
		}
		name := strconv.FormatInt(id, 10)
		if u, err := cs.store.UserByID(ctx, id); err == nil {
			name = u.Username
			if u.DisplayName != "" {
				name = u.DisplayName + " (" + u.Username + ")"
			}
		}
		owners[id] = name
		return name
	}
	// The audit entry comes first: a CSV streams, and a client that
	// stops reading half-way has still received what it received.
	detail := map[string]any{"query": f.Query, "stage": f.Stage, "owner_id": f.OwnerID, "team_id": f.TeamID,
		"region": f.Region, "industry": f.Industry, "tag": f.Tag, "sort": f.Sort, "format": opt.Format, "mobiles_revealed": reveal}
	if !f.From.IsZero() {
		detail["created_from"] = f.From.UTC()
	}
	if !f.To.IsZero() {
		detail["created_to"] = f.To.UTC()
	}
	if reveal {
		detail["reveal_reason"] = opt.RevealReason
	}
	e := crm.NewAudit(ctx, crm.AuditExport, "customer", "", detail)
	if err := cs.store.Audit(ctx, &e); err != nil {
		return 0, err
	}
	n := 0
	f.Limit, f.BeforeID, f.After = 500, 0, nil
	for {
		page, err := cs.List(ctx, f)
		if err != nil {
			return n, err
		}
		ids := make([]int64, len(page))
		for i, c := range page {
			ids[i] = c.ID
		}
		for _, c := range page {
			contacts, err := cs.contacts.Contacts(ctx, c.ID)
			if err != nil {
				return n, err
			}
			label := func(code string) string {
				if slices.Contains(exportOptions, code) {
					return msg.Text(opt.Lang, "customer.export.option."+code)
				}
				return code
			}
			if len(contacts) == 0 {
				contacts = []Contact{{}}
			}
			for _, k := range contacts {
				name, mobile := cs.exportedContact(k, reveal)
				primary := ""
				if k.ID != 0 {
					primary = msg.Text(opt.Lang, "customer.export.no")
					if k.IsPrimary {
						primary = msg.Text(opt.Lang, "customer.export.yes")
					}
				}
				row := ExportRow{c.Code, c.Name, c.ShortName, label(c.Kind), c.USCC, c.LegalRep, label(c.Stage), label(c.Source), c.RegionCode, c.RegionName(), c.IndustryCode, c.IndustryName(),
					c.Address, name, k.Title, mobile, k.Email, primary, JoinTags(c.Tags), owner(c.OwnerID), strconv.FormatInt(c.OwnerID, 10), c.Notes,
					c.CreatedAt.In(crm.Shanghai).Format("2006-01-02 15:04"), TierCell(c.Tiers, opt.Lang)}
				if !tiers {
					row = row[:len(row)-1]
				}
				for i := range row {
					row[i] = NeutraliseCell(row[i])
				}
				if err := emit(row); err != nil {
					return n, err
				}
			}
			n++
		}
		if len(page) < f.Limit {
			break
		}
		if f.Sort != "" {
			k := CursorAfter(f.Sort, page[len(page)-1])
			f.After = &k
		} else {
			f.BeforeID = page[len(page)-1].ID
		}
	}
	return n, nil
}

// CheckExport says whether the caller may export with opt: the export
// permission, and to reveal mobiles the reveal permission and a reason of
// at most 200 characters. A streaming caller asks before its file starts.
func (cs *Service) CheckExport(ctx context.Context, opt ExportOptions) error {
	p, err := crm.Authorize(ctx, crm.ActCustomerExport)
	if err != nil {
		return err
	}
	switch reason := strings.TrimSpace(opt.RevealReason); {
	case reason == "":
		return nil
	case !p.Role.Can(crm.ActCustomerReveal):
		return crm.FailField(crm.EForbidden, "reveal_reason", "forbidden", "customer.reveal_reason.forbidden")
	case utf8.RuneCountInString(reason) > 200:
		return crm.Invalid(crm.Bad("reveal_reason", "length", "customer.max_200"))
	}
	return nil
}

// TierCell writes a customer's tiers into one cell: each active scheme's
// level as named in lang, in the schemes' order (A类客户、高端客户).
func TierCell(tiers []TierBadge, lang string) string {
	sep := "、"
	if lang == "en" {
		sep = "; "
	}
	out := make([]string, len(tiers))
	for i, t := range tiers {
		out[i] = t.TierLabel(lang)
	}
	return strings.Join(out, sep)
}

// TagSeparators are the characters an import splits a tags cell on.
const TagSeparators = ",，;；、|/"

// JoinTags writes tags into one cell as an import reads them back
// (SplitTags): apart by semicolons, a tag that holds a separator or starts
// with a double quote within double quotes (a quote in it doubled).
func JoinTags(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		if strings.ContainsAny(t, TagSeparators) || strings.HasPrefix(t, `"`) {
			t = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		out[i] = t
	}
	return strings.Join(out, ";")
}

// SplitTags reads a tags cell: on semicolons when it has one outside
// quotes (as JoinTags writes, and as a tag may hold a comma or slash),
// else on any of TagSeparators. A tag that starts with a double quote is
// read to the closing quote as it is (a doubled quote in it is one
// quote); a quote inside a tag is just a character.
func SplitTags(s string) []string {
	seps := ";；"
	if !hasOutsideQuotes(s, seps) {
		seps = TagSeparators
	}
	return splitQuoted(s, seps)
}

// hasOutsideQuotes says whether s holds one of chars outside the quoted
// tags (as split on every separator).
func hasOutsideQuotes(s, chars string) bool {
	found := false
	scanTags(s, TagSeparators, func(rune) {}, func(r rune) { found = found || strings.ContainsRune(chars, r) })
	return found
}

// splitQuoted splits s into trimmed, non-empty tags on seps.
func splitQuoted(s, seps string) []string {
	out := []string{}
	var cur strings.Builder
	flush := func(rune) {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	scanTags(s, seps, func(r rune) { cur.WriteRune(r) }, flush)
	flush(0)
	return out
}

// scanTags walks s: each character of a tag goes to char (a tag's
// opening and closing quotes are not passed on, a doubled quote inside
// them is passed as one), and each separator of seps outside quotes to sep.
func scanTags(s, seps string, char, sep func(rune)) {
	rs := []rune(s)
	start := true // nothing but spaces yet in this tag
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case start && r == '"':
			for i++; i < len(rs); i++ {
				if rs[i] == '"' {
					if i+1 < len(rs) && rs[i+1] == '"' {
						char('"')
						i++
						continue
					}
					break
				}
				char(rs[i])
			}
			start = false
		case strings.ContainsRune(seps, r):
			sep(r)
			start = true
		default:
			start = start && unicode.IsSpace(r)
			char(r)
		}
	}
}

// exportedContact is a contact's name and mobile as exported:
// the mobile masked unless reveal.
func (cs *Service) exportedContact(k Contact, reveal bool) (name, mobile string) {
	if k.MobileEnc == "" || cs.sealer == nil {
		return k.Name, ""
	}
	b, err := cs.sealer.Decrypt(k.MobileEnc, secure.AAD("contacts", "mobile"))
	if err != nil {
		return k.Name, "****"
	}
	if reveal {
		return k.Name, string(b)
	}
	return k.Name, secure.MaskMobile(string(b))
}

// NeutraliseCell keeps a spreadsheet from running a cell as a formula
// (CSV injection): such a cell gets a leading apostrophe, and so does a
// value that already starts with apostrophes before such a character, so
// that UnguardCell gives every value back exactly.
func NeutraliseCell(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

// UnguardCell undoes NeutraliseCell: it drops the apostrophe put before a
// value a spreadsheet would run as a formula. Other values are kept.
func UnguardCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && needsGuard(rest) {
		return rest
	}
	return s
}

// needsGuard says whether s starts, after any apostrophes, with a
// character that makes a spreadsheet read a formula.
func needsGuard(s string) bool {
	t := strings.TrimLeft(s, "'")
	return t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0]))
}

// ExportStampMark is the first cell of the line that ends a CSV export
// with its stamp (who exported, when); an import skips that line. A CSV
// keeps its header on the first line, so that it reads back as it is.
const ExportStampMark = "#kehu-export"

// ExportStampLang is the line that records who exported and when, in a
// language (en or Chinese).
func ExportStampLang(ctx context.Context, now time.Time, lang string) string {
	p, _ := crm.PrincipalFrom(ctx)
	at := now.In(crm.Shanghai).Format("2006-01-02 15:04:05")
	return msg.Text(lang, "customer.export.stamp", p.Username, at)
}
