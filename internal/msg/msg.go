// Package msg is the message catalogue: every text a person reads, in
// Simplified Chinese (the default) and English, under a stable key.
//
// The texts live in catalogue/LANG.json and catalogue/LANG.PART.json, one
// flat {"key": "text"} object per file, embedded in the binary. A text's
// arguments are fmt verbs; when the languages need them in another order
// they use explicit indexes (%[2]s). A text with explicit indexes may leave
// some arguments unused, and one without any verb ignores them all. The package imports nothing but the standard
// library, so every other package (cn, secure, crm and its areas, store,
// httpx, api, ui) may use it.
package msg

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

//go:embed catalogue/*.json
var catalogueFS embed.FS

// load reads the embedded catalogue once; the files never change while the
// program runs, so one parse serves every caller.
var load = sync.OnceValues(func() (*Catalogue, error) { return parse(catalogueFS) })

// Load returns the embedded catalogue, or why it cannot be read. Servers
// call it at start, so a broken catalogue stops them before any page shows ⟦key⟧.
func Load() (*Catalogue, error) { return load() }

// parse reads catalogue/LANG.json and every catalogue/LANG.PART.json (one
// file per part of the product) for each language; a key defined twice in
// one language is an error.
func parse(fsys fs.FS) (*Catalogue, error) {
	c := &Catalogue{texts: map[string]map[string]string{}}
	for _, lang := range Langs() {
		files, err := fs.Glob(fsys, "catalogue/"+lang+".*json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("msg: no message catalogue for %s", lang)
		}
		c.texts[lang] = map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("msg: message catalogue %s: %w", f, err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("msg: message catalogue %s: %w", f, err)
			}
			for k, v := range m {
				if _, dup := c.texts[lang][k]; dup {
					return nil, fmt.Errorf("msg: message %q is defined twice for %s (again in %s)", k, lang, f)
				}
				c.texts[lang][k] = v
			}
		}
	}
	return c, nil
}

// Catalogue holds every text of every language, keyed by language then key.
type Catalogue struct {
	texts map[string]map[string]string
}

// Text returns the text for key in lang (normalised by Lang), formatted
// with args. A key the catalogue lacks shows as ⟦key⟧, which tests look for.
func Text(lang, key string, args ...any) string {
	c, err := Load()
	if err != nil {
		return "⟦" + key + "⟧"
	}
	return c.Text(lang, key, args...)
}

// Text returns the text for key in lang, formatted with args; see the package Text.
func (c *Catalogue) Text(lang, key string, args ...any) string {
	s, ok := c.Lookup(lang, key)
	if !ok {
		return "⟦" + key + "⟧"
	}
	return format(s, args)
}

// Lookup returns the unformatted text for key in lang and whether there is one.
func (c *Catalogue) Lookup(lang, key string) (string, bool) {
	s, ok := c.texts[Lang(lang)][key]
	return s, ok
}

// Messages returns a copy of every text in lang (normalised by Lang), keyed by key.
func (c *Catalogue) Messages(lang string) map[string]string {
	src := c.texts[Lang(lang)]
	m := make(map[string]string, len(src))
	for k, v := range src {
		m[k] = v
	}
	return m
}

// Keys returns the keys of lang (normalised by Lang), sorted.
func (c *Catalogue) Keys(lang string) []string {
	keys := make([]string, 0, len(c.texts[Lang(lang)]))
	for k := range c.texts[Lang(lang)] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// format fills s with args. A text without any verb is returned as it is,
// so a caller may pass arguments that one language uses and another does not
// (cn passes position, wanted and found to every problem text).
func format(s string, args []any) string {
	if len(args) == 0 || !strings.Contains(s, "%") {
		return s
	}
	return fmt.Sprintf(s, args...)
}
