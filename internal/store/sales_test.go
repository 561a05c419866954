package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// salesFixture is a database with a sales manager, a customer and a
// product.
type salesFixture struct {
	db       *store.DB
	ss       *sales.Service
	ctx      context.Context
	customer int64
	product  sales.Product
}

func newSalesFixture(t testing.TB, db *store.DB, now func() time.Time) *salesFixture {
	t.Helper()
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	cfg := identity.DefaultAuthConfig()
	cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	u, err := identity.New(db, cfg, keys, nil).AddUser(crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test")),
		identity.NewUser{Username: "sm", Role: crm.RoleSalesManager, Password: "Kehu-2026-pass"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	ctx := crm.WithPrincipal(context.Background(), crm.Principal{UserID: u.ID, Username: u.Username, Role: u.Role})
	cs := customer.New(db, keys, now)
	c, err := cs.Create(ctx, customer.Customer{Name: "并发销售机械有限公司", Stage: "important"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	ss := sales.New(db, cs, now)
	code, name, price := "KH-100", "离心泵", "1200.50"
	p, err := ss.CreateProduct(ctx, sales.ProductInput{Code: &code, Name: &name, ListPrice: &price})
	if err != nil {
		t.Fatal(err)
	}
	return &salesFixture{db: db, ss: ss, ctx: ctx, customer: c.ID, product: p}
}

// TestConcurrentSalesToOneCustomerLoseNoUpdate: 16 sellers enter 20 lines
// each for the same customer at once; every line is in the aggregates,
// and none fails (no lock wait turned deadlock, no serialization failure
// that ran out of retries).
func TestConcurrentSalesToOneCustomerLoseNoUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSalesFixture(t, db, nil)
		const workers, each = 16, 20
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					_, err := f.ss.Record(f.ctx, sales.SaleInput{CustomerID: f.customer, ProductID: f.product.ID,
						Quantity: fmt.Sprint(i + 1), Amount: "10.01", ExternalID: fmt.Sprintf("ERP-%d-%d", w, i)})
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("a concurrent sale failed: %v", err)
		}
		sum, err := f.ss.Summary(f.ctx, f.customer)
		if err != nil {
			t.Fatal(err)
		}
		wantQty := int64(workers * each * (each + 1) / 2)
		if sum.Months3.Lines != workers*each || sum.Months3.Amount != sales.Money(workers*each*1001) || sum.Months3.Quantity != wantQty {
			t.Errorf("aggregates after %d sales: %+v; want %d lines, %d fen, quantity %d", workers*each, sum.Months3, workers*each, workers*each*1001, wantQty)
		}
		if sum.LastPurchase != f.ss.Today() {
			t.Errorf("last purchase %q, want today %s", sum.LastPurchase, f.ss.Today())
		}
		var rows, shards int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM sales_lines WHERE customer_id = ?", f.customer).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM customer_sales_months WHERE customer_id = ?", f.customer).Scan(&shards); err != nil {
			t.Fatal(err)
		}
		if rows != workers*each || shards != store.SalesShards {
			t.Errorf("%d lines over %d aggregate rows, want %d over %d shards", rows, shards, workers*each, store.SalesShards)
		}
	})
}

// TestAnExternalIDIsEnteredOnce: the second line with an ERP's line key is
// refused naming the first, and changes nothing.
func TestAnExternalIDIsEnteredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSalesFixture(t, db, nil)
		first, err := f.ss.Record(f.ctx, sales.SaleInput{CustomerID: f.customer, ProductID: f.product.ID, Quantity: "2", ExternalID: "SO-1/1"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Amount != 2*f.product.ListPrice {
			t.Errorf("an empty amount is the list price times the quantity: got %s", first.Amount)
		}
		_, err = f.ss.Record(f.ctx, sales.SaleInput{CustomerID: f.customer, ProductID: f.product.ID, Quantity: "5", Amount: "1", ExternalID: "SO-1/1"})
		if crm.ErrorCode(err) != crm.EConflict {
			t.Fatalf("the second line with the same external ID: %v, want a conflict", err)
		}
		if got := err.Error(); !strings.Contains(got, fmt.Sprint(first.ID)) {
			t.Errorf("the conflict %q does not name line %d", got, first.ID)
		}
		sum, _ := f.ss.Summary(f.ctx, f.customer)
		if sum.Months12.Lines != 1 {
			t.Errorf("the refused line was counted: %+v", sum.Months12)
		}
		// Lines without an external ID are never duplicates of each other.
		for range 2 {
			if _, err := f.ss.Record(f.ctx, sales.SaleInput{CustomerID: f.customer, ProductID: f.product.ID, Quantity: "1", Amount: "3"}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestAProductCodeIsTakenOnce: a second product with the same code is a
// conflict naming the code.
func TestAProductCodeIsTakenOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSalesFixture(t, db, nil)
		code, name := f.product.Code, "另一个泵"
		_, err := f.ss.CreateProduct(f.ctx, sales.ProductInput{Code: &code, Name: &name})
		if crm.ErrorCode(err) != crm.EConflict || !strings.Contains(err.Error(), code) {
			t.Fatalf("a taken code: %v, want a conflict naming %s", err, code)
		}
		other := "KH-200"
		p, err := f.ss.CreateProduct(f.ctx, sales.ProductInput{Code: &other, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ss.UpdateProduct(f.ctx, p.ID, p.Version, sales.ProductInput{Code: &code}); crm.ErrorCode(err) != crm.EConflict {
			t.Fatalf("renaming to a taken code: %v, want a conflict", err)
		}
	})
}

// TestMovingACustomersSalesAddsThemToTheOthersMonths: what a merge is to
// call moves lines and aggregates, and the sums stay whole.
func TestMovingACustomersSalesAddsThemToTheOthersMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSalesFixture(t, db, nil)
		other, err := customer.New(db, nil, nil).Create(f.ctx, customer.Customer{Name: "被合并机械有限公司", Stage: "general"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range []int64{f.customer, other.ID, other.ID} {
			if _, err := f.ss.Record(f.ctx, sales.SaleInput{CustomerID: c, ProductID: f.product.ID, Quantity: "1", Amount: fmt.Sprint(i + 1)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.InTx(context.Background(), func(tx *store.Tx) error {
			return store.MoveCustomerSales(context.Background(), tx, other.ID, f.customer)
		}); err != nil {
			t.Fatal(err)
		}
		sum, err := f.ss.Summary(f.ctx, f.customer)
		if err != nil || sum.Months3.Lines != 3 || sum.Months3.Amount != 600 {
			t.Errorf("after the move: %+v, %v; want 3 lines of 6.00", sum.Months3, err)
		}
		var left int
		_ = db.QueryRow(context.Background(), "SELECT COUNT(*) FROM customer_sales_months WHERE customer_id = ?", other.ID).Scan(&left)
		if left != 0 {
			t.Errorf("%d aggregate rows left on the merged customer", left)
		}
	})
}
