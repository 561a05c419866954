package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// dealerEnv is a server whose clock the test sets, with sessions that
// outlive the days a test moves through.
type dealerEnv struct {
	*env
	mu  sync.Mutex
	now time.Time
}

func (d *dealerEnv) clock() time.Time { d.mu.Lock(); defer d.mu.Unlock(); return d.now }

func (d *dealerEnv) set(t time.Time) { d.mu.Lock(); d.now = t; d.mu.Unlock() }

// china is a time in China.
func china(y int, m time.Month, day, hour int) time.Time {
	return time.Date(y, m, day, hour, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

func eachDealerEnv(t *testing.T, start time.Time, fn func(t *testing.T, d *dealerEnv)) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := &dealerEnv{now: start}
		keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
		if err != nil {
			t.Fatal(err)
		}
		auth := testAuth()
		auth.IdleTimeout, auth.MaxSession = 60*24*time.Hour, 60*24*time.Hour
		srv, err := server.New(db, server.Options{Version: "test", Logger: slog.New(slog.DiscardHandler), Auth: auth, Sealer: keys, Clock: d.clock})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler)
		t.Cleanup(hs.Close)
		d.env = &env{t: t, db: db, srv: srv, http: hs, contract: loadContract(t), logs: &syncBuffer{}, keys: keys}
		fn(t, d)
	})
}

type dealerPlanJSON struct {
	ID       int64
	DealerID int64 `json:"dealer_id"`
	Month    string
	Status   string
	Amount   string
	Quantity int64
	Late     bool
	Version  int
	Lines    []struct {
		ProductID int64 `json:"product_id"`
		Quantity  int64
		Amount    string
	}
}

func dealerDecode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return v
}

// dealerOrg is an org with two dealers (of am1), a company, a dealer
// account for the first dealer, and two products (one no longer sold).
type dealerOrg struct {
	org
	d1, d2, company     int64
	dealer              string // dealer1's token
	product, oldProduct int64
}

func newDealerOrg(t *testing.T, e *env) dealerOrg {
	t.Helper()
	o := dealerOrg{org: newOrg(e)}
	for _, c := range []struct {
		body string
		id   *int64
	}{
		{`{"name":"杭州东方经销有限公司","kind":"dealer"}`, &o.d1},
		{`{"name":"宁波海星经销有限公司","kind":"dealer"}`, &o.d2},
		{`{"name":"苏州普通机械有限公司","kind":"company"}`, &o.company},
	} {
		got, r := o.create(o.am1, c.body)
		if r.Status != 201 {
			t.Fatalf("customer %s: %d %s", c.body, r.Status, r.Body)
		}
		*c.id = got.ID
	}
	p, r := e.product(o.mgrA, `{"code":"JX-100","name":"离心泵","unit":"台","list_price":"100.00"}`)
	if r.Status != 201 {
		t.Fatalf("product: %d %s", r.Status, r.Body)
	}
	o.product = p.ID
	old, _ := e.product(o.mgrA, `{"code":"JX-OLD","name":"旧泵","list_price":"10.00","active":false}`)
	o.oldProduct = old.ID
	o.dealer = o.dealerAccount(t, "dealer1", o.d1)
	return o
}

// dealerAccount has the administrator add a dealer account for dealerID
// through the API and signs it in.
func (o dealerOrg) dealerAccount(t *testing.T, username string, dealerID int64) string {
	t.Helper()
	// Added as the command line does (the API's user creation may wait
	// for a second person's approval), through the server's own identity
	// service, which checks the dealer.
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
	if _, err := o.e.srv.Services.Identity.AddUser(sys, identity.NewUser{Username: username, DisplayName: "经销商", Role: crm.RoleDealer,
		DealerID: dealerID, Password: testPassword}, "en"); err != nil {
		t.Fatalf("dealer account: %v", err)
	}
	r := o.e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	var login struct{ Token string }
	if r.Status != 200 || json.Unmarshal(r.Body, &login) != nil {
		t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return login.Token
}

func TestADealerAccountBelongsToOneDealer(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 3, 10), func(t *testing.T, d *dealerEnv) {
		e := d.env
		o := newDealerOrg(t, e)
		tests := []struct {
			name, body string
			field      string
		}{
			{"a dealer account without its dealer", `{"username":"x1","role":"dealer","password":"` + testPassword + `"}`, "dealer_id"},
			{"a dealer account of a company", fmt.Sprintf(`{"username":"x2","role":"dealer","dealer_id":%d,"password":%q}`, o.company, testPassword), "dealer_id"},
			{"a dealer account of no customer", fmt.Sprintf(`{"username":"x3","role":"dealer","dealer_id":999999,"password":%q}`, testPassword), "dealer_id"},
			{"a staff account with a dealer", fmt.Sprintf(`{"username":"x4","role":"account_manager","dealer_id":%d,"password":%q}`, o.d1, testPassword), "dealer_id"},
		}
		for _, tt := range tests {
			r := e.do("POST", "/api/v1/users", strings.NewReader(tt.body), as(o.admin))
			if r.Status != 422 || !slicesHas(fieldsOf(r), tt.field) {
				t.Errorf("%s: %d %s, want 422 naming %s", tt.name, r.Status, r.Body, tt.field)
			}
		}
		var u struct {
			DealerID int64 `json:"dealer_id"`
			Role     string
		}
		if r := e.do("GET", "/api/v1/users/dealer1", nil, as(o.admin)); r.Status != 200 || json.Unmarshal(r.Body, &u) != nil || u.DealerID != o.d1 || u.Role != "dealer" {
			t.Errorf("the dealer account: %d %s", r.Status, r.Body)
		}
		// The dealer sees its own customer record and nothing else.
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", o.d1), nil, as(o.dealer)); r.Status != 200 {
			t.Errorf("its own dealer: %d %s", r.Status, r.Body)
		}
		for _, id := range []int64{o.d2, o.company} {
			if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", id), nil, as(o.dealer)); r.Status != 404 {
				t.Errorf("customer %d: %d, want 404", id, r.Status)
			}
		}
		list := dealerDecode[struct {
			Items []customerJSON
			Total int64
		}](t, e.do("GET", "/api/v1/customers", nil, as(o.dealer)))
		if len(list.Items) != 1 || list.Items[0].ID != o.d1 || list.Total != 1 {
			t.Errorf("the dealer's customer list: %+v, want its own dealer alone", list)
		}
		// Sales lines of other customers stay hidden; the staff's lists
		// and pages are closed.
		if _, r := e.sale(o.am1, fmt.Sprintf(`{"customer_id":%d,"product_id":%d,"quantity":2}`, o.company, o.product)); r.Status != 201 {
			t.Fatalf("sale: %d %s", r.Status, r.Body)
		}
		sales := dealerDecode[struct{ Items []saleJSON }](t, e.do("GET", "/api/v1/sales", nil, as(o.dealer)))
		if len(sales.Items) != 0 {
			t.Errorf("the dealer sees %d sales lines of other customers", len(sales.Items))
		}
		for _, path := range []string{"/api/v1/complaints", "/api/v1/service-orders", "/api/v1/users", "/api/v1/tier-schemes", "/api/v1/audit"} {
			if r := e.do("GET", path, nil, as(o.dealer)); r.Status != 403 && r.Status != 404 {
				t.Errorf("GET %s as a dealer: %d, want 403 or 404", path, r.Status)
			}
		}
		if r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"经销商新建客户"}`), as(o.dealer)); r.Status != 403 {
			t.Errorf("a dealer adds a customer: %d, want 403", r.Status)
		}
	})
}

func TestADealerPlansItsOwnMonthAndSeesNoOtherDealersPlans(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 3, 10), func(t *testing.T, d *dealerEnv) {
		e := d.env
		o := newDealerOrg(t, e)
		body := fmt.Sprintf(`{"dealer_id":%d,"month":"2026-12","lines":[{"product_id":%d,"quantity":3}]}`, o.d2, o.product)
		r := e.do("POST", "/api/v1/dealer-plans", strings.NewReader(body), as(o.dealer, "Idempotency-Key", "plan-1"))
		own := dealerDecode[dealerPlanJSON](t, r)
		if r.Status != 201 || own.DealerID != o.d1 || own.Amount != "300.00" || own.Status != "draft" || own.Late {
			t.Fatalf("the dealer's plan (naming another dealer): %d %s, want its own dealer's", r.Status, r.Body)
		}
		if loc := e.do("GET", r.Header.Get("Location"), nil, as(o.dealer)); loc.Status != 200 {
			t.Errorf("Location %s: %d", r.Header.Get("Location"), loc.Status)
		}
		if again := e.do("POST", "/api/v1/dealer-plans", strings.NewReader(body), as(o.dealer)); again.Status != 409 {
			t.Errorf("a second plan for the month: %d %s, want 409", again.Status, again.Body)
		}
		r = e.do("POST", "/api/v1/dealer-plans", strings.NewReader(fmt.Sprintf(`{"dealer_id":%d,"month":"2026-12","lines":[{"product_id":%d,"quantity":5}]}`, o.d2, o.product)), as(o.am1))
		other := dealerDecode[dealerPlanJSON](t, r)
		if r.Status != 201 || other.DealerID != o.d2 {
			t.Fatalf("sales plans for another dealer: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/dealer-plans/%d", other.ID), nil, as(o.dealer)); r.Status != 404 {
			t.Errorf("another dealer's plan: %d, want 404", r.Status)
		}
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/dealer-plans/%d", other.ID), strings.NewReader(`{"notes":"x"}`), as(o.dealer, "If-Match", `"1"`)); r.Status != 404 {
			t.Errorf("changing another dealer's plan: %d, want 404", r.Status)
		}
		list := dealerDecode[struct {
			Items []dealerPlanJSON
			Total int64
		}](t, e.do("GET", "/api/v1/dealer-plans?month=2026-12", nil, as(o.dealer)))
		if len(list.Items) != 1 || list.Items[0].ID != own.ID || list.Total != 1 {
			t.Errorf("the dealer's list: %+v", list)
		}
		if all := dealerDecode[struct{ Items []dealerPlanJSON }](t, e.do("GET", "/api/v1/dealer-plans", nil, as(o.mgrA))); len(all.Items) != 2 {
			t.Errorf("the sales manager sees %d plans, want 2", len(all.Items))
		}
		if r := e.do("POST", "/api/v1/dealer-plans", strings.NewReader(fmt.Sprintf(`{"dealer_id":%d,"lines":[{"product_id":1,"quantity":1}]}`, o.company)), as(o.am1)); r.Status != 422 || !slicesHas(fieldsOf(r), "dealer_id") {
			t.Errorf("a plan for a company: %d %s, want 422 naming dealer_id", r.Status, r.Body)
		}
		// Bad lines are named by row and change nothing.
		bad := fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":1},{"product_id":%d,"quantity":0}]}`, o.oldProduct, o.product)
		r = e.do("PATCH", fmt.Sprintf("/api/v1/dealer-plans/%d", own.ID), strings.NewReader(bad), as(o.dealer, "If-Match", `"1"`))
		if f := fieldsOf(r); r.Status != 422 || !slicesHas(f, "lines[0].product_id") || !slicesHas(f, "lines[1].quantity") {
			t.Errorf("bad lines: %d %s", r.Status, r.Body)
		}
		r = e.do("PATCH", fmt.Sprintf("/api/v1/dealer-plans/%d", own.ID), strings.NewReader(fmt.Sprintf(`{"lines":[{"product_id":%d,"quantity":"4"}]}`, o.product)), as(o.dealer, "If-Match", `"1"`))
		if changed := dealerDecode[dealerPlanJSON](t, r); r.Status != 200 || changed.Amount != "400.00" || changed.Version != 2 {
			t.Errorf("a change: %d %s", r.Status, r.Body)
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/dealer-plans/%d/submit", own.ID), nil, as(o.dealer, "If-Match", `"2"`))
		if sub := dealerDecode[dealerPlanJSON](t, r); r.Status != 200 || sub.Status != "submitted" || sub.Late {
			t.Errorf("submit in time: %d %s", r.Status, r.Body)
		}
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/dealer-plans/%d", own.ID), strings.NewReader(`{"notes":"晚了"}`), as(o.dealer, "If-Match", `"3"`)); r.Status != 409 {
			t.Errorf("changing a submitted plan: %d, want 409", r.Status)
		}
		// The 5th of December 2026 is a Saturday: plans are due by the end
		// of Monday the 7th. The other dealer's plan, still open on the
		// 8th, is late, and stays late once submitted.
		d.set(china(2026, 12, 8, 9))
		if late := dealerDecode[dealerPlanJSON](t, e.do("GET", fmt.Sprintf("/api/v1/dealer-plans/%d", other.ID), nil, as(o.am1))); !late.Late {
			t.Errorf("an open plan after its due day is not late: %+v", late)
		}
		if mine := dealerDecode[dealerPlanJSON](t, e.do("GET", fmt.Sprintf("/api/v1/dealer-plans/%d", own.ID), nil, as(o.dealer))); mine.Late {
			t.Errorf("a plan submitted in time reads late")
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/dealer-plans/%d/submit", other.ID), nil, as(o.am1, "If-Match", `"1"`))
		if sub := dealerDecode[dealerPlanJSON](t, r); r.Status != 200 || !sub.Late {
			t.Errorf("a late submission: %d %s, want late", r.Status, r.Body)
		}
	})
}

type salesPlanJSON struct {
	Month     string
	Status    string
	Plans     int
	Quantity  int64
	Amount    string
	Comment   string
	Version   int
	ByProduct []struct {
		ProductID int64 `json:"product_id"`
		Quantity  int64
		Amount    string
	} `json:"by_product"`
	ByDealer []struct {
		DealerID int64 `json:"dealer_id"`
		Quantity int64
		Late     bool
	} `json:"by_dealer"`
}

func TestSalesMergesTheDealersPlansAndTheGMApprovesTheSalesPlan(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 3, 10), func(t *testing.T, d *dealerEnv) {
		e := d.env
		o := newDealerOrg(t, e)
		for _, p := range []struct {
			token  string
			dealer int64
			qty    int
		}{{o.dealer, o.d1, 3}, {o.am1, o.d2, 5}} {
			body := fmt.Sprintf(`{"dealer_id":%d,"month":"2026-12","submit":true,"lines":[{"product_id":%d,"quantity":%d}]}`, p.dealer, o.product, p.qty)
			if r := e.do("POST", "/api/v1/dealer-plans", strings.NewReader(body), as(p.token)); r.Status != 201 {
				t.Fatalf("plan: %d %s", r.Status, r.Body)
			}
		}
		if r := e.do("POST", "/api/v1/sales-plans", strings.NewReader(`{"month":"2026-12"}`), as(o.dealer)); r.Status != 403 {
			t.Errorf("a dealer merges: %d, want 403", r.Status)
		}
		r := e.do("POST", "/api/v1/sales-plans", strings.NewReader(`{"month":"2026-12"}`), as(o.mgrA, "Idempotency-Key", "merge-1"))
		sp := dealerDecode[salesPlanJSON](t, r)
		if r.Status != 201 || sp.Plans != 2 || sp.Quantity != 8 || sp.Amount != "800.00" || len(sp.ByProduct) != 1 || sp.ByProduct[0].Quantity != 8 ||
			len(sp.ByDealer) != 2 || sp.Status != "draft" {
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		if got := e.do("GET", r.Header.Get("Location"), nil, as(o.gm)); got.Status != 200 {
			t.Errorf("Location %s: %d", r.Header.Get("Location"), got.Status)
		}
		if r := e.do("GET", "/api/v1/sales-plans/2026-12", nil, as(o.dealer)); r.Status != 403 {
			t.Errorf("a dealer reads the sales plan: %d, want 403", r.Status)
		}
		if r := e.do("POST", "/api/v1/sales-plans/2026-12/decision", strings.NewReader(`{"decision":"approve"}`), as(o.gm)); r.Status != 409 {
			t.Errorf("approving a draft: %d %s, want 409", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/sales-plans/2026-12/submit", nil, as(o.mgrA)); r.Status != 200 || dealerDecode[salesPlanJSON](t, r).Status != "submitted" {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/sales-plans/2026-12/decision", strings.NewReader(`{"decision":"approve"}`), as(o.mgrA)); r.Status != 403 {
			t.Errorf("a sales manager approves: %d, want 403", r.Status)
		}
		if r := e.do("POST", "/api/v1/sales-plans/2026-12/decision", strings.NewReader(`{"decision":"return"}`), as(o.gm)); r.Status != 422 || !slicesHas(fieldsOf(r), "comment") {
			t.Errorf("a return without a comment: %d %s, want 422 naming comment", r.Status, r.Body)
		}
		r = e.do("POST", "/api/v1/sales-plans/2026-12/decision", strings.NewReader(`{"decision":"return","comment":"宁波的数量偏低，请核实"}`), as(o.gm))
		if back := dealerDecode[salesPlanJSON](t, r); r.Status != 200 || back.Status != "returned" || back.Comment == "" {
			t.Fatalf("return: %d %s", r.Status, r.Body)
		}
		// Merged again (200 now), submitted again, approved.
		if r := e.do("POST", "/api/v1/sales-plans", strings.NewReader(`{"month":"2026-12"}`), as(o.mgrA, "Idempotency-Key", "merge-2")); r.Status != 200 {
			t.Errorf("merging a returned plan again: %d %s", r.Status, r.Body)
		}
		e.do("POST", "/api/v1/sales-plans/2026-12/submit", nil, as(o.mgrA))
		r = e.do("POST", "/api/v1/sales-plans/2026-12/decision", strings.NewReader(`{"decision":"approve","comment":"同意"}`), as(o.gm))
		if ok := dealerDecode[salesPlanJSON](t, r); r.Status != 200 || ok.Status != "approved" {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/sales-plans", strings.NewReader(`{"month":"2026-12"}`), as(o.mgrA)); r.Status != 409 {
			t.Errorf("merging an approved plan: %d, want 409", r.Status)
		}
		var n int
		if err := e.db.QueryRow(context.Background(), "SELECT count(*) FROM audit_log WHERE entity = 'sales_plan'").Scan(&n); err != nil || n < 6 {
			t.Errorf("sales plan audit entries: %d %v, want every merge, submission and decision", n, err)
		}
	})
}

func TestPlanRemindersGoToDealersWithoutAPlanOncePerRound(t *testing.T) {
	eachDealerEnv(t, china(2026, 12, 1, 9), func(t *testing.T, d *dealerEnv) {
		e := d.env
		o := newDealerOrg(t, e)
		second := o.dealerAccount(t, "dealer2", o.d2)
		body := fmt.Sprintf(`{"month":"2026-12","submit":true,"lines":[{"product_id":%d,"quantity":1}]}`, o.product)
		if r := e.do("POST", "/api/v1/dealer-plans", strings.NewReader(body), as(second)); r.Status != 201 {
			t.Fatalf("the second dealer's plan: %d %s", r.Status, r.Body)
		}
		sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
		remind := func() int {
			n, err := e.srv.Services.Dealers.RemindPlans(sys)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		inbox := func(token string) int {
			var page struct{ Items []struct{ Kind string } }
			_ = json.Unmarshal(e.do("GET", "/api/v1/notifications", nil, as(token)).Body, &page)
			n := 0
			for _, it := range page.Items {
				if it.Kind == "dealer_plan_reminder" {
					n++
				}
			}
			return n
		}
		if n := remind(); n != 1 {
			t.Errorf("the 1st working day: %d dealers reminded, want 1 (the one without a plan)", n)
		}
		if n := remind(); n != 0 {
			t.Errorf("a second run on the same day: %d reminded, want 0", n)
		}
		if got := inbox(o.dealer); got != 1 {
			t.Errorf("dealer1 has %d reminders, want 1", got)
		}
		if got := inbox(second); got != 0 {
			t.Errorf("the dealer with a plan has %d reminders, want 0", got)
		}
		d.set(china(2026, 12, 2, 9))
		if n := remind(); n != 0 {
			t.Errorf("the 2nd working day: %d reminded, want 0", n)
		}
		d.set(china(2026, 12, 3, 9))
		if n := remind(); n != 1 {
			t.Errorf("the 3rd working day: %d reminded, want 1", n)
		}
		remind()
		if got := inbox(o.dealer); got != 2 {
			t.Errorf("dealer1 has %d reminders after both rounds, want 2", got)
		}
	})
}

// probeDealerAccount adds a dealer and a dealer account of it, for the
// permission matrix, and returns the account's token.
func probeDealerAccount(t *testing.T, e *env) string {
	t.Helper()
	return dealerAccountFor(t, e, e.user("probe_dealer_gm", crm.RoleGM), e.user("probe_dealer_admin", crm.RoleAdmin), "u_dealer")
}

// dealerAccountFor has gm add a dealer and admin a dealer account of it
// named username, and returns the account's token.
func dealerAccountFor(t *testing.T, e *env, gm, admin, username string) string {
	t.Helper()
	r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"`+username+`经销有限公司","kind":"dealer"}`), as(gm))
	var c customerJSON
	if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
		t.Fatalf("dealer of %s: %d %s", username, r.Status, r.Body)
	}
	o := dealerOrg{org: org{e: e, admin: admin}}
	return o.dealerAccount(t, username, c.ID)
}

// idemDealer is a dealer of owner's for the idempotency cases, made once.
func idemDealer(t *testing.T, e *env, owner string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(t.Context(), "SELECT id FROM customers WHERE name = '幂等经销有限公司'").Scan(&id); err == nil {
		return id
	}
	r := e.do("POST", "/api/v1/customers", strings.NewReader(`{"name":"幂等经销有限公司","kind":"dealer"}`), as(owner))
	var c customerJSON
	if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
		t.Fatalf("dealer: %d %s", r.Status, r.Body)
	}
	return c.ID
}
