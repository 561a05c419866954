package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

type shipmentJSON struct {
	ID         int64
	Code       string
	OrderID    int64 `json:"order_id"`
	ClaimID    int64 `json:"claim_id"`
	Status     string
	WaybillNo  string     `json:"waybill_no"`
	MailNo     string     `json:"mail_no"`
	MailedAt   *time.Time `json:"mailed_at"`
	ReceivedAt *time.Time `json:"received_at"`
	Deemed     bool       `json:"receipt_deemed"`
	Total      string
	Warnings   []string
	Version    int
	Lines      []struct {
		ProductID int64 `json:"product_id"`
		Quantity  int64
		Amount    string
	}
}

type claimJSON struct {
	ID            int64
	Code          string
	Status        string
	Kind          string
	Amount        string
	Resolution    string
	ReplacementID int64 `json:"replacement_shipment_id"`
	Version       int
	Evidence      []struct{ ID int64 }
	Ledger        []struct {
		Step string
		At   time.Time
		By   string
	}
}

// shipOrg is the order org with a dealer (of am1) and its account, and a
// second dealer's account.
type shipOrg struct {
	orderOrg
	d                *dealerEnv
	dealer1, dealer2 int64
	dealer, other    string
}

func newShipOrg(t *testing.T, d *dealerEnv) shipOrg {
	t.Helper()
	o := shipOrg{orderOrg: newOrderOrg(t, d.env), d: d}
	for _, c := range []struct {
		name string
		id   *int64
	}{{"杭州东方经销有限公司", &o.dealer1}, {"宁波海星经销有限公司", &o.dealer2}} {
		got, r := o.create(o.am1, fmt.Sprintf(`{"name":%q,"kind":"dealer"}`, c.name))
		if r.Status != 201 {
			t.Fatalf("dealer: %d %s", r.Status, r.Body)
		}
		*c.id = got.ID
	}
	o.dealer = shipDealerAccount(t, d.env, "dealer1", o.dealer1)
	o.other = shipDealerAccount(t, d.env, "dealer2", o.dealer2)
	return o
}

// shipDealerAccount adds a dealer account of dealerID (as the command
// line does) and signs it in.
func shipDealerAccount(t *testing.T, e *env, username string, dealerID int64) string {
	t.Helper()
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
	if _, err := e.srv.Services.Identity.AddUser(sys, identity.NewUser{Username: username, Role: crm.RoleDealer, DealerID: dealerID, Password: testPassword}, "en"); err != nil {
		t.Fatalf("add %s: %v", username, err)
	}
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	var body struct{ Token string }
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil || body.Token == "" {
		t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return body.Token
}

// approved submits an order of quantity pieces for customer and has the
// four steps approve it.
func (o shipOrg) approved(t *testing.T, customer int64, quantity int) orderJSON {
	t.Helper()
	body := fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":%d}],"transport":"rail","destination_station":"杭州东站"}`, customer, o.product, quantity)
	ord, r := o.submit(o.am1, body)
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	for _, tok := range []string{o.mgrA, o.finance, o.gm, o.warehouse} {
		if ord, r = o.decide(tok, ord.ID, "approve", "同意"); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
	}
	if ord.Status != "approved" {
		t.Fatalf("order %+v not approved", ord)
	}
	return ord
}

func (o shipOrg) ship(token string, orderID int64, body string) (shipmentJSON, response) {
	o.e.t.Helper()
	r := o.e.do("POST", fmt.Sprintf("/api/v1/orders/%d/shipments", orderID), strings.NewReader(body), as(token))
	var x shipmentJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

func (o shipOrg) claim(token, body string) (claimJSON, response) {
	o.e.t.Helper()
	r := o.e.do("POST", "/api/v1/claims", strings.NewReader(body), as(token))
	var x claimJSON
	_ = json.Unmarshal(r.Body, &x)
	return x, r
}

func (o shipOrg) stock(t *testing.T) int64 {
	t.Helper()
	r := o.e.do("GET", fmt.Sprintf("/api/v1/stock?product_id=%d", o.product), nil, as(o.warehouse))
	var page struct{ Items []struct{ Quantity int64 } }
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
		t.Fatalf("stock: %d %s", r.Status, r.Body)
	}
	if len(page.Items) == 0 {
		return 0
	}
	return page.Items[0].Quantity
}

func TestAnApprovedOrderShipsPartlyThenFullyMovingStockWithAWarning(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 10), func(t *testing.T, d *dealerEnv) {
		o := newShipOrg(t, d)
		e := d.env
		r := e.do("POST", "/api/v1/stock/movements", strings.NewReader(fmt.Sprintf(`{"product_id":%d,"quantity":5,"note":"入库"}`, o.product)), as(o.warehouse))
		if r.Status != 201 || r.Header.Get("Location") == "" || r.Header.Get("ETag") == "" {
			t.Fatalf("stock receipt = %d %s", r.Status, r.Body)
		} else if g := e.do("GET", r.Header.Get("Location"), nil, as(o.warehouse)); g.Status != 200 {
			t.Errorf("GET stock Location = %d", g.Status)
		}
		ord := o.approved(t, o.dealer1, 8)
		if _, r := o.ship(o.am1, ord.ID, `{}`); r.Status != http.StatusForbidden {
			t.Errorf("an account manager ships = %d, want 403", r.Status)
		}
		line := func(q string) string {
			return fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":%s}],"carrier":"铁路货运","waybill_no":"YD-1"}`, o.product, q)
		}
		first, r := o.ship(o.warehouse, ord.ID, line("3"))
		if r.Status != 201 || first.Status != "shipped" || len(first.Lines) != 1 || first.Lines[0].Quantity != 3 || first.Total != "300.00" || len(first.Warnings) != 0 {
			t.Fatalf("first shipment = %d %s", r.Status, r.Body)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/shipments/%d", first.ID) || r.Header.Get("ETag") == "" {
			t.Errorf("Location %q ETag %q", loc, r.Header.Get("ETag"))
		} else if g := e.do("GET", loc, nil, as(o.warehouse)); g.Status != 200 {
			t.Errorf("GET Location = %d", g.Status)
		}
		if n := o.stock(t); n != 2 {
			t.Errorf("stock after shipping 3 of 5 = %d, want 2", n)
		}
		var got orderJSON
		_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/orders/%d", ord.ID), nil, as(o.am1)).Body, &got)
		if got.Status != "approved" {
			t.Errorf("after a partial shipment the order is %s, want approved", got.Status)
		}
		before := e.countRows("SELECT COUNT(*) FROM shipments")
		if _, r := o.ship(o.warehouse, ord.ID, line("6")); r.Status != 422 || fieldsOf(r)[0] != "lines[0].quantity" || !strings.Contains(string(r.Body), "5") {
			t.Errorf("shipping more than remains = %d %s", r.Status, r.Body)
		}
		if _, r := o.ship(o.warehouse, ord.ID, `{"lines":[{"product_id":999999,"quantity":1}]}`); r.Status != 422 || fieldsOf(r)[0] != "lines[0].product_id" {
			t.Errorf("shipping a product not on the order = %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM shipments"); n != before {
			t.Errorf("refused shipments wrote %d rows", n-before)
		}
		second, r := o.ship(o.warehouse, ord.ID, line("5"))
		if r.Status != 201 || len(second.Warnings) != 1 || !strings.Contains(second.Warnings[0], "DH-PUMP") {
			t.Fatalf("second shipment = %d %s, want a negative-stock warning", r.Status, r.Body)
		}
		if n := o.stock(t); n != -3 {
			t.Errorf("stock = %d, want -3", n)
		}
		_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/orders/%d", ord.ID), nil, as(o.am1)).Body, &got)
		if got.Status != "shipped" {
			t.Errorf("after everything shipped the order is %s", got.Status)
		}
		if _, r := o.ship(o.warehouse, ord.ID, `{}`); r.Status != http.StatusConflict {
			t.Errorf("shipping a shipped order = %d, want 409", r.Status)
		}
		// The 提货单据 posting.
		r = e.do("PATCH", fmt.Sprintf("/api/v1/shipments/%d", second.ID), strings.NewReader(`{"mail_no":"XA123456789CN","waybill_no":"YD-2"}`), as(o.warehouse))
		var patched shipmentJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &patched) != nil || patched.MailNo != "XA123456789CN" || patched.MailedAt == nil || patched.WaybillNo != "YD-2" {
			t.Errorf("patch = %d %s", r.Status, r.Body)
		}
		// An administrator blocks negative stock: nothing is written.
		if r := e.do("PUT", "/api/v1/shipping-settings", strings.NewReader(`{"block_negative_stock":true,"receipt_days":10,"claim_days":7}`), as(o.admin)); r.Status != 200 {
			t.Fatalf("settings = %d %s", r.Status, r.Body)
		}
		ord2 := o.approved(t, o.dealer1, 2)
		before = e.countRows("SELECT COUNT(*) FROM shipments")
		if _, r := o.ship(o.warehouse, ord2.ID, `{}`); r.Status != 422 || !strings.Contains(string(r.Body), "DH-PUMP") {
			t.Errorf("blocked negative stock = %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM shipments"); n != before || o.stock(t) != -3 {
			t.Errorf("a blocked shipment wrote %d shipments; stock %d", n-before, o.stock(t))
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'shipment'"); n != 3 {
			t.Errorf("%d shipment audit entries, want 3", n)
		}
	})
}

func TestAnOverdueShipmentIsEscalatedOnce(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 10), func(t *testing.T, d *dealerEnv) {
		o := newShipOrg(t, d)
		e := d.env
		e.userIn("cangku_mgr", crm.RoleWarehouse, "", "")
		e.userIn("cangku2", crm.RoleWarehouse, "", "cangku_mgr")
		ord := o.approved(t, o.dealer1, 2)
		if ord.ShipDueAt == nil || !ord.ShipDueAt.Equal(china(2026, 12, 3, 18)) {
			t.Fatalf("ship_due_at = %v, want 2026-12-03 18:00 China (2 working days)", ord.ShipDueAt)
		}
		sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("shipping"))
		svc := e.srv.Services.Shipping
		if n, err := svc.EscalateOverdue(sys); err != nil || n != 0 {
			t.Fatalf("sweep before the deadline = %d, %v", n, err)
		}
		d.set(china(2026, 12, 4, 9))
		if n, err := svc.EscalateOverdue(sys); err != nil || n != 1 {
			t.Fatalf("sweep after the deadline = %d, %v; want 1", n, err)
		}
		if n, err := svc.EscalateOverdue(sys); err != nil || n != 0 {
			t.Errorf("second sweep = %d, %v; want 0", n, err)
		}
		for _, u := range []string{"gm", "cangku_mgr"} {
			if n := e.countRows("SELECT COUNT(*) FROM notifications WHERE kind = 'shipment_overdue' AND user_id = ?", e.userID(u)); n != 1 {
				t.Errorf("%s got %d overdue notices, want 1", u, n)
			}
		}
		board, err := svc.Board(crm.WithPrincipal(context.Background(), crm.Principal{UserID: e.userID("cangku"), Username: "cangku", Role: crm.RoleWarehouse}), 10)
		if err != nil || len(board) != 1 || !board[0].Overdue || board[0].Remaining != 2 {
			t.Errorf("board = %+v, %v", board, err)
		}
	})
}

func TestTheDealerConfirmsReceiptAndClaimsWithinTheWindowOnly(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 10), func(t *testing.T, d *dealerEnv) {
		o := newShipOrg(t, d)
		e := d.env
		ord := o.approved(t, o.dealer1, 4)
		sh, r := o.ship(o.warehouse, ord.ID, `{}`)
		if r.Status != 201 {
			t.Fatalf("ship: %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/shipments/%d", sh.ID)
		if r := e.do("GET", path, nil, as(o.dealer)); r.Status != 200 {
			t.Errorf("the dealer reads its shipment = %d", r.Status)
		}
		for _, p := range []struct{ method, path string }{{"GET", path}, {"POST", path + "/receipt"}} {
			if r := e.do(p.method, p.path, nil, as(o.other)); r.Status != 404 {
				t.Errorf("another dealer %s %s = %d, want 404", p.method, p.path, r.Status)
			}
		}
		var list struct{ Items []shipmentJSON }
		_ = json.Unmarshal(e.do("GET", "/api/v1/shipments", nil, as(o.other)).Body, &list)
		if len(list.Items) != 0 {
			t.Errorf("another dealer lists %d shipments", len(list.Items))
		}
		d.set(china(2026, 12, 2, 15))
		r = e.do("POST", path+"/receipt", nil, as(o.dealer))
		var got shipmentJSON
		if r.Status != 200 || json.Unmarshal(r.Body, &got) != nil || got.Status != "received" || got.ReceivedAt == nil || got.Deemed {
			t.Fatalf("receipt = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", path+"/receipt", nil, as(o.dealer)); r.Status != http.StatusConflict {
			t.Errorf("a second receipt = %d, want 409", r.Status)
		}
		body := func(q int) string {
			return fmt.Sprintf(`{"shipment_id":%d,"kind":"damage","description":"外箱破损，两台泵壳开裂","lines":[{"product_id":%d,"quantity":%d}]}`, sh.ID, o.product, q)
		}
		if _, r := o.claim(o.other, body(1)); r.Status != 422 || fieldsOf(r)[0] != "shipment_id" {
			t.Errorf("another dealer's claim = %d %s", r.Status, r.Body)
		}
		if _, r := o.claim(o.dealer, body(9)); r.Status != 422 || fieldsOf(r)[0] != "lines[0].quantity" {
			t.Errorf("claiming more than shipped = %d %s", r.Status, r.Body)
		}
		d.set(china(2026, 12, 8, 11))
		c, r := o.claim(o.dealer, body(2))
		if r.Status != 201 || c.Status != "open" || c.Amount != "200.00" || len(c.Ledger) != 1 || c.Ledger[0].Step != "filed" {
			t.Fatalf("claim within the window = %d %s", r.Status, r.Body)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/claims/%d", c.ID) || e.do("GET", loc, nil, as(o.dealer)).Status != 200 {
			t.Errorf("claim Location %q", loc)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/claims/%d", c.ID), nil, as(o.other)); r.Status != 404 {
			t.Errorf("another dealer reads the claim = %d, want 404", r.Status)
		}
		up, ct := multipartUpload("file", "破损.png", "image/png", pngFile)
		r = e.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence?kind=photo", c.ID), up, map[string]string{"Authorization": "Bearer " + o.dealer, "Content-Type": ct})
		if r.Status != 201 {
			t.Fatalf("evidence = %d %s", r.Status, r.Body)
		}
		if g := e.do("GET", r.Header.Get("Location"), nil, as(o.dealer)); g.Status != 200 || g.Header.Get("Content-Type") != "image/png" {
			t.Errorf("evidence download = %d %s", g.Status, g.Header.Get("Content-Type"))
		}
		up, ct = multipartUpload("file", "run.sh", "text/plain", []byte("#!/bin/sh\nrm -rf /\n"))
		if r := e.do("POST", fmt.Sprintf("/api/v1/claims/%d/evidence", c.ID), up, map[string]string{"Authorization": "Bearer " + o.dealer, "Content-Type": ct}); r.Status != 415 {
			t.Errorf("a script as evidence = %d, want 415", r.Status)
		}
		// Received on 12-02: the 7 days end with 12-09.
		d.set(china(2026, 12, 10, 9))
		before := e.countRows("SELECT COUNT(*) FROM claims")
		_, r = o.claim(o.dealer, body(1))
		if r.Status != 422 || fieldsOf(r)[0] != "shipment_id" || !strings.Contains(string(r.Body), "7") || !strings.Contains(string(r.Body), "2026-12-02") {
			t.Errorf("claim after the window = %d %s, want 422 naming the 7 days", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM claims"); n != before {
			t.Errorf("a refused claim wrote %d rows", n-before)
		}
	})
}

func TestAShipmentNotConfirmedIsDeemedReceivedAfterTheConfiguredDays(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 10), func(t *testing.T, d *dealerEnv) {
		o := newShipOrg(t, d)
		e := d.env
		ord := o.approved(t, o.dealer1, 1)
		sh, r := o.ship(o.warehouse, ord.ID, `{}`)
		if r.Status != 201 {
			t.Fatalf("ship: %d %s", r.Status, r.Body)
		}
		sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("shipping"))
		svc := e.srv.Services.Shipping
		d.set(china(2026, 12, 11, 10))
		if n, err := svc.DeemReceipts(sys); err != nil || n != 0 {
			t.Fatalf("deem on day 10 = %d, %v; want 0", n, err)
		}
		d.set(china(2026, 12, 12, 1))
		if n, err := svc.DeemReceipts(sys); err != nil || n != 1 {
			t.Fatalf("deem after day 10 = %d, %v; want 1", n, err)
		}
		var got shipmentJSON
		_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/shipments/%d", sh.ID), nil, as(o.dealer)).Body, &got)
		if got.Status != "received" || !got.Deemed || got.ReceivedAt == nil {
			t.Errorf("deemed shipment = %+v", got)
		}
	})
}

func TestAClaimIsResolvedByReplacementCreditOrCarrier(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 10), func(t *testing.T, d *dealerEnv) {
		o := newShipOrg(t, d)
		e := d.env
		kefu := e.user("kefu", crm.RoleService)
		ord := o.approved(t, o.dealer1, 6)
		sh, _ := o.ship(o.warehouse, ord.ID, `{}`)
		mk := func() claimJSON {
			c, r := o.claim(o.dealer, fmt.Sprintf(`{"shipment_id":%d,"kind":"loss","description":"少到一件","lines":[{"product_id":%d,"quantity":1}]}`, sh.ID, o.product))
			if r.Status != 201 {
				t.Fatalf("claim: %d %s", r.Status, r.Body)
			}
			return c
		}
		resolve := func(token string, id int64, body string) (claimJSON, response) {
			r := e.do("POST", fmt.Sprintf("/api/v1/claims/%d/resolution", id), strings.NewReader(body), as(token))
			var c claimJSON
			_ = json.Unmarshal(r.Body, &c)
			return c, r
		}
		c1 := mk()
		if _, r := resolve(o.dealer, c1.ID, `{"resolution":"credit"}`); r.Status != http.StatusForbidden {
			t.Errorf("the dealer resolves = %d, want 403", r.Status)
		}
		if _, r := resolve(kefu, c1.ID, `{"resolution":"refund"}`); r.Status != 422 || fieldsOf(r)[0] != "resolution" {
			t.Errorf("an unknown resolution = %d %s", r.Status, r.Body)
		}
		got, r := resolve(kefu, c1.ID, `{"resolution":"replacement","note":"补发一件"}`)
		if r.Status != 200 || got.Status != "resolved" || got.ReplacementID == 0 || len(got.Ledger) != 2 || got.Ledger[1].Step != "resolved" {
			t.Fatalf("replacement = %d %s", r.Status, r.Body)
		}
		var rep shipmentJSON
		_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/shipments/%d", got.ReplacementID), nil, as(o.dealer)).Body, &rep)
		if rep.ClaimID != c1.ID || len(rep.Lines) != 1 || rep.Lines[0].Quantity != 1 {
			t.Errorf("replacement shipment = %+v", rep)
		}
		if o.stock(t) != -7 {
			t.Errorf("stock = %d, want -7 (6 shipped, 1 replaced)", o.stock(t))
		}
		if _, r := resolve(kefu, c1.ID, `{"resolution":"credit"}`); r.Status != http.StatusConflict {
			t.Errorf("resolving twice = %d, want 409", r.Status)
		}
		c2 := mk()
		if got, r := resolve(o.mgrA, c2.ID, `{"resolution":"credit","amount":"80.00"}`); r.Status != 200 || got.Resolution != "credit" || got.Amount != "80.00" {
			t.Errorf("credit = %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM pending_credits WHERE claim_id = ? AND amount_fen = 8000 AND status = 'pending'", c2.ID); n != 1 {
			t.Errorf("%d pending credits, want 1", n)
		}
		c3 := mk()
		if got, r := resolve(kefu, c3.ID, `{"resolution":"carrier","note":"铁路局赔付"}`); r.Status != 200 || got.Resolution != "carrier" || got.Amount != "100.00" {
			t.Errorf("carrier = %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE action = 'claim_resolve'"); n != 3 {
			t.Errorf("%d resolutions audited, want 3", n)
		}
		var q struct{ Items []claimJSON }
		_ = json.Unmarshal(e.do("GET", "/api/v1/claims?status=resolved", nil, as(kefu)).Body, &q)
		if len(q.Items) != 3 {
			t.Errorf("resolved queue has %d claims, want 3", len(q.Items))
		}
	})
}

// idemShipping prepares the creating POSTs of shipping for the
// idempotency test: an approved order of customer (100 pieces of a new
// product), one shipment of it and one claim on that, returning the
// order, the shipment, the claim and the warehouse's token.
func idemShipping(t *testing.T, e *env, customer int64, am, mgr, finance, gm, clerk string) (orderID, shipmentID, claimID int64, warehouse string) {
	t.Helper()
	warehouse = e.user("idem_wh", crm.RoleWarehouse)
	p, r := e.product(gm, `{"code":"FY-IDEM","name":"发运幂等泵","list_price":"10.00"}`)
	if r.Status != 201 {
		t.Fatalf("product: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/v1/orders", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":100}]}`, customer, p.ID)), as(am))
	var ord orderJSON
	if r.Status != 201 || json.Unmarshal(r.Body, &ord) != nil {
		t.Fatalf("order: %d %s", r.Status, r.Body)
	}
	for _, tok := range []string{mgr, finance, gm, warehouse} {
		if r := e.do("POST", fmt.Sprintf("/api/v1/orders/%d/decisions", ord.ID), strings.NewReader(`{"decision":"approve","comment":"同意"}`), as(tok)); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
	}
	r = e.do("POST", fmt.Sprintf("/api/v1/orders/%d/shipments", ord.ID), strings.NewReader(fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":10}]}`, p.ID)), as(warehouse))
	var sh shipmentJSON
	if r.Status != 201 || json.Unmarshal(r.Body, &sh) != nil {
		t.Fatalf("ship: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/v1/claims", strings.NewReader(fmt.Sprintf(`{"shipment_id":%d,"kind":"damage","description":"破损","lines":[{"product_id":%d,"quantity":1}]}`, sh.ID, p.ID)), as(clerk))
	var c claimJSON
	if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
		t.Fatalf("claim: %d %s", r.Status, r.Body)
	}
	return ord.ID, sh.ID, c.ID, warehouse
}
