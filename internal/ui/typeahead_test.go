package ui

import (
	"os"
	"strings"
	"testing"
)

// Every search box with suggestions uses the one type-ahead script: its
// users hold no list handling of their own (keys, stale answers, ARIA),
// and each page that loads one loads typeahead.js first.
func TestSearchBoxesShareOneTypeaheadScript(t *testing.T) {
	for _, f := range []string{"region_picker.js", "industry_picker.js", "service_orders_form.js", "sales_form.js"} {
		b, err := os.ReadFile("static/" + f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		if !strings.Contains(src, "kehuTypeahead(") {
			t.Errorf("%s does not use kehuTypeahead", f)
		}
		for _, own := range []string{"ArrowDown", "aria-activedescendant", "setTimeout("} {
			if strings.Contains(src, own) {
				t.Errorf("%s handles the list itself (%s): that is typeahead.js's", f, own)
			}
		}
	}
	for _, page := range []string{"customers.html", "customers_form.html", "service_orders_form.html", "sales_form.html"} {
		b, err := os.ReadFile("templates/" + page)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		ta := strings.Index(src, "/static/typeahead.js")
		for _, user := range []string{"/static/region_picker.js", "/static/industry_picker.js", "/static/service_orders_form.js", "/static/sales_form.js"} {
			if i := strings.Index(src, user); i >= 0 && (ta < 0 || ta > i) {
				t.Errorf("%s loads %s without typeahead.js before it", page, user)
			}
		}
	}
}
