package importer

import (
	"context"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/msg"
	"golang.org/x/text/width"
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
	// codeCol and nameCol are the indices of the customer code and name
	// columns (-1 for none), to fold a customer's rows.
	codeCol, nameCol int
}

func (im *Service) newChecker(ctx context.Context, x *Import) (*rowChecker, error) {
	p, err := crm.Authorize(ctx, crm.ActCustomerCreate)
	if err != nil {
		return nil, err
	}
	rc := &rowChecker{im: im, p: p, x: x, cols: x.Columns, colOf: map[string]string{}, seed: maphash.MakeSeed(), today: calendar.DateOf(im.now().In(crm.Shanghai)),
		seen: map[uint64]int32{}, owners: map[string]identity.User{}, lang: x.Lang, keyring: im.keyring}
	rc.codeCol, rc.nameCol = -1, -1
	for _, c := range x.Columns {
		if c.Field != "" {
			rc.colOf[c.Field] = c.Header
		}
		switch c.Field {
		case FieldCode:
			rc.codeCol = c.Index
		case FieldName:
			rc.nameCol = c.Index
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
	// code and name are the customer's code and name cells: the rows
	// after it with the same code continue it (one row per contact).
	code, name string
	primary    []int // per contact: its primary flag as written
	rows       int   // how many rows continue it
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
	v, formulaIn := rc.cells(&ch, rec, formulas)
	c := customer.Customer{Kind: optionValue(importKinds, v[FieldKind]), Name: v[FieldName], ShortName: v[FieldShortName], USCC: v[FieldUSCC],
		LegalRep: v[FieldLegalRep], IndustryCode: industryCode(v[FieldIndustry]), Address: v[FieldAddress],
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
	ch.code, ch.name = v[FieldCode], c.Name
	rc.contact(&ch, v)
	if k := ch.row.Contact; k != nil {
		ch.keys[2] = k.MobileIdx
	}
	dropFormulaEchoes(&ch, formulaIn)
	ch.keys[0], ch.keys[1] = c.USCC, c.NameNorm
	return ch
}

// cells reads a row's mapped cells by field; a formula cell (unless the
// mapping takes formulas' values) is a problem of the row instead.
func (rc *rowChecker) cells(ch *checked, rec []string, formulas map[int]string) (map[string]string, map[string]bool) {
	v := map[string]string{}
	formulaIn := map[string]bool{}
	for _, c := range rc.cols {
		if c.Field == "" || c.Index >= len(rec) {
			continue
		}
		if f, ok := formulas[c.Index]; ok && !rc.formulaValues {
			rc.problem(ch, c.Field, "formula", msg.M("importer.row.formula", colName(c.Index)+strconv.Itoa(ch.row.Row), f))
			formulaIn[c.Field] = true
			continue
		}
		v[c.Field] = cellText(c.Field, rec[c.Index])
	}
	return v, formulaIn
}

// dropFormulaEchoes keeps a formula cell its row's problem once: not also
// "required" or "format" for the value it stands in for.
func dropFormulaEchoes(ch *checked, formulaIn map[string]bool) {
	if len(formulaIn) == 0 {
		return
	}
	kept := ch.problems[:0]
	for _, p := range ch.problems {
		if p.Code == "formula" || !formulaIn[p.Field] {
			kept = append(kept, p)
		}
	}
	ch.problems = kept
}

// contact builds and validates the contact of a row's cells, if it has
// one, as ch's next contact.
func (rc *rowChecker) contact(ch *checked, v map[string]string) {
	mobile := v[FieldContactMobile]
	if isMasked(mobile) {
		rc.problem(ch, FieldContactMobile, CodeMasked, msg.M("importer.row.masked", mobile))
		mobile = ""
	}
	if v[FieldContactName] == "" && v[FieldContactTitle] == "" && mobile == "" && v[FieldContactLandline] == "" &&
		v[FieldContactEmail] == "" && v[FieldContactWeChat] == "" && v[FieldContactBirthday] == "" {
		return
	}
	k := &customer.Contact{Name: v[FieldContactName], Title: v[FieldContactTitle], Landline: v[FieldContactLandline], Email: v[FieldContactEmail],
		WeChatID: v[FieldContactWeChat], Version: 1}
	ch.contactName = k.Name
	if b := v[FieldContactBirthday]; b != "" {
		if d, ok := ParseDate(b); ok {
			k.Birthday = d
		} else {
			rc.problem(ch, FieldContactBirthday, "format", msg.M("importer.row.date", b))
		}
	}
	if err := k.Validate(rc.lang, rc.today); err != nil {
		rc.fieldProblems(ch, err, "contact_")
	}
	if m := mobile; m != "" {
		norm, pr := cn.ValidateMobile(m)
		switch {
		case pr != nil && pr.Severity == cn.Error:
			rc.problem(ch, FieldContactMobile, pr.Code, msg.Of(pr))
		case rc.keyring == nil:
			rc.problem(ch, FieldContactMobile, "no_keyring", msg.M("crm.no_keyring"))
		default:
			k.MobileIdx, k.MobileLast4, k.Mobile = rc.keyring.BlindIndex(customer.ContactMobileDomain, []byte(norm)), norm[len(norm)-4:], norm
		}
	}
	flag := primaryUnknown
	if s := v[FieldContactPrimary]; s != "" {
		switch yes, ok := yesNo(s); {
		case !ok:
			rc.problem(ch, FieldContactPrimary, "unknown", msg.M("importer.row.yes_no", s))
		case yes:
			flag = primaryYes
		default:
			flag = primaryNo
		}
	}
	if ch.row.Contact == nil {
		ch.row.Contact = k
	} else {
		ch.row.MoreContacts = append(ch.row.MoreContacts, k)
	}
	ch.primary = append(ch.primary, flag)
	ch.settlePrimary()
}

// A contact's primary flag as its row gives it.
const (
	primaryUnknown = iota // no primary column, or a blank cell
	primaryYes
	primaryNo
)

// settlePrimary marks one of a customer's contacts as its primary: the
// first marked yes; else the first not marked no. Contacts all marked no
// leave the customer without one, as the export had it.
func (ch *checked) settlePrimary() {
	all := append([]*customer.Contact{ch.row.Contact}, ch.row.MoreContacts...)
	pick := slices.Index(ch.primary, primaryYes)
	if pick < 0 {
		pick = slices.Index(ch.primary, primaryUnknown)
	}
	for i, k := range all {
		k.IsPrimary = i == pick
	}
}

// MaxImportContacts is how many rows may continue one customer of an
// import file (its further contacts): rows past it do not continue it (they read as
// customers of their own, duplicates of it), so that no file makes one
// customer that fills the memory.
const MaxImportContacts = 500

// continues says whether a row continues the customer of the row before
// it (one row per contact, as Kehu's export writes a customer with several
// contacts): it carries the same customer code, and the same name or none.
func (rc *rowChecker) continues(prev *checked, rec []string) bool {
	if prev == nil || prev.code == "" || rc.codeCol < 0 || rc.codeCol >= len(rec) || prev.rows >= MaxImportContacts {
		return false
	}
	if cellText(FieldCode, rec[rc.codeCol]) != prev.code {
		return false
	}
	if rc.nameCol < 0 || rc.nameCol >= len(rec) {
		return true
	}
	name := strings.TrimSpace(cellText(FieldName, rec[rc.nameCol]))
	return name == "" || name == prev.name
}

// fold reads a continuation row (see continues) into its customer: the
// row's contact joins the customer's, and the row's problems and notices
// are the customer's. The customer's own columns on it are not read again.
func (rc *rowChecker) fold(ch *checked, rec []string, rowNo int, formulas map[int]string) {
	row := checked{row: ImportRow{Row: rowNo, Contact: ch.row.Contact, MoreContacts: ch.row.MoreContacts}, primary: ch.primary}
	v, formulaIn := rc.cells(&row, rec, formulas)
	for f := range v {
		if !strings.HasPrefix(f, "contact_") {
			delete(v, f)
		}
	}
	rc.contact(&row, v)
	dropFormulaEchoes(&row, formulaIn)
	ch.row.Contact, ch.row.MoreContacts, ch.primary = row.row.Contact, row.row.MoreContacts, row.primary
	ch.problems = append(ch.problems, row.problems...)
	ch.notices = append(ch.notices, row.notices...)
	ch.rows++
	if ch.keys[2] == "" && ch.row.Contact != nil {
		ch.keys[2] = ch.row.Contact.MobileIdx
	}
}

// yesNo reads a yes/no cell: 是/否, yes/no, y/n, true/false, 1/0, ✓.
func yesNo(s string) (yes, ok bool) {
	switch strings.ToLower(strings.TrimSpace(width.Fold.String(s))) {
	case "是", "yes", "y", "true", "1", "√", "✓", "主要":
		return true, true
	case "否", "no", "n", "false", "0", "×", "✗":
		return false, true
	}
	return false, false
}

// region reads a region cell: a code, a development zone's code (recorded
// as the region it lies in, with a notice), a code with its name, or a
// name. What it cannot read goes on to the customer's validation as
// written, which names the problem.
func (rc *rowChecker) region(ch *checked, s string) string {
	r, zone, candidates, ok := cn.LookupRegion(s)
	if ok {
		if zone.Code != "" {
			rc.problem(ch, FieldRegion, CodeRegionMapped, msg.M("importer.row.region_mapped", zone.Code, zone.Name, r.Code, cn.RegionFullName(r.Code)))
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

// industryCode reads an industry cell: a GB/T 4754 code, a code with its
// name, or a name (制造业, a division's name). What it cannot read goes on
// to the customer's validation as written, which names the problem.
func industryCode(s string) string {
	if in, ok := cn.LookupIndustry(s); ok {
		return in.Code
	}
	return firstWord(s)
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
