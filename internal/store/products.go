package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

const productColumns = `p.id, p.code, p.name, p.spec, p.unit, p.product_line, p.list_price_fen, p.active, p.created_at, p.updated_at, p.version`

func scanProduct(sc scanner) (sales.Product, error) {
	var p sales.Product
	var price int64
	err := sc.Scan(&p.ID, &p.Code, &p.Name, &p.Spec, &p.Unit, &p.ProductLine, &price, &p.Active, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	p.ListPrice = sales.Money(price)
	return p, err
}

// productCodeTaken is the conflict of a code another product has.
func productCodeTaken(code string) error {
	return crm.FailField(crm.EConflict, "code", "taken", "sales.product.code_taken", code)
}

// CreateProduct inserts p with its audit entry; a code already taken is a
// conflict naming it.
func (db *DB) CreateProduct(ctx context.Context, p *sales.Product, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO products (code, name, spec, unit, product_line, list_price_fen, active, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (code) DO NOTHING RETURNING id`,
			p.Code, p.Name, p.Spec, p.Unit, p.ProductLine, int64(p.ListPrice), p.Active, p.CreatedAt, p.UpdatedAt).Scan(&p.ID)
		if isNoRows(err) {
			return productCodeTaken(p.Code)
		}
		e.EntityID = strconv.FormatInt(p.ID, 10)
		return err
	})
	if isUniqueViolation(err) {
		return productCodeTaken(p.Code)
	}
	return err
}

// UpdateProduct writes p if its version is current, with its audit entry.
func (db *DB) UpdateProduct(ctx context.Context, p *sales.Product, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		var taken int64
		err := tx.QueryRow(ctx, "SELECT id FROM products WHERE code = ? AND id <> ?", p.Code, p.ID).Scan(&taken)
		if err == nil {
			return productCodeTaken(p.Code)
		} else if !isNoRows(err) {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE products SET code = ?, name = ?, spec = ?, unit = ?, product_line = ?, list_price_fen = ?, active = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			p.Code, p.Name, p.Spec, p.Unit, p.ProductLine, int64(p.ListPrice), p.Active, p.UpdatedAt, p.ID, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "sales.product.changed", p.Code, p.Version+1, p.Version)
		}
		return nil
	})
	if isUniqueViolation(err) {
		return productCodeTaken(p.Code)
	}
	if err == nil {
		p.Version++
	}
	return err
}

// Product reads one product.
func (db *DB) Product(ctx context.Context, id int64) (sales.Product, error) {
	p, err := scanProduct(db.QueryRow(ctx, "SELECT "+productColumns+" FROM products p WHERE p.id = ?", id))
	return p, noSuch(err, "sales.no_such_product")
}

// ProductByCode reads the product with code.
func (db *DB) ProductByCode(ctx context.Context, code string) (sales.Product, error) {
	p, err := scanProduct(db.QueryRow(ctx, "SELECT "+productColumns+" FROM products p WHERE p.code = ?", code))
	return p, noSuch(err, "sales.no_such_product")
}

func productWhere(f sales.ProductFilter) (string, []any) {
	w := []string{"1 = 1"}
	var args []any
	if f.Active != nil {
		w, args = append(w, "p.active = ?"), append(args, *f.Active)
	}
	if f.ProductLine != "" {
		w, args = append(w, "p.product_line = ?"), append(args, f.ProductLine)
	}
	if f.Q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Q) + "%"
		w, args = append(w, `(p.code LIKE ? ESCAPE '\' OR p.name LIKE ? ESCAPE '\')`), append(args, like, like)
	}
	return strings.Join(w, " AND "), args
}

// ListProducts lists products by code, keyset-paged on the code.
func (db *DB) ListProducts(ctx context.Context, f sales.ProductFilter) ([]sales.Product, error) {
	where, args := productWhere(f)
	if f.After != "" {
		where, args = where+" AND p.code > ?", append(args, f.After)
	}
	out, err := queryAll(ctx, db, scanProduct, "SELECT "+productColumns+" FROM products p WHERE "+where+" ORDER BY p.code LIMIT ?",
		append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: products: %w", err)
	}
	return out, nil
}

// CountProducts counts the products matching f, ignoring its cursor.
func (db *DB) CountProducts(ctx context.Context, f sales.ProductFilter) (crm.ListTotal, error) {
	where, args := productWhere(f)
	return db.listTotal(ctx, "products p", where, args)
}
