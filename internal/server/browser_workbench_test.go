package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
)

// The general manager's workbench draws its three figures with ECharts
// and lists what waits for them; a click on a waiting item opens it.
func TestBrowserTheGMsWorkbenchDrawsItsFiguresAndOpensWhatWaits(t *testing.T) {
	ctx, problems := browser(t)
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	err := signInWithBrowser(ctx, e, c.users[crm.RoleGM], testPassword)
	if err == nil {
		err = chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`#chart-complaints[data-chart-ready="1"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#chart-sla[data-chart-ready="1"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#chart-orders[data-chart-ready="1"]`)))
	}
	if err != nil {
		t.Fatalf("browser: %v (console: %v)", err, problems())
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.charts canvas').length`)); n < 3 {
		t.Errorf("%d charts drawn, want 3", n)
	}
	if h1 := run(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); h1 != "我的工作台" {
		t.Errorf("the home page is %q, want 我的工作台", h1)
	}
	if err := clickToPage(ctx, `#workbench-approvals a, #tile-approvals`); err != nil {
		t.Fatalf("open the approvals: %v", err)
	}
	if body := run(t, ctx, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(body, "调查客诉，核对批次") {
		t.Errorf("the approvals tile leads to a page without the waiting request")
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors: %v", p)
	}
}
