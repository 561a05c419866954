package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/service"
)

// serviceOrg is a company for the service orders: the org of the
// customer tests plus the service desk, two technicians, finance and
// marketing, and a customer of am1 and one of am3.
type serviceOrg struct {
	org
	kefu, tech1, tech2, fin, mkt string // tokens
	c1, c3                       int64  // customers of am1 and am3
}

func newServiceOrg(e *env) serviceOrg {
	e.t.Helper()
	s := serviceOrg{org: newOrg(e)}
	s.kefu = e.user("kefu", crm.RoleService)
	s.tech1 = e.user("tech1", crm.RoleTechnician)
	s.tech2 = e.user("tech2", crm.RoleTechnician)
	s.fin = e.user("cw", crm.RoleFinance)
	s.mkt = e.user("sc", crm.RoleMarketing)
	c1, r := s.create(s.am1, `{"name":"湖州电机"}`)
	if r.Status != 201 {
		e.t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	c3, _ := s.create(s.am3, `{"name":"广州南方贸易"}`)
	s.c1, s.c3 = c1.ID, c3.ID
	return s
}

// soJSON is a service order as the API answers it.
type soJSON struct {
	ID          int64
	Number      string
	Type        string
	Status      string
	Phone       string
	Next        []string
	CarriedOver bool   `json:"carried_over"`
	Technician  string `json:"technician"`
	Signed      bool
	FeeFen      *int64 `json:"fee_fen"`
	InvoiceNo   string `json:"invoice_no"`
	Version     int
}

// call sends body as token and decodes a service order from the answer.
func (s serviceOrg) call(method, path, token, body string) (soJSON, response) {
	s.e.t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	var r response
	if rd != nil {
		r = s.e.do(method, path, rd, as(token, "Accept-Language", "en"))
	} else {
		r = s.e.do(method, path, nil, as(token, "Accept-Language", "en"))
	}
	var o soJSON
	_ = json.Unmarshal(r.Body, &o)
	return o, r
}

func (s serviceOrg) register(token, typ string, customer int64, extra string) (soJSON, response) {
	s.e.t.Helper()
	return s.call("POST", "/api/v1/service-orders", token, fmt.Sprintf(`{"type":%q,"customer_id":%d,"address":"浙江省湖州市吴兴区 1 号",
		"phone":"13812345678","product_model":"KH-200","product_spec":"220V","purchase_date":"2026-03-01","purchase_place":"湖州门市部",
		"problem":"电机异响"%s}`, typ, customer, extra))
}

// step takes a step and fails unless it answers want.
func (s serviceOrg) step(o *soJSON, token, action, body string, want int) response {
	s.e.t.Helper()
	sep := ""
	if body != "" {
		sep = ","
	}
	got, r := s.call("POST", fmt.Sprintf("/api/v1/service-orders/%d/%s", o.ID, action), token, fmt.Sprintf(`{"version":%d%s%s}`, o.Version, sep, body))
	if r.Status != want {
		s.e.t.Fatalf("%s of %s = %d %s, want %d", action, o.Number, r.Status, r.Body, want)
	}
	if r.Status == 200 {
		*o = got
	}
	return r
}

// signaturePNG draws a short stroke, as the signature pad would.
func signaturePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := w / 4; x < 3*w/4; x++ {
		img.Set(x, h/2+(x%7)-3, color.NRGBA{A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (s serviceOrg) sign(o *soJSON, token string, body []byte, contentType, query string) response {
	s.e.t.Helper()
	r := s.e.do("PUT", fmt.Sprintf("/api/v1/service-orders/%d/signature?version=%d%s", o.ID, o.Version, query), bytes.NewReader(body),
		map[string]string{"Authorization": "Bearer " + token, "Content-Type": contentType, "Accept-Language": "en"})
	if r.Status == 200 {
		_ = json.Unmarshal(r.Body, o)
	}
	return r
}

func (s serviceOrg) status(token string, id int64) string {
	s.e.t.Helper()
	o, r := s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", id), token, "")
	if r.Status != 200 {
		s.e.t.Fatalf("GET order %d = %d %s", id, r.Status, r.Body)
	}
	return o.Status
}

func wantError(t *testing.T, what string, r response, status int, contains ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s = %d %s, want %d", what, r.Status, r.Body, status)
		return
	}
	for _, c := range contains {
		if !strings.Contains(string(r.Body), c) {
			t.Errorf("%s: %s lacks %q", what, r.Body, c)
		}
	}
}

func TestServiceOrderPaidLifeFromRegisterToClosed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		o, r := s.register(s.kefu, "A", s.c1, `,"received_at":"2026-11-27T10:00:00+08:00"`)
		if r.Status != 201 || o.Number != "FW202611-0001" || o.Status != "registered" || o.Phone != "138****5678" {
			t.Fatalf("register = %d %s", r.Status, r.Body)
		}
		if strings.Contains(string(r.Body), "13812345678") {
			t.Error("the phone number is answered in full")
		}
		if o2, _ := s.register(s.kefu, "C", s.c1, `,"received_at":"2026-11-27T11:00:00+08:00"`); o2.Number != "FW202611-0002" {
			t.Errorf("second number = %q", o2.Number)
		}
		// Not dispatched yet: the technician does not see it; closing is an illegal move.
		_, r = s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.tech1, "")
		wantError(t, "technician reads an order not dispatched to them", r, 404)
		wantError(t, "close a registered order", s.step(&o, s.kefu, "close", "", 422), 422, `"field":"status"`, "can go only to: dispatched")
		wantError(t, "dispatch to a non-technician", s.step(&o, s.kefu, "dispatch", `"technician":"cw"`, 422), 422, `"field":"technician"`)
		wantError(t, "finance dispatches", s.step(&o, s.fin, "dispatch", `"technician":"tech1"`, 403), 403)

		s.step(&o, s.kefu, "dispatch", `"technician":"tech1","note":"带备用轴承"`, 200)
		if o.Status != "dispatched" || o.Technician != "tech1" {
			t.Fatalf("dispatched: %+v", o)
		}
		_, r = s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.tech2, "")
		wantError(t, "another technician reads it", r, 404)
		reveal := func(token, body string) response {
			return e.do("POST", fmt.Sprintf("/api/v1/service-orders/%d/reveal", o.ID), strings.NewReader(body), as(token))
		}
		if r := reveal(s.tech1, `{"field":"phone","reason":"上门前联系客户"}`); r.Status != 200 || !strings.Contains(string(r.Body), `"value":"13812345678"`) {
			t.Errorf("the technician reveals the phone = %d %s", r.Status, r.Body)
		}
		wantError(t, "reveal without a reason", reveal(s.tech1, `{"field":"phone","reason":" "}`), 422, `"field":"reason"`)
		wantError(t, "finance reveals", reveal(s.fin, `{"field":"phone","reason":"x"}`), 403)
		wantError(t, "another technician reveals", reveal(s.tech2, `{"field":"phone","reason":"x"}`), 404)
		wantError(t, "another technician works on it", s.step(&o, s.tech2, "start", "", 404), 404)
		wantError(t, "sign before the work is done", s.sign(&o, s.tech1, signaturePNG(t, 300, 120), "image/png", ""), 422, "cannot go to signed")

		ago := func(d time.Duration) string { return time.Now().Add(-d).Format(time.RFC3339) }
		wantError(t, "arriving long before the dispatch", s.step(&o, s.tech1, "start", fmt.Sprintf(`"arrived_at":%q`, ago(72*time.Hour)), 422), 422, `"field":"arrived_at"`)
		s.step(&o, s.tech1, "start", fmt.Sprintf(`"arrived_at":%q`, ago(2*time.Hour)), 200)
		wantError(t, "a paid service without its fee", s.step(&o, s.tech1, "work", fmt.Sprintf(`"left_at":%q,"work_done":"更换轴承"`, ago(30*time.Minute)), 422), 422, `"field":"fee_fen"`)
		wantError(t, "leaving before arriving", s.step(&o, s.tech1, "work", fmt.Sprintf(`"left_at":%q,"work_done":"更换轴承","fee_fen":12000`, ago(3*time.Hour)), 422), 422, `"field":"left_at"`)
		s.step(&o, s.tech1, "work", fmt.Sprintf(`"left_at":%q,"work_done":"更换轴承","parts_used":"轴承 6204 ×2","fee_fen":12000`, ago(30*time.Minute)), 200)
		if o.Status != "done" || o.FeeFen == nil || *o.FeeFen != 12000 || len(o.Next) != 1 || o.Next[0] != "signed" {
			t.Fatalf("done: %+v", o)
		}

		// Bad signatures change nothing.
		version := o.Version
		big := append(signaturePNG(t, 300, 120), make([]byte, service.MaxSignatureBytes)...)
		blank := func() []byte {
			var b bytes.Buffer
			_ = png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 300, 120)))
			return b.Bytes()
		}()
		wantError(t, "a JPEG content type", s.sign(&o, s.tech1, []byte("\xff\xd8\xff\xe0 jpeg"), "image/jpeg", ""), 415)
		wantError(t, "bytes that are no PNG", s.sign(&o, s.tech1, []byte("GIF89a not a png"), "image/png", ""), 415, `"field":"signature"`)
		wantError(t, "a truncated PNG", s.sign(&o, s.tech1, signaturePNG(t, 300, 120)[:60], "image/png", ""), 422, "not a readable PNG")
		wantError(t, "an oversize signature", s.sign(&o, s.tech1, big, "image/png", ""), 413, "at most")
		wantError(t, "a blank signature", s.sign(&o, s.tech1, blank, "image/png", ""), 422, "blank")
		wantError(t, "a signature drawn for another order", s.sign(&o, s.tech1, signaturePNG(t, 300, 120), "image/png", "&order_number=FW202611-0002"), 422, `"field":"order_number"`, "FW202611-0002")
		wantError(t, "another technician's signature", s.sign(&o, s.tech2, signaturePNG(t, 300, 120), "image/png", ""), 404)
		if got, _ := s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.tech1, ""); got.Status != "done" || got.Signed || got.Version != version {
			t.Fatalf("a refused signature changed the order: %+v", got)
		}
		sig := signaturePNG(t, 300, 120)
		if r := s.sign(&o, s.tech1, sig, "image/png", "&order_number="+o.Number+"&signer_name="+urlQuery("王经理")); r.Status != 200 || o.Status != "signed" || !o.Signed {
			t.Fatalf("sign = %d %s", r.Status, r.Body)
		}
		wantError(t, "signing twice", s.sign(&o, s.tech1, sig, "image/png", ""), 422, "can go only to: fee_collected, awaiting_invoice")
		if r := e.do("GET", fmt.Sprintf("/api/v1/service-orders/%d/signature", o.ID), nil, as(s.kefu)); r.Status != 200 || !bytes.Equal(r.Body, sig) {
			t.Errorf("the stored signature = %d, %d bytes", r.Status, len(r.Body))
		}

		// Paid: finance does not see it until it is sent; a free order can never be.
		_, r = s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.fin, "")
		wantError(t, "finance reads an unsettled order", r, 404)
		wantError(t, "close before invoicing", s.step(&o, s.kefu, "close", "", 422), 422, "can go only to")
		wantError(t, "collect a different amount", s.step(&o, s.tech1, "settlement", `"settlement":"on_site","amount_fen":100,"payment_method":"cash"`, 422), 422, `"field":"amount_fen"`)
		s.step(&o, s.tech1, "settlement", `"settlement":"finance"`, 200)
		if o.Status != "awaiting_invoice" {
			t.Fatalf("sent to finance: %+v", o)
		}
		page := e.do("GET", "/api/v1/service-orders/invoice-queue", nil, as(s.fin))
		if page.Status != 200 || !strings.Contains(string(page.Body), o.Number) {
			t.Errorf("finance's queue = %d %s", page.Status, page.Body)
		}
		wantError(t, "a technician reads finance's queue", e.do("GET", "/api/v1/service-orders/invoice-queue", nil, as(s.tech1)), 403)
		wantError(t, "an account manager reads finance's queue", e.do("GET", "/api/v1/service-orders/invoice-queue", nil, as(s.am1)), 403)
		wantError(t, "a made-up invoice number", s.step(&o, s.fin, "invoice", `"invoice_no":"12"`, 422), 422, `"field":"invoice_no"`)
		wantError(t, "the technician invoices", s.step(&o, s.tech1, "invoice", `"invoice_no":"26332000000123456789"`, 403), 403)
		s.step(&o, s.fin, "invoice", `"invoice_no":"26332000000123456789"`, 200)
		if o.Status != "invoiced" || o.InvoiceNo != "26332000000123456789" {
			t.Fatalf("invoiced: %+v", o)
		}
		s.step(&o, s.kefu, "close", `"note":"核签"`, 200)
		wantError(t, "a step after closing", s.step(&o, s.kefu, "close", "", 422), 422, "closed and takes no further steps")

		// Account managers see the orders of their customers only.
		_, r = s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.am1, "")
		if r.Status != 200 {
			t.Errorf("the customer's account manager reads the order: %d", r.Status)
		}
		_, r = s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.am3, "")
		wantError(t, "another account manager reads it", r, 404)
		if list := e.do("GET", "/api/v1/service-orders", nil, as(s.am3)); strings.Contains(string(list.Body), o.Number) {
			t.Errorf("am3's list shows %s", o.Number)
		}

		var n, revealed int
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'service_order' AND entity_id = ? AND action <> 'reveal'", fmt.Sprint(o.ID)).Scan(&n); err != nil || n != 8 {
			t.Errorf("audit entries of the order's steps = %d (%v), want 8: register, dispatch, start, work, sign, settle, invoice, close", n, err)
		}
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'service_order' AND entity_id = ? AND action = 'reveal' AND username = 'tech1'", fmt.Sprint(o.ID)).Scan(&revealed); err != nil || revealed != 1 {
			t.Errorf("audited reveals = %d (%v), want the technician's one", revealed, err)
		}
	})
}

func TestServiceOrderFreeOrderAndRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		bad := []struct{ body, field string }{
			{`{"type":"E","customer_id":%d,"address":"x","phone":"13812345678","product_model":"m","problem":"p"}`, "type"},
			{`{"type":"C","customer_id":999999,"address":"x","phone":"13812345678","product_model":"m","problem":"p"}`, "customer_id"},
			{`{"type":"C","customer_id":%d,"address":"","phone":"13812345678","product_model":"m","problem":"p"}`, "address"},
			{`{"type":"C","customer_id":%d,"address":"x","phone":"12345","product_model":"m","problem":"p"}`, "phone"},
			{`{"type":"C","customer_id":%d,"address":"x","phone":"13812345678","product_model":"m","problem":"p","purchase_date":"2026-02-30"}`, "purchase_date"},
			{`{"type":"C","customer_id":%d,"address":"x","phone":"13812345678","product_model":"","problem":"p"}`, "product_model"},
		}
		for _, b := range bad {
			body := b.body
			if strings.Contains(body, "%d") {
				body = fmt.Sprintf(body, s.c1)
			}
			_, r := s.call("POST", "/api/v1/service-orders", s.kefu, body)
			wantError(t, body, r, 422, `"field":"`+b.field+`"`)
		}
		if list := e.do("GET", "/api/v1/service-orders", nil, as(s.kefu)); !strings.Contains(string(list.Body), `"items":[]`) {
			t.Errorf("refused registrations left orders: %s", list.Body)
		}
		_, r := s.register(s.tech1, "C", s.c1, "")
		wantError(t, "a technician registers", r, 403)
		_, r = s.register(s.am1, "C", s.c1, "")
		wantError(t, "an account manager registers", r, 403)
		wantError(t, "marketing reads service orders", e.do("GET", "/api/v1/service-orders", nil, as(s.mkt)), 403)

		o, r := s.register(s.kefu, "C", s.c3, "")
		if r.Status != 201 {
			t.Fatalf("register = %d %s", r.Status, r.Body)
		}
		s.step(&o, s.kefu, "dispatch", `"technician":"tech2"`, 200)
		s.step(&o, s.kefu, "dispatch", `"technician":"tech1"`, 200) // re-dispatched before work starts
		now := time.Now().Add(-time.Minute).Format(time.RFC3339)
		before := time.Now().Add(-91 * time.Minute).Format(time.RFC3339)
		wantError(t, "a fee on a free service", s.step(&o, s.tech1, "work", fmt.Sprintf(`"arrived_at":%q,"left_at":%q,"work_done":"清洁保养","fee_fen":500`, before, now), 422), 422, `"field":"fee_fen"`, "only a paid (A) service")
		s.step(&o, s.tech1, "work", fmt.Sprintf(`"arrived_at":%q,"left_at":%q,"work_done":"清洁保养"`, before, now), 200)
		if o.Status != "done" || o.FeeFen != nil {
			t.Fatalf("done: %+v", o)
		}
		wantError(t, "redispatch after the work", s.step(&o, s.kefu, "dispatch", `"technician":"tech2"`, 422), 422, "can go only to: signed")
		s.sign(&o, s.tech1, signaturePNG(t, 200, 80), "image/png", "")
		if o.Status != "signed" || len(o.Next) != 1 || o.Next[0] != "closed" {
			t.Fatalf("signed free order: %+v", o)
		}
		wantError(t, "settle a free order", s.step(&o, s.tech1, "settlement", `"settlement":"finance"`, 422), 422, "can go only to: closed")
		_, r = s.call("GET", fmt.Sprintf("/api/v1/service-orders/%d", o.ID), s.fin, "")
		wantError(t, "finance reads a free order", r, 404)
		wantError(t, "the technician closes", s.step(&o, s.tech1, "close", "", 403), 403)
		s.step(&o, s.kefu, "close", "", 200)
		if s.status(s.am3, o.ID) != "closed" {
			t.Error("am3 does not see the closed order of their customer")
		}
		wantError(t, "a stale version", s.step(&soJSON{ID: o.ID, Number: o.Number, Version: 1}, s.kefu, "close", "", 409), 409)
	})
}

// TestServiceOrdersCarriedOverAcrossWorkingDays registers orders around
// the close of Friday 2026-11-27 with Monday 2026-11-30 a company day off,
// and reads the dispatch board at fixed times.
func TestServiceOrdersCarriedOverAcrossWorkingDays(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		admin := e.user("sysadm", crm.RoleAdmin)
		if r := e.do("PUT", "/api/v1/calendar/overrides/2026-11-30", strings.NewReader(`{"kind":"day_off","name":"公司年会"}`), as(admin)); r.Status >= 300 {
			t.Fatalf("override = %d %s", r.Status, r.Body)
		}
		cst := crm.ChinaTime()
		at := func(s string) time.Time {
			t0, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
			if err != nil {
				t.Fatal(err)
			}
			return t0
		}
		clock := at("2026-12-02 20:00")
		customers := customer.New(e.db, e.keys, nil)
		cals, err := crm.NewCalendars(e.db)
		if err != nil {
			t.Fatal(err)
		}
		so := service.New(e.db, customers, cals, e.keys, func() time.Time { return clock })
		ctx := crm.WithPrincipal(context.Background(), crm.Principal{UserID: e.userID("kefu"), Username: "kefu", Role: crm.RoleService})
		reg := func(received string) service.ServiceOrder {
			o, err := so.Register(ctx, service.ServiceOrder{Type: "C", CustomerID: s.c1, Address: "湖州", ProductModel: "KH-1", Problem: "异响",
				ReceivedAt: at(received)}, "13812345678", "zh-CN")
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		fri := reg("2026-11-27 10:00")  // due at the close of Friday
		late := reg("2026-11-27 19:00") // after the close: due Tuesday (Monday is off)
		sat := reg("2026-11-28 09:00")  // weekend: due Tuesday too
		tue := reg("2026-12-01 12:30")  // lunch break on Tuesday: due Tuesday
		wed := reg("2026-12-02 18:00")  // at the close exactly: due Thursday
		for o, want := range map[*service.ServiceOrder]string{&fri: "2026-11-27 18:00", &late: "2026-12-01 18:00", &sat: "2026-12-01 18:00",
			&tue: "2026-12-01 18:00", &wed: "2026-12-03 18:00"} {
			if got := o.CarryOverAt.In(cst).Format("2006-01-02 15:04"); got != want {
				t.Errorf("%s received %s: carried over from %s, want %s", o.Number, o.ReceivedAt.In(cst).Format("01-02 15:04"), got, want)
			}
		}
		board := func(now string) []string {
			clock = at(now)
			list, err := so.DispatchBoard(ctx, service.ServiceCursor{}, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range list {
				mark := ""
				if o.CarriedOver {
					mark = "*"
				}
				out = append(out, o.Number[len(o.Number)-1:]+mark)
			}
			return out
		}
		// The board shows each number's last digit: 1 fri, 2 late, 3 sat (November), then 1 tue, 2 wed (December).
		tests := []struct{ now, want string }{
			{"2026-11-27 17:59", "1 2 3 1 2"},
			{"2026-11-27 18:00", "1* 2 3 1 2"},
			{"2026-11-30 10:00", "1* 2 3 1 2"}, // Monday off: nothing new carried over
			{"2026-12-01 18:00", "1* 2* 3* 1* 2"},
		}
		for _, tc := range tests {
			if got := strings.Join(board(tc.now), " "); got != tc.want {
				t.Errorf("board at %s = %s, want %s", tc.now, got, tc.want)
			}
		}
		// Dispatching Friday's order takes it off the board; the register lists carried-over first, then newest.
		clock = at("2026-12-01 18:30")
		if _, err := so.Dispatch(ctx, fri.ID, fri.Version, "tech1", ""); err != nil {
			t.Fatal(err)
		}
		list, err := so.List(ctx, nil, false, service.ServiceCursor{}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != tue.ID || list[1].ID != sat.ID {
			t.Errorf("register page 1 = %v, want the carried-over orders newest first", numbers(list))
		}
		next, err := so.List(ctx, nil, false, service.ServiceCursor{Flag: 1, ID: list[1].ID}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(next) != 3 || next[0].ID != late.ID || next[1].ID != wed.ID || next[2].ID != fri.ID {
			t.Errorf("register page 2 = %v", numbers(next))
		}
	})
}

func numbers(list []service.ServiceOrder) []string {
	var out []string
	for _, o := range list {
		out = append(out, fmt.Sprintf("%s(%v)", o.Number, o.CarriedOver))
	}
	return out
}

// TestServiceOrderNumbersUnderConcurrentRegistration registers orders
// from many goroutines and finds no number twice.
func TestServiceOrderNumbersUnderConcurrentRegistration(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		const n = 12
		errs := make(chan error, n)
		for range n {
			go func() {
				r := e.do("POST", "/api/v1/service-orders", strings.NewReader(fmt.Sprintf(`{"type":"B","customer_id":%d,"address":"x","phone":"0572-2345678","product_model":"m","problem":"p","received_at":"2026-10-05T10:00:00+08:00"}`, s.c1)), as(s.kefu))
				if r.Status != 201 {
					errs <- fmt.Errorf("%d %s", r.Status, r.Body)
					return
				}
				errs <- nil
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		var distinct, total int
		err := e.db.QueryRow(context.Background(), "SELECT COUNT(DISTINCT number), COUNT(*) FROM service_orders WHERE number LIKE 'FW202610-%'").Scan(&distinct, &total)
		if err != nil || distinct != n || total != n {
			t.Errorf("numbers: %d distinct of %d (%v)", distinct, total, err)
		}
	})
}
