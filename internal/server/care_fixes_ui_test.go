package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm/care"
)

// The sales manager sees a gift over budget on my day and approves it on
// /care/gifts; the gifts page shows the team by name and Beijing time, the
// send log the channel in words, and reminders of a custom care date its
// name.
func TestCarePagesDecideGiftsAndNameTeamsChannelsAndCareDates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		customer, contact := careContact(e, o, "审批")
		year := e.srv.Services.Clock().Year()
		if r := e.do("PUT", "/api/v1/gift-budgets", strings.NewReader(fmt.Sprintf(`{"year":%d,"amount":"100.00"}`, year)), as(o.admin)); r.Status != 200 {
			t.Fatalf("budget: %d %s", r.Status, r.Body)
		}
		r := e.do("POST", "/api/v1/gifts", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"item":"茶叶","cost":"300.00"}`, contact)), as(o.am1))
		var g care.Gift
		if r.Status != 201 || json.Unmarshal(r.Body, &g) != nil || g.Status != care.GiftPending {
			t.Fatalf("gift: %d %s", r.Status, r.Body)
		}
		mgr := e.formSignIn("mgr_a")
		if home := e.page("/", "zh-CN", mgr); !strings.Contains(string(home.Body), `id="tile-gifts-pending"`) || !strings.Contains(string(home.Body), "待我审批的礼品") {
			t.Errorf("my day has no pending-gift count for the sales manager")
		}
		page := e.page("/care/gifts", "zh-CN", mgr)
		body := string(page.Body)
		when := g.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
		for _, want := range []string{fmt.Sprintf(`id="approve-%d"`, g.ID), "华东", when} {
			if !strings.Contains(body, want) {
				t.Errorf("/care/gifts lacks %q", want)
			}
		}
		if strings.Contains(body, `data-team="`) && strings.Contains(body, ">#") {
			t.Errorf("/care/gifts shows the team by number")
		}
		if am := e.page("/care/gifts", "zh-CN", e.formSignIn("am1")); strings.Contains(string(am.Body), fmt.Sprintf(`id="approve-%d"`, g.ID)) {
			t.Errorf("the account manager is offered the approval")
		}
		r = e.postIn(fmt.Sprintf("/care/gifts/%d/decision", g.ID), "zh-CN", mgr, url.Values{"decision": {"approve"}, "version": {fmt.Sprint(g.Version)}})
		if r.Status != 303 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
		if n := e.countRows(fmt.Sprintf("SELECT COUNT(*) FROM gifts WHERE id = %d AND status = 'approved' AND approved_by = 'mgr_a'", g.ID)); n != 1 {
			t.Errorf("the gift is not approved by mgr_a")
		}
		// The send log names the channel.
		if r := e.do("POST", "/api/v1/greetings", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"channel":"sms","body":"您好"}`, contact)), as(o.am1)); r.Status != 201 {
			t.Fatalf("send: %d %s", r.Status, r.Body)
		}
		am1 := e.formSignIn("am1")
		if log := e.page(fmt.Sprintf("/care/greetings?contact_id=%d", contact), "zh-CN", am1); !strings.Contains(string(log.Body), "<td>短信</td>") {
			t.Errorf("the send log does not name the channel 短信")
		}
		// A custom care date ten days ahead, called by its name.
		day := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 10)
		if r := e.do("POST", "/api/v1/care/dates", strings.NewReader(fmt.Sprintf(`{"name":"公司周年","month":%d,"day":%d}`, day.Month(), day.Day())), as(o.admin)); r.Status != 201 {
			t.Fatalf("care date: %d %s", r.Status, r.Body)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		careGenerate(e, o.gm, today.Format(time.DateOnly), today.AddDate(0, 0, 30).Format(time.DateOnly))
		if p := e.page("/care", "zh-CN", am1); !strings.Contains(string(p.Body), "公司周年") {
			t.Errorf("/care does not name the custom care date 公司周年")
		}
		_ = customer
	})
}
