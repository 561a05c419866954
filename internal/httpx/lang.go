package httpx

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Lang returns the language of the whole response to r, one of msg.Langs,
// so that nothing in one response is half Chinese and half English. The
// first of these that names a language the catalogue speaks wins:
//
//  1. the signed-in user's saved choice (PATCH /api/v1/me);
//  2. the kehu_lang cookie, the choice made on a page, which is all an
//     anonymous visitor of the sign-in, complaint and survey pages has;
//  3. the Accept-Language header, by its q-values;
//  4. zh-CN, the product's own language.
func Lang(r *http.Request) string {
	cookie := ""
	if c, err := r.Cookie(LangCookie); err == nil {
		cookie = c.Value
	}
	return resolveLang(userLang(r), cookie, r.Header.Get("Accept-Language"))
}

// userLang is the signed-in user's saved language (crm.Principal.Lang, read
// with the session), or "" for anonymous requests and users who never
// chose one.
func userLang(r *http.Request) string {
	p, _ := crm.PrincipalFrom(r.Context())
	return p.Lang
}

// resolveLang applies Lang's order to the three sources, each possibly
// empty or naming a language the catalogue does not speak.
func resolveLang(saved, cookie, acceptLanguage string) string {
	for _, tag := range []string{saved, cookie} {
		if l, ok := msg.Parse(tag); ok {
			return l
		}
	}
	if l, ok := fromAcceptLanguage(acceptLanguage); ok {
		return l
	}
	return msg.ZhCN
}

// maxAcceptLanguage bounds the entries read from one header; browsers send
// a handful, and a longer list is no one's real preference.
const maxAcceptLanguage = 32

// fromAcceptLanguage picks the catalogue language the header prefers most
// (RFC 9110 §12.5.4): entries are weighed by q (1 when absent), ties keep
// the header's order, and entries with q=0, a malformed q, the wildcard
// or a language the catalogue does not speak are passed over. A malformed
// entry spoils only itself, not the rest of the header.
func fromAcceptLanguage(h string) (string, bool) {
	type choice struct {
		lang string
		q    float64
	}
	var choices []choice
	for i, part := range strings.Split(h, ",") {
		if i == maxAcceptLanguage {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		l, ok := msg.Parse(tag)
		if !ok {
			continue
		}
		q, ok := quality(params)
		if !ok || q <= 0 {
			continue
		}
		choices = append(choices, choice{l, q})
	}
	if len(choices) == 0 {
		return "", false
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	return choices[0].lang, true
}

// quality reads the q parameter of one Accept-Language entry ("q=0.8",
// possibly with spaces); no q means 1, and one outside 0..1 is malformed.
func quality(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		name, value, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || !(q >= 0 && q <= 1) { // also refuses NaN
			return 0, false
		}
		return q, true
	}
	return 1, true
}
