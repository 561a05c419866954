package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// mergeData is the merge page: the customer that stays, the candidates
// to fold into it, and — once one is picked — what would move.
type mergeData struct {
	Survivor   customer.Customer
	Query      string
	Candidates []customer.Customer
	Preview    *customer.MergePreview
	FromID     int64
	Problem    formProblem
}

var mergeInputs = []string{"from_id"}

// mergeForm shows the merge page. ?q= searches for the duplicate (without
// it, customers with the same normalised name are offered); ?from= picks
// one and previews the merge.
func (c *customerPages) mergeForm(w http.ResponseWriter, r *http.Request) error {
	from, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	return c.showMerge(w, r, http.StatusOK, from, formProblem{})
}

func (c *customerPages) showMerge(w http.ResponseWriter, r *http.Request, status int, from int64, problem formProblem) error {
	lang := langOf(r)
	id, err := customerID(r)
	d := mergeData{Query: strings.TrimSpace(r.URL.Query().Get("q")), FromID: from, Problem: problem}
	if err == nil {
		d.Candidates, err = c.cs.MergeCandidates(r.Context(), id, d.Query)
	}
	if err == nil && from != 0 {
		p, perr := c.cs.PreviewMerge(r.Context(), id, from)
		switch {
		case perr == nil:
			d.Preview = &p
		case crm.ErrorCode(perr) == crm.EInvalid:
			if len(problem.Fields) == 0 && problem.Form == "" {
				d.Problem, status = c.problem(lang, "merge", perr, mergeInputs), http.StatusUnprocessableEntity
			}
		default:
			err = perr
		}
	}
	if err == nil {
		d.Survivor, err = c.cs.Get(r.Context(), id)
	}
	if err != nil {
		return err
	}
	return c.render(w, r, status, "customers_merge", "customers.merge.title", d)
}

// merge folds the picked customer into this one, as previewed; a change
// to either since the preview sends the user back to look again.
func (c *customerPages) merge(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := customerID(r)
	from, _ := strconv.ParseInt(r.PostFormValue("from_id"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err == nil {
		_, err = c.cs.Merge(r.Context(), id, from, version)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		p := c.problem(lang, "merge", err, mergeInputs)
		if crm.ErrorCode(err) == crm.EVersionConflict {
			p = formProblem{Form: c.msgs.text(lang, "customers.merge.stale"), Fields: map[string][]string{}}
		}
		return c.showMerge(w, r, httpx.Status(err), from, p)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=merged", id), http.StatusSeeOther)
	return nil
}
