package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
)

// A file field speaks the page's language: the browser's own button and
// "no file" words (Choose Files, No file chosen on a Chinese page) give
// way to the page's, and the field still takes the file.
func TestBrowserFileFieldsSpeakThePagesLanguage(t *testing.T) {
	ctx, problems := browser(t)
	e := sampleEnv(t)
	for _, c := range []struct {
		lang string
		want []string
	}{{"zh-CN", []string{"选择文件", "未选择文件"}}, {"en", []string{"Choose files", "No file chosen"}}} {
		lang, want := c.lang, c.want
		if _, err := visit(ctx, e.http.URL, "/complain"); err != nil {
			t.Fatal(err)
		}
		if lang == "en" {
			if err := clickToPage(ctx, `form.lang button[value="en"]`); err != nil {
				t.Fatal(err)
			}
		}
		got := run(t, ctx, chromedp.Evaluate[map[string]string](`(function () {
			var box = document.querySelector('.file-pick'), input = document.querySelector('input[type="file"]');
			return {text: box ? box.innerText : "", opacity: getComputedStyle(input).opacity, inBox: String(!!(box && box.contains(input)))}; })()`))
		for _, w := range want {
			if !strings.Contains(got["text"], w) {
				t.Errorf("%s: the file field reads %q, want %q", lang, got["text"], w)
			}
		}
		if got["opacity"] != "0" || got["inBox"] != "true" {
			t.Errorf("%s: the browser's own file control shows (%v)", lang, got)
		}
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors: %v", p)
	}
}

// The customer list's filters line up at 1366 px: in each row of the
// filter form the controls' bottoms are on one line, whatever hints sit
// above them; the list's actions are one line.
func TestBrowserTheCustomerFiltersLineUp(t *testing.T) {
	ctx, _ := browser(t)
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	if err := signInWithBrowser(ctx, e, c.users[crm.RoleSalesManager], testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := visit(ctx, e.http.URL, "/customers"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, waitTrue(`document.querySelectorAll('#customer-search select[data-level="province"] option').length > 30`)); err != nil {
		t.Fatal(err)
	}
	rows := run(t, ctx, chromedp.Evaluate[[][]float64](`(function () {
		var form = document.getElementById('customer-search');
		var ctrls = form.querySelectorAll(':scope > label > :is(input, select), :scope > .picker-field .rp-selects > select, :scope > .picker-field .industry-picker > input, :scope > button');
		var bottoms = [];
		ctrls.forEach(function (c) { var r = c.getBoundingClientRect(); if (r.height) bottoms.push(Math.round(r.bottom)); });
		bottoms.sort(function (a, b) { return a - b; });
		var rows = [];
		bottoms.forEach(function (b) {
			var row = rows[rows.length - 1];
			if (row && b - row[row.length - 1] < 30) row.push(b); else rows.push([b]);
		});
		return rows; })()`))
	if len(rows) == 0 {
		t.Fatal("no filter controls found")
	}
	for _, row := range rows {
		if row[len(row)-1]-row[0] > 2 {
			t.Errorf("a filter row's controls end at %v px, want one line", row)
		}
	}
	if h := run(t, ctx, chromedp.Evaluate[float64](`document.getElementById('customer-actions').getBoundingClientRect().height`)); h > 48 {
		t.Errorf("the list's actions take %.0f px, want one line", h)
	}
}

// The complaint ledger on a phone: numbers and times do not break across
// lines and a customer's name keeps a few characters a line (it stacked
// one character a line, 杭/州/西/子…).
func TestBrowserTheLedgerReadsOnAPhone(t *testing.T) {
	ctx, _ := browser(t)
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if err := signInWithBrowser(ctx, e, c.users[crm.RoleGMOffice], testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := visit(ctx, e.http.URL, "/complaints/ledger"); err != nil {
		t.Fatal(err)
	}
	got := run(t, ctx, chromedp.Evaluate[map[string]float64](`(function () {
		var rows = document.querySelectorAll('#ledger tbody tr'), broken = 0, narrow = 1e9;
		rows.forEach(function (tr) {
			tr.querySelectorAll('td:first-child a, td small').forEach(function (x) {
				if (/^[\d\- :]+$/.test(x.textContent.trim()) && x.getClientRects().length > 1) broken++;
				var range = document.createRange(); range.selectNodeContents(x);
				if (/^[\d\- :]+$/.test(x.textContent.trim()) && range.getClientRects().length > 1) broken++;
			});
			narrow = Math.min(narrow, tr.children[1].getBoundingClientRect().width);
		});
		return {rows: rows.length, broken: broken, narrow: narrow}; })()`))
	if got["rows"] == 0 {
		t.Fatal("the ledger lists no complaint")
	}
	if got["broken"] > 0 {
		t.Errorf("%v numbers or times break across lines", got["broken"])
	}
	if got["narrow"] < 120 {
		t.Errorf("the customer column is %.0f px wide on a phone, want room for a few characters a line", got["narrow"])
	}
}
