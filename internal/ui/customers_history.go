package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// historyPageSize is how many changes the detail page's history shows at
// a time.
const historyPageSize = 20

// historyEntry is one change in the customer's history (变更历史) as the
// detail page shows it.
type historyEntry struct {
	ID          int64
	At          time.Time
	Who         string
	Action      string // create, update, handover, trash, restore, merge, card, delete, or the audit action as recorded
	ActionLabel string
	Reason      string // a handover's reason
	Note        string // what the entry is about beyond its changes: the merged customer, the card revision
	Link        string // the card revision's page
	FromMerged  string // the merged customer the entry was first about, "" when it is about this one
	Changes     []historyChange
}

// historyChange is one field of a change: before and after, or (Only)
// the value a new customer was created with.
type historyChange struct {
	Field, Label, Before, After string
	Only                        bool
}

// historyFieldOrder is the order the fields of a change are listed in,
// as the form asks for them; others follow by name.
var historyFieldOrder = []string{"code", "kind", "name", "short_name", "uscc", "legal_representative", "industry_code",
	"region_code", "address", "source", "stage", "owner_id", "employee_band", "revenue_band", "tags", "custom_fields", "notes"}

// historyLabels are the catalogue keys naming the fields of a change.
var historyLabels = map[string]string{"code": "customers.code", "kind": "customers.kind", "name": "customers.name",
	"short_name": "customers.short_name", "uscc": "customers.uscc", "legal_representative": "customers.legal_rep",
	"industry_code": "customers.industry_code", "region_code": "customers.region_code", "address": "customers.address",
	"source": "customers.source", "stage": "customers.stage", "owner_id": "customers.owner", "employee_band": "customers.employee_band",
	"revenue_band": "customers.revenue_band", "tags": "customers.tags", "custom_fields": "customers.custom_fields", "notes": "customers.notes"}

// userBook looks users up by ID for one page, each once.
type userBook struct {
	c     *customerPages
	ctx   context.Context
	users map[int64]*identity.User
}

func (c *customerPages) userBook(ctx context.Context) *userBook {
	return &userBook{c: c, ctx: ctx, users: map[int64]*identity.User{}}
}

// user is the user with id, nil when there is none.
func (b *userBook) user(id int64) (*identity.User, error) {
	if u, ok := b.users[id]; ok {
		return u, nil
	}
	u, err := b.c.svc.Directory.User(b.ctx, id)
	switch {
	case crm.ErrorCode(err) == crm.ENotFound:
		b.users[id] = nil
		return nil, nil
	case err != nil:
		return nil, err
	}
	b.users[id] = &u
	return &u, nil
}

// name names the user with id as the pages do: the display name, else
// the username; the ID when there is no such user.
func (b *userBook) name(id int64) (string, error) {
	u, err := b.user(id)
	if err != nil || u == nil {
		return "#" + strconv.FormatInt(id, 10), err
	}
	if u.DisplayName != "" {
		return u.DisplayName, nil
	}
	return u.Username, nil
}

// history reads the page of the customer's history that ends before
// beforeID (0: the newest) and the ID the next page ends before, 0 when
// it is the last.
func (c *customerPages) history(r *http.Request, lang string, x customer.Customer, beforeID int64, fields []customer.CardField, book *userBook) ([]historyEntry, int64, error) {
	list, err := c.cs.History(r.Context(), x.ID, beforeID, historyPageSize+1)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(list) > historyPageSize {
		list = list[:historyPageSize]
		next = list[len(list)-1].ID
	}
	customLabels := map[string]string{}
	for _, in := range customInputs(lang, fields, nil) {
		customLabels[in.Key] = in.Label
	}
	merged := map[int64]string{} // merged customers' codes, from the merges on this page
	for _, h := range list {
		if h.Action == crm.AuditMerge {
			var m struct {
				ID   int64  `json:"merged_id"`
				Code string `json:"merged_code"`
			}
			if json.Unmarshal(h.Detail, &m) == nil && m.ID > 0 {
				merged[m.ID] = m.Code
			}
		}
	}
	out := make([]historyEntry, 0, len(list))
	for _, h := range list {
		e, err := c.historyEntry(lang, x, h, customLabels, book)
		if err != nil {
			return nil, 0, err
		}
		if h.CustomerID != x.ID {
			code := merged[h.CustomerID]
			if code == "" {
				code = "#" + strconv.FormatInt(h.CustomerID, 10)
			}
			e.FromMerged = c.msgs.text(lang, "customers.history.from_merged", code)
		}
		out = append(out, e)
	}
	return out, next, nil
}

// historyEntry turns one entry of the audit log into what the page says.
func (c *customerPages) historyEntry(lang string, x customer.Customer, h customer.HistoryEntry, customLabels map[string]string, book *userBook) (historyEntry, error) {
	e := historyEntry{ID: h.ID, At: h.At, Who: h.Username, Action: h.Action}
	detail := map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(h.Detail))
	dec.UseNumber()
	_ = dec.Decode(&detail) // an entry whose detail is no object shows without one
	var err error
	switch {
	case h.Entity == "customer_card":
		e.Action = "card"
		var changed []string
		_ = json.Unmarshal(detail["changed"], &changed)
		if n := cardRevision(detail["revision"]); n > 0 {
			e.Note = c.msgs.text(lang, "customers.history.card_revision", n)
			if len(changed) > 0 {
				e.Note += c.msgs.text(lang, "customers.history.sep") + c.msgs.text(lang, "customers.history.card_changed", len(changed))
			}
			if h.CustomerID == x.ID {
				e.Link = fmt.Sprintf("/customers/%d/card/revisions/%d", x.ID, n)
			}
		}
	case h.Action == crm.AuditCreate:
		e.Action = "create"
		for _, f := range sortedFields(detail) {
			v, err := c.historyValue(lang, f, detail[f], book)
			if err != nil {
				return e, err
			}
			if v != "—" {
				e.Changes = append(e.Changes, historyChange{Field: f, Label: c.historyLabel(lang, f), After: v, Only: true})
			}
		}
	case h.Action == crm.AuditDelete:
		e.Action = "trash"
		if _, hard := detail["hard"]; hard {
			e.Action = "delete"
		}
	case h.Action == crm.AuditMerge:
		var m struct {
			Code string `json:"merged_code"`
			Name string `json:"merged_name"`
			Into struct {
				After string `json:"after"`
			} `json:"merged_into"`
		}
		_ = json.Unmarshal(h.Detail, &m)
		if m.Code == "" && m.Into.After != "" { // the merged customer's own entry
			e.Note = c.msgs.text(lang, "customers.history.merged_into", m.Into.After)
			break
		}
		e.Note = c.msgs.text(lang, "customers.history.merged", m.Code, m.Name)
	case h.Action == crm.AuditUpdate:
		e.Action = "update"
		if reason, ok := detail["handover_reason"]; ok {
			e.Action = "handover"
			_ = json.Unmarshal(reason, &e.Reason)
			delete(detail, "handover_reason")
		}
		if d, ok := detail["deleted"]; ok && len(detail) == 1 {
			var ch struct{ After bool }
			if json.Unmarshal(d, &ch) == nil && !ch.After {
				e.Action = "restore"
				break
			}
		}
		if e.Changes, err = c.historyChanges(lang, detail, customLabels, book); err != nil {
			return e, err
		}
	}
	e.ActionLabel = c.msgOr(lang, "customers.history.action."+e.Action, e.Action)
	return e, nil
}

// cardRevision reads the revision a card entry records: a number, or
// (as the store writes it) a change whose after is the number.
func cardRevision(raw json.RawMessage) int {
	var ch struct {
		After json.RawMessage `json:"after"`
	}
	if json.Unmarshal(raw, &ch) == nil && len(ch.After) > 0 {
		raw = ch.After
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	n, _ := strconv.Atoi(s)
	return n
}

// historyChanges are the fields of an update, each before and after;
// custom fields each on their own.
func (c *customerPages) historyChanges(lang string, detail map[string]json.RawMessage, customLabels map[string]string, book *userBook) ([]historyChange, error) {
	var out []historyChange
	for _, f := range sortedFields(detail) {
		var ch struct {
			Before json.RawMessage `json:"before"`
			After  json.RawMessage `json:"after"`
		}
		if json.Unmarshal(detail[f], &ch) != nil {
			continue
		}
		if f == "custom_fields" {
			var before, after map[string]string
			_ = json.Unmarshal(ch.Before, &before)
			_ = json.Unmarshal(ch.After, &after)
			keys := make([]string, 0, len(before)+len(after))
			for k := range before {
				keys = append(keys, k)
			}
			for k := range after {
				if _, ok := before[k]; !ok {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				if before[k] == after[k] {
					continue
				}
				label := customLabels[k]
				if label == "" {
					label = k
				}
				out = append(out, historyChange{Field: "custom_fields", Label: c.msgs.text(lang, "customers.custom_fields") + " · " + label,
					Before: orDash(before[k]), After: orDash(after[k])})
			}
			continue
		}
		before, err := c.historyValue(lang, f, ch.Before, book)
		if err != nil {
			return nil, err
		}
		after, err := c.historyValue(lang, f, ch.After, book)
		if err != nil {
			return nil, err
		}
		out = append(out, historyChange{Field: f, Label: c.historyLabel(lang, f), Before: before, After: after})
	}
	return out, nil
}

// historyValue shows one recorded value of field: an option in words, an
// owner by name, a code with what it stands for, "—" for none.
func (c *customerPages) historyValue(lang, field string, raw json.RawMessage, book *userBook) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "—", nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var list []string
		if json.Unmarshal(raw, &list) == nil {
			return orDash(strings.Join(list, ", ")), nil
		}
		s = string(raw) // a number or a flag as recorded
	}
	switch field {
	case "owner_id":
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id == 0 {
			return orDash(s), nil
		}
		return book.name(id)
	case "stage", "kind", "source", "employee_band", "revenue_band":
		if s != "" {
			return c.label(lang, field, s), nil
		}
	case "industry_code":
		if in, ok := cn.IndustryByCode(s); ok {
			return s + " " + in.Name, nil
		}
	case "region_code":
		if name := cn.RegionFullName(s); name != "" {
			return s + " " + name, nil
		}
	}
	return orDash(s), nil
}

// historyLabel names a field of a change.
func (c *customerPages) historyLabel(lang, field string) string {
	if key, ok := historyLabels[field]; ok {
		return c.msgs.text(lang, key)
	}
	return field
}

// sortedFields are detail's keys in historyFieldOrder, then by name.
func sortedFields(detail map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		if i := slices.Index(historyFieldOrder, k); i >= 0 {
			return i
		}
		return len(historyFieldOrder)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
