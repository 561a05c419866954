package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// On a phone-sized screen the technician opens their order, the customer
// signs on the canvas, and the signature shows on the printable voucher.
func TestBrowserTheCustomerSignsOnTheTechniciansPhone(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	s := newServiceOrg(e)
	o, r := s.register(s.kefu, "C", s.c1, "")
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	s.step(&o, s.kefu, "dispatch", `"technician":"tech1"`, 200)
	s.step(&o, s.tech1, "work", fmt.Sprintf(`"arrived_at":%q,"left_at":%q,"work_done":"清洁保养"`,
		time.Now().Add(-time.Hour).Format(time.RFC3339), time.Now().Add(-time.Minute).Format(time.RFC3339)), 200)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}

	fail("sign in on a phone", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	fail("sign in", signInWithBrowser(ctx, e, "tech1", testPassword))
	fail("open my order", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#who`)),
		chromedp.Navigate(e.http.URL+"/service-orders/mine"),
		chromedp.WaitVisible(chromedp.CSS(`#my-orders li[data-order]`)),
		chromedp.Click(chromedp.CSS(`#my-orders li[data-order] a[role="button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#signature-pad[data-ready="1"]`)),
	))
	if width := run(t, ctx, chromedp.Evaluate[float64](`document.getElementById("signature-pad").getBoundingClientRect().width`)); width > 390 {
		t.Errorf("the signature pad is %v px wide on a 390 px screen", width)
	}
	// Submitting without a signature is stopped in the page.
	fail("submit unsigned", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#signature-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#signature-empty`)),
	))
	fail("scroll to the pad", chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(`#signature-pad`))))
	box := run(t, ctx, chromedp.Evaluate[[]float64](`(function(){var r=document.getElementById("signature-pad").getBoundingClientRect();return [r.left,r.top,r.width,r.height]})()`))
	x0, y0, w, h := box[0], box[1], box[2], box[3]
	draw := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x0+w*0.1, y0+h*0.5, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 20; i++ {
		draw = append(draw, chromedp.MouseEvent(chromedp.MouseMoved, x0+w*(0.1+0.04*float64(i)), y0+h*(0.5+0.3*float64(i%3-1)), chromedp.ButtonLeft))
	}
	draw = append(draw, chromedp.MouseEvent(chromedp.MouseReleased, x0+w*0.9, y0+h*0.5, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	fail("draw the signature", chromedp.Do(ctx, draw...))
	fail("submit the signature", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#sign-form input[name="signer_name"]`), "王经理"),
		chromedp.Click(chromedp.CSS(`#signature-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#signed`)),
	))
	if status := run(t, ctx, chromedp.Text(chromedp.CSS(`#order-status`))); status != "客户已签字" {
		t.Errorf("after signing the order is %q", status)
	}
	fail("open the voucher", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#voucher-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#voucher-signature`)),
	))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.getElementById("voucher-signature").naturalWidth`)); n != 600 {
		t.Errorf("the voucher's signature image is %d px wide, want the pad's 600", n)
	}
	if text := run(t, ctx, chromedp.Text(chromedp.CSS(`#voucher`))); !strings.Contains(text, "王经理") || !strings.Contains(text, "清洁保养") {
		t.Errorf("the voucher lacks the signer or the work: %q", text)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
