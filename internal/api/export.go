package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
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
	if err == nil {
		err = a.customerTierFilter(r, &f)
	}
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
	heading := customer.ExportHeadingsFor(r.Context(), httpx.Lang(r))
	if format == "csv" {
		// The header is the first line, so that the file imports as it is;
		// the stamp is the last line, marked for the importer to pass over.
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		_, _ = w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		_ = cw.Write(heading)
		_, err := a.customers.ExportWith(r.Context(), f, opt, func(row customer.ExportRow) error { return cw.Write(row) })
		if err == nil {
			_ = cw.Write([]string{customer.ExportStampMark, stamp})
		}
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
	_ = sw.SetRow("A1", cells(heading))
	rowNum := 2
	n, err := a.customers.ExportWith(r.Context(), f, opt, func(row customer.ExportRow) error {
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
	// The stamp goes into the file's properties and a second sheet.
	if err := stampWorkbook(r, x, stamp, n, opt, a.now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return x.Write(w)
}

// stampWorkbook records who exported the workbook and when in its
// document properties and on a second sheet.
func stampWorkbook(r *http.Request, x *excelize.File, stamp string, rows int, opt customer.ExportOptions, now time.Time) error {
	p, _ := crm.PrincipalFrom(r.Context())
	lang := httpx.Lang(r)
	if err := x.SetDocProps(&excelize.DocProperties{Creator: p.Username, LastModifiedBy: p.Username, Title: msg.Text(lang, "customer.export.info.title"),
		Description: stamp, Created: now.UTC().Format(time.RFC3339), Modified: now.UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	sheet := msg.Text(lang, "customer.export.info.sheet")
	if _, err := x.NewSheet(sheet); err != nil {
		return err
	}
	mobiles := msg.Text(lang, "customer.export.info.masked")
	if opt.RevealReason != "" {
		mobiles = msg.Text(lang, "customer.export.info.revealed", opt.RevealReason)
	}
	info := [][2]string{
		{msg.Text(lang, "customer.export.info.by"), p.Username},
		{msg.Text(lang, "customer.export.info.at"), now.In(chinaTime).Format("2006-01-02 15:04:05")},
		{msg.Text(lang, "customer.export.info.rows"), strconv.Itoa(rows)},
		{msg.Text(lang, "customer.export.info.mobiles"), customer.NeutraliseCell(mobiles)},
		{msg.Text(lang, "customer.export.info.query"), customer.NeutraliseCell(r.URL.RawQuery)},
	}
	for i, kv := range info {
		if err := x.SetSheetRow(sheet, "A"+strconv.Itoa(i+1), &[]any{kv[0], kv[1]}); err != nil {
			return err
		}
	}
	return nil
}

// abortStream ends a response whose status is already sent: the client
// sees a cut connection, never a file that looks complete.
func abortStream(r *http.Request, err error) {
	httpx.Logger(r.Context()).Error("export interrupted", "error", err.Error())
	panic(http.ErrAbortHandler)
}
