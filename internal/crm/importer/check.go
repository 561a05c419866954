package importer

import (
	"context"
	"hash/maphash"
	"strings"

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
	return rc, nil
}

// checked is one row after checking.
type checked struct {
	row      ImportRow
	problems []ImportProblem
	keys     [3]string // uscc, normalised name, mobile blind index
	// contactName is the row's contact name as written, for the report.
	contactName string
}

// problem adds a problem to a row's report. The report keeps the text as
// a key and arguments, rendered in the reader's language when read; its
// Message is the rendering in the import's language, for the command line
// and the rows stored before texts were kept so.
func (rc *rowChecker) problem(ch *checked, field, code string, text msg.Message) {
	ch.problems = append(ch.problems, ImportProblem{Row: ch.row.Row, Column: rc.colOf[field], Field: field, Code: code,
		Message: text.In(rc.lang), Text: text})
}

// parse builds and validates the customer and contact of one row.
func (rc *rowChecker) parse(ctx context.Context, rec []string, rowNo int) checked {
	ch := checked{row: ImportRow{Row: rowNo}}
	v := map[string]string{}
	for _, c := range rc.cols {
		if c.Field != "" && c.Index < len(rec) {
			v[c.Field] = strings.TrimSpace(rec[c.Index])
		}
	}
	c := customer.Customer{Kind: optionValue(importKinds, v[FieldKind]), Name: v[FieldName], ShortName: v[FieldShortName], USCC: v[FieldUSCC],
		LegalRep: v[FieldLegalRep], IndustryCode: firstWord(v[FieldIndustry]), RegionCode: firstWord(v[FieldRegion]), Address: v[FieldAddress],
		Source: optionValue(importSources, v[FieldSource]), Stage: optionValue(importStages, v[FieldStage]), Notes: v[FieldNotes],
		EmployeeBand: v[FieldEmployeeBand], RevenueBand: v[FieldRevenueBand], Tags: splitTags(v[FieldTags]), OwnerID: rc.p.UserID}
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
		rc.owner(ctx, &ch, &c, name)
	}
	c.NameNorm = customer.NormalizeName(c.Name)
	ch.row.Customer = c
	if v[FieldContactName] != "" || v[FieldContactTitle] != "" || v[FieldContactMobile] != "" || v[FieldContactLandline] != "" ||
		v[FieldContactEmail] != "" || v[FieldContactWeChat] != "" {
		k := &customer.Contact{Name: v[FieldContactName], Title: v[FieldContactTitle], Landline: v[FieldContactLandline], Email: v[FieldContactEmail],
			WeChatID: v[FieldContactWeChat], IsPrimary: true, Version: 1}
		ch.contactName = k.Name
		if err := k.Validate(rc.lang, rc.today); err != nil {
			rc.fieldProblems(&ch, err, "contact_")
		}
		if m := v[FieldContactMobile]; m != "" {
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
	ch.keys[0], ch.keys[1] = c.USCC, c.NameNorm
	return ch
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
