package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// importPages is the import wizard: upload → mapping → the dry run's
// report → commit → progress → done. The work runs as a background job;
// the pages poll its progress with htmx.
type importPages struct {
	*UI
	imp *importer.Service
}

// registerImports adds this module's pages.
func (u *UI) registerImports(rt *httpx.Router) {
	p := &importPages{UI: u, imp: u.svc.Imports}
	rt.Handle("GET /imports", u.private(p.start))
	rt.Handle("POST /imports", u.private(p.upload))
	rt.Handle("GET /imports/{id}", u.private(p.show))
	rt.Handle("GET /imports/{id}/progress", u.private(p.progress))
	rt.Handle("POST /imports/{id}/mapping", u.private(p.remap))
	rt.Handle("POST /imports/{id}/commit", u.private(p.commit))
}

// importStart is the first step: the upload form and one's recent imports.
type importStart struct {
	Imports []importItem
	Problem string
	Fields  []choice // the fields a header can name, with their labels
}

type importItem struct {
	importer.Import
	StatusLabel string
}

// importJob is the page of one import.
type importJob struct {
	X           importer.Import
	StatusLabel string
	Running     bool // checking or committing: poll the progress
	Columns     []importColumnView
	Problems    []importer.ImportProblem
	Next, First string // the report's other pages
	CanMap      bool   // checked and not committed: the mapping may change
	CanCommit   bool
	CanAll      bool // no bad rows: all rows may be committed
	CanResume   bool // failed, or its process died
	Problem     string
	Notice      string
	// Step is the wizard's step (1 upload … 5 done) and Failed whether
	// its work failed there; Rejects offers the bad rows to fix.
	Step    int
	Failed  bool
	Rejects string
	Steps   []importStep
}

// importStep is one step of the wizard's step indicator.
type importStep struct {
	Label         string
	Done, Current bool
}

// stepsAt are the wizard's steps in lang at step (1-based).
func (p *importPages) stepsAt(lang string, step int) []importStep {
	out := make([]importStep, len(importSteps))
	for i, key := range importSteps {
		out[i] = importStep{Label: p.msgs.text(lang, key), Done: i+1 < step, Current: i+1 == step}
	}
	return out
}

// importSteps are the wizard's steps, numbered from 1, by catalogue key.
var importSteps = []string{"import.step.upload", "import.step.mapping", "import.step.report", "import.step.commit", "import.step.done"}

// stepOf is the step an import is at: checking and checked are the
// check (3), committing and failed the import (4), done the last.
func stepOf(x importer.Import) int {
	switch x.Status {
	case importer.ImportUploading:
		return 1
	case importer.ImportChecking, importer.ImportChecked:
		if x.Batches > 0 {
			return 4
		}
		return 3
	case importer.ImportDone:
		return 5
	}
	return 4
}

type importColumnView struct {
	Index   int
	Header  string
	Options []choice
}

func (p *importPages) statusLabel(lang, status string) string {
	return p.msgs.text(lang, "import.status."+status)
}

func (p *importPages) fieldChoices(lang, selected string) []choice {
	out := []choice{{Value: importer.FieldIgnore, Label: p.msgs.text(lang, "import.field.ignore"), Selected: selected == ""}}
	for _, f := range importer.ImportFields {
		out = append(out, choice{Value: f, Label: p.msgs.text(lang, "import.field."+f), Selected: f == selected})
	}
	return out
}

func (p *importPages) start(w http.ResponseWriter, r *http.Request) error {
	return p.showStart(w, r, http.StatusOK, "")
}

func (p *importPages) showStart(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	lang := langOf(r)
	list, err := p.imp.List(r.Context(), 20)
	if err != nil {
		return err
	}
	d := importStart{Problem: problem}
	for _, x := range list {
		d.Imports = append(d.Imports, importItem{Import: x.In(lang), StatusLabel: p.statusLabel(lang, x.Status)})
	}
	for _, f := range importer.ImportFields {
		d.Fields = append(d.Fields, choice{Value: f, Label: p.msgs.text(lang, "import.field."+f)})
	}
	return p.render(w, at(r, "/imports"), status, "customers_import", "import.title", d)
}

// upload stores the file and starts its dry run.
func (p *importPages) upload(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActCustomerCreate); err != nil {
		return err
	}
	lang := langOf(r)
	up := importer.ImportUpload{DryRun: true, Lang: lang}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return p.showStart(w, r, http.StatusBadRequest, p.msgs.text(lang, "import.error.no_file"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxImportBytes+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		return p.showStart(w, r, http.StatusBadRequest, p.msgs.text(lang, "import.error.no_file"))
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return p.showStart(w, r, http.StatusRequestEntityTooLarge, p.msgs.text(lang, "import.error.too_large"))
			}
			return p.showStart(w, r, http.StatusUnprocessableEntity, p.msgs.text(lang, "import.error.no_file"))
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		if part.FileName() == "" {
			return p.showStart(w, r, http.StatusUnprocessableEntity, p.msgs.text(lang, "import.error.no_file"))
		}
		up.FileName, up.Body = part.FileName(), part
		x, err := p.imp.Create(r.Context(), up)
		part.Close()
		if err != nil {
			return p.refuseUpload(w, r, err)
		}
		http.Redirect(w, r, fmt.Sprintf("/imports/%d", x.ID), http.StatusSeeOther)
		return nil
	}
}

// refuseUpload shows why an upload was refused on the first step; a
// refusal no form can fix is returned.
func (p *importPages) refuseUpload(w http.ResponseWriter, r *http.Request, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = crm.Fail(crm.ETooLarge, "import.error.too_large")
	}
	switch code := crm.ErrorCode(err); code {
	case crm.EInvalid, crm.EUnsupportedType, crm.ETooLarge, crm.EConflict:
		return p.showStart(w, r, httpx.Status(err), fieldsMessage(langOf(r), err))
	}
	return err
}

func importID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// load reads the import in the path.
func (p *importPages) load(r *http.Request) (importer.Import, error) {
	id, ok := importID(r)
	if !ok {
		return importer.Import{}, crm.Fail(crm.ENotFound, "importer.no_such_import")
	}
	return p.imp.Get(r.Context(), id)
}

func (p *importPages) show(w http.ResponseWriter, r *http.Request) error {
	x, err := p.load(r)
	if err != nil {
		return err
	}
	return p.showJob(w, r, http.StatusOK, x, "")
}

func (p *importPages) job(r *http.Request, x importer.Import) (importJob, error) {
	lang := langOf(r)
	d := importJob{X: x.In(lang), StatusLabel: p.statusLabel(lang, x.Status),
		Running: x.Status == importer.ImportChecking || x.Status == importer.ImportCommitting,
		CanMap:  x.Status == importer.ImportChecked && x.Batches == 0}
	d.CanCommit = d.CanMap
	d.CanAll = d.CanCommit && x.BadRows == 0
	d.CanResume = x.Status == importer.ImportFailed && x.Mode != ""
	d.Step, d.Failed = stepOf(x), x.Status == importer.ImportFailed
	d.Steps = p.stepsAt(lang, d.Step)
	if !d.Running && x.BadRows > 0 {
		d.Rejects = fmt.Sprintf("/api/v1/imports/%d/rejects", x.ID)
	}
	if d.CanMap {
		for _, c := range x.Columns {
			d.Columns = append(d.Columns, importColumnView{Index: c.Index, Header: c.Header, Options: p.fieldChoices(lang, c.Field)})
		}
	}
	if n := r.URL.Query().Get("notice"); n == "remapped" || n == "committing" {
		d.Notice = p.msgs.text(lang, "import.notice."+n)
	}
	if d.Running {
		return d, nil
	}
	var after int64
	if c := r.URL.Query().Get("after"); c != "" {
		if err := httpx.DecodeCursor(c, &after); err != nil {
			after = 0
		}
	}
	ps, err := p.imp.Problems(r.Context(), x.ID, after, 101)
	if err != nil {
		return d, err
	}
	page := httpx.MakePage(ps, 100, func(q importer.ImportProblem) any { return q.ID })
	for i := range page.Items {
		page.Items[i] = page.Items[i].In(lang)
	}
	d.Problems = page.Items
	if page.NextCursor != "" {
		d.Next = fmt.Sprintf("/imports/%d?after=%s#report", x.ID, page.NextCursor)
	}
	if after > 0 {
		d.First = fmt.Sprintf("/imports/%d#report", x.ID)
	}
	return d, nil
}

func (p *importPages) showJob(w http.ResponseWriter, r *http.Request, status int, x importer.Import, problem string) error {
	d, err := p.job(r, x)
	if err != nil {
		return err
	}
	d.Problem = problem
	return p.render(w, at(r, fmt.Sprintf("/imports/%d", x.ID)), status, "customers_import_job", "import.job_title", d)
}

// progress is the fragment htmx polls while the import runs; once it
// stops running the whole page is reloaded to show the outcome.
func (p *importPages) progress(w http.ResponseWriter, r *http.Request) error {
	x, err := p.load(r)
	if err != nil {
		return err
	}
	d, err := p.job(r, x)
	if err != nil {
		return err
	}
	if !d.Running {
		w.Header().Set("HX-Refresh", "true")
	}
	v := &view{Lang: langOf(r), Path: r.URL.Path, Version: p.version, Data: d, msgs: p.msgs, loc: p.loc}
	var buf bytes.Buffer
	if err := p.pages["customers_import_job"].ExecuteTemplate(&buf, "import_progress", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.Copy(w, &buf)
	return nil
}

// remap applies the mapping chosen on the page and checks the file again.
func (p *importPages) remap(w http.ResponseWriter, r *http.Request) error {
	x, err := p.load(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return p.showJob(w, r, http.StatusBadRequest, x, p.msgs.text(langOf(r), "error.bad_request"))
	}
	mapping := map[string]string{}
	for _, c := range x.Columns {
		if v := r.PostForm.Get("col_" + strconv.Itoa(c.Index)); v != "" {
			mapping[c.Header] = v
		}
	}
	y, err := p.imp.Remap(r.Context(), x.ID, mapping)
	if err != nil {
		if c := crm.ErrorCode(err); c == crm.EInvalid || c == crm.EConflict {
			x.Columns = y.Columns
			return p.showJob(w, r, httpx.Status(err), x, fieldsMessage(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/imports/%d?notice=remapped", y.ID), http.StatusSeeOther)
	return nil
}

// commit starts (or resumes) writing the rows.
func (p *importPages) commit(w http.ResponseWriter, r *http.Request) error {
	x, err := p.load(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return p.showJob(w, r, http.StatusBadRequest, x, p.msgs.text(langOf(r), "error.bad_request"))
	}
	mode := r.PostForm.Get("mode")
	if mode == "" {
		mode = x.Mode
	}
	y, err := p.imp.Commit(r.Context(), x.ID, mode)
	if err != nil {
		if c := crm.ErrorCode(err); c == crm.EInvalid || c == crm.EConflict {
			return p.showJob(w, r, httpx.Status(err), x, errorSays(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/imports/%d?notice=committing", y.ID), http.StatusSeeOther)
	return nil
}

// fieldsMessage lists a validation error's fields, in lang.
func fieldsMessage(lang string, err error) string {
	var e *crm.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return errorSays(lang, err)
	}
	msg := ""
	for i, f := range e.Fields {
		if i > 0 {
			msg += "; "
		}
		msg += f.Field + ": " + fieldSays(lang, f)
	}
	return msg
}
