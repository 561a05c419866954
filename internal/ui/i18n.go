package ui

import (
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

// Languages the UI speaks; the first is the default.
var languages = msg.Langs()

// catalog maps language → message key → text: the pages' view of the one
// message catalogue (internal/msg), indexed directly where a page asks
// whether a key exists.
type catalog map[string]map[string]string

// loadCatalog copies the message catalogue for the pages; it fails when
// the embedded catalogue cannot be read, so the server does not start.
func loadCatalog() (catalog, error) {
	cat, err := msg.Load()
	if err != nil {
		return nil, err
	}
	c := catalog{}
	for _, lang := range languages {
		c[lang] = cat.Messages(lang)
	}
	return c, nil
}

// text returns the message for key in lang, formatted with args. A
// missing key shows as ⟦key⟧, which tests look for.
func (c catalog) text(lang, key string, args ...any) string {
	if _, ok := c[lang][key]; !ok {
		return "⟦" + key + "⟧"
	}
	return msg.Text(lang, key, args...)
}

const langCookie = httpx.LangCookie

// langOf picks the request's language: the cookie if set, otherwise
// zh-CN. (Browsers in China often send en-US; the product is Chinese first.)
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		for _, l := range languages {
			if strings.EqualFold(c.Value, l) {
				return l
			}
		}
	}
	return languages[0]
}

// setLang stores the chosen language and goes back to the page it was
// chosen on (only a local path, so the form cannot redirect elsewhere).
func setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.FormValue("lang")
	ok := false
	for _, l := range languages {
		ok = ok || l == lang
	}
	if !ok {
		http.Error(w, "unknown language", http.StatusBadRequest)
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, httpx.LocalPath(r.FormValue("back")), http.StatusSeeOther)
	return nil
}
