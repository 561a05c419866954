package server_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// A page speaks one language: the signed-in user's choice (the kehu_lang
// cookie), else the browser's Accept-Language, else Chinese. Every text of
// a page in English — its chrome, its labels and what a refused form says
// next to a field, wherever the message comes from — has no Chinese
// character; a page in Chinese has no English phrase but the users' data.

var (
	// langSwitch is the language form, which names each language in that
	// language on every page.
	langSwitch = regexp.MustCompile(`(?s)<form method="post" action="/lang".*?</form>`)
	// scripts are no text a person reads.
	scripts = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>`)
	tags    = regexp.MustCompile(`(?s)<[^>]*>`)
	// standardNames are the names the national standards give and nothing
	// translates: the provinces (GB/T 2260, offered in a datalist) and the
	// industry divisions (GB/T 4754, offered as "NN name").
	standardNames = regexp.MustCompile(`(?s)<datalist.*?</datalist>|<option value="\d{2}"[^>]*>[^<]*</option>`)
)

// chineseOnPurpose are the English texts that quote Chinese words on
// purpose (the headers of an import file, the lunar calendar's terms,
// example names), and the revenue bands, whose codes are their labels.
func chineseOnPurpose() []string {
	var out []string
	for _, k := range []string{"customers.contact.birthday_lunar", "customers.contact.birthday_leap",
		"customers.interaction.participants_hint", "import.file_hint"} {
		out = append(out, msg.Text(msg.En, k))
	}
	return out
}

// visibleText is the text a person reads on page, less the language
// switch, the standards' names and data, which stay as they were typed.
func visibleText(page string, data ...string) string {
	s := langSwitch.ReplaceAllString(page, " ")
	s = standardNames.ReplaceAllString(s, " ")
	s = scripts.ReplaceAllString(s, " ")
	s = html.UnescapeString(tags.ReplaceAllString(s, "\n"))
	for _, d := range data {
		s = strings.ReplaceAll(s, html.UnescapeString(d), " ")
	}
	return s
}

// hanLines are the lines of text that hold a Chinese character.
func hanLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); hasHan(l) {
			out = append(out, l)
		}
	}
	return out
}

func TestPagesSpeakTheLanguageTheBrowserAsksFor(t *testing.T) {
	e := newEnvSQLite(t)
	gm := e.signIn("zhang", crm.RoleGM)
	// Data in Latin letters, so that any Chinese on an English page is the page's.
	name, contact, content := "Harbour Logistics Ltd", "Wang Fang", "Called about the spare parts"
	r := e.post("/customers", gm, url.Values{"kind": {"company"}, "name": {name}, "uscc": {"91350100M000100Y43"},
		"stage": {"important"}, "source": {"trade_fair"}})
	m := createdAt.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("POST /customers = %d → %q", r.Status, r.Header.Get("Location"))
	}
	customer := "/customers/" + m[1]
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{customer + "/contacts", url.Values{"name": {contact}, "mobile": {"13912345678"}}},
		{customer + "/interactions", url.Values{"channel": {"phone"}, "content": {content}}},
	} {
		if r := e.post(post.path, gm, post.form); r.Status != 303 {
			t.Fatalf("POST %s = %d:\n%s", post.path, r.Status, r.Body)
		}
	}
	data := append([]string{name, contact, content, "zhang"}, chineseOnPurpose()...)

	type request struct {
		what, method, path string
		form               url.Values
		status             int
		signedIn           bool
	}
	requests := []request{
		{"the sign-in page", "GET", "/login", nil, 200, false},
		{"a failed sign-in", "POST", "/login", url.Values{"username": {"zhang"}, "password": {"wrong"}}, 401, false},
		{"the home page", "GET", "/", nil, 200, true},
		{"the customer list", "GET", "/customers", nil, 200, true},
		{"a customer's page", "GET", customer, nil, 200, true},
		{"the new-customer form", "GET", "/customers/new", nil, 200, true},
		{"the edit form", "GET", customer + "/edit", nil, 200, true},
		{"a customer that does not exist", "GET", "/customers/99999", nil, 404, true},
		{"the account page", "GET", "/account", nil, 200, true},
		{"the access requests", "GET", "/access-requests", nil, 200, true},
		{"the imports", "GET", "/imports", nil, 200, true},
		{"a new customer without a name and with a short credit code", "POST", "/customers",
			url.Values{"name": {" "}, "uscc": {"9135010"}, "region_code": {"999999"}}, 422, true},
		{"a contact with a short mobile number", "POST", customer + "/contacts",
			url.Values{"name": {contact}, "mobile": {"1391234"}, "birthday": {"13-45"}}, 422, true},
		{"an interaction due on no day", "POST", customer + "/interactions",
			url.Values{"channel": {"phone"}, "content": {content}, "next_step": {"Send a quote"}, "next_due_at": {"tomorrow"}}, 422, true},
		{"a password repeated wrongly", "POST", "/account/password",
			url.Values{"old_password": {testPassword}, "new_password": {"Kehu-2027-pass"}, "repeat": {"Kehu-2027-other"}}, 422, true},
	}
	get := func(t *testing.T, rq request, header map[string]string) string {
		t.Helper()
		if rq.signedIn {
			header["Cookie"] = strings.TrimPrefix(header["Cookie"]+"; "+gm, "; ")
		}
		var body *strings.Reader
		if rq.form != nil {
			header["Content-Type"] = "application/x-www-form-urlencoded"
			body = strings.NewReader(rq.form.Encode())
		} else {
			body = strings.NewReader("")
		}
		r := e.do(rq.method, rq.path, body, header)
		if r.Status != rq.status {
			t.Fatalf("%s: %s %s = %d, want %d:\n%s", rq.what, rq.method, rq.path, r.Status, rq.status, r.Body)
		}
		if v := r.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
			t.Errorf("%s: Vary %q, want Cookie and Accept-Language: a cache must not give one language for another", rq.what, v)
		}
		return string(r.Body)
	}

	t.Run("in English when the browser asks for English and the user chose nothing", func(t *testing.T) {
		for _, rq := range requests {
			body := get(t, rq, map[string]string{"Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.8"})
			if !strings.Contains(body, `<html lang="en">`) {
				t.Errorf("%s: not an English page", rq.what)
			}
			if han := hanLines(visibleText(body, data...)); len(han) > 0 {
				t.Errorf("%s: the English page shows Chinese: %q", rq.what, han)
			}
		}
	})
	t.Run("in Chinese when the browser asks for Chinese", func(t *testing.T) {
		for _, rq := range requests {
			body := get(t, rq, map[string]string{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
			wantAll(t, rq.what, body, `<html lang="zh-CN">`, `<span>语言:</span>`)
			if rq.signedIn {
				wantAll(t, rq.what, body, "客户档案")
			}
			if phrase := englishPhrase.FindString(visibleText(body, data...)); phrase != "" {
				t.Errorf("%s: the Chinese page shows English %q", rq.what, phrase)
			}
		}
	})
	t.Run("in the language the user chose whatever the browser asks for", func(t *testing.T) {
		for _, rq := range requests[2:4] {
			body := get(t, rq, map[string]string{"Accept-Language": "en", "Cookie": "kehu_lang=zh-CN"})
			if !strings.Contains(body, `<html lang="zh-CN">`) {
				t.Errorf("%s: the cookie's zh-CN did not win over the browser's en", rq.what)
			}
		}
	})
}

func TestTheLanguageSwitchSavesASignedInUsersChoice(t *testing.T) {
	e := newEnvSQLite(t)
	cookie := e.signIn("li", crm.RoleAccountManager)
	// The account says English; the switch to Chinese must win over it on
	// this device and every other (a saved choice beats the cookie).
	if r := e.do("PATCH", "/api/v1/me", strings.NewReader(`{"lang":"en"}`), map[string]string{"Cookie": cookie, "Content-Type": "application/json"}); r.Status != 200 {
		t.Fatalf("save English: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/account", nil, map[string]string{"Cookie": cookie}); !strings.Contains(string(r.Body), `lang="en"`) {
		t.Fatalf("the account page of a user who saved English is not English")
	}
	r := e.post("/lang", cookie, url.Values{"lang": {"zh-CN"}, "back": {"/account"}})
	if r.Status != 303 {
		t.Fatalf("POST /lang = %d %s", r.Status, r.Body)
	}
	// Another device: the session but no language cookie, a browser asking for English.
	if r := e.do("GET", "/account", nil, map[string]string{"Cookie": cookie, "Accept-Language": "en"}); !strings.Contains(string(r.Body), `lang="zh-CN"`) {
		t.Errorf("after switching to Chinese the account page is not Chinese on another device")
	}
}

func TestAPageAskedForWithTheWrongMethodSaysSoInTheReadersLanguage(t *testing.T) {
	e := newEnvSQLite(t)
	en := e.do("PUT", "/customers", nil, map[string]string{"Accept-Language": "en"})
	zh := e.do("PUT", "/customers", nil, map[string]string{"Accept-Language": "zh-CN"})
	if en.Status != 405 || zh.Status != 405 {
		t.Fatalf("PUT /customers = %d and %d, want 405", en.Status, zh.Status)
	}
	if hasHan(string(en.Body)) || !strings.Contains(string(en.Body), "PUT") {
		t.Errorf("the English answer is %q", en.Body)
	}
	if !hasHan(string(zh.Body)) || englishPhrase.MatchString(string(zh.Body)) {
		t.Errorf("the Chinese answer is %q", zh.Body)
	}
}
