package server_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kehucrm/kehu/internal/crm"
)

// dateField is what a date field shows in the browser.
type dateField struct {
	Type, Value, Placeholder, Title string
}

// Dates and times are typed and shown as zh-CN writes them (2026-12-05,
// 2026-12-05 14:30, 2026-12), whatever the browser's own format, in
// service orders, forms and filters; what a person types with other
// separators is tidied, and the server takes it.
func TestBrowserDateFieldsFollowZhCNWhateverTheBrowsersLocale(t *testing.T) {
	ctx, problems := browser(t)
	e := sampleEnv(t)
	c := newSampleCompany(t, e)
	field := func(path, sel string) dateField {
		t.Helper()
		if _, err := visit(ctx, e.http.URL, path); err != nil {
			t.Fatal(err)
		}
		return run(t, ctx, chromedp.Evaluate[dateField](fmt.Sprintf(`(function () { var i = document.querySelector(%q);
			return i ? {type: i.type, value: i.value, placeholder: i.placeholder, title: i.title} : {}; })()`, sel)))
	}
	want := func(what string, got dateField, value *regexp.Regexp, format string) {
		t.Helper()
		if got.Type != "text" || !value.MatchString(got.Value) || got.Placeholder != format || !strings.Contains(got.Title, format) {
			t.Errorf("%s = %+v, want a text field in %s", what, got, format)
		}
	}
	dateTime := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$`)
	anyDate := regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})?$`)
	month := regexp.MustCompile(`^\d{4}-\d{2}$`)

	if err := signInWithBrowser(ctx, e, c.users[crm.RoleGM], testPassword); err != nil {
		t.Fatal(err)
	}
	want("the complaint's time received", field("/complaints/new", `input[name="received_at"]`), dateTime, "YYYY-MM-DD HH:mm")
	want("the complaint's delivery date", field("/complaints/new", `input[name="delivery_date"]`), anyDate, "YYYY-MM-DD")
	want("the customer filter's first day", field("/customers", `#filter-created-from`), anyDate, "YYYY-MM-DD")
	want("the ledger's month", field("/complaints/ledger", `input[name="month"]`), month, "YYYY-MM")
	want("the interaction's time", field(fmt.Sprintf("/customers/%d", c.customer), `input[name="at"]`), dateTime, "YYYY-MM-DD HH:mm")
	if got := field("/complaints/new", `input[name="received_at"]`); !strings.Contains(got.Title, "请按") {
		t.Errorf("the format hint is not in the page's language: %q", got.Title)
	}

	// The technician types the arrival with slashes and no leading zero:
	// the field tidies it, the server takes it.
	if err := signOutInBrowser(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := signInWithBrowser(ctx, e, c.users[crm.RoleTechnician], testPassword); err != nil {
		t.Fatal(err)
	}
	detail := fmt.Sprintf("/service-orders/%d", c.order)
	want("the arrival", field(detail, `#start-form input[name="arrived_at"]`), dateTime, "YYYY-MM-DD HH:mm")
	arrived := time.Now().In(crm.ChinaTime()).Add(-time.Hour)
	typed := arrived.Format("2006/1/2 15:04")
	tidy := run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`(function () { var i = document.querySelector('#start-form input[name="arrived_at"]');
		i.value = %q; i.dispatchEvent(new Event("change")); return i.value; })()`, typed)))
	if tidy != arrived.Format("2006-01-02 15:04") {
		t.Errorf("typed %q, the field shows %q", typed, tidy)
	}
	if err := clickToPage(ctx, `#start-form button[type="submit"]`); err != nil {
		t.Fatal(err)
	}
	if got := field(detail, `#work-form input[name="left_at"]`); !dateTime.MatchString(got.Value) || got.Value <= tidy {
		t.Errorf("after the start, the departure offered is %+v, want a time after %s", got, tidy)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the pages logged errors: %v", p)
	}
}
