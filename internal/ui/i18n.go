package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/httpx"
)

//go:embed messages/*.json
var messagesFS embed.FS

// Languages the UI speaks; the first is the default.
var languages = []string{"zh-CN", "en"}

// catalog maps language → message key → text.
type catalog map[string]map[string]string

// loadCatalog reads messages/LANG.json and every messages/LANG.PART.json
// (one file per part of the UI); a key defined twice is an error.
func loadCatalog() (catalog, error) {
	c := catalog{}
	for _, lang := range languages {
		files, err := fs.Glob(messagesFS, "messages/"+lang+".*json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("ui: no message catalogue for %s", lang)
		}
		c[lang] = map[string]string{}
		for _, f := range files {
			b, err := messagesFS.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("ui: message catalogue %s: %w", f, err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("ui: message catalogue %s: %w", f, err)
			}
			for k, v := range m {
				if _, dup := c[lang][k]; dup {
					return nil, fmt.Errorf("ui: message %q is defined twice for %s (again in %s)", k, lang, f)
				}
				c[lang][k] = v
			}
		}
	}
	return c, nil
}

// text returns the message for key in lang, formatted with args. A
// missing key shows as ⟦key⟧, which tests look for.
func (c catalog) text(lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
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
func setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.FormValue("lang")
	ok := false
	for _, l := range languages {
		ok = ok || l == lang
	}
	if !ok {
		http.Error(w, "unknown language", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, httpx.LocalPath(r.FormValue("back")), http.StatusSeeOther)
}
