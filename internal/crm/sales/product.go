package sales

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Product is something the company sells, known by its code.
type Product struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Spec        string    `json:"spec"`
	Unit        string    `json:"unit"`
	ProductLine string    `json:"product_line"`
	ListPrice   Money     `json:"list_price"` // fen inside, yuan in JSON
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int       `json:"version"`
}

// ProductInput is a product as a form or the API gives it: every field
// optional on a change (nil keeps it), list_price a yuan string.
type ProductInput struct {
	Code        *string `json:"code"`
	Name        *string `json:"name"`
	Spec        *string `json:"spec"`
	Unit        *string `json:"unit"`
	ProductLine *string `json:"product_line"`
	ListPrice   *string `json:"list_price"`
	Active      *bool   `json:"active"`
}

// ProductFilter chooses the products of a list, by code.
type ProductFilter struct {
	Active      *bool
	ProductLine string
	Q           string // part of the code or name
	After       string // the code the previous page ended with
	Limit       int
}

// apply writes in onto p, collecting what is wrong.
func (in ProductInput) apply(p *Product) []crm.FieldError {
	var fs []crm.FieldError
	text := func(field string, from *string, to *string, required bool, max int) {
		if from == nil {
			if required && *to == "" {
				fs = append(fs, crm.Bad(field, "required", "sales.text.required"))
			}
			return
		}
		v := strings.TrimSpace(*from)
		if n := utf8.RuneCountInString(v); (required && n == 0) || n > max {
			if n == 0 {
				fs = append(fs, crm.Bad(field, "required", "sales.text.required"))
			} else {
				fs = append(fs, crm.Bad(field, "length", "sales.text.max_length", max))
			}
			return
		}
		*to = v
	}
	text("code", in.Code, &p.Code, true, 40)
	text("name", in.Name, &p.Name, true, 100)
	text("spec", in.Spec, &p.Spec, false, 100)
	text("unit", in.Unit, &p.Unit, false, 20)
	text("product_line", in.ProductLine, &p.ProductLine, false, 50)
	if in.ListPrice != nil {
		if m, ok := ParseYuan(*in.ListPrice); !ok && strings.TrimSpace(*in.ListPrice) != "" {
			fs = append(fs, crm.Bad("list_price", "format", "sales.money.format"))
		} else if m < 0 {
			fs = append(fs, crm.Bad("list_price", "negative", "sales.money.negative"))
		} else {
			p.ListPrice = m
		}
	}
	if in.Active != nil {
		p.Active = *in.Active
	}
	return fs
}

func productDetail(p Product) map[string]any {
	return map[string]any{"code": p.Code, "name": p.Name, "spec": p.Spec, "unit": p.Unit, "product_line": p.ProductLine,
		"list_price_fen": int64(p.ListPrice), "active": p.Active}
}

// CreateProduct adds a product; its code must be new (409 naming it).
func (ss *Service) CreateProduct(ctx context.Context, in ProductInput) (Product, error) {
	if _, err := crm.Authorize(ctx, crm.ActProductManage); err != nil {
		return Product{}, err
	}
	p := Product{Active: true}
	if fs := in.apply(&p); len(fs) > 0 {
		return p, crm.Invalid(fs...)
	}
	now := ss.now().UTC()
	p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
	e := crm.NewAudit(ctx, crm.AuditCreate, "product", "", productDetail(p))
	if err := ss.store.CreateProduct(ctx, &p, &e); err != nil {
		return Product{}, err
	}
	return p, nil
}

// UpdateProduct changes a product read at version.
func (ss *Service) UpdateProduct(ctx context.Context, id int64, version int, in ProductInput) (Product, error) {
	if _, err := crm.Authorize(ctx, crm.ActProductManage); err != nil {
		return Product{}, err
	}
	p, err := ss.store.Product(ctx, id)
	if err != nil {
		return p, err
	}
	if version != p.Version {
		return p, crm.Fail(crm.EVersionConflict, "sales.product.changed", p.Code, p.Version, version)
	}
	before := productDetail(p)
	if fs := in.apply(&p); len(fs) > 0 {
		return p, crm.Invalid(fs...)
	}
	changes := map[string]any{}
	after := productDetail(p)
	for k, v := range after {
		if before[k] != v {
			changes[k] = map[string]any{"from": before[k], "to": v}
		}
	}
	p.UpdatedAt = ss.now().UTC()
	e := crm.NewAudit(ctx, crm.AuditUpdate, "product", strconv.FormatInt(p.ID, 10), map[string]any{"code": p.Code, "changes": changes})
	if err := ss.store.UpdateProduct(ctx, &p, &e); err != nil {
		return p, err
	}
	return p, nil
}

// Product reads one product.
func (ss *Service) Product(ctx context.Context, id int64) (Product, error) {
	if _, err := crm.Authorize(ctx, crm.ActSalesRead); err != nil {
		return Product{}, err
	}
	return ss.store.Product(ctx, id)
}

// Products lists products by code and how many match.
func (ss *Service) Products(ctx context.Context, f ProductFilter) ([]Product, crm.ListTotal, error) {
	if _, err := crm.Authorize(ctx, crm.ActSalesRead); err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Q, f.ProductLine = strings.TrimSpace(f.Q), strings.TrimSpace(f.ProductLine)
	list, err := ss.store.ListProducts(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ss.store.CountProducts(ctx, f)
	return list, total, err
}
