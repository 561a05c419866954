package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerImports adds this module's routes; see Register.
func (a *API) registerImports(rt *httpx.Router) {
	h := &importHandlers{imp: a.imports}
	rt.HandleFunc("GET /api/v1/imports", h.list, httpx.List())
	rt.HandleFunc("POST /api/v1/imports", h.create, httpx.Requires(crm.ActCustomerCreate))
	rt.HandleFunc("GET /api/v1/imports/{id}", h.get, httpx.Query(httpx.PageParams...))
	rt.HandleFunc("POST /api/v1/imports/{id}/commit", h.commit, httpx.Requires(crm.ActCustomerCreate))
}

type importHandlers struct {
	imp *importer.Service
}

// importFileTypes are the part content types accepted for the file (what
// browsers and curl send for .csv and .xlsx).
var importFileTypes = map[string]bool{
	"text/csv": true, "text/plain": true, "application/csv": true, "text/comma-separated-values": true,
	"application/vnd.ms-excel": true, // what Windows calls a .csv
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": true,
	"application/octet-stream": true, "": true,
}

// parseImportForm reads the form fields of an import upload (they must
// come before the file) and returns the upload with the file part as its
// body, for the API and the web wizard alike.
func parseImportForm(w http.ResponseWriter, r *http.Request) (importer.ImportUpload, func(), error) {
	up := importer.ImportUpload{DryRun: true, Lang: httpx.Language(r), Mapping: map[string]string{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return up, nil, crm.Fail(crm.EUnsupportedType, "api.multipart.required")
	}
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxImportBytes+(1<<20))
	mpr, err := r.MultipartReader()
	if err != nil {
		return up, nil, crm.Fail(crm.EBadRequest, "api.multipart.unreadable", err)
	}
	mr := httpx.LimitParts(mpr, 0)
	bad := func(field, code, key string) error {
		return crm.Invalid(crm.Bad(field, code, key))
	}
	var spool *os.File
	fail := func(err error) (importer.ImportUpload, func(), error) {
		if spool != nil {
			spool.Close()
			os.Remove(spool.Name())
		}
		return up, nil, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if spool == nil {
				return up, nil, bad("file", "required", "api.import.file.required")
			}
			if _, err := spool.Seek(0, io.SeekStart); err != nil {
				return fail(crm.Fail(crm.EInternal, "api.multipart.unreadable", err))
			}
			up.Body = spool
			return up, func() { spool.Close(); os.Remove(spool.Name()) }, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(crm.Fail(crm.ETooLarge, "importer.file.too_large"))
		}
		if crm.ErrorCode(err) == crm.ETooLarge {
			return fail(err)
		}
		if err != nil {
			return fail(crm.Fail(crm.EBadRequest, "api.multipart.unreadable", err))
		}
		name := part.FormName()
		if name == "file" {
			if !importFileTypes[strings.ToLower(strings.TrimSpace(strings.Split(part.Header.Get("Content-Type"), ";")[0]))] {
				part.Close()
				e := crm.Fail(crm.EUnsupportedType, "api.import.file.type", part.Header.Get("Content-Type"))
				e.Fields = []crm.FieldError{crm.Bad("file", "content_type", "api.import.file.content_type")}
				return fail(e)
			}
			if spool != nil {
				part.Close()
				return fail(bad("file", "count", "api.import.file.required"))
			}
			// The form's fields may follow the file: the file is kept in a
			// temporary file (within the body limit) until every field is read.
			if spool, err = os.CreateTemp("", "kehu-upload-*"); err != nil {
				part.Close()
				return up, nil, crm.Fail(crm.EInternal, "api.multipart.unreadable", err)
			}
			up.FileName = part.FileName()
			_, err = io.Copy(spool, &tooLarge{r: part})
			part.Close()
			if err != nil {
				return fail(err)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10))
		part.Close()
		if err != nil {
			return fail(crm.Fail(crm.EBadRequest, "api.multipart.unreadable", err))
		}
		v := strings.TrimSpace(string(b))
		switch name {
		case "kind":
			if v != "" && v != "customers" {
				return fail(bad("kind", "unknown", "api.kind.unknown"))
			}
		case "mapping":
			if v != "" {
				if err := json.Unmarshal([]byte(v), &up.Mapping); err != nil {
					return fail(bad("mapping", "format", "api.import.mapping.format"))
				}
			}
		case "dry_run":
			d, err := strconv.ParseBool(v)
			if err != nil {
				return fail(bad("dry_run", "format", "api.trash.format"))
			}
			up.DryRun = d
		case "mode":
			up.Mode = v
		case "sheet":
			up.Sheet = v
		case "header_row":
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return fail(bad("header_row", "format", "importer.header_row.format"))
				}
				up.HeaderRow = n
			}
		case "formulas":
			if v != "" && v != importer.FormulaValues && v != "report" {
				return fail(bad("formulas", "unknown", "importer.formulas.unknown"))
			}
			up.FormulaValues = v == importer.FormulaValues
		default:
			return fail(bad(name, "unknown", "api.import.unknown_field"))
		}
	}
}

// tooLarge turns the body limit's error into the domain's.
type tooLarge struct{ r io.Reader }

func (t *tooLarge) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return n, crm.Fail(crm.ETooLarge, "importer.file.too_large")
	}
	return n, err
}

func (h *importHandlers) create(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActCustomerCreate); err != nil {
		return err
	}
	up, done, err := parseImportForm(w, r)
	if err != nil {
		return err
	}
	defer done()
	x, err := h.imp.Create(r.Context(), up)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, x.In(httpx.Lang(r)))
	return nil
}

func (h *importHandlers) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	// A user's imports are few: the latest thousand are paged through
	// whole (writeSlicePage), with their total.
	list, err := h.imp.List(r.Context(), 1000)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	for i := range list {
		list[i] = list[i].In(lang)
	}
	return writeSlicePage(w, list, p, func(x importer.Import) int64 { return x.ID })
}

// problemPage is one page of an import's report inside the import (the
// import's counts say how many rows were bad): its problems and the cursor
// of the next page.
type problemPage struct {
	Items      []importer.ImportProblem `json:"items"`
	NextCursor string                   `json:"next_cursor,omitempty"`
}

// importView is an import with one page of its report, both in the
// reader's language whoever uploaded it.
type importView struct {
	importer.Import
	Problems problemPage `json:"problems"`
}

func (h *importHandlers) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	var after int64
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &after); err != nil {
			return err
		}
	}
	x, err := h.imp.Get(r.Context(), id)
	if err != nil {
		return err
	}
	ps, err := h.imp.Problems(r.Context(), id, after, p.Limit+1)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	for i := range ps {
		ps[i] = ps[i].In(lang)
	}
	pg := httpx.MakePage(ps, p.Limit, func(q importer.ImportProblem) any { return q.ID })
	httpx.WriteJSON(w, http.StatusOK, importView{Import: x.In(lang), Problems: problemPage{Items: pg.Items, NextCursor: pg.NextCursor}})
	return nil
}

func (h *importHandlers) commit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Mode string `json:"mode"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	x, err := h.imp.Commit(r.Context(), id, in.Mode)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, x.In(httpx.Lang(r)))
	return nil
}
