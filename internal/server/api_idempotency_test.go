package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/api"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// creatingCase sends one creating request of a route with an
// Idempotency-Key; variant changes its body.
type creatingCase struct {
	send  func(key string, variant int) response
	count string // SQL counting what the route creates; "" when nothing countable
}

// withKey returns headers h plus the Idempotency-Key.
func withKey(h map[string]string, key string) map[string]string {
	out := map[string]string{"Idempotency-Key": key}
	for k, v := range h {
		out[k] = v
	}
	return out
}

// multipartUpload builds a form with one file; each call draws a new
// boundary, as a client that builds its request again does.
func multipartUpload(field, name, contentType string, data []byte, fields ...string) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, name)}
	h["Content-Type"] = []string{contentType}
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(data)
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// creatingCases has a case for every route that takes an Idempotency-Key.
func creatingCases(t *testing.T, e *env) map[string]creatingCase {
	t.Helper()
	o := newOrg(e)
	clerk := e.user("kefu", crm.RoleService)
	cust, r := o.create(o.am1, `{"name":"幂等测试机械有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	var it, k struct{ ID int64 }
	r = e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", cust.ID), strings.NewReader(`{"channel":"phone","content":"确认交期"}`), as(o.am1))
	if r.Status != 201 || json.Unmarshal(r.Body, &it) != nil {
		t.Fatalf("interaction: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"态度差"}`, cust.ID)), as(clerk))
	if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
		t.Fatalf("complaint: %d %s", r.Status, r.Body)
	}
	startImportWorker(t, e)
	checked, r := e.uploadImport(o.am1, "待提交.csv", "text/csv", []byte("客户名称\n待提交贸易有限公司\n"))
	if r.Status != 202 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	e.waitImport(o.am1, checked.ID)
	salesClerk := e.user("caiwu", "finance")
	e.product(o.mgrA, `{"code":"XS-IDEM","name":"幂等泵","list_price":"10.00"}`)

	jsonPost := func(path, token string, body func(v int) string) func(string, int) response {
		return func(key string, v int) response {
			h := jsonHeader
			if token != "" {
				h = as(token)
			}
			return e.do("POST", path, strings.NewReader(body(v)), withKey(h, key))
		}
	}
	upload := func(path, token, name, contentType string, data func(v int) []byte, fields ...string) func(string, int) response {
		return func(key string, v int) response {
			body, ct := multipartUpload("file", name, contentType, data(v), fields...)
			return e.do("POST", path, body, withKey(map[string]string{"Authorization": "Bearer " + token, "Content-Type": ct}, key))
		}
	}
	png := func(v int) []byte { return append(slices.Clone(pngFile), byte(v)) }
	shipOrder, shipID, claimID, shipWH := idemShipping(t, e, cust.ID, o.am1, o.mgrA, salesClerk, o.gm, clerk)
	shipProduct := int64(e.countRows("SELECT id FROM products WHERE code = 'FY-IDEM'"))
	return map[string]creatingCase{
		"POST /api/v1/customers": {jsonPost("/api/v1/customers", o.am1, func(v int) string {
			return fmt.Sprintf(`{"name":"幂等客户%d有限公司","stage":"potential"}`, v)
		}), "SELECT COUNT(*) FROM customers"},
		"POST /api/v1/customers/{id}/contacts": {jsonPost(fmt.Sprintf("/api/v1/customers/%d/contacts", cust.ID), o.am1, func(v int) string {
			return fmt.Sprintf(`{"name":"联系人%d","title":"采购经理"}`, v)
		}), "SELECT COUNT(*) FROM contacts"},
		"POST /api/v1/customers/{id}/interactions": {jsonPost(fmt.Sprintf("/api/v1/customers/%d/interactions", cust.ID), o.am1, func(v int) string {
			return fmt.Sprintf(`{"channel":"visit","content":"拜访 %d"}`, v)
		}), "SELECT COUNT(*) FROM interactions"},
		"POST /api/v1/complaints": {jsonPost("/api/v1/complaints", clerk, func(v int) string {
			return fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"logistics","description":"到货延误 %d"}`, cust.ID, v)
		}), "SELECT COUNT(*) FROM complaints"},
		"POST /api/v1/public/complaints": {jsonPost("/api/v1/public/complaints", "", func(v int) string {
			return fmt.Sprintf(`{"name":"王女士","phone":"13812345678","category":"after_sales","description":"空调漏水 %d"}`, v)
		}), "SELECT COUNT(*) FROM complaints"},
		"POST /api/v1/service-orders": {jsonPost("/api/v1/service-orders", clerk, func(v int) string {
			return fmt.Sprintf(`{"type":"C","customer_id":%d,"address":"浙江省湖州市吴兴区 %d 号","phone":"13812345678","product_model":"KH-200","problem":"电机异响"}`, cust.ID, v)
		}), "SELECT COUNT(*) FROM service_orders"},
		"POST /api/v1/access-requests": {jsonPost("/api/v1/access-requests", o.qa, func(v int) string {
			return fmt.Sprintf(`{"entity":"customer","record_id":%d,"reason":"调查客诉 %d"}`, cust.ID, v)
		}), "SELECT COUNT(*) FROM access_requests"},
		"POST /api/v1/users/{username}/password": {jsonPost("/api/v1/users/am1/password", o.admin, func(v int) string { // a guarded account's reset becomes a duty request (202)
			return fmt.Sprintf(`{"password":"Another-2026-pass%d"}`, v)
		}), "SELECT COUNT(*) FROM duty_requests"},
		"POST /api/v1/users": {jsonPost("/api/v1/users", e.user("sec", crm.RoleSecurityAdmin), func(v int) string { // an admin's grant awaits approval
			return fmt.Sprintf(`{"username":"idem%d","role":"finance","password":%q}`, v, testPassword)
		}), "SELECT COUNT(*) FROM users"},
		"POST /api/v1/complaints/{id}/attachments": {upload(fmt.Sprintf("/api/v1/complaints/%d/attachments", k.ID), clerk,
			"现场照片.png", "image/png", png), "SELECT COUNT(*) FROM attachments"},
		"POST /api/v1/interactions/{id}/attachments": {upload(fmt.Sprintf("/api/v1/interactions/%d/attachments", it.ID), o.am1,
			"样品.png", "image/png", png), "SELECT COUNT(*) FROM attachments"},
		"POST /api/v1/imports": {upload("/api/v1/imports", o.am1, "客户.csv", "text/csv", func(v int) []byte {
			return fmt.Appendf(nil, "客户名称\n导入%d贸易有限公司\n", v)
		}), "SELECT COUNT(*) FROM imports"},
		"POST /api/v1/sales/imports": {upload("/api/v1/sales/imports", salesClerk, "销售.csv", "text/csv", func(v int) []byte {
			return fmt.Appendf(nil, "日期,客户编码,产品编码,数量,金额\n2026-11-02,%s,XS-IDEM,%d,10\n", cust.Code, v)
		}), "SELECT COUNT(*) FROM sales_lines"},
		"POST /api/v1/tier-schemes": {jsonPost("/api/v1/tier-schemes", o.admin, func(v int) string {
			return fmt.Sprintf(`{"code":"idem%d","kind":"bank","name":"幂等方案","levels":[{"code":"big","name":"大","min_amount":"100"},{"code":"rest","name":"其他","min_amount":"0"}]}`, v)
		}), "SELECT COUNT(*) FROM tier_schemes"},
		"POST /api/v1/tier-schemes/{id}/recalculate": {jsonPost(fmt.Sprintf("/api/v1/tier-schemes/%d/recalculate", tierSchemes(e, o.gm)["abc"].ID), o.gm, func(v int) string {
			return fmt.Sprintf(`{"note":%d}`, v)
		}), "SELECT COUNT(*) FROM tier_runs"},
		"POST /api/v1/visit-items/generate": {jsonPost("/api/v1/visit-items/generate", o.gm, func(v int) string {
			return fmt.Sprintf(`{"from":"2027-01-04","to":"2027-01-%02d"}`, 10+v%18)
		}), "SELECT COUNT(*) FROM visit_runs"},
		"POST /api/v1/care/dates": {jsonPost("/api/v1/care/dates", o.admin, func(v int) string {
			return fmt.Sprintf(`{"name":"答谢日%d","month":6,"day":%d}`, v, v)
		}), "SELECT COUNT(*) FROM care_dates"},
		"POST /api/v1/greeting-templates": {jsonPost("/api/v1/greeting-templates", o.admin, func(v int) string {
			return []string{`{"occasion":"birthday","lang":"zh-CN","body":"{{称呼}}生日快乐"}`, `{"occasion":"birthday","lang":"en","body":"Happy birthday {{salutation}}"}`}[v%2]
		}), "SELECT COUNT(*) FROM greeting_templates"},
		"POST /api/v1/greetings": {jsonPost("/api/v1/greetings", o.am1, func(v int) string {
			return fmt.Sprintf(`{"contact_id":%d,"channel":"sms","body":"节日快乐 %d"}`, idemContact(t, e, o.am1, cust.ID), v)
		}), "SELECT COUNT(*) FROM greetings"},
		"POST /api/v1/gifts": {jsonPost("/api/v1/gifts", o.am1, func(v int) string {
			return fmt.Sprintf(`{"contact_id":%d,"item":"茶叶","cost":"%d.00"}`, idemContact(t, e, o.am1, cust.ID), v+1)
		}), "SELECT COUNT(*) FROM gifts"},
		"POST /api/v1/products": {jsonPost("/api/v1/products", o.gm, func(v int) string {
			return fmt.Sprintf(`{"code":"IDEM-%d","name":"幂等产品","list_price":"10.00"}`, v)
		}), "SELECT COUNT(*) FROM products"},
		"POST /api/v1/sales": {jsonPost("/api/v1/sales", o.am1, func(v int) string {
			return fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":%d,"amount":"5.00"}`, cust.ID, idemProduct(t, e, o.gm), v)
		}), "SELECT COUNT(*) FROM sales_lines"},
		"POST /api/v1/orders": {jsonPost("/api/v1/orders", o.am1, func(v int) string {
			return fmt.Sprintf(`{"customer_id":%d,"lines":[{"product_id":%d,"quantity":%d}]}`, cust.ID, idemOrderProduct(t, e, o.gm), v)
		}), "SELECT COUNT(*) FROM orders"},
		"POST /api/v1/projects": {jsonPost("/api/v1/projects", o.am1, func(v int) string {
			return fmt.Sprintf(`{"customer_id":%d,"address":"幂等路 %d 号","nature":"commercial","voltage":"10","capacity":%d}`, cust.ID, v, v+100)
		}), "SELECT COUNT(*) FROM projects"},
		"POST /api/v1/workflows": {jsonPost("/api/v1/workflows", o.admin, func(v int) string {
			return fmt.Sprintf(`{"code":"idem%d","name":"幂等流程","steps":[{"name":"审核","approver":{"kind":"role","role":"gm"},"mode":"any"}]}`, v)
		}), "SELECT COUNT(*) FROM workflow_definitions"},
		"POST /api/v1/delegations": {jsonPost("/api/v1/delegations", o.gm, func(v int) string {
			return fmt.Sprintf(`{"delegate_id":%d,"to":%q}`, e.userID("am1"), time.Now().UTC().AddDate(0, 0, 10+v).Format("2006-01-02T00:00:00Z"))
		}), "SELECT COUNT(*) FROM workflow_delegations"},
		"POST /api/v1/leads": {jsonPost("/api/v1/leads", e.user("idem_mkt", crm.RoleMarketing), func(v int) string {
			return fmt.Sprintf(`{"company_name":"幂等线索%d有限公司","source":"online"}`, v)
		}), "SELECT COUNT(*) FROM leads"},
		"POST /api/v1/leads/{id}/convert": {jsonPost(fmt.Sprintf("/api/v1/leads/%d/convert", idemLead(e, o.am1)), o.am1, func(v int) string {
			return fmt.Sprintf(`{"address":"幂等路 %d 号"}`, v)
		}), "SELECT COUNT(*) FROM leads WHERE customer_id IS NOT NULL"},
		"POST /api/v1/dealer-plans": {jsonPost("/api/v1/dealer-plans", o.am1, func(v int) string {
			return fmt.Sprintf(`{"dealer_id":%d,"month":"2030-01","lines":[{"product_id":%d,"quantity":%d}]}`, idemDealer(t, e, o.am1), idemProduct(t, e, o.gm), v)
		}), "SELECT COUNT(*) FROM dealer_plans"},
		"POST /api/v1/sales-plans": {jsonPost("/api/v1/sales-plans", o.mgrA, func(v int) string {
			return fmt.Sprintf(`{"month":"2030-%02d"}`, v)
		}), "SELECT COUNT(*) FROM sales_plans"},
		"POST /api/v1/events": {jsonPost("/api/v1/events", o.mgrA, func(v int) string {
			return fmt.Sprintf(`{"kind":"training","title":"幂等培训 %d","starts_at":"2027-03-01 14:00"}`, v)
		}), "SELECT COUNT(*) FROM events"},
		"POST /api/v1/calls": {jsonPost("/api/v1/calls", clerk, func(v int) string {
			return fmt.Sprintf(`{"phone":"13812345678","need":"幂等来电 %d"}`, v)
		}), "SELECT COUNT(*) FROM calls"},
		"POST /api/v1/calls/{id}/complaint": {jsonPost(fmt.Sprintf("/api/v1/calls/%d/complaint", idemCall(t, e, clerk, cust.ID)), clerk, func(v int) string {
			return fmt.Sprintf(`{"category":"service","demand":"回电 %d"}`, v)
		}), "SELECT COUNT(*) FROM complaints"},
		"POST /api/v1/calls/{id}/service-order": {jsonPost(fmt.Sprintf("/api/v1/calls/%d/service-order", idemCall(t, e, clerk, cust.ID)), clerk, func(v int) string {
			return fmt.Sprintf(`{"type":"C","address":"浙江省湖州市吴兴区 %d 号","product_model":"KH-200"}`, v)
		}), "SELECT COUNT(*) FROM service_orders"},
		"POST /api/v1/calls/{id}/interaction": {jsonPost(fmt.Sprintf("/api/v1/calls/%d/interaction", idemCall(t, e, o.am1, cust.ID)), o.am1, func(v int) string {
			return fmt.Sprintf(`{"n":%d}`, v)
		}), "SELECT COUNT(*) FROM interactions"},
		"POST /api/v1/orders/{id}/shipments": {jsonPost(fmt.Sprintf("/api/v1/orders/%d/shipments", shipOrder), shipWH, func(v int) string {
			return fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":%d}]}`, shipProduct, v)
		}), "SELECT COUNT(*) FROM shipments"},
		"POST /api/v1/stock/movements": {jsonPost("/api/v1/stock/movements", shipWH, func(v int) string {
			return fmt.Sprintf(`{"product_id":%d,"quantity":%d}`, shipProduct, v)
		}), "SELECT COUNT(*) FROM stock_movements"},
		"POST /api/v1/claims": {jsonPost("/api/v1/claims", clerk, func(v int) string {
			return fmt.Sprintf(`{"shipment_id":%d,"kind":"loss","description":"少到 %d","lines":[{"product_id":%d,"quantity":1}]}`, shipID, v, shipProduct)
		}), "SELECT COUNT(*) FROM claims"},
		"POST /api/v1/claims/{id}/evidence": {upload(fmt.Sprintf("/api/v1/claims/%d/evidence", claimID), clerk, "破损.png", "image/png", png), "SELECT COUNT(*) FROM claim_evidence"},
		"POST /api/v1/imports/{id}/commit": {jsonPost(fmt.Sprintf("/api/v1/imports/%d/commit", checked.ID), o.am1, func(v int) string {
			return []string{`{"mode":"valid_only"}`, `{"mode":"all"}`}[v%2]
		}), ""},
	}
}

func TestEveryCreatingPostReplaysItsFirstResponseForTheSameIdempotencyKey(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cases := creatingCases(t, e)
		routes := api.IdempotentRoutes()
		for _, route := range routes {
			if _, ok := cases[route]; !ok {
				t.Errorf("%s takes an Idempotency-Key but has no case here: add one", route)
			}
		}
		for route := range cases {
			if !slices.Contains(routes, route) {
				t.Errorf("%s does not take an Idempotency-Key (its parameters lack %s)", route, api.IdempotencyKeyParameter)
			}
		}
		for _, route := range routes {
			c := cases[route]
			count := func() int {
				if c.count == "" {
					return 0
				}
				return e.countRows(c.count)
			}
			before := count()
			key := "key-" + strings.ReplaceAll(route, " ", "_")
			first := c.send(key, 1)
			if first.Status < 200 || first.Status > 299 {
				t.Errorf("%s: first request %d %s", route, first.Status, first.Body)
				continue
			}
			if first.Header.Get(httpx.IdempotentReplayedHeader) != "" {
				t.Errorf("%s: the first response says it is replayed", route)
			}
			again := c.send(key, 1)
			if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) || again.Header.Get(httpx.IdempotentReplayedHeader) != "true" {
				t.Errorf("%s: the retry answered %d %s (replayed %q), want the first answer %d %s again",
					route, again.Status, again.Body, again.Header.Get(httpx.IdempotentReplayedHeader), first.Status, first.Body)
			}
			if loc := first.Header.Get("Location"); loc != again.Header.Get("Location") {
				t.Errorf("%s: Location %q, then %q on the replay", route, loc, again.Header.Get("Location"))
			}
			if n := count(); c.count != "" && n != before+1 {
				t.Errorf("%s: %d created by a request and its retry, want 1", route, n-before)
			}
			other := c.send(key, 2)
			if other.Status != http.StatusUnprocessableEntity || !strings.Contains(string(other.Body), "Idempotency-Key") {
				t.Errorf("%s: the same key with another body answered %d %s, want 422", route, other.Status, other.Body)
			}
			if n := count(); c.count != "" && n != before+1 {
				t.Errorf("%s: the refused request created something", route)
			}
		}
	})
}

func TestIdempotencyKeysBelongToEachUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		body := `{"name":"同键客户有限公司","force":true}`
		a := e.do("POST", "/api/v1/customers", strings.NewReader(body), as(o.am1, "Idempotency-Key", "shared-key"))
		b := e.do("POST", "/api/v1/customers", strings.NewReader(body), as(o.am3, "Idempotency-Key", "shared-key"))
		if a.Status != 201 || b.Status != 201 || bytes.Equal(a.Body, b.Body) || b.Header.Get(httpx.IdempotentReplayedHeader) != "" {
			t.Errorf("two users with one key: %d %s / %d %s, want two customers", a.Status, a.Body, b.Status, b.Body)
		}
		// A request refused for its values keeps nothing under its key:
		// the corrected request goes through with the same key.
		bad := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":""}`), as(o.am1, "Idempotency-Key", "fix-me"))
		good := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"改正后的客户有限公司"}`), as(o.am1, "Idempotency-Key", "fix-me"))
		if bad.Status != 422 || good.Status != 201 || good.Header.Get(httpx.IdempotentReplayedHeader) != "" {
			t.Errorf("a refused request then its correction under one key: %d, %d %s", bad.Status, good.Status, good.Body)
		}
		if r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"x"}`), as(o.am1, "Idempotency-Key", "带中文的键")); r.Status != 400 {
			t.Errorf("a key that is not visible ASCII: %d %s, want 400", r.Status, r.Body)
		}
	})
}

func TestConcurrentRetriesWithOneIdempotencyKeyCreateOneCustomer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		am := e.user("am1", crm.RoleAccountManager)
		before := e.countRows("SELECT COUNT(*) FROM customers")
		const n = 20
		responses := make([]response, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/customers", strings.NewReader(`{"name":"并发客户有限公司","stage":"general"}`))
				for k, v := range as(am, "Idempotency-Key", "one-click") {
					req.Header.Set(k, v)
				}
				res, err := e.http.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				responses[i] = response{Status: res.StatusCode, Header: res.Header, Body: b}
			})
		}
		close(start)
		wg.Wait()
		if got := e.countRows("SELECT COUNT(*) FROM customers") - before; got != 1 {
			t.Fatalf("%d customers created by %d concurrent requests with one key, want 1", got, n)
		}
		var created []byte
		for i, r := range responses {
			switch r.Status {
			case http.StatusCreated:
				if created == nil {
					created = r.Body
				} else if !bytes.Equal(created, r.Body) {
					t.Errorf("request %d: another 201 body %s than %s", i, r.Body, created)
				}
			case http.StatusConflict:
				if r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "Idempotency-Key") {
					t.Errorf("request %d: 409 %v %s, want Retry-After and a message naming the key", i, r.Header, r.Body)
				}
				if err := e.contract.check("POST", "/api/v1/customers", r.Status, r.Body); err != nil {
					t.Error(err)
				}
			default:
				t.Errorf("request %d: %d %s, want 201 or 409 (in flight)", i, r.Status, r.Body)
			}
		}
		if created == nil {
			t.Fatal("no request got the 201")
		}
		// Once the first has finished, every retry gets its answer.
		r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"stage":"general","name":"并发客户有限公司"}`), as(am, "Idempotency-Key", "one-click"))
		if r.Status != 201 || !bytes.Equal(r.Body, created) || r.Header.Get(httpx.IdempotentReplayedHeader) != "true" {
			t.Errorf("a retry after the rush: %d %s", r.Status, r.Body)
		}
	})
}

func TestIdempotencyKeysAreReplayedFor24HoursThenPurged(t *testing.T) {
	if jobs.IdempotencyKeyTTL != httpx.IdempotencyTTL {
		t.Fatalf("the maintenance job keeps keys %v, the API replays them %v", jobs.IdempotencyKeyTTL, httpx.IdempotencyTTL)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var mu sync.Mutex
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(db, server.Options{Version: "test", Logger: slog.New(slog.DiscardHandler), Auth: testAuth(), Sealer: keys, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler)
		t.Cleanup(hs.Close)
		e := &env{t: t, db: db, srv: srv, http: hs, contract: loadContract(t), logs: &syncBuffer{}, keys: keys}
		e.user("am1", crm.RoleAccountManager)
		// Each request signs in anew (sessions end long before a day
		// passes): keys belong to the user, not to a session.
		send := func() response {
			r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"am1","password":"`+testPassword+`"}`), jsonHeader)
			var login struct{ Token string }
			if r.Status != 200 || json.Unmarshal(r.Body, &login) != nil {
				t.Fatalf("login: %d %s", r.Status, r.Body)
			}
			return e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"隔日客户有限公司","force":true}`), as(login.Token, "Idempotency-Key", "daily"))
		}
		first := send()
		advance(23*time.Hour + 59*time.Minute)
		if r := send(); r.Header.Get(httpx.IdempotentReplayedHeader) != "true" || !bytes.Equal(r.Body, first.Body) {
			t.Errorf("within 24 hours: %d %s, want the replay", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM idempotency_keys"); n != 1 {
			t.Fatalf("%d keys kept, want 1", n)
		}
		// The body is kept sealed, not as the customer's JSON.
		var kept string
		if err := db.QueryRow(context.Background(), "SELECT body FROM idempotency_keys").Scan(&kept); err != nil || strings.Contains(kept, "隔日") {
			t.Errorf("the kept body is readable: %q %v", kept, err)
		}
		advance(2 * time.Minute)
		if r := send(); r.Status != 201 || r.Header.Get(httpx.IdempotentReplayedHeader) != "" || bytes.Equal(r.Body, first.Body) {
			t.Errorf("after 24 hours: %d %s, want a new customer", r.Status, r.Body)
		}
		advance(25 * time.Hour)
		if err := jobs.Maintain(context.Background(), db, clock()); err != nil {
			t.Fatal(err)
		}
		if n := e.countRows("SELECT COUNT(*) FROM idempotency_keys"); n != 0 {
			t.Errorf("%d keys older than 24 hours left after maintenance", n)
		}
	})
}

// idemOrderProduct is an active, priced product for the order case, added
// once.
func idemOrderProduct(t *testing.T, e *env, gm string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(t.Context(), "SELECT id FROM products WHERE code = 'IDEM-ORDER'").Scan(&id); err == nil {
		return id
	}
	p, r := e.product(gm, `{"code":"IDEM-ORDER","name":"幂等订货产品","list_price":"10.00"}`)
	if r.Status != 201 {
		t.Fatalf("product: %d %s", r.Status, r.Body)
	}
	return p.ID
}

// idemContact is a contact of customer for the care cases, added once.
func idemContact(t *testing.T, e *env, token string, customer int64) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM contacts WHERE customer_id = ? AND name = '关怀联系人' LIMIT 1", customer).Scan(&id); err == nil {
		return id
	}
	r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", customer), strings.NewReader(`{"name":"关怀联系人","mobile":"13812345679"}`), as(token))
	var k struct{ ID int64 }
	if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
		t.Fatalf("contact: %d %s", r.Status, r.Body)
	}
	return k.ID
}
