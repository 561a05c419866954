package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/mail/mailtest"
	"github.com/kehucrm/kehu/internal/sms"
)

type careGreeting struct {
	ID         int64
	Status     string
	Reason     string
	Recipient  string
	Body       string
	ProviderID string `json:"provider_id"`
}

// careContact adds a customer of am1 with one contact and returns the
// contact's id.
func careContact(e *env, o org, name string) (int64, int64) {
	e.t.Helper()
	c, r := o.create(o.am1, fmt.Sprintf(`{"name":%q}`, name+"机械有限公司"))
	if r.Status != 201 {
		e.t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(
		`{"name":"王建国","gender":"male","mobile":"13812345678","email":"wang@example.com","birthday":"08-15","birthday_lunar":true,"is_primary":true}`), as(o.am1))
	var k struct{ ID int64 }
	if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
		e.t.Fatalf("contact: %d %s", r.Status, r.Body)
	}
	return c.ID, k.ID
}

func TestCareGreetingsAreQueuedByHandWithoutAProviderAndHonourOptOut(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		_, contact := careContact(e, o, "关怀")
		send := func(token, body string) (careGreeting, response) {
			r := e.do("POST", "/api/v1/greetings", strings.NewReader(body), as(token))
			var g careGreeting
			_ = json.Unmarshal(r.Body, &g)
			return g, r
		}
		// Unknown merge field: refused, naming it, nothing logged.
		_, r := send(o.am1, fmt.Sprintf(`{"contact_id":%d,"channel":"sms","body":"{{职位}}您好"}`, contact))
		if r.Status != 422 || !strings.Contains(string(r.Body), "职位") {
			t.Fatalf("unknown merge field: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM greetings"); n != 0 {
			t.Fatalf("%d greetings logged after a refused one", n)
		}
		// No provider: queued to send by hand, never "sent".
		g, r := send(o.am1, fmt.Sprintf(`{"contact_id":%d,"channel":"sms","occasion":"birthday","body":"{{称呼}}，生日快乐！{{客户经理}}"}`, contact))
		if r.Status != 201 || g.Status != care.StatusManual || g.Reason != care.ReasonNoProvider || r.Header.Get("Location") == "" {
			t.Fatalf("send without provider: %d %s", r.Status, r.Body)
		}
		if g.Recipient != "138****5678" || !strings.HasPrefix(g.Body, "王先生，生日快乐！") {
			t.Errorf("logged recipient %q body %q, want masked and merged", g.Recipient, g.Body)
		}
		if loc := e.do("GET", r.Header.Get("Location"), nil, as(o.am1)); loc.Status != 200 {
			t.Errorf("Location: %d", loc.Status)
		}
		// Opt-out: nothing sent, the log says why.
		if r := e.do("PUT", fmt.Sprintf("/api/v1/contacts/%d/care-opt-out", contact), strings.NewReader(`{"opt_out":true}`), as(o.am1)); r.Status != 200 {
			t.Fatalf("opt out: %d %s", r.Status, r.Body)
		}
		g, r = send(o.am1, fmt.Sprintf(`{"contact_id":%d,"channel":"email","body":"中秋快乐"}`, contact))
		if r.Status != 201 || g.Status != care.StatusOptedOut || g.Reason != care.ReasonOptedOut || g.Body != "" {
			t.Fatalf("send to an opted-out contact: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/greetings?contact_id=%d", contact), nil, as(o.am1))
		var log struct{ Items []careGreeting }
		if r.Status != 200 || json.Unmarshal(r.Body, &log) != nil || len(log.Items) != 2 || log.Items[0].Status != care.StatusOptedOut {
			t.Fatalf("send log: %d %s", r.Status, r.Body)
		}
		if strings.Contains(e.logs.String(), "13812345678") {
			t.Error("the full mobile number is in the logs")
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'greeting'"); n != 2 {
			t.Errorf("%d greetings audited, want 2", n)
		}
	})
}

func TestCareSMSGoesThroughTheHTTPProvider(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var mu sync.Mutex
		var got []map[string]string
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			var m map[string]string
			_ = json.Unmarshal(b, &m)
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
			if r.Header.Get("Authorization") != "Bearer t0k" {
				_, _ = w.Write([]byte(`{"code":401,"message":"bad token"}`))
				return
			}
			_, _ = w.Write([]byte(`{"code":0,"message_id":"sms-42"}`))
		}))
		defer gw.Close()
		e.srv.Services.Care.UseSMS(&sms.HTTP{URL: gw.URL, Token: "t0k"})
		o := newOrg(e)
		_, contact := careContact(e, o, "短信")
		r := e.do("POST", "/api/v1/greetings", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"channel":"sms","body":"{{称呼}}，中秋快乐"}`, contact)), as(o.am1))
		var g careGreeting
		if r.Status != 201 || json.Unmarshal(r.Body, &g) != nil || g.Status != care.StatusSent || g.ProviderID != "sms-42" {
			t.Fatalf("send: %d %s", r.Status, r.Body)
		}
		if len(got) != 1 || got[0]["mobile"] != "13812345678" || got[0]["content"] != "王先生，中秋快乐" {
			t.Fatalf("the gateway got %v", got)
		}
		e.srv.Services.Care.UseSMS(&sms.HTTP{URL: gw.URL, Token: "wrong"})
		r = e.do("POST", "/api/v1/greetings", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"channel":"sms","body":"中秋快乐"}`, contact)), as(o.am1))
		if r.Status != 201 || json.Unmarshal(r.Body, &g) != nil || g.Status != care.StatusFailed || !strings.Contains(g.Reason, "bad token") {
			t.Fatalf("refused send: %d %s", r.Status, r.Body)
		}
	})
}

func TestCareGiftOverBudgetNeedsTheManagersApproval(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		_, contact := careContact(e, o, "礼品")
		year := e.srv.Services.Clock().Year()
		if r := e.do("PUT", "/api/v1/gift-budgets", strings.NewReader(fmt.Sprintf(`{"year":%d,"amount":"500.00"}`, year)), as(o.admin)); r.Status != 200 {
			t.Fatalf("budget: %d %s", r.Status, r.Body)
		}
		gift := func(cost string) (care.Gift, response) {
			r := e.do("POST", "/api/v1/gifts", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"item":"月饼礼盒","cost":%q,"occasion":"mid_autumn"}`, contact, cost)), as(o.am1))
			var g care.Gift
			_ = json.Unmarshal(r.Body, &g)
			return g, r
		}
		if _, r := gift("abc"); r.Status != 422 || !strings.Contains(string(r.Body), `"cost"`) {
			t.Fatalf("bad cost: %d %s", r.Status, r.Body)
		}
		g, r := gift("300.00")
		if r.Status != 201 || g.Status != care.GiftApproved || g.Cost.Yuan() != "300.00" {
			t.Fatalf("within budget: %d %s", r.Status, r.Body)
		}
		g, r = gift("250.50")
		if r.Status != 201 || g.Status != care.GiftPending {
			t.Fatalf("over budget: %d %s", r.Status, r.Body)
		}
		if n := e.countRows(fmt.Sprintf("SELECT COUNT(*) FROM notifications WHERE kind = 'gift_pending' AND entity_id = '%d' AND user_id = %d", g.ID, e.userID("mgr_a"))); n != 1 {
			t.Errorf("the sales manager got %d notices of the pending gift, want 1", n)
		}
		path := fmt.Sprintf("/api/v1/gifts/%d/decision", g.ID)
		if r := e.do("POST", path, strings.NewReader(`{"decision":"approve"}`), as(o.am1)); r.Status != 403 {
			t.Errorf("the account manager approves their own gift: %d", r.Status)
		}
		if r := e.do("POST", path, strings.NewReader(`{"decision":"approve"}`), as(o.mgrA)); r.Status != 200 || !strings.Contains(string(r.Body), `"approved_by":"mgr_a"`) {
			t.Fatalf("manager approves: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", path, strings.NewReader(`{"decision":"reject"}`), as(o.mgrA)); r.Status != 409 {
			t.Errorf("a decided gift decided again: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/gift-spend?year=%d", year), nil, as(o.mgrA))
		var rep care.SpendReport
		if r.Status != 200 || json.Unmarshal(r.Body, &rep) != nil || len(rep.Managers) != 1 || rep.Managers[0].Spent.Yuan() != "550.50" || rep.Managers[0].Budget.Yuan() != "500.00" {
			t.Fatalf("spend: %d %s", r.Status, r.Body)
		}
	})
}

func TestCareIsScopedToTheManagersCustomers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		customer, contact := careContact(e, o, "范围")
		r := e.do("POST", "/api/v1/care/generate", strings.NewReader(`{"from":"2026-01-01","to":"2026-12-31"}`), as(o.gm))
		var rep care.GenerateReport
		if r.Status != 200 || json.Unmarshal(r.Body, &rep) != nil || rep.Created != 6 {
			t.Fatalf("generate: %d %s", r.Status, r.Body)
		}
		if n := e.countRows(fmt.Sprintf("SELECT COUNT(*) FROM notifications WHERE kind = 'care_reminder' AND user_id = %d", e.userID("am1"))); n != rep.Notified || n == 0 {
			t.Errorf("the owner's inbox holds %d care reminders, %d posted", n, rep.Notified)
		}
		again := e.do("POST", "/api/v1/care/generate", strings.NewReader(`{"from":"2026-01-01","to":"2026-12-31"}`), as(o.gm))
		if json.Unmarshal(again.Body, &rep) != nil || rep.Created != 0 {
			t.Fatalf("generated again: %s", again.Body)
		}
		var list struct{ Items []care.Reminder }
		r = e.do("GET", fmt.Sprintf("/api/v1/care/reminders?customer_id=%d", customer), nil, as(o.am1))
		if r.Status != 200 || json.Unmarshal(r.Body, &list) != nil || len(list.Items) != 6 {
			t.Fatalf("owner's reminders: %d %s", r.Status, r.Body)
		}
		for _, rem := range list.Items {
			if rem.Occasion == care.OccBirthday && rem.Date != "2026-09-25" {
				t.Errorf("lunar 八月十五 birthday in 2026 on %s, want 2026-09-25", rem.Date)
			}
		}
		for _, c := range []struct{ method, path, body string }{
			{"GET", fmt.Sprintf("/api/v1/care/reminders/%d", list.Items[0].ID), ""},
			{"GET", fmt.Sprintf("/api/v1/greetings?contact_id=%d", contact), ""},
			{"POST", "/api/v1/greetings", fmt.Sprintf(`{"contact_id":%d,"channel":"sms","body":"你好"}`, contact)},
			{"POST", "/api/v1/gifts", fmt.Sprintf(`{"contact_id":%d,"item":"茶叶","cost":"100"}`, contact)},
			{"PUT", fmt.Sprintf("/api/v1/contacts/%d/care-opt-out", contact), `{"opt_out":true}`},
		} {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			if r := e.do(c.method, c.path, body, as(o.am3)); r.Status != 404 {
				t.Errorf("another team's manager: %s %s = %d, want 404", c.method, c.path, r.Status)
			}
		}
		r = e.do("GET", "/api/v1/care/reminders", nil, as(o.am3))
		if json.Unmarshal(r.Body, &list) != nil || len(list.Items) != 0 {
			t.Errorf("another manager lists %s", r.Body)
		}
		_ = crm.ActCareRead
	})
}

func TestCareEmailGoesThroughSMTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		srv := mailtest.Start(t, "kehu", "s3cret")
		m, err := mail.ParseURL("smtp://kehu:s3cret@" + srv.Addr + "?from=kehu@example.com")
		if err != nil {
			t.Fatal(err)
		}
		m.TLS = srv.ClientTLS
		e.srv.Services.Care.UseMailer(m)
		o := newOrg(e)
		_, contact := careContact(e, o, "邮件")
		r := e.do("POST", "/api/v1/greetings", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"channel":"email","subject":"{{公司}} 中秋快乐","body":"{{称呼}}：中秋快乐！{{客户经理}}"}`, contact)), as(o.am1))
		var g careGreeting
		if r.Status != 201 || json.Unmarshal(r.Body, &g) != nil || g.Status != care.StatusSent || g.Recipient == "wang@example.com" {
			t.Fatalf("send: %d %s", r.Status, r.Body)
		}
		got := srv.Wait(1, 5*time.Second)
		if len(got) != 1 || !strings.Contains(got[0].Body, "王先生：中秋快乐！") {
			t.Fatalf("the SMTP server got %+v", got)
		}
	})
}
