package importer

import (
	"context"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
)

// rowChecker checks rows as the customers API would, and remembers the
// keys of the good rows to find duplicates within the file.
type rowChecker struct {
	im      *Service
	p       crm.Principal
	x       *Import
	cols    []ImportColumn
	colOf   map[string]string // field → header
	seed    maphash.Seed
	seen    map[uint64]int32 // hashed key of a good row → its row number
	owners  map[string]identity.User
	lang    string
	keyring crm.Sealer
	today   calendar.Date // for birthdays, which may not be in the future
	// formulaValues takes formula cells' values instead of reporting them.
	formulaValues bool
}

func (im *Service) newChecker(ctx context.Context, x *Import) (*rowChecker, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return nil, err
	}
	rc := &rowChecker{im: im, p: p, x: x, cols: x.Columns, colOf: map[string]string{}, seed: maphash.MakeSeed(), today: calendar.DateOf(im.now().In(crm.Shanghai)),
		seen: map[uint64]int32{}, owners: map[string]identity.User{}, lang: x.Lang, keyring: im.keyring}
	for _, c := range x.Columns {
		if c.Field != "" {
			rc.colOf[c.Field] = c.Header
		}
	}
	_, o, _ := splitMapping(x.Mapping, x.Lang)
	rc.formulaValues = o.formulaValues
	return rc, nil
}

// checked is one row after checking.
type checked struct {
	row      ImportRow
	problems []ImportProblem
	notices  []ImportProblem // said of the row without making it bad
	skip     bool            // no customer: a summary row
	keys     [3]string       // uscc, normalised name, mobile blind index
	// contactName is the row's contact name as written, for the report.
	contactName string
}

// problem adds a problem to a row's report. The report keeps the text as
// a key and arguments, rendered in the reader's language when read; its
// Message is the rendering in the import's language, for the command line
// and the rows stored before texts were kept so.
func (rc *rowChecker) problem(ch *checked, field, code string, text msg.Message) {
	p := ImportProblem{Row: ch.row.Row, Column: rc.colOf[field], Field: field, Code: code, Level: LevelOf(code),
		Message: text.In(rc.lang), Text: text}
	for _, q := range ch.report() {
		if q.Field == p.Field && q.Code == p.Code && q.Message == p.Message {
			return // each problem once
		}
	}
	if p.Level == LevelNotice {
		ch.notices = append(ch.notices, p)
		return
	}
	ch.problems = append(ch.problems, p)
}

// parse builds and validates the customer and contact of one row;
// formulas are the row's formula cells by column.
func (rc *rowChecker) parse(ctx context.Context, rec []string, rowNo int, formulas map[int]string) checked {
	ch := checked{row: ImportRow{Row: rowNo}}
	v := map[string]string{}
	formulaIn := map[string]bool{}
	for _, c := range rc.cols {
		if c.Field == "" || c.Index >= len(rec) {
			continue
		}
		if f, ok := formulas[c.Index]; ok && !rc.formulaValues {
			rc.problem(&ch, c.Field, "formula", msg.M("importer.row.formula", colName(c.Index)+strconv.Itoa(rowNo), f))
			formulaIn[c.Field] = true
			continue
		}
		v[c.Field] = cellText(c.Field, rec[c.Index])
	}
	c := customer.Customer{Kind: optionValue(importKinds, v[FieldKind]), Name: v[FieldName], ShortName: v[FieldShortName], USCC: v[FieldUSCC],
		LegalRep: v[FieldLegalRep], IndustryCode: firstWord(v[FieldIndustry]), Address: v[FieldAddress],
		Source: optionValue(importSources, v[FieldSource]), Stage: optionValue(importStages, v[FieldStage]), Notes: v[FieldNotes],
		EmployeeBand: v[FieldEmployeeBand], RevenueBand: v[FieldRevenueBand], Tags: splitTags(v[FieldTags]), OwnerID: rc.p.UserID}
	if r := v[FieldRegion]; r != "" {
		c.RegionCode = rc.region(&ch, r)
	}
	c.Normalize()
	if err := c.Validate(rc.lang); err != nil {
		rc.fieldProblems(&ch, err, "")
	}
	if utf8Len(c.Address) > 500 {
		rc.problem(&ch, FieldAddress, "length", msg.M("importer.row.max_len", 500))
	}
	if utf8Len(c.Notes) > 2000 {
		rc.problem(&ch, FieldNotes, "length", msg.M("importer.row.max_len", 2000))
	}
	c.TeamID = rc.p.TeamID
	if name := v[FieldOwner]; name != "" {
		rc.owner(ctx, &ch, &c, ownerUsername(name))
	}
	c.NameNorm = customer.NormalizeName(c.Name)
	ch.row.Customer = c
	mobile := v[FieldContactMobile]
	if isMasked(mobile) {
		rc.problem(&ch, FieldContactMobile, CodeMasked, msg.M("importer.row.masked", mobile))
		mobile = ""
	}
	if v[FieldContactName] != "" || v[FieldContactTitle] != "" || mobile != "" || v[FieldContactLandline] != "" ||
		v[FieldContactEmail] != "" || v[FieldContactWeChat] != "" || v[FieldContactBirthday] != "" {
		k := &customer.Contact{Name: v[FieldContactName], Title: v[FieldContactTitle], Landline: v[FieldContactLandline], Email: v[FieldContactEmail],
			WeChatID: v[FieldContactWeChat], IsPrimary: true, Version: 1}
		ch.contactName = k.Name
		if b := v[FieldContactBirthday]; b != "" {
			if d, ok := ParseDate(b); ok {
				k.Birthday = d
			} else {
				rc.problem(&ch, FieldContactBirthday, "format", msg.M("importer.row.date", b))
			}
		}
		if err := k.Validate(rc.lang, rc.today); err != nil {
			rc.fieldProblems(&ch, err, "contact_")
		}
		if m := mobile; m != "" {
			norm, pr := cn.ValidateMobile(m)
			switch {
			case pr != nil && pr.Severity == cn.Error:
				rc.problem(&ch, FieldContactMobile, pr.Code, msg.Of(pr))
			case rc.keyring == nil:
				rc.problem(&ch, FieldContactMobile, "no_keyring", msg.M("crm.no_keyring"))
			default:
				k.MobileIdx, k.MobileLast4, k.Mobile = rc.keyring.BlindIndex(customer.ContactMobileDomain, []byte(norm)), norm[len(norm)-4:], norm
				ch.keys[2] = k.MobileIdx
			}
		}
		ch.row.Contact = k
	}
	if len(formulaIn) > 0 {
		// A formula cell is its row's problem once: not also "required".
		kept := ch.problems[:0]
		for _, p := range ch.problems {
			if p.Code == "formula" || !formulaIn[p.Field] {
				kept = append(kept, p)
			}
		}
		ch.problems = kept
	}
	ch.keys[0], ch.keys[1] = c.USCC, c.NameNorm
	return ch
}

// region reads a region cell: a code, a development zone's code (recorded
// as the region it lies in, with a notice), a code with its name, or a
// name. What it cannot read goes on to the customer's validation as
// written, which names the problem.
func (rc *rowChecker) region(ch *checked, s string) string {
	r, zone, candidates, ok := cn.LookupRegion(s)
	if ok {
		if zone != "" {
			rc.problem(ch, FieldRegion, CodeRegionMapped, msg.M("importer.row.region_mapped", firstWord(s), zone, r.Code, cn.RegionFullName(r.Code)))
		}
		return r.Code
	}
	code := firstWord(s)
	if len(candidates) > 1 {
		names := make([]string, 0, min(len(candidates), 5))
		for _, c := range candidates[:min(len(candidates), 5)] {
			names = append(names, c.Code+" "+cn.RegionFullName(c.Code))
		}
		rc.problem(ch, FieldRegion, "ambiguous", msg.M("importer.row.region_ambiguous", s, strings.Join(names, "; ")))
		return ""
	}
	if strings.IndexFunc(code, unicode.IsDigit) < 0 {
		rc.problem(ch, FieldRegion, "unknown", msg.M("importer.row.region_name", s))
		return ""
	}
	return code
}

// report is what the report says of a row: its problems and notices, in
// column order as they were found.
func (ch *checked) report() []ImportProblem {
	if len(ch.notices) == 0 {
		return ch.problems
	}
	return append(append([]ImportProblem{}, ch.problems...), ch.notices...)
}

func utf8Len(s string) int { return len([]rune(s)) }

// owner checks the owner named in a row as Create would.
func (rc *rowChecker) owner(ctx context.Context, ch *checked, c *customer.Customer, name string) {
	u, ok := rc.owners[name]
	if !ok {
		var err error
		u, err = rc.im.store.UserByUsername(ctx, name)
		if err != nil && crm.ErrorCode(err) != crm.ENotFound {
			rc.problem(ch, FieldOwner, "lookup", msg.Plain(err.Error()))
			return
		}
		rc.owners[name] = u // the zero User when there is none
	}
	switch {
	case u.ID == 0:
		rc.problem(ch, FieldOwner, "unknown", msg.M("importer.owner.unknown"))
	case u.Disabled():
		rc.problem(ch, FieldOwner, "disabled", msg.M("importer.owner.disabled"))
	case u.ID != rc.p.UserID && !rc.p.Role.Can(crm.ActCustomerAssign):
		rc.problem(ch, FieldOwner, "forbidden", msg.M("importer.owner.forbidden"))
	case rc.p.Role == crm.RoleSalesManager && u.ID != rc.p.UserID && (u.TeamID == 0 || u.TeamID != rc.p.TeamID):
		rc.problem(ch, FieldOwner, "forbidden", msg.M("importer.owner.team"))
	default:
		c.OwnerID, c.TeamID = u.ID, u.TeamID
	}
}
