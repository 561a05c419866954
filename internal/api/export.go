package api

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/xuri/excelize/v2"
)

// exportCustomers writes the current filtered list as CSV (UTF-8 with a
// byte-order mark, so Excel reads the Chinese) or XLSX. Only rows in the
// caller's scope appear; the file records who exported it and when, and
// so does the audit log.
func (a *API) exportCustomers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		return crm.Invalid(crm.Bad("format", "unknown", "api.format.unknown"))
	}
	f, err := customerFilter(r)
	if err != nil {
		return err
	}
	// Mobiles come masked unless a user who may reveal them says why;
	// refused before the file starts, while a status can still be sent.
	opt := customer.ExportOptions{RevealReason: strings.TrimSpace(q.Get("reveal_reason")), Format: format, Lang: httpx.Language(r)}
	if err := a.customers.CheckExport(r.Context(), opt); err != nil {
		return err
	}
	if site := r.Header.Get("Sec-Fetch-Site"); opt.RevealReason != "" && (site == "cross-site" || site == "same-site") {
		// A link on another site must not make a signed-in browser
		// download every number in full.
		return crm.FailField(crm.EForbidden, "reveal_reason", "forbidden", "api.export.cross_site")
	}
	if s := q.Get("sort"); s != "" {
		if _, _, err := customer.ParseCustomerSort(s); err != nil {
			return err
		}
		f.Sort = s
	}
	stamp := customer.ExportStampLang(r.Context(), a.now(), httpx.Language(r))
	name := "customers-" + a.now().In(chinaTime).Format("20060102-150405") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	heading := customer.ExportHeadings(httpx.Lang(r))
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		_, _ = w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{stamp})
		_ = cw.Write(heading)
		_, err := a.customers.ExportWith(r.Context(), f, opt, func(row customer.ExportRow) error { return cw.Write(row) })
		cw.Flush()
		if err != nil {
			abortStream(r, err)
		}
		return nil
	}
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cells := func(s []string) []any {
		out := make([]any, len(s))
		for i, v := range s {
			out[i] = v
		}
		return out
	}
	_ = sw.SetRow("A1", []any{stamp})
	_ = sw.SetRow("A2", cells(heading))
	rowNum := 3
	_, err = a.customers.ExportWith(r.Context(), f, opt, func(row customer.ExportRow) error {
		cell, _ := excelize.CoordinatesToCellName(1, rowNum)
		rowNum++
		return sw.SetRow(cell, cells(row))
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return x.Write(w)
}

// abortStream ends a response whose status is already sent: the client
// sees a cut connection, never a file that looks complete.
func abortStream(r *http.Request, err error) {
	httpx.Logger(r.Context()).Error("export interrupted", "error", err.Error())
	panic(http.ErrAbortHandler)
}
