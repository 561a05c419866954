package server_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// browser starts headless Chromium (KEHU_CHROMIUM, default
// /usr/bin/chromium). Without it the test is skipped locally and fails in CI.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	return browserFor(t, 60*time.Second)
}

// browserFor is browser with a time limit of its own, for a test that
// walks many pages.
func browserFor(t *testing.T, limit time.Duration) (context.Context, func() []string) {
	t.Helper()
	path := os.Getenv("KEHU_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium not found at %s; CI must run the browser tests", path)
		}
		t.Skipf("browser test skipped: no Chromium at %s (apt-get install chromium, or set KEHU_CHROMIUM)", path)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
		// The pages follow Accept-Language; the tests read the Chinese
		// pages a user in China sees, whatever the machine's locale.
		chromedp.Flag("accept-lang", "zh-CN"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	// Collect console errors and uncaught exceptions (a CSP violation shows here).
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				for _, a := range ev.Args {
					problems = append(problems, string(a.Value))
				}
			}
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// signInWithBrowser fills in the sign-in form as a person would.
func signInWithBrowser(ctx context.Context, e *env, username, password string) error {
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
	); err != nil {
		return err
	}
	return clickToPage(ctx, `form[action="/login"] button[type="submit"]`)
}

// clickToPage clicks what sel finds and waits until the page it leads to
// has loaded, so that the next query reads the new document rather than
// one being replaced (which chromedp reports as "Could not find node with
// given id").
func clickToPage(ctx context.Context, sel string) error {
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	return err
}

func TestBrowserTheWorkbenchRendersInChineseWithItsCharts(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.user("zhang", crm.RoleGM)

	err := signInWithBrowser(ctx, e, "zhang", testPassword)
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#chart-orders[data-chart-ready="1"]`)))
	}
	if err != nil {
		t.Fatalf("browser: %v (console: %v)", err, problems())
	}
	heading := run(t, ctx, chromedp.Text(chromedp.CSS(`main h1`)))
	nav := run(t, ctx, chromedp.Text(chromedp.CSS(`nav.side`)))
	lang := run(t, ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	echartsType := run(t, ctx, chromedp.Evaluate[string](`typeof echarts`))
	canvases := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#chart-orders canvas').length`))
	if lang != "zh-CN" || !strings.Contains(heading, "我的工作台") || !strings.Contains(nav, "客户档案") {
		t.Errorf("the Chinese UI did not render: lang=%q h1=%q nav=%q", lang, heading, nav)
	}
	if echartsType != "object" || canvases == 0 {
		t.Errorf("the chart library did not load: typeof echarts = %q, %d canvases", echartsType, canvases)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors: %v", p)
	}
}

func TestBrowserSwitchesToEnglish(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.user("zhang", crm.RoleGM)
	err := signInWithBrowser(ctx, e, "zhang", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/customers"),
		chromedp.Click(chromedp.CSS(`button[name="lang"][value="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] main h1`)),
	)
	if err != nil {
		t.Fatalf("browser: %v (console: %v)", err, problems())
	}
	if heading := run(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); heading != "Customers" {
		t.Errorf("after choosing English the page heading is %q, want Customers", heading)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
