package server_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

var registeredAt = regexp.MustCompile(`^/service-orders/(\d+)\?notice=registered$`)

// versionIn finds the version a page's form carries.
var versionIn = regexp.MustCompile(`name="version" value="(\d+)"`)

func TestServiceOrderPagesTakeAPaidOrderToItsVoucher(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		kefu, tech, fin := e.formSignIn("kefu"), e.formSignIn("tech1"), e.formSignIn("cw")
		am1, am3, mkt := e.formSignIn("am1"), e.formSignIn("am3"), e.formSignIn("sc")
		page := func(path, cookie string, status int, wants ...string) string {
			t.Helper()
			r := e.page(path, "zh-CN", cookie)
			if r.Status != status {
				t.Fatalf("GET %s = %d, want %d:\n%s", path, r.Status, status, r.Body)
			}
			wantAll(t, path, string(r.Body), wants...)
			if strings.Contains(string(r.Body), "⟦") {
				t.Errorf("GET %s shows a missing message:\n%s", path, r.Body)
			}
			return string(r.Body)
		}
		post := func(path, cookie string, form url.Values, status int) response {
			t.Helper()
			r := e.post(path, cookie, form)
			if r.Status != status {
				t.Fatalf("POST %s = %d, want %d:\n%s", path, r.Status, status, r.Body)
			}
			return r
		}
		version := func(path, cookie string) string {
			t.Helper()
			m := versionIn.FindStringSubmatch(page(path, cookie, 200))
			if m == nil {
				t.Fatalf("%s has no form with a version", path)
			}
			return m[1]
		}

		page("/service-orders/new", kefu, 200, "服务登记", `name="phone"`, `name="customer_q"`, "A 有偿服务", "D 内务服务")
		page(fmt.Sprintf("/service-orders/new?customer_id=%d", s.c1), kefu, 200, "湖州电机")
		// A form with mistakes comes back with the mistakes by their fields and what was typed.
		r := post("/service-orders", kefu, url.Values{"type": {"A"}, "customer_id": {fmt.Sprint(s.c1)}, "address": {""}, "phone": {"123"},
			"product_model": {"KH-200"}, "problem": {"电机异响"}}, 422)
		wantAll(t, "the refused form", string(r.Body), `id="address-error"`, "请填写地址", `id="phone-error"`, `value="KH-200"`, "电机异响")
		r = post("/service-orders", kefu, url.Values{"type": {"A"}, "customer_id": {fmt.Sprint(s.c1)}, "address": {"湖州市吴兴区 1 号"},
			"phone": {"13812345678"}, "product_model": {"KH-200"}, "product_spec": {"220V"}, "problem": {"电机异响"}}, 303)
		m := registeredAt.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("after registering: %q", r.Header.Get("Location"))
		}
		detail := "/service-orders/" + m[1]
		page(detail+"?notice=registered", kefu, 200, "已登记到服务登记簿", "FW", "138****5678", `id="dispatch-form"`, "tech1", "tech2")
		page("/service-orders", kefu, 200, `id="service-orders"`, "湖州电机", "A 有偿服务")
		page("/service-orders/dispatch", kefu, 200, `id="dispatch-board"`, `action="`+detail+`/dispatch"`)

		// Out of sight: another account manager and another technician get 404; marketing 403.
		page(detail, am3, 404)
		page(detail, tech, 404)
		page("/service-orders", mkt, 403)
		page(detail, am1, 200, "湖州电机")

		post(detail+"/dispatch", kefu, url.Values{"version": {version(detail, kefu)}, "technician": {""}, "back": {"dispatch"}}, 422)
		post(detail+"/dispatch", kefu, url.Values{"version": {version(detail, kefu)}, "technician": {"tech1"}, "back": {"dispatch"}}, 303)
		page("/service-orders/mine", tech, 200, `id="my-orders"`, "湖州电机", "138****5678")
		page(detail, tech, 200, `id="start-form"`, `id="work-form"`, `id="masked-phone"`, `id="reveal-form"`)
		wantAll(t, "the revealed phone", string(post(detail+"/reveal", tech, url.Values{"reason": {"上门服务联系客户"}}, 200).Body), `href="tel:13812345678"`)
		arrived := time.Now().In(crm.ChinaTime()).Add(-90 * time.Minute)
		post(detail+"/start", tech, url.Values{"version": {version(detail, tech)}, "arrived_at": {arrived.Format("2006-01-02T15:04")}}, 303)
		body := string(post(detail+"/work", tech, url.Values{"version": {version(detail, tech)}, "left_at": {"2020-01-01T10:00"}, "work_done": {"更换轴承"}, "fee": {"120.5"}}, 422).Body)
		wantAll(t, "work refused", body, `id="left_at-error"`, "更换轴承")
		post(detail+"/work", tech, url.Values{"version": {version(detail, tech)}, "left_at": {""}, "work_done": {""}, "fee": {"120.5"}}, 422)
		page(detail, tech, 200, `id="work-form"`)
		// Leave now, after the arrival (datetime-local counts whole minutes).
		r = e.post(detail+"/work", tech, url.Values{"version": {version(detail, tech)}, "work_done": {"更换轴承"}, "parts_used": {"轴承 6204"}, "fee": {"120.50"},
			"left_at": {time.Now().In(crm.ChinaTime()).Format("2006-01-02T15:04")}})
		if r.Status != 303 {
			t.Fatalf("work = %d %s", r.Status, r.Body)
		}
		page(detail, tech, 200, `id="sign-form"`, `<canvas id="signature-pad"`, `/static/service_orders_sign.js`, "¥120.50")

		sig := signaturePNG(t, 300, 120)
		dataURL := "data:image/png;base64," + base64.StdEncoding.EncodeToString(sig)
		v := version(detail, tech)
		body = string(post(detail+"/sign", tech, url.Values{"version": {v}, "order_number": {"FW200001-0001"}, "signature": {dataURL}}, 422).Body)
		wantAll(t, "a signature for another order", body, "FW200001-0001", `id="sign-form"`)
		body = string(post(detail+"/sign", tech, url.Values{"version": {v}, "signature": {"data:image/gif;base64,R0lGOD"}}, 415).Body)
		wantAll(t, "a GIF signature", body, "签名必须是 PNG 图片")
		post(detail+"/sign", tech, url.Values{"version": {v}, "signature": {dataURL}, "signer_name": {"王经理"}}, 303)
		page(detail, tech, 200, `id="settle-form"`, "王经理")

		post(detail+"/settle", tech, url.Values{"version": {version(detail, tech)}, "settlement": {"on_site"}, "amount": {"120.50"}, "payment_method": {"wechat"}}, 303)
		page("/service-orders/invoices", fin, 200, `id="invoice-queue"`, "¥120.50", "微信支付")
		page("/service-orders/invoices", am1, 403)
		if body := page("/service-orders/invoices", kefu, 200, "¥120.50"); strings.Contains(body, `name="invoice_no"`) {
			t.Error("the service desk gets finance's invoice form")
		}
		body = string(post(detail+"/invoice", fin, url.Values{"version": {version("/service-orders/invoices", fin)}, "invoice_no": {"x"}, "back": {"invoices"}}, 422).Body)
		wantAll(t, "a bad invoice number", body, `id="invoice_no-error"`, "发票号码应为")
		post(detail+"/invoice", fin, url.Values{"version": {version("/service-orders/invoices", fin)}, "invoice_no": {"26332000000123456789"}, "back": {"invoices"}}, 303)
		post(detail+"/close", kefu, url.Values{"version": {version(detail, kefu)}, "note": {"核签"}}, 303)

		voucher := page(detail+"/voucher", kefu, 200, "服务凭证", `id="voucher-signature"`, `src="data:image/png;base64,`+strings.ReplaceAll(base64.StdEncoding.EncodeToString(sig), "+", "&#43;")+`"`,
			"更换轴承", "¥120.50", "tech1", "26332000000123456789", "/static/service_orders.css", "王经理")
		if strings.Contains(voucher, "13812345678") {
			t.Error("the voucher shows the phone in full")
		}
		page(detail+"/voucher", am3, 404)
		page(detail+"/voucher", fin, 200, `id="voucher-signature"`)
	})
}

func TestServiceOrderPagesRenderForTheRolesInBothLanguages(t *testing.T) {
	e := newEnvSQLite(t)
	newServiceOrg(e)
	tests := []struct {
		user, path string
		status     int
	}{
		{"kefu", "/service-orders", 200}, {"kefu", "/service-orders/new", 200}, {"kefu", "/service-orders/dispatch", 200},
		{"gm", "/service-orders/dispatch", 200}, {"tech1", "/service-orders/mine", 200}, {"tech1", "/service-orders/new", 403},
		{"tech1", "/service-orders/dispatch", 403}, {"cw", "/service-orders/invoices", 200}, {"sc", "/service-orders/mine", 403}, {"gm", "/service-orders/invoices", 200},
		{"am1", "/service-orders", 200}, {"sc", "/service-orders", 403}, {"kefu", "/service-orders/999999", 404},
		{"kefu", "/service-orders/abc/voucher", 404},
	}
	cookies := map[string]string{}
	for _, tc := range tests {
		if cookies[tc.user] == "" {
			cookies[tc.user] = e.formSignIn(tc.user)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			r := e.page(tc.path, lang, cookies[tc.user])
			if r.Status != tc.status {
				t.Errorf("%s GET %s (%s) = %d, want %d", tc.user, tc.path, lang, r.Status, tc.status)
			}
			if strings.Contains(string(r.Body), "⟦") {
				t.Errorf("%s GET %s (%s) shows a missing message", tc.user, tc.path, lang)
			}
		}
	}
	r := e.page("/service-orders", "en", cookies["kefu"])
	wantAll(t, "the English register", string(r.Body), "Service register", "Register a request", "Dispatch")
	if r := e.do("GET", "/service-orders", nil, nil); r.Status != http.StatusSeeOther {
		t.Errorf("signed out: %d", r.Status)
	}
}
