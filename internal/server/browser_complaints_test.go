package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// The whole life of a complaint in the browser: a customer files it on
// the public form; the GM office accepts and assigns it, production adds
// the manufacturing detail, QA finds the cause, the GM office approves the
// solution, the service desk tells the customer and hears back, QA
// verifies the corrective action, the service desk visits and closes it;
// then it is found in the month's ledger.
func TestBrowserAComplaintFiledByTheCustomerIsTakenToClosedAndFoundInTheLedger(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.user("office", crm.RoleGMOffice)
	e.user("kefu", crm.RoleService)
	e.user("zhijian", crm.RoleQA)
	e.user("shengchan", crm.RoleProduction)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}

	fail("file the complaint on the public form", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/complain"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/complain"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "王先生"),
		chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), "13800138000"),
		chromedp.SendKeys(chromedp.CSS(`input[name="company"]`), "嘉兴电机"),
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "product_quality"),
		chromedp.SendKeys(chromedp.CSS(`input[name="order_no"]`), "PO-2611"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description"]`), "电机异响，50台中3台"),
		chromedp.Click(chromedp.CSS(`form[action="/complain"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#complaint-number`)),
	))
	number := run(t, ctx, chromedp.Text(chromedp.CSS(`#complaint-number`)))
	var detail string // the complaint's page, found from the GM office's queue

	signedIn := false
	signInAs := func(user string) {
		t.Helper()
		if signedIn {
			fail("sign out", clickToPage(ctx, `#logout`))
			fail("signed out", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`))))
		}
		fail("sign in as "+user, signInWithBrowser(ctx, e, user, testPassword))
		fail("signed in as "+user, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#who`))))
		if detail != "" {
			fail("open the complaint as "+user, chromedp.Do(ctx, chromedp.Navigate(detail)))
		}
		signedIn = true
	}
	// take fills in the form of the step to on the complaint's page (where
	// signing in and each step land) and sends it: text by typing, dates
	// and choices from lists by setting the value as the picker would.
	take := func(to string, text, dates map[string]string) {
		t.Helper()
		form := "#move-" + to
		actions := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(form))}
		for name, v := range text {
			if name == "department" || name == "assignee" {
				actions = append(actions, chromedp.SetValue(chromedp.CSS(form+` select[name="`+name+`"]`), v))
				continue
			}
			actions = append(actions, chromedp.SendKeys(chromedp.CSS(form+` [name="`+name+`"]`), v))
		}
		for name, v := range dates {
			actions = append(actions, chromedp.SetValue(chromedp.CSS(form+` input[name="`+name+`"]`), v))
		}
		actions = append(actions, chromedp.SendKeys(chromedp.CSS(form+` textarea[name="note"]`), "推进："+to))
		fail("fill in the step to "+to, chromedp.Do(ctx, actions...))
		fail("send the step to "+to, clickToPage(ctx, "#submit-"+to))
		fail("take the complaint to "+to, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#complaint-status[data-status="`+to+`"]`))))
	}

	signInAs("office")
	fail("open the complaints", clickToPage(ctx, `nav.side a[href="/complaints"]`))
	fail("the GM office's queue shows it with its reply clock", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#queue tr[data-complaint] time[data-clock]`)),
	))
	if clock := run(t, ctx, chromedp.Text(chromedp.CSS(`#queue tr[data-complaint] time[data-clock]`))); !strings.Contains(clock, "剩余") {
		t.Errorf("the reply clock reads %q, want the time left", clock)
	}
	if link := run(t, ctx, chromedp.Text(chromedp.CSS(`#queue tr[data-complaint] a`))); link != number {
		t.Fatalf("the queue lists %q, want the complaint filed as %q", link, number)
	}
	fail("open it from the queue", clickToPage(ctx, `#queue tr[data-complaint] a`))
	fail("its page shows it registered", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#complaint-status[data-status="registered"]`))))
	detail = run(t, ctx, chromedp.Location())
	take("accepted", map[string]string{"part_no": "M-220", "demand": "换货"}, map[string]string{"delivery_date": "2026-11-01"})
	take("assigned", map[string]string{"department": "qa", "assignee": "zhijian"}, nil)
	signInAs("shengchan")
	take("investigating", map[string]string{"batch_no": "B2611", "line_no": "L3", "shift": "夜班", "operator_name": "王五"},
		map[string]string{"production_date": "2026-10-20"})
	signInAs("zhijian")
	take("solution_proposed", map[string]string{"cause": "轴承压装不到位", "handling": "换货并赔付运费", "responsibility": "制造部"}, nil)
	signInAs("office")
	take("approved", nil, nil)
	signInAs("kefu")
	take("customer_informed", nil, nil)
	take("customer_confirmed", nil, nil)
	signInAs("zhijian")
	take("verified", map[string]string{"corrective_action": "增加压装力检测", "effect_confirmed": "连续两周零不良"}, nil)
	signInAs("kefu")
	take("return_visited", nil, nil)
	take("closed", nil, nil)

	timeline := run(t, ctx, chromedp.Text(chromedp.CSS(`#timeline-list`)))
	for _, want := range []string{"轴承压装不到位", "B2611", "shengchan", "zhijian", "推进：closed"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q: %s", want, timeline)
		}
	}
	fail("open the complaints again", clickToPage(ctx, `nav.side a[href="/complaints"]`))
	fail("open the ledger", clickToPage(ctx, `#ledger-link`))
	fail("find it in the ledger", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#ledger tr[data-number="`+number+`"]`)),
	))
	row := run(t, ctx, chromedp.Text(chromedp.CSS(`#ledger tr[data-number="`+number+`"]`)))
	for _, want := range []string{number, "王先生", "质量管理部", "轴承压装不到位", "制造部", "换货并赔付运费", "已结案"} {
		if !strings.Contains(row, want) {
			t.Errorf("the ledger row lacks %q: %s", want, row)
		}
	}
	fail("open the analysis", clickToPage(ctx, `#analysis-link`))
	fail("the analysis draws its charts", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#chart-pareto[data-chart-ready="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-sla[data-chart-ready="1"]`)),
	))
	if total := run(t, ctx, chromedp.Text(chromedp.CSS(`#figure-total`))); total != "1" {
		t.Errorf("the analysis counts %q complaints", total)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
