package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

type productJSON struct {
	ID        int64
	Code      string
	ListPrice string `json:"list_price"`
	Active    bool
	Version   int
}

type saleJSON struct {
	ID         int64
	Date       string
	CustomerID int64 `json:"customer_id"`
	Quantity   int64
	Amount     string
	Source     string
}

type errorJSON struct {
	Error struct {
		Code    string
		Message string
		Fields  []struct{ Field, Code, Message string }
	}
}

func (e *env) product(token, body string) (productJSON, response) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/products", strings.NewReader(body), as(token))
	var p productJSON
	_ = json.Unmarshal(r.Body, &p)
	return p, r
}

func (e *env) sale(token, body string, extra ...string) (saleJSON, response) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/sales", strings.NewReader(body), as(token, extra...))
	var s saleJSON
	_ = json.Unmarshal(r.Body, &s)
	return s, r
}

func fieldsOf(r response) []string {
	var b errorJSON
	_ = json.Unmarshal(r.Body, &b)
	var out []string
	for _, f := range b.Error.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestProductsAreKeptByCodeWithYuanPrices(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		p, r := e.product(o.mgrA, `{"code":"KH-100","name":"离心泵","spec":"DN50","unit":"台","product_line":"泵","list_price":"1234.5"}`)
		if r.Status != 201 || p.ListPrice != "1234.50" || !p.Active || r.Header.Get("Location") == "" {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if _, r := e.product(o.mgrA, `{"code":"KH-100","name":"另一个"}`); r.Status != 409 || !strings.Contains(string(r.Body), "KH-100") {
			t.Errorf("a taken code: %d %s, want 409 naming it", r.Status, r.Body)
		}
		if _, r := e.product(o.mgrA, `{"code":"KH-101","name":"阀门","list_price":"-1"}`); r.Status != 422 || !slicesHas(fieldsOf(r), "list_price") {
			t.Errorf("a negative price: %d %s, want 422 naming list_price", r.Status, r.Body)
		}
		if _, r := e.product(o.am1, `{"code":"KH-102","name":"阀门"}`); r.Status != 403 {
			t.Errorf("an account manager adds a product: %d, want 403", r.Status)
		}
		e.product(o.mgrA, `{"code":"KH-200","name":"电机","product_line":"电机"}`)
		// PATCH with If-Match: the version read; a stale one is refused.
		r = e.do("PATCH", fmt.Sprintf("/api/v1/products/%d", p.ID), strings.NewReader(`{"list_price":"99.90","active":false}`), as(o.mgrA, "If-Match", `"1"`))
		var changed productJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &changed) != nil || changed.ListPrice != "99.90" || changed.Active || changed.Version != 2 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/products/%d", p.ID), strings.NewReader(`{"name":"旧"}`), as(o.mgrA, "If-Match", `"1"`)); r.Status != 412 {
			t.Errorf("a stale If-Match: %d %s, want 412", r.Status, r.Body)
		}
		// The list: filters active, product_line and q, with its total.
		for _, c := range []struct {
			query string
			want  int
		}{{"", 2}, {"?active=true", 1}, {"?active=false", 1}, {"?product_line=" + urlQuery("电机"), 1}, {"?q=KH-1", 1}, {"?q=" + urlQuery("电"), 1}} {
			r := e.do("GET", "/api/v1/products"+c.query, nil, as(o.am1))
			var page struct {
				Items []productJSON
				Total int
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || len(page.Items) != c.want || page.Total != c.want {
				t.Errorf("GET /api/v1/products%s: %d %s, want %d", c.query, r.Status, r.Body, c.want)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'product'"); n != 3 {
			t.Errorf("%d product audit entries, want 3 (two adds, one change)", n)
		}
	})
}

func slicesHas(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestASaleUpdatesItsCustomersSummaryAndStaysInScope(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		fin := e.user("caiwu", "finance")
		p, _ := e.product(o.mgrA, `{"code":"KH-100","name":"离心泵","list_price":"100.00"}`)
		mine, _ := o.create(o.am1, `{"name":"销售甲机械有限公司"}`)
		theirs, _ := o.create(o.am3, `{"name":"销售乙机械有限公司"}`)
		s, r := e.sale(o.am1, fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":3,"amount":"250.5","external_id":"SO-1"}`, mine.ID, p.ID))
		if r.Status != 201 || s.Amount != "250.50" || s.Source != "manual" || s.Date == "" {
			t.Fatalf("enter a sale: %d %s", r.Status, r.Body)
		}
		// A second line with the same external_id: 409 naming the first.
		if _, r := e.sale(o.am1, fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"external_id":"SO-1"}`, mine.ID, p.ID)); r.Status != 409 ||
			!strings.Contains(string(r.Body), fmt.Sprint(s.ID)) {
			t.Errorf("the same external_id again: %d %s, want 409 naming line %d", r.Status, r.Body, s.ID)
		}
		// An empty amount is the list price times the quantity.
		if s2, r := e.sale(o.am1, fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":"2"}`, mine.ID, p.ID)); r.Status != 201 || s2.Amount != "200.00" {
			t.Errorf("a sale at list price: %d %s", r.Status, r.Body)
		}
		// Bad input names the field and writes nothing.
		before := e.countRows("SELECT COUNT(*) FROM sales_lines")
		audits := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'sale'")
		for _, c := range []struct {
			body, field string
		}{
			{fmt.Sprintf(`{"customer_id":%d,"product_id":999999,"quantity":1,"amount":"1"}`, mine.ID), "product_id"},
			{fmt.Sprintf(`{"customer_id":999999,"product_id":%d,"quantity":1,"amount":"1"}`, p.ID), "customer_id"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"1"}`, theirs.ID, p.ID), "customer_id"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"-5.00"}`, mine.ID, p.ID), "amount"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":-2,"amount":"5"}`, mine.ID, p.ID), "quantity"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1.5,"amount":"5"}`, mine.ID, p.ID), "quantity"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"5.001"}`, mine.ID, p.ID), "amount"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"5","date":"2026-02-30"}`, mine.ID, p.ID), "date"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"5","date":"2999-01-01"}`, mine.ID, p.ID), "date"},
			{fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"5","source":"fax"}`, mine.ID, p.ID), "source"},
		} {
			if _, r := e.sale(o.am1, c.body); r.Status != 422 || !slicesHas(fieldsOf(r), c.field) {
				t.Errorf("%s: %d %s, want 422 naming %s", c.body, r.Status, r.Body, c.field)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines"); n != before {
			t.Errorf("refused sales wrote %d lines", n-before)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'sale'"); n != audits || audits != 2 {
			t.Errorf("%d sale audit entries after two sales and the refusals (was %d), want 2", n, audits)
		}
		// The other account manager's customer takes its own sales; am1
		// sees neither that line nor that customer's summary.
		other, _ := e.sale(o.am3, fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":1,"amount":"7"}`, theirs.ID, p.ID))
		if r := e.do("GET", fmt.Sprintf("/api/v1/sales/%d", other.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("another's customer's line: %d, want 404", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/sales-summary", theirs.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("another's customer's summary: %d, want 404", r.Status)
		}
		list := func(token, query string) int {
			r := e.do("GET", "/api/v1/sales"+query, nil, as(token))
			var page struct {
				Items []saleJSON
				Total int
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil || page.Total != len(page.Items) {
				t.Fatalf("GET /api/v1/sales%s: %d %s", query, r.Status, r.Body)
			}
			return len(page.Items)
		}
		for _, c := range []struct {
			who, token, query string
			want              int
		}{
			{"am1", o.am1, "", 2}, {"am3", o.am3, "", 1}, {"finance", fin, "", 3}, {"gm", o.gm, "", 3}, {"mgr_a", o.mgrA, "", 2},
			{"gm", o.gm, fmt.Sprintf("?customer_id=%d", theirs.ID), 1}, {"gm", o.gm, fmt.Sprintf("?product_id=%d", p.ID), 3},
			{"gm", o.gm, "?source=import", 0}, {"gm", o.gm, "?from=2000-01-01&to=2999-12-31", 3}, {"gm", o.gm, "?to=2001-01-01", 0},
		} {
			if got := list(c.token, c.query); got != c.want {
				t.Errorf("%s lists %d sales with %q, want %d", c.who, got, c.query, c.want)
			}
		}
		if r := e.do("GET", "/api/v1/sales?from=2026-13-01", nil, as(o.gm)); r.Status != 400 {
			t.Errorf("a bad date filter: %d, want 400", r.Status)
		}
		// The summary: last purchase today, 2 lines and 450.50 over 3 and 12 months.
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/sales-summary", mine.ID), nil, as(o.am1))
		var sum struct {
			LastPurchase string `json:"last_purchase"`
			Months3      struct {
				Lines  int
				Amount string
			} `json:"months_3"`
			Months12 struct {
				Lines  int
				Amount string
			} `json:"months_12"`
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &sum) != nil || sum.LastPurchase != s.Date || sum.Months3.Lines != 2 ||
			sum.Months3.Amount != "450.50" || sum.Months12.Amount != "450.50" {
			t.Errorf("summary: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/sales", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("qa reads sales: %d, want 403", r.Status)
		}
	})
}

// idemProduct is a product for the idempotency cases, added once.
func idemProduct(t *testing.T, e *env, gm string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(t.Context(), "SELECT id FROM products WHERE code = 'IDEM-BASE'").Scan(&id); err == nil {
		return id
	}
	p, r := e.product(gm, `{"code":"IDEM-BASE","name":"幂等基准产品"}`)
	if r.Status != 201 {
		t.Fatalf("product: %d %s", r.Status, r.Body)
	}
	return p.ID
}
