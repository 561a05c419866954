package ui

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/httpx"
)

// salesPages serve products (产品) and sales facts (销售明细): the lists
// with their filters, the forms in yuan, the ERP import and the small
// sales section of the customer page. The domain decides roles and rows.
type salesPages struct {
	*UI
	ss *sales.Service
	cs *customer.Service
}

// registerSales adds this module's pages.
func (u *UI) registerSales(rt *httpx.Router) {
	s := &salesPages{UI: u, ss: u.svc.Sales, cs: u.svc.Customers}
	rt.Handle("GET /products", u.private(s.products))
	rt.Handle("GET /products/new", u.private(s.newProduct))
	rt.Handle("POST /products", u.private(s.saveProduct))
	rt.Handle("GET /products/{id}/edit", u.private(s.editProduct))
	rt.Handle("POST /products/{id}", u.private(s.saveProduct))
	rt.Handle("GET /sales", u.private(s.sales))
	rt.Handle("GET /sales/new", u.private(s.newSale))
	rt.Handle("POST /sales", u.private(s.createSale))
	rt.Handle("GET /sales/import", u.private(s.importPage))
	rt.Handle("POST /sales/import", u.private(s.importFile))
	rt.Handle("GET /customers/{id}/sales-summary", u.private(s.summary))
}

// salesTabs are the module's pages the caller may open.
type salesTabs struct {
	Sales, New, Import, Products, ManageProducts bool
	Current                                      string
}

func salesTabsFor(r *http.Request, current string) salesTabs {
	p, _ := crm.PrincipalFrom(r.Context())
	return salesTabs{Sales: p.Role.Can(crm.ActSalesRead), New: p.Role.Can(crm.ActSalesCreate), Import: p.Role.Can(crm.ActSalesImport),
		Products: p.Role.Can(crm.ActSalesRead), ManageProducts: p.Role.Can(crm.ActProductManage), Current: current}
}

// salesFormFields are the inputs of the sales and product forms, named as
// the domain names its fields.
var salesFormFields = []string{"code", "name", "spec", "unit", "product_line", "list_price", "active", "date", "customer_id",
	"product_id", "quantity", "amount", "external_id", "source", "file"}

func (s *salesPages) problem(lang string, err error) formProblem {
	return s.msgs.problem(lang, err, wording{
		own:     func(crm.FieldError) (string, bool) { return "", false }, // the domain's own words
		input:   func(field string) (string, bool) { return field, slices.Contains(salesFormFields, field) },
		code:    s.msgs.codeKey(lang, "error."),
		generic: "error.generic",
	})
}

// refused reports whether err is one a page shows as such, not in a form.
func refused(err error) bool {
	c := crm.ErrorCode(err)
	return c == crm.EForbidden || c == crm.EUnauthorized || c == crm.EInternal || c == ""
}

// productList is the products page.
type productList struct {
	Tabs                   salesTabs
	Rows                   []sales.Product
	Q, ProductLine, Active string
	Total                  int64
	Next, Notice           string
}

func (s *salesPages) products(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := productList{Tabs: salesTabsFor(r, "products"), Q: q.Get("q"), ProductLine: q.Get("product_line"), Active: q.Get("active")}
	f := sales.ProductFilter{Q: d.Q, ProductLine: d.ProductLine, After: q.Get("after"), Limit: 51}
	if d.Active == "true" || d.Active == "false" {
		a := d.Active == "true"
		f.Active = &a
	}
	list, total, err := s.ss.Products(r.Context(), f)
	if err != nil {
		return err
	}
	if len(list) > 50 {
		list = list[:50]
		v := url.Values{"q": {d.Q}, "product_line": {d.ProductLine}, "active": {d.Active}, "after": {list[49].Code}}
		d.Next = "/products?" + v.Encode()
	}
	d.Rows, d.Total = list, total.N
	if q.Get("notice") == "saved" {
		d.Notice = s.msgs.text(langOf(r), "sales.ui.product_saved")
	}
	return s.render(w, r, http.StatusOK, "sales_products", "sales.ui.products", d)
}

// productForm is the product form as typed.
type productForm struct {
	ID                                             int64
	Version                                        int
	Code, Name, Spec, Unit, ProductLine, ListPrice string
	Active                                         bool
}

type productFormData struct {
	Tabs    salesTabs
	Form    productForm
	Problem formProblem
}

func (s *salesPages) showProduct(w http.ResponseWriter, r *http.Request, status int, f productForm, p formProblem) error {
	path, title := "/products/new", "sales.ui.product_new"
	if f.ID != 0 {
		path, title = fmt.Sprintf("/products/%d/edit", f.ID), "sales.ui.product_edit"
	}
	return s.render(w, at(r, path), status, "sales_product_form", title, productFormData{Tabs: salesTabsFor(r, "products"), Form: f, Problem: p})
}

func (s *salesPages) newProduct(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActProductManage); err != nil {
		return err
	}
	return s.showProduct(w, r, http.StatusOK, productForm{Active: true}, formProblem{})
}

func (s *salesPages) editProduct(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActProductManage); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, err := s.ss.Product(r.Context(), id)
	if err != nil {
		return err
	}
	return s.showProduct(w, r, http.StatusOK, productForm{ID: p.ID, Version: p.Version, Code: p.Code, Name: p.Name, Spec: p.Spec, Unit: p.Unit,
		ProductLine: p.ProductLine, ListPrice: p.ListPrice.Yuan(), Active: p.Active}, formProblem{})
}

// saveProduct adds a product (POST /products) or changes one (POST
// /products/{id}, with the version read).
func (s *salesPages) saveProduct(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	f := productForm{Code: v("code"), Name: v("name"), Spec: v("spec"), Unit: v("unit"), ProductLine: v("product_line"), ListPrice: v("list_price"),
		Active: v("active") == "true"}
	f.ID, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
	f.Version, _ = strconv.Atoi(v("version"))
	in := sales.ProductInput{Code: &f.Code, Name: &f.Name, Spec: &f.Spec, Unit: &f.Unit, ProductLine: &f.ProductLine, ListPrice: &f.ListPrice, Active: &f.Active}
	var err error
	if f.ID == 0 {
		_, err = s.ss.CreateProduct(r.Context(), in)
	} else {
		_, err = s.ss.UpdateProduct(r.Context(), f.ID, f.Version, in)
	}
	if err != nil {
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
			return err
		}
		return s.showProduct(w, r, httpx.Status(err), f, s.problem(langOf(r), err))
	}
	http.Redirect(w, r, "/products?notice=saved", http.StatusSeeOther)
	return nil
}

// saleRow is a line as the list shows it.
type saleRow struct {
	sales.Sale
	Yuan, SourceLabel string
}

type saleList struct {
	Tabs                                 salesTabs
	Rows                                 []saleRow
	CustomerID, ProductID, From, To, Src string
	Products                             []choice
	Sources                              []choice
	Total                                int64
	Next, Notice                         string
	Problem                              formProblem
}

// sourceKeys name the sources of a line.
var sourceKeys = map[string]string{sales.SourceManual: "sales.ui.source.manual", sales.SourceImport: "sales.ui.source.import",
	sales.SourceOrder: "sales.ui.source.order"}

func (s *salesPages) sourceLabel(lang, src string) string {
	if k, ok := sourceKeys[src]; ok {
		return s.msgs.text(lang, k)
	}
	return src
}

func (s *salesPages) productChoices(r *http.Request, selected string, onlyActive bool) []choice {
	f := sales.ProductFilter{Limit: 500}
	if onlyActive {
		t := true
		f.Active = &t
	}
	list, _, _ := s.ss.Products(r.Context(), f)
	out := []choice{}
	for _, p := range list {
		id := strconv.FormatInt(p.ID, 10)
		out = append(out, choice{Value: id, Label: p.Code + " " + p.Name, Selected: id == selected})
	}
	return out
}

func (s *salesPages) sales(w http.ResponseWriter, r *http.Request) error {
	q, lang := r.URL.Query(), langOf(r)
	d := saleList{Tabs: salesTabsFor(r, "sales"), CustomerID: q.Get("customer_id"), ProductID: q.Get("product_id"), From: q.Get("from"), To: q.Get("to"),
		Src: q.Get("source")}
	f := sales.SaleFilter{From: d.From, To: d.To, Source: d.Src, Limit: 51}
	var fs []crm.FieldError
	if d.CustomerID != "" {
		if f.CustomerID, _ = strconv.ParseInt(d.CustomerID, 10, 64); f.CustomerID <= 0 {
			fs = append(fs, crm.Bad("customer_id", "format", "sales.customer_id.required"))
		}
	}
	f.ProductID, _ = strconv.ParseInt(d.ProductID, 10, 64)
	for _, x := range []struct{ name, v string }{{"from", d.From}, {"to", d.To}} {
		if x.v != "" && !validDateText(x.v) {
			fs = append(fs, crm.Bad(x.name, "format", "sales.date.format"))
		}
	}
	if after := q.Get("after"); after != "" {
		date, id, _ := strings.Cut(after, "_")
		f.After.Date = date
		f.After.ID, _ = strconv.ParseInt(id, 10, 64)
	}
	d.Products = s.productChoices(r, d.ProductID, false)
	for _, src := range sales.Sources {
		d.Sources = append(d.Sources, choice{Value: src, Label: s.sourceLabel(lang, src), Selected: src == d.Src})
	}
	if q.Get("notice") == "entered" {
		d.Notice = s.msgs.text(lang, "sales.ui.sale_entered")
	}
	var list []sales.Sale
	var total crm.ListTotal
	err := error(nil)
	if len(fs) > 0 {
		err = crm.Invalid(fs...)
	} else {
		list, total, err = s.ss.Sales(r.Context(), f)
	}
	if err != nil {
		if refused(err) {
			return err
		}
		d.Problem = s.problem(lang, err)
		return s.render(w, r, http.StatusBadRequest, "sales_list", "sales.ui.sales", d)
	}
	if len(list) > 50 {
		list = list[:50]
		last := list[49]
		v := url.Values{"customer_id": {d.CustomerID}, "product_id": {d.ProductID}, "from": {d.From}, "to": {d.To}, "source": {d.Src},
			"after": {last.Date + "_" + strconv.FormatInt(last.ID, 10)}}
		d.Next = "/sales?" + v.Encode()
	}
	for _, l := range list {
		d.Rows = append(d.Rows, saleRow{Sale: l, Yuan: "¥" + l.Amount.Yuan(), SourceLabel: s.sourceLabel(lang, l.Source)})
	}
	d.Total = total.N
	return s.render(w, r, http.StatusOK, "sales_list", "sales.ui.sales", d)
}

func validDateText(s string) bool {
	t, err := httpx.ParseTimeOrDate(s)
	return err == nil && len(s) == 10 && t.Format("2006-01-02") == s
}

// saleForm is the sales form as typed: the customer by ID (from the
// customer page) or by its code or name.
type saleForm struct {
	CustomerID, CustomerQ, ProductID, Date, Quantity, Amount, ExternalID string
}

type saleFormData struct {
	Tabs     salesTabs
	Form     saleForm
	Products []choice
	Today    string
	Problem  formProblem
}

func (s *salesPages) showSale(w http.ResponseWriter, r *http.Request, status int, f saleForm, p formProblem) error {
	d := saleFormData{Tabs: salesTabsFor(r, "new"), Form: f, Products: s.productChoices(r, f.ProductID, true), Today: s.ss.Today(), Problem: p}
	return s.render(w, at(r, "/sales/new"), status, "sales_form", "sales.ui.sale_new", d)
}

func (s *salesPages) newSale(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActSalesCreate); err != nil {
		return err
	}
	f := saleForm{Date: s.ss.Today()}
	if id, err := strconv.ParseInt(r.URL.Query().Get("customer_id"), 10, 64); err == nil && id > 0 {
		if c, err := s.cs.Get(r.Context(), id); err == nil {
			f.CustomerID, f.CustomerQ = strconv.FormatInt(c.ID, 10), c.Code+" "+c.Name
		}
	}
	return s.showSale(w, r, http.StatusOK, f, formProblem{})
}

// formCustomer is the customer the form names: the one chosen, else the
// one customer its text finds by code or name.
func (s *salesPages) formCustomer(r *http.Request, f *saleForm) (int64, error) {
	id, _ := strconv.ParseInt(f.CustomerID, 10, 64)
	q := strings.TrimSpace(f.CustomerQ)
	if id > 0 || q == "" {
		return id, nil
	}
	found, err := s.cs.List(r.Context(), customer.CustomerFilter{Query: q, Limit: 2})
	if err != nil {
		return 0, err
	}
	if len(found) > 1 {
		return 0, crm.Invalid(crm.Bad("customer_id", "ambiguous", "sales.ui.customer_ambiguous", q))
	}
	if len(found) == 0 {
		return 0, crm.Invalid(crm.Bad("customer_id", "unknown", "sales.ui.customer_none", q))
	}
	f.CustomerID, f.CustomerQ = strconv.FormatInt(found[0].ID, 10), found[0].Code+" "+found[0].Name
	return found[0].ID, nil
}

func (s *salesPages) createSale(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	f := saleForm{CustomerID: v("customer_id"), CustomerQ: v("customer_q"), ProductID: v("product_id"), Date: v("date"), Quantity: v("quantity"),
		Amount: v("amount"), ExternalID: v("external_id")}
	id, err := s.formCustomer(r, &f)
	if err == nil {
		pid, _ := strconv.ParseInt(f.ProductID, 10, 64)
		_, err = s.ss.Record(r.Context(), sales.SaleInput{Date: f.Date, CustomerID: id, ProductID: pid, Quantity: f.Quantity, Amount: f.Amount,
			ExternalID: f.ExternalID})
	}
	if err != nil {
		if refused(err) {
			return err
		}
		return s.showSale(w, r, httpx.Status(err), f, s.problem(langOf(r), err))
	}
	http.Redirect(w, r, "/sales?notice=entered&customer_id="+url.QueryEscape(f.CustomerID), http.StatusSeeOther)
	return nil
}

type salesImportData struct {
	Tabs    salesTabs
	DryRun  bool
	Report  *sales.ImportReport
	Problem formProblem
}

func (s *salesPages) importPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActSalesImport); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sales_import", "sales.ui.import", salesImportData{Tabs: salesTabsFor(r, "import"), DryRun: true})
}

// importFile runs an import of the uploaded file, or its dry run, and
// shows the report.
func (s *salesPages) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActSalesImport); err != nil {
		return err
	}
	lang := langOf(r)
	d := salesImportData{Tabs: salesTabsFor(r, "import")}
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxImportBytes+(1<<20))
	err := r.ParseMultipartForm(8 << 20)
	var name string
	var data []byte
	if err == nil {
		d.DryRun = r.FormValue("dry_run") == "true"
		file, hdr, ferr := r.FormFile("file")
		if ferr != nil {
			err = crm.Invalid(crm.Bad("file", "required", "sales.import.file_required"))
		} else {
			defer file.Close()
			var b bytes.Buffer
			_, err = io.Copy(&b, file)
			name, data = hdr.Filename, b.Bytes()
		}
	} else {
		err = crm.Fail(crm.ETooLarge, "importer.file.too_large")
	}
	if err == nil {
		var rep sales.ImportReport
		rep, err = s.ss.Import(r.Context(), name, data, d.DryRun, lang)
		d.Report = &rep
	}
	if err != nil {
		if refused(err) {
			return err
		}
		d.Report = nil
		d.Problem = s.problem(lang, err)
		return s.render(w, at(r, "/sales/import"), httpx.Status(err), "sales_import", "sales.ui.import", d)
	}
	return s.render(w, at(r, "/sales/import"), http.StatusOK, "sales_import", "sales.ui.import", d)
}

// summaryData is the customer page's sales section.
type summaryData struct {
	Summary           sales.Summary
	Amount3, Amount12 string
	CanEnter          bool
}

// summary is the sales section of a customer's page, which the page
// loads into itself (htmx); a customer out of scope is the 404 page.
func (s *salesPages) summary(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	sum, err := s.ss.Summary(r.Context(), id)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := summaryData{Summary: sum, Amount3: "¥" + sum.Months3.Amount.Yuan(), Amount12: "¥" + sum.Months12.Amount.Yuan(), CanEnter: p.Role.Can(crm.ActSalesCreate)}
	v := &view{Lang: langOf(r), Path: r.URL.Path, Version: s.version, Data: d, msgs: s.msgs, loc: s.loc, role: p.Role}
	var buf bytes.Buffer
	if err := s.pages["sales_summary"].ExecuteTemplate(&buf, "sales_summary", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
	return nil
}
