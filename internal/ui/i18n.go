package ui

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
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

// langOf is the language of the whole page: the user's choice, else the
// browser's Accept-Language, else zh-CN (see httpx.Lang), the same as the
// API's, so a page and the errors it shows speak one language.
func langOf(r *http.Request) string { return httpx.Lang(r) }

// setLang stores the chosen language and goes back to the page it was
// chosen on (only a local path, so the form cannot redirect elsewhere).
func (u *UI) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.FormValue("lang")
	ok := false
	for _, l := range languages {
		ok = ok || l == lang
	}
	if !ok {
		http.Error(w, msg.Text(langOf(r), "lang.unknown"), http.StatusBadRequest)
		return nil
	}
	// A signed-in user's choice is saved with the account, where it wins
	// over the cookie and the browser's languages on every device.
	if _, ok := crm.PrincipalFrom(r.Context()); ok {
		if _, err := u.identity.UpdateMe(r.Context(), identity.MeChange{Lang: &lang}); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, httpx.LocalPath(r.FormValue("back")), http.StatusSeeOther)
	return nil
}
