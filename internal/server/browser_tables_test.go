package server_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
)

// tableReading finds, on a page, the table headers narrower than two
// characters or broken over lines, and the cells of dates, times, masked
// phones, numbers and codes that wrap.
const tableReading = `(() => {
  const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.bottom))).size; };
  const narrow = [], broken = [], wrapped = [];
  document.querySelectorAll('main table').forEach(table => {
    if (table.offsetParent === null) return;
    table.querySelectorAll('th').forEach(th => {
      const text = th.textContent.trim();
      const w = th.getBoundingClientRect().width, em = parseFloat(getComputedStyle(th).fontSize);
      if (w < 2 * em) narrow.push(text + ' (' + Math.round(w) + 'px)');
      if (text && lines(th) > th.querySelectorAll('br').length + 1) broken.push(text); // a <br> is a second line on purpose
    });
    table.querySelectorAll('td').forEach(td => {
      const text = td.textContent.replace(/\s+/g, ' ').trim();
      if (/^(\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|\d{3}\*{4}\d{4}|[¥￥]?-?[\d,]+(\.\d+)?%?|[A-Z]{0,4}\d{6}-\d{4})$/.test(text) && lines(td) > 1) wrapped.push(text);
    });
  });
  const dates = [...document.querySelectorAll('input[type="date"], input.date:not([placeholder="YYYY-MM-DD"])')].map(i => i.name);
  return {narrow, broken, wrapped, dates};
})()`

type tableFindings struct {
	Narrow  []string `json:"narrow"`
	Broken  []string `json:"broken"`
	Wrapped []string `json:"wrapped"`
	Dates   []string `json:"dates"`
}

// At 1366 px, on every page of every role, no table header is narrower
// than two characters or broken over lines, no date, time, masked phone,
// number or code wraps, and every date field reads YYYY-MM-DD.
func TestBrowserTablesReadWellAt1366(t *testing.T) {
	ctx, problems := browserFor(t, 15*time.Minute)
	c := newSampleCompany(t, sampleEnv(t))
	walkRoles(t, ctx, c, 1366, 768, func(role crm.Role, path string, status int) {
		got := run(t, ctx, chromedp.Evaluate[tableFindings](tableReading))
		if len(got.Narrow) > 0 {
			t.Errorf("%s %s: table headers narrower than two characters: %v", role, path, got.Narrow)
		}
		if len(got.Broken) > 0 {
			t.Errorf("%s %s: table headers broken over lines: %v", role, path, got.Broken)
		}
		if len(got.Dates) > 0 {
			t.Errorf("%s %s: date fields not shown as YYYY-MM-DD: %v", role, path, got.Dates)
		}
		if len(got.Wrapped) > 0 {
			t.Errorf("%s %s: cells that must not wrap do: %v", role, path, got.Wrapped)
		}
	})
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
