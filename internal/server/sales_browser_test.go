package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// A sales manager adds a product in yuan, enters a sale for a customer,
// finds it in the sales list and in the customer page's sales section.
func TestBrowserAProductASaleAndTheCustomersSalesSection(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	mgr := e.userIn("mgr_s", crm.RoleSalesManager, "华东", "")
	o := org{e: e}
	c, r := o.create(mgr, `{"name":"浏览器销售机械有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fail("sign in", signInWithBrowser(ctx, e, "mgr_s", testPassword))
	fail("open the products", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/products"),
		chromedp.WaitVisible(chromedp.CSS(`#new-product`)),
	))
	fail("new product", clickToPage(ctx, `#new-product`))
	fail("fill the product", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#product-form`)),
		chromedp.SendKeys(chromedp.CSS(`#product-code`), "BR-100"),
		chromedp.SendKeys(chromedp.CSS(`#product-name`), "齿轮泵"),
		chromedp.SendKeys(chromedp.CSS(`#product-price`), "1288.5"),
	))
	fail("save the product", clickToPage(ctx, `#product-submit`))
	fail("see the product", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#products tr[data-code="BR-100"]`))))
	if row := run(t, ctx, chromedp.Text(chromedp.CSS(`#products tr[data-code="BR-100"]`))); !strings.Contains(row, "¥1288.50") {
		t.Errorf("the product row shows %q, want the price ¥1288.50", row)
	}
	// From the customer page: enter a sale for it.
	fail("open the customer", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/customers/"+strconv.FormatInt(c.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#sales-summary`)),
	))
	if last := run(t, ctx, chromedp.Text(chromedp.CSS(`#sales-last`))); last != "从未购买" {
		t.Errorf("before any sale the last purchase is %q", last)
	}
	fail("enter a sale", clickToPage(ctx, `#customer-sale-new`))
	fail("fill the sale", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#sale-form`)),
		chromedp.SetValue(chromedp.CSS(`#sale-product`), productOption(t, e, "BR-100")),
		chromedp.SendKeys(chromedp.CSS(`#sale-quantity`), "2"),
		chromedp.SendKeys(chromedp.CSS(`#sale-amount`), "2500"),
	))
	fail("submit the sale", clickToPage(ctx, `#sale-submit`))
	fail("see the sale", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sales tr[data-sale]`))))
	if row := run(t, ctx, chromedp.Text(chromedp.CSS(`#sales tr[data-sale]`))); !strings.Contains(row, "¥2500.00") || !strings.Contains(row, "浏览器销售机械有限公司") {
		t.Errorf("the sales list shows %q", row)
	}
	fail("back to the customer", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/customers/"+strconv.FormatInt(c.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#sales-summary`)),
	))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(`#sales-3`))); !strings.Contains(got, "1") || !strings.Contains(got, "¥2500.00") {
		t.Errorf("the customer's 3-month sales show %q", got)
	}
	if last := run(t, ctx, chromedp.Text(chromedp.CSS(`#sales-last`))); last == "从未购买" || last == "" {
		t.Errorf("after the sale the last purchase is %q", last)
	}
	// From the sales page: the customer is found by the type-ahead search.
	fail("find the customer by type-ahead", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/sales/new"),
		chromedp.WaitVisible(chromedp.CSS(`#sale-customer`)),
		chromedp.SendKeys(chromedp.CSS(`#sale-customer`), "浏览器销售"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#sale-customer-options [data-customer="%d"]`, c.ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#sale-customer-options [data-customer="%d"]`, c.ID))),
	))
	if id := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#sale-form input[name="customer_id"]').value`)); id != strconv.FormatInt(c.ID, 10) {
		t.Errorf("choosing the customer set customer_id %q, want %d", id, c.ID)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}

// productOption is the value of a product's option in the sales form.
func productOption(t *testing.T, e *env, code string) string {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(t.Context(), "SELECT id FROM products WHERE code = ?", code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}
