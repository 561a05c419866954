package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// One response speaks one language: the API's error message and every
// field error are English when the client asks for English, and Chinese
// (the product's own language) when it asks for Chinese or says nothing.

// englishPhrase is two English words in a row, which no Chinese message
// holds outside user data (field names and codes are single words).
var englishPhrase = regexp.MustCompile(`\b[a-z]{3,} [a-z]{3,}\b`)

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

func TestAPIErrorsSpeakTheLanguageTheClientAsksFor(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		requests := []struct {
			name, method, path, body string
			fields                   []string // the fields the error must name
		}{
			{"a customer with a bad USCC and no name", "POST", "/api/v1/customers", `{"kind":"company","uscc":"1234"}`, []string{"name", "uscc"}},
			{"a customer with a bad stage", "POST", "/api/v1/customers", `{"name":"语言测试公司","stage":"someday"}`, []string{"stage"}},
			{"malformed JSON", "POST", "/api/v1/customers", `{"name":`, nil},
			{"a JSON syntax error", "POST", "/api/v1/customers", `{"name" "x"}`, nil},
			{"an unknown field", "POST", "/api/v1/customers", `{"name":"x","colour":"red"}`, []string{"colour"}},
			{"a value of the wrong type", "POST", "/api/v1/customers", `{"name":42}`, []string{"name"}},
			{"a list limit of zero", "GET", "/api/v1/customers?limit=0", ``, []string{"limit"}},
			{"an unknown route", "GET", "/api/v1/no-such-thing", ``, nil},
			{"a complaint with an unknown channel and no customer", "POST", "/api/v1/complaints", `{"channel":"fax","category":"product_quality","description":"坏了"}`, []string{"customer_id", "channel"}},
			{"the ledger of a month that does not exist", "GET", "/api/v1/complaints/ledger?month=2025-13", ``, []string{"month"}},
			{"an access request to an order without a reason", "POST", "/api/v1/access-requests", `{"entity":"order","record_id":1,"reason":" "}`, []string{"entity", "reason"}},
			{"service orders in an unknown status", "GET", "/api/v1/service-orders?status=someday", ``, []string{"status"}},
			{"abnormality records asked for by sales", "GET", "/api/v1/abnormalities", ``, nil},
		}
		languages := []struct {
			name, header string
			english      bool
		}{
			{"in English when asked for en", "en", true},
			{"in English when asked for en-US first", "en-US,zh-CN;q=0.5", true},
			{"in Chinese when asked for zh-CN", "zh-CN", false},
			{"in Chinese when asked for nothing", "", false},
			{"in Chinese when asked for a language it does not speak", "fr", false},
		}
		for _, l := range languages {
			t.Run(l.name, func(t *testing.T) {
				for _, rq := range requests {
					h := as(o.am1)
					if l.header != "" {
						h["Accept-Language"] = l.header
					}
					r := e.do(rq.method, rq.path, strings.NewReader(rq.body), h)
					var body struct {
						Error struct {
							Code, Message string
							Fields        []struct{ Field, Code, Message string }
						}
					}
					if err := json.Unmarshal(r.Body, &body); err != nil || r.Status < 400 || body.Error.Message == "" {
						t.Errorf("%s: %d %s, want an error body", rq.name, r.Status, r.Body)
						continue
					}
					texts := []string{body.Error.Message}
					named := map[string]bool{}
					for _, f := range body.Error.Fields {
						texts = append(texts, f.Message)
						named[f.Field] = true
					}
					for _, f := range rq.fields {
						if !named[f] {
							t.Errorf("%s: %s, want a field error on %q", rq.name, r.Body, f)
						}
					}
					for _, s := range texts {
						switch {
						case l.english && hasHan(s):
							t.Errorf("%s: %q has Chinese in an English answer: %s", rq.name, s, r.Body)
						case !l.english && !hasHan(s):
							t.Errorf("%s: %q is not Chinese: %s", rq.name, s, r.Body)
						case !l.english && englishPhrase.MatchString(s):
							t.Errorf("%s: %q has English in a Chinese answer: %s", rq.name, s, r.Body)
						}
					}
				}
			})
		}
	})
}
