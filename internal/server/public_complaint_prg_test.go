package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// filePublic sends the public form in lang.
func (e *env) filePublic(lang string, v url.Values) response {
	e.t.Helper()
	return e.do("POST", "/complain", strings.NewReader(v.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Cookie": "kehu_lang=" + lang})
}

func TestThePublicFormRedirectsToItsResultAndReloadingFilesNothingAgain(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		desk := e.user("kefu", crm.RoleService)
		r := e.filePublic("zh-CN", url.Values{"name": {"李先生"}, "phone": {"139-1111-2222"}, "category": {"logistics"}, "description": {"货到破损"}})
		loc := r.Header.Get("Location")
		if r.Status != http.StatusSeeOther || !regexp.MustCompile(`^/complain/status/kst_[^?]+\?filed=1$`).MatchString(loc) {
			t.Fatalf("filing = %d → %q, want 303 to the status page", r.Status, loc)
		}
		var first string
		for i := range 3 { // the result, then reloading it twice
			r := e.do("GET", loc, nil, map[string]string{"Cookie": "kehu_lang=zh-CN"})
			body := string(r.Body)
			m := regexp.MustCompile(`id="complaint-number">([0-9-]+)<`).FindStringSubmatch(body)
			if r.Status != 200 || m == nil || !strings.Contains(body, "已收到您的投诉") || !strings.Contains(body, `id="status-link"`) ||
				!strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
				t.Fatalf("the result page (%d) = %d:\n%s", i, r.Status, body)
			}
			if first == "" {
				first = m[1]
			} else if m[1] != first {
				t.Errorf("reloading shows %s, then %s", first, m[1])
			}
		}
		if n := strings.Count(string(e.do("GET", "/api/v1/complaints", nil, as(desk)).Body), `"channel":"web"`); n != 1 {
			t.Errorf("%d complaints filed, want 1", n)
		}
		// The status link itself (without filed=1) shows the status only.
		plain := strings.TrimSuffix(loc, "?filed=1")
		if body := string(e.get(plain).Body); strings.Contains(body, "已收到您的投诉") || !strings.Contains(body, first) {
			t.Errorf("the status link:\n%s", body)
		}
	})
}

func TestThePublicFormsMessagesAreInThePagesLanguage(t *testing.T) {
	e := newEnvSQLite(t)
	bad := url.Values{"name": {"李先生"}, "phone": {"12345"}, "category": {"logistics"}, "description": {"   "}}
	for _, tc := range []struct {
		lang       string
		want       []string
		notWanted  string
		hanAllowed bool
	}{
		{"zh-CN", []string{"须为 1 至 5000 个字符", "请检查并更正以下内容"}, "must be", true},
		{"en", []string{"must be 1 to 5000 characters"}, "须为", false},
	} {
		r := e.filePublic(tc.lang, bad)
		body := string(r.Body)
		if r.Status != 422 {
			t.Fatalf("[%s] a blank description = %d", tc.lang, r.Status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("[%s] the refused form lacks %q:\n%s", tc.lang, w, body)
			}
		}
		if strings.Contains(body, tc.notWanted) {
			t.Errorf("[%s] the refused form speaks the other language (%q)", tc.lang, tc.notWanted)
		}
		// Every message beside a field is in the page's language.
		for _, m := range regexp.MustCompile(`<small class="error"[^>]*>([^<]+)</small>`).FindAllStringSubmatch(body, -1) {
			han := strings.IndexFunc(m[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
			if han != tc.hanAllowed {
				t.Errorf("[%s] a field message in the wrong language: %q", tc.lang, m[1])
			}
		}
		if !strings.Contains(body, "novalidate") {
			t.Errorf("[%s] the browser's own messages (in the browser's language) would speak first", tc.lang)
		}
	}
}

func TestThePublicStatusPageShowsTheReplyAndTheSolutionOnceGiven(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		desk := e.staffNamed("kefu", "吴客服", crm.RoleService)
		office := e.staffNamed("ma.office", "马秘书", crm.RoleGMOffice)
		qa := e.staffNamed("sun.qa", "孙质检", crm.RoleQA)
		r := e.filePublic("zh-CN", url.Values{"name": {"王女士"}, "phone": {"13812345678"}, "category": {"product_quality"}, "order_no": {"SO-88"}, "description": {"外壳开裂"}})
		status := strings.TrimSuffix(r.Header.Get("Location"), "?filed=1")
		page := func() string {
			t.Helper()
			r := e.do("GET", status, nil, map[string]string{"Cookie": "kehu_lang=zh-CN"})
			if r.Status != 200 {
				t.Fatalf("the status page = %d", r.Status)
			}
			return string(r.Body)
		}
		if body := page(); strings.Contains(body, `id="complaint-reply"`) || strings.Contains(body, `id="complaint-solution"`) || !strings.Contains(body, `id="complaint-waiting"`) {
			t.Errorf("a new complaint shows a reply or a solution:\n%s", body)
		}
		var list struct{ Items []complaintOut }
		_ = json.Unmarshal(e.do("GET", "/api/v1/complaints", nil, as(desk)).Body, &list)
		id := list.Items[0].ID
		quality := map[string]string{"part_no": "P-1", "delivery_date": "2026-11-01", "demand": "换货", "reply": "您好，投诉已受理，质量部正在调查。"}
		if r := e.step(office, id, "accepted", "登记审核完毕", quality); r.Status != 200 {
			t.Fatalf("accept = %d %s", r.Status, r.Body)
		}
		body := page()
		wantAll(t, "the accepted complaint's status", body, `id="complaint-reply"`, "您好，投诉已受理，质量部正在调查。", "已受理", `id="complaint-replied"`)
		if strings.Contains(body, `id="complaint-solution"`) {
			t.Errorf("a solution shows before one is approved")
		}
		for _, s := range []struct {
			token, to string
			fields    map[string]string
		}{
			{office, "assigned", map[string]string{"department": "qa", "assignee": "sun.qa"}},
			{qa, "investigating", nil},
			{qa, "solution_proposed", map[string]string{"cause": "注塑温度偏低", "handling": "免费更换外壳并赔付运费", "responsibility": "制造部"}},
		} {
			if r := e.step(s.token, id, s.to, "推进", s.fields); r.Status != 200 {
				t.Fatalf("%s = %d %s", s.to, r.Status, r.Body)
			}
		}
		if strings.Contains(page(), "免费更换外壳") {
			t.Errorf("a proposed solution shows before it is approved")
		}
		if r := e.step(office, id, "approved", "同意", nil); r.Status != 200 {
			t.Fatalf("approve = %d %s", r.Status, r.Body)
		}
		body = page()
		wantAll(t, "the approved complaint's status", body, `id="complaint-solution"`, "免费更换外壳并赔付运费", "方案已批准")
		for _, internal := range []string{"注塑温度偏低", "制造部", "登记审核完毕", "13812345678", "王女士"} {
			if strings.Contains(body, internal) {
				t.Errorf("the public page shows %q", internal)
			}
		}
		// A reply is only for the steps that speak to the customer.
		if r := e.step(qa, id, "customer_informed", "x", map[string]string{"reply": "x"}); r.Status != http.StatusForbidden {
			t.Errorf("QA informing = %d", r.Status)
		}
		if r := e.step(desk, id, "customer_informed", "已电话告知", map[string]string{"reply": "已电话告知处理方案，三日内寄出新外壳。"}); r.Status != 200 {
			t.Fatalf("inform = %d %s", r.Status, r.Body)
		}
		wantAll(t, "the informed complaint's status", page(), "已电话告知处理方案，三日内寄出新外壳。", "免费更换外壳并赔付运费")
		if r := e.step(desk, id, "customer_confirmed", "客户确认", map[string]string{"reply": "多余"}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"fields.reply"`) {
			t.Errorf("a reply on a step without one = %d %s", r.Status, r.Body)
		}
	})
}

// The public pages on a phone: nothing wider than the screen, the form
// in the middle, the result after sending it.
func TestBrowserThePublicPagesFitAPhone(t *testing.T) {
	ctx, problems := browser(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v (console: %v)", step, err, problems())
		}
	}
	fits := func(what string) {
		t.Helper()
		sizes := run(t, ctx, chromedp.Evaluate[[]float64](`(function(){var a=document.querySelector("article.public-page").getBoundingClientRect();
			return [document.documentElement.scrollWidth, window.innerWidth, a.left, window.innerWidth - a.right]})()`))
		if sizes[0] > sizes[1] {
			t.Errorf("%s scrolls sideways on a phone: %v px wide in %v", what, sizes[0], sizes[1])
		}
		if d := sizes[2] - sizes[3]; d > 2 || d < -2 {
			t.Errorf("%s is not centred: %v px left, %v px right", what, sizes[2], sizes[3])
		}
	}
	fail("a phone", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	fail("open the form", chromedp.Do(ctx,
		chromedp.Navigate(e.http.URL+"/complain"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/complain"]`)),
	))
	fits("the form")
	fail("send it", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "王先生"),
		chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), "13800138000"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description"]`), "电机异响"),
	))
	fail("send the form", clickToPage(ctx, `form[action="/complain"] button[type="submit"]`))
	fail("the result", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#complaint-filed`))))
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "/complain/status/kst_") {
		t.Errorf("after sending, the page is %s, want the status page", loc)
	}
	fits("the result")
	fail("reload the result", chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#complaint-filed`))))
	var n int
	if err := e.db.QueryRow(context.Background(), "SELECT count(*) FROM complaints").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d complaints after reloading the result (%v), want 1", n, err)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
