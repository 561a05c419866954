package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// cardSections are the card's sections in the order the page shows them;
// a field in a section not listed here is shown with the custom ones.
var cardSections = []string{"operator", "financial", "business", "custom"}

// cardPage is what the data card page shows: the latest values by
// section, the form that records a new revision, and the revisions.
type cardPage struct {
	Customer  customer.Customer
	Sections  []cardSection
	Revisions []cardRevisionRow
	Latest    *card.CardRevision
	CanChange bool
	Notice    string
	Surveyor  string
	Surveyed  string // the surveyed-on day as typed
	Problem   formProblem
}

// cardSection is one section of the card with its fields.
type cardSection struct {
	Key, Label string
	Fields     []cardInput
}

// cardInput is one field of the card: its shown value and its input.
type cardInput struct {
	customer.CardField
	Name, Label, Value, Input string // Name is the input's name, values.KEY; Input is the value in the form
	Choices                   []choice
	Money                     bool // an amount kept in fen, shown and typed in yuan
}

// cardRevisionRow is one revision in the list, its changes labelled.
type cardRevisionRow struct {
	card.CardRevision
	ChangedLabels []string
}

// cardLabel is a card field's label in lang; an amount's label names
// yuan, in which the page shows and takes it.
func cardLabel(lang string, f customer.CardField) string {
	l := f.LabelZH
	if lang == "en" && f.LabelEN != "" {
		l = f.LabelEN
	}
	if cardMoney(f) {
		l = strings.NewReplacer("（分）", "（元）", "(分)", "(元)", "(fen)", "(yuan)").Replace(l)
	}
	return l
}

// cardMoney reports whether f is an amount of money: a number field kept
// in fen (its key ends in _fen). People read and type it in yuan.
func cardMoney(f customer.CardField) bool {
	return f.Type == "number" && strings.HasSuffix(f.Key, "_fen")
}

// fenToYuan writes a whole number of fen as yuan with two decimals
// (123450 → 1234.50); anything else (empty, or a value as typed) stays.
func fenToYuan(s string) string {
	fen, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return s
	}
	return yuanOf(fen)
}

// yuanText shows an amount kept in fen as money: ¥1234.50.
func yuanText(s string) string {
	if fen, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
		return "¥" + yuanOf(fen)
	}
	return s
}

func yuanOf(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// yuanToFen reads an amount typed in yuan (1234.5, 1,234.50, ¥1234)
// as a whole number of fen; ok is false when it is not an amount with at
// most two decimals. Empty stays empty.
func yuanToFen(s string) (fen string, ok bool) {
	t := strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(strings.TrimSpace(s))
	if t == "" {
		return "", true
	}
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(whole) > 15 {
		return s, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	n := w*100 + f
	if neg {
		n = -n
	}
	return strconv.FormatInt(n, 10), true
}

func (c *customerPages) card(w http.ResponseWriter, r *http.Request) error {
	return c.showCard(w, r, http.StatusOK, nil, "", "", nil)
}

// showCard renders the card of the customer in the path. posted is the
// form as sent when it is shown again with p saying what is wrong.
func (c *customerPages) showCard(w http.ResponseWriter, r *http.Request, status int, posted map[string]string, surveyor, surveyed string, err error) error {
	lang := langOf(r)
	id, gerr := customerID(r)
	var x customer.Customer
	if gerr == nil {
		x, gerr = c.cs.Get(r.Context(), id)
	}
	var tmpl []customer.CardField
	if gerr == nil {
		tmpl, _, gerr = c.cards.Template(r.Context())
	}
	var revs []card.CardRevision
	if gerr == nil {
		revs, gerr = c.cards.Revisions(r.Context(), id)
	}
	if gerr != nil {
		return gerr
	}
	me, _ := crm.PrincipalFrom(r.Context())
	d := cardPage{Customer: x, CanChange: mayChange(me, x), Surveyor: surveyor, Surveyed: surveyed}
	if posted == nil {
		d.Surveyed = c.svc.Clock().In(c.loc).Format(time.DateOnly)
	}
	latest := map[string]string{}
	if len(revs) > 0 {
		d.Latest, latest = &revs[0], revs[0].Values
	}
	if posted == nil {
		posted = latest
	}
	labels := map[string]string{}
	bySection := map[string][]cardInput{}
	for _, f := range tmpl {
		in := cardInput{CardField: f, Name: "values." + f.Key, Label: cardLabel(lang, f), Value: latest[f.Key], Input: posted[f.Key]}
		if cardMoney(f) {
			in.Money, in.Value, in.Input = true, yuanText(in.Value), fenToYuan(in.Input)
		}
		if f.Sensitive && in.Input == latest[f.Key] {
			in.Input = "" // never send a masked value back: empty keeps the value on file
		}
		for _, o := range f.Options {
			in.Choices = append(in.Choices, choice{Value: o, Label: o, Selected: o == in.Input})
		}
		labels[f.Key] = in.Label
		section := f.Section
		if !slices.Contains(cardSections, section) {
			section = "custom"
		}
		bySection[section] = append(bySection[section], in)
	}
	for _, s := range cardSections {
		if len(bySection[s]) > 0 {
			d.Sections = append(d.Sections, cardSection{Key: s, Label: c.msgs.text(lang, "customers.card.section."+s), Fields: bySection[s]})
		}
	}
	for _, rev := range revs {
		row := cardRevisionRow{CardRevision: rev}
		for _, k := range rev.Changed {
			row.ChangedLabels = append(row.ChangedLabels, cmpLabel(labels, k))
		}
		d.Revisions = append(d.Revisions, row)
	}
	if err != nil {
		d.Problem = c.cardProblem(lang, err, tmpl)
	}
	if r.URL.Query().Get("notice") == "saved" && status == http.StatusOK {
		d.Notice = c.msgs.text(lang, "customers.card.notice.saved")
	}
	return c.render(w, at(r, fmt.Sprintf("/customers/%d/card", id)), status, "customers_card", "customers.card.title", d)
}

// cmpLabel is the label of key, or the key itself for a field the
// template no longer has.
func cmpLabel(labels map[string]string, key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return key
}
