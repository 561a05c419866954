package api

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// The import's workbooks: the template to fill in, and an import's bad
// rows to fix and upload again. The wizard's pages link to them; the
// session cookie is enough, as for the customer export.

// importTemplate answers GET /api/v1/imports/template: the import
// template in the caller's language, for anyone who may import.
func (a *API) importTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActCustomerCreate); err != nil {
		return err
	}
	lang := httpx.Lang(r)
	var buf bytes.Buffer
	if err := importer.WriteTemplate(lang, &buf); err != nil {
		return err
	}
	name := "kehu-import-template.xlsx"
	if lang == "zh-CN" {
		name = "客户导入模板.xlsx"
	}
	sendWorkbook(w, "kehu-import-template.xlsx", name, buf.Bytes())
	return nil
}

// importRejects answers GET /api/v1/imports/{id}/rejects: the import's
// bad rows with what is wrong with each, for whoever may read its report.
func (a *API) importRejects(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return crm.Fail(crm.ENotFound, "importer.no_such_import")
	}
	x, err := a.imports.Get(r.Context(), id)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	var buf bytes.Buffer
	if _, err := a.imports.WriteRejects(r.Context(), x.ID, lang, &buf); err != nil {
		return err
	}
	sendWorkbook(w, "kehu-import-"+strconv.FormatInt(x.ID, 10)+"-rejects.xlsx", importer.RejectsFileName(x, lang), buf.Bytes())
	return nil
}

// sendWorkbook answers with a workbook as a download named ascii, or name
// where the browser reads RFC 5987 names.
func sendWorkbook(w http.ResponseWriter, ascii, name string, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ascii}))
	if name != ascii && strings.ContainsFunc(name, func(r rune) bool { return r > 0x7e }) {
		w.Header().Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}
