package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTheShippingBoardNoteAndClaimPagesWorkInBothLanguages(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 10), func(t *testing.T, d *dealerEnv) {
		o := newShipOrg(t, d)
		e := d.env
		ord := o.approved(t, o.dealer1, 3)
		wh := e.formSignIn("cangku")
		for lang, want := range map[string]string{"zh-CN": "发运看板", "en": "Shipping board"} {
			r := e.page("/shipping", lang, wh)
			if r.Status != 200 || !strings.Contains(string(r.Body), want) || !strings.Contains(string(r.Body), fmt.Sprintf(`data-order="%d"`, ord.ID)) {
				t.Errorf("board in %s = %d", lang, r.Status)
			}
		}
		r := e.post(fmt.Sprintf("/orders/%d/ship", ord.ID), wh, url.Values{"carrier": {"铁路"}, "waybill_no": {"YD-9"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/shipments/") {
			t.Fatalf("ship all = %d %s", r.Status, r.Body)
		}
		note := r.Header.Get("Location")
		for lang, want := range map[string]string{"zh-CN": "货物发运单", "en": "Shipping note"} {
			if r := e.page(note, lang, wh); r.Status != 200 || !strings.Contains(string(r.Body), want) || !strings.Contains(string(r.Body), "¥300.00") {
				t.Errorf("note in %s = %d", lang, r.Status)
			}
		}
		dealer := e.formSignIn("dealer1")
		if r := e.page(note, "zh-CN", e.formSignIn("dealer2")); r.Status != 404 {
			t.Errorf("another dealer's note = %d, want 404", r.Status)
		}
		if r := e.page(note, "zh-CN", dealer); r.Status != 200 || !strings.Contains(string(r.Body), `id="confirm-receipt"`) || !strings.Contains(string(r.Body), `id="claim-form"`) {
			t.Errorf("dealer's note = %d", r.Status)
		}
		if r := e.post(note+"/receipt", dealer, url.Values{}); r.Status != http.StatusSeeOther {
			t.Errorf("confirm receipt = %d %s", r.Status, r.Body)
		}
		r = e.post(note+"/claim", dealer, url.Values{"kind": {"damage"}, "product_id": {fmt.Sprint(o.product)}, "quantity": {"1"}, "description": {"外箱破损"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/claims/") {
			t.Fatalf("claim form = %d %s", r.Status, r.Body)
		}
		claim := strings.Split(r.Header.Get("Location"), "?")[0]
		kefu := e.signIn("kefu", "service")
		for lang, want := range map[string]string{"zh-CN": "货损索赔", "en": "Transit claims"} {
			if r := e.page("/claims", lang, kefu); r.Status != 200 || !strings.Contains(string(r.Body), want) || !strings.Contains(string(r.Body), `data-status="open"`) {
				t.Errorf("claims queue in %s = %d", lang, r.Status)
			}
		}
		if r := e.page(claim, "en", kefu); r.Status != 200 || !strings.Contains(string(r.Body), `id="resolve"`) {
			t.Errorf("claim page = %d", r.Status)
		}
		if r := e.post(claim+"/resolve", kefu, url.Values{"resolution": {"credit"}, "amount": {"50"}}); r.Status != http.StatusSeeOther {
			t.Errorf("resolve = %d %s", r.Status, r.Body)
		}
		if r := e.page(claim, "zh-CN", dealer); r.Status != 200 || !strings.Contains(string(r.Body), "已处理") {
			t.Errorf("dealer's resolved claim = %d", r.Status)
		}
	})
}
