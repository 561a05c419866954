package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// TestTheSalesPagesSpeakBothLanguagesAndNameTheFieldAtFault: the product,
// sales and import pages render in Chinese and English; a sale with a
// negative amount comes back with the amount marked and nothing written;
// the import page runs a dry run and then the import of a CSV.
func TestTheSalesPagesSpeakBothLanguagesAndNameTheFieldAtFault(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		mgr := e.userIn("mgr_ui", crm.RoleSalesManager, "华东", "")
		cookie := e.formSignIn("mgr_ui")
		c, _ := org{e: e}.create(mgr, `{"name":"页面销售机械有限公司"}`)
		e.product(mgr, `{"code":"UI-1","name":"螺杆泵","list_price":"10.00"}`)
		for _, c := range []struct{ path, zh, en string }{
			{"/products", "产品", "Products"}, {"/products/new", "新增产品", "New product"}, {"/sales", "销售明细", "Sales lines"},
			{"/sales/new", "录入销售", "Enter a sale"}, {"/sales/import", "从ERP导入", "Import from ERP"},
		} {
			for lang, want := range map[string]string{"zh-CN": c.zh, "en": c.en} {
				r := e.page(c.path, lang, cookie)
				if r.Status != 200 || !strings.Contains(string(r.Body), "<h1>"+want+"</h1>") || strings.Contains(string(r.Body), "⟦") {
					t.Errorf("%s in %s: %d, want the heading %q and no missing text", c.path, lang, r.Status, want)
				}
			}
		}
		pid := fmt.Sprint(productOption(t, e, "UI-1"))
		before := e.countRows("SELECT COUNT(*) FROM sales_lines")
		r := e.post("/sales", "kehu_lang=en; "+cookie, url.Values{"customer_q": {c.Code}, "product_id": {pid}, "quantity": {"1"}, "amount": {"-3"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), `id="amount-error"`) || !strings.Contains(string(r.Body), "cannot be negative") {
			t.Errorf("a negative amount: %d, want 422 marking the amount", r.Status)
		}
		if n := e.countRows("SELECT COUNT(*) FROM sales_lines"); n != before {
			t.Errorf("the refused sale wrote %d lines", n-before)
		}
		// A text that finds several customers says so, rather than that
		// none was found.
		_, _ = org{e: e}.create(mgr, `{"name":"页面销售机械二厂"}`)
		r = e.post("/sales", cookie, url.Values{"customer_q": {"页面销售机械"}, "product_id": {pid}, "quantity": {"1"}, "amount": {"1"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), "找到多个客户") {
			t.Errorf("an ambiguous customer: %d, want 422 saying several customers match", r.Status)
		}
		r = e.post("/sales", cookie, url.Values{"customer_q": {c.Code}, "product_id": {pid}, "quantity": {"3"}, "amount": {""}})
		if r.Status != 303 {
			t.Fatalf("a sale at list price: %d %s", r.Status, r.Body)
		}
		list := e.page(r.Header.Get("Location"), "zh-CN", cookie)
		if !strings.Contains(string(list.Body), "¥30.00") || !strings.Contains(string(list.Body), "销售已录入") {
			t.Errorf("the sales list after entering does not show ¥30.00 and the notice")
		}
		summary := e.page(fmt.Sprintf("/customers/%d/sales-summary", c.ID), "zh-CN", cookie)
		if !strings.Contains(string(summary.Body), "1 笔，¥30.00") {
			t.Errorf("the customer's sales section: %d %s", summary.Status, summary.Body)
		}
		file := []byte("单据编号,日期,客户编码,产品编码,数量,金额,备注\nUI-X1,2026-11-20," + c.Code + ",UI-1,2,20.00,\nUI-X2,2026-11-21," + c.Code + ",NOPE,1,1,\n")
		r = e.postMultipart("/sales/import", cookie, map[string]string{"dry_run": "true"}, "销售.csv", file)
		if r.Status != 200 || !strings.Contains(string(r.Body), `id="report-rejected">1<`) || !strings.Contains(string(r.Body), "NOPE") {
			t.Errorf("the dry run page: %d", r.Status)
		}
		// The page names the file's own column at fault and says which
		// columns it did not read.
		if body := string(r.Body); !strings.Contains(body, "<td>产品编码</td>") || !strings.Contains(body, `data-code="column_ignored"`) || !strings.Contains(body, "备注") {
			t.Errorf("the dry run page does not name the column or the ignored one")
		}
		r = e.postMultipart("/sales/import", cookie, nil, "销售.csv", file)
		if r.Status != 200 || !strings.Contains(string(r.Body), `id="report-created">1<`) {
			t.Errorf("the import page: %d", r.Status)
		}
	})
}
