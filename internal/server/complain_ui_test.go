package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestThePublicComplaintFormFilesAndFollowsAComplaint(t *testing.T) {
	e := newEnvSQLite(t)
	for _, lang := range []string{"zh-CN", "en"} {
		r := e.do("GET", "/complain", nil, map[string]string{"Cookie": "kehu_lang=" + lang})
		if r.Status != 200 || strings.Contains(string(r.Body), "⟦") || !strings.Contains(string(r.Body), `name="website"`) {
			t.Errorf("[%s] the public form = %d", lang, r.Status)
		}
	}
	form := func(v url.Values) response {
		return e.do("POST", "/complain", strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	}
	good := url.Values{"name": {"李先生"}, "phone": {"139-1111-2222"}, "category": {"logistics"}, "description": {"货到破损"}}
	bad := url.Values{"name": {"李先生"}, "phone": {"12345"}, "category": {"logistics"}, "description": {"货到破损"}}
	if r := form(bad); r.Status != 422 || !strings.Contains(string(r.Body), `id="complain-error"`) || !strings.Contains(string(r.Body), "货到破损") {
		t.Errorf("a bad phone = %d; want the form again with the error and what was typed", r.Status)
	}
	r := form(good)
	if r.Status != 303 {
		t.Fatalf("filing = %d, want 303 to the status page: %s", r.Status, r.Body)
	}
	r = e.get(r.Header.Get("Location"))
	number := regexp.MustCompile(`id="complaint-number">([0-9-]+)<`).FindStringSubmatch(string(r.Body))
	link := regexp.MustCompile(`id="status-link" href="([^"]+)"`).FindStringSubmatch(string(r.Body))
	if r.Status != 200 || number == nil || link == nil {
		t.Fatalf("the page filing leads to = %d %s", r.Status, r.Body)
	}
	r = e.get(link[1])
	if r.Status != 200 || !strings.Contains(string(r.Body), number[1]) || !strings.Contains(string(r.Body), "已登记") || strings.Contains(string(r.Body), "1111") {
		t.Errorf("the status page = %d, want the number, the status and no phone", r.Status)
	}
	// An e-mail address given on the form is kept (sealed, shown masked)
	// for the satisfaction survey; a malformed one is refused by field.
	withEmail := url.Values{"name": {"王女士"}, "phone": {"139-3333-4444"}, "email": {"wang.nvshi@example.com"}, "category": {"service"}, "description": {"客服未回电"}}
	r = form(withEmail)
	if r.Status != 303 {
		t.Fatalf("filing with an e-mail = %d", r.Status)
	}
	desk := e.user("desk_email", "service")
	r = e.do("GET", "/api/v1/complaints", nil, as(desk))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"contact_email":"w***@example.com"`) || strings.Contains(string(r.Body), "wang.nvshi@example.com") {
		t.Errorf("the complaint list for the service desk = %d %s; want the e-mail kept and masked", r.Status, r.Body)
	}
	withEmail.Set("email", "not an address")
	if r := form(withEmail); r.Status != 422 || !strings.Contains(string(r.Body), "not an address") {
		t.Errorf("a malformed e-mail = %d; want the form again with what was typed", r.Status)
	}
	trap := url.Values{"name": {"bot"}, "phone": {"13900000000"}, "category": {"other"}, "description": {"spam"}, "website": {"http://spam.example"}}
	if r := form(trap); r.Status != 400 {
		t.Errorf("a bot = %d, want 400", r.Status)
	}
}

func TestThePublicFormShowsEachRefusalNextToItsField(t *testing.T) {
	e := newEnvSQLite(t)
	v := url.Values{"name": {""}, "phone": {"139-1111-2222"}, "email": {"not-an-address"}, "category": {"logistics"}, "description": {"货到破损"}}
	r := e.do("POST", "/complain", strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	body := string(r.Body)
	if r.Status != 422 {
		t.Fatalf("an empty name and a bad e-mail = %d, want 422", r.Status)
	}
	for _, field := range []string{"name", "email"} {
		if !regexp.MustCompile(`(?s)<input[^>]*name="` + field + `"[^>]*>\s*(?:<small>[^<]*</small>\s*)?<small class="error">[^<]+</small>`).MatchString(body) {
			t.Errorf("no error next to the %s field:\n%s", field, body)
		}
	}
}
