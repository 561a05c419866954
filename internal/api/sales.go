package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/httpx"
)

// salesAPI serves products and sales facts (产品、销售明细).
type salesAPI struct {
	ss *sales.Service
}

// registerSales adds this module's routes; see Register.
func (a *API) registerSales(rt *httpx.Router) {
	s := &salesAPI{ss: a.sales}
	rt.HandleFunc("GET /api/v1/products", s.listProducts, httpx.List(httpx.Bool("active"), httpx.Text("product_line"), httpx.Text("q")),
		httpx.Requires(crm.ActSalesRead))
	rt.HandleFunc("POST /api/v1/products", s.createProduct, httpx.Requires(crm.ActProductManage))
	rt.HandleFunc("GET /api/v1/products/{id}", s.getProduct, httpx.Requires(crm.ActSalesRead))
	rt.HandleFunc("PATCH /api/v1/products/{id}", s.updateProduct, httpx.Requires(crm.ActProductManage))
	rt.HandleFunc("GET /api/v1/sales", s.listSales, httpx.List(saleListParams...), httpx.Requires(crm.ActSalesRead))
	rt.HandleFunc("POST /api/v1/sales", s.createSale, httpx.Requires(crm.ActSalesCreate))
	rt.HandleFunc("POST /api/v1/sales/imports", s.importSales, httpx.Query(httpx.Bool("dry_run")), httpx.Requires(crm.ActSalesImport))
	rt.HandleFunc("GET /api/v1/sales/{id}", s.getSale, httpx.Requires(crm.ActSalesRead))
	rt.HandleFunc("GET /api/v1/customers/{id}/sales-summary", s.summary, httpx.Requires(crm.ActSalesRead))
}

// saleListParams are the sales list's filters; from and to are dates,
// both included.
var saleListParams = []httpx.Param{httpx.ID("customer_id"), httpx.ID("product_id"), httpx.Date("from"), httpx.Date("to"),
	httpx.OneOf("source", sales.Sources...)}

// numberText is a JSON number or string kept as its text, so that the
// service names a bad quantity or amount instead of the decoder refusing
// the body.
type numberText string

func (n *numberText) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = ""
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	*n = numberText(s)
	return nil
}

// productInput is the body of a product's create or change.
type productInput struct {
	Code        *string     `json:"code"`
	Name        *string     `json:"name"`
	Spec        *string     `json:"spec"`
	Unit        *string     `json:"unit"`
	ProductLine *string     `json:"product_line"`
	ListPrice   *numberText `json:"list_price"`
	Active      *bool       `json:"active"`
	Version     int         `json:"version"`
}

func (in productInput) domain() sales.ProductInput {
	out := sales.ProductInput{Code: in.Code, Name: in.Name, Spec: in.Spec, Unit: in.Unit, ProductLine: in.ProductLine, Active: in.Active}
	if in.ListPrice != nil {
		s := string(*in.ListPrice)
		out.ListPrice = &s
	}
	return out
}

func (s *salesAPI) listProducts(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	var after string
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &after); err != nil {
			return err
		}
	}
	f := sales.ProductFilter{Active: httpx.QueryBool(r, "active"), ProductLine: r.URL.Query().Get("product_line"), Q: r.URL.Query().Get("q"),
		After: after, Limit: p.Limit + 1}
	list, total, err := s.ss.Products(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x sales.Product) any { return x.Code }).Of(total))
	return nil
}

func (s *salesAPI) createProduct(w http.ResponseWriter, r *http.Request) error {
	var in productInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.ss.CreateProduct(r.Context(), in.domain())
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	httpx.WriteCreated(w, "/api/v1/products/"+strconv.FormatInt(p.ID, 10), p)
	return nil
}

func (s *salesAPI) getProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.ss.Product(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// updateProduct changes a product; the version read comes in If-Match
// (or the body's version).
func (s *salesAPI) updateProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in productInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := s.ss.Product(r.Context(), id); return err }); err != nil {
		return err
	}
	p, err := s.ss.UpdateProduct(r.Context(), id, in.Version, in.domain())
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// saleInput is the body of a sales line: quantity a whole number,
// amount a yuan string ("1234.50").
type saleInput struct {
	Date       string     `json:"date"`
	CustomerID int64      `json:"customer_id"`
	ProductID  int64      `json:"product_id"`
	Quantity   numberText `json:"quantity"`
	Amount     numberText `json:"amount"`
	Source     string     `json:"source"`
	ExternalID string     `json:"external_id"`
}

func (s *salesAPI) createSale(w http.ResponseWriter, r *http.Request) error {
	var in saleInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sale, err := s.ss.Record(r.Context(), sales.SaleInput{Date: in.Date, CustomerID: in.CustomerID, ProductID: in.ProductID,
		Quantity: string(in.Quantity), Amount: string(in.Amount), Source: in.Source, ExternalID: in.ExternalID})
	if err != nil {
		return err
	}
	httpx.WriteCreated(w, "/api/v1/sales/"+strconv.FormatInt(sale.ID, 10), sale)
	return nil
}

func (s *salesAPI) listSales(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	var after sales.SaleCursor
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &after); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	f := sales.SaleFilter{CustomerID: httpx.QueryID(r, "customer_id"), ProductID: httpx.QueryID(r, "product_id"), From: q.Get("from"),
		To: q.Get("to"), Source: q.Get("source"), After: after, Limit: p.Limit + 1}
	list, total, err := s.ss.Sales(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x sales.Sale) any {
		return sales.SaleCursor{Date: x.Date, ID: x.ID}
	}).Of(total))
	return nil
}

func (s *salesAPI) getSale(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sale, err := s.ss.Sale(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sale)
	return nil
}

func (s *salesAPI) summary(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sum, err := s.ss.Summary(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sum)
	return nil
}

// importSales reads an ERP export (multipart, part "file") and answers
// the import's report; dry_run=true, as a query parameter or a form field
// (as the customer import takes it), checks without writing.
func (s *salesAPI) importSales(w http.ResponseWriter, r *http.Request) error {
	up, err := readUpload(w, r)
	if err != nil {
		return err
	}
	dry := up.dryRun
	if q := httpx.QueryBool(r, "dry_run"); q != nil {
		dry = dry || *q
	}
	rep, err := s.ss.Import(r.Context(), up.name, up.data, dry, httpx.Language(r))
	if err != nil {
		return err
	}
	// 200 for a dry run and a run alike: a run writes many lines, not one
	// resource a Location could name; it still takes an Idempotency-Key.
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

// salesUpload is a sales import's form: the file and dry_run.
type salesUpload struct {
	name   string
	data   []byte
	dryRun bool
}

// readUpload reads a sales import's multipart form: the part "file" whole
// and the field dry_run; any other field is refused (400) naming it.
func readUpload(w http.ResponseWriter, r *http.Request) (salesUpload, error) {
	var up salesUpload
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return up, crm.Fail(crm.EUnsupportedType, "api.multipart.required")
	}
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxImportBytes+(1<<20))
	mpr, err := r.MultipartReader()
	if err != nil {
		return up, crm.Fail(crm.EBadRequest, "api.multipart.unreadable", err)
	}
	mr := httpx.LimitParts(mpr, 0)
	haveFile := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			if !haveFile {
				return up, crm.Invalid(crm.Bad("file", "required", "sales.import.file_required"))
			}
			return up, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return up, crm.Fail(crm.ETooLarge, "importer.file.too_large")
			}
			if crm.ErrorCode(err) == crm.ETooLarge {
				return up, err // too many parts
			}
			return up, crm.Fail(crm.EBadRequest, "api.multipart.unreadable", err)
		}
		switch name := part.FormName(); name {
		case "file":
			var b bytes.Buffer
			_, err := io.Copy(&b, part)
			part.Close()
			if err != nil {
				return up, crm.Fail(crm.ETooLarge, "importer.file.too_large")
			}
			up.name, up.data, haveFile = part.FileName(), b.Bytes(), true
		case "dry_run":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			part.Close()
			if err != nil {
				return up, crm.Fail(crm.EBadRequest, "api.multipart.unreadable", err)
			}
			d, err := strconv.ParseBool(strings.TrimSpace(string(b)))
			if err != nil {
				e := crm.Fail(crm.EBadRequest, "sales.import.dry_run_format")
				e.Fields = []crm.FieldError{crm.Bad("dry_run", "format", "sales.import.dry_run_format")}
				return up, e
			}
			up.dryRun = d
		default:
			part.Close()
			e := crm.Fail(crm.EBadRequest, "sales.import.form_field_unknown", name)
			e.Fields = []crm.FieldError{crm.Bad(name, "unknown", "sales.import.form_field_unknown", name)}
			return up, e
		}
	}
}
