package ui

import (
	"io/fs"
	"regexp"
	"testing"
)

// The catalogue's own tests (internal/msg) check that both languages have
// the same keys; this one checks the pages against it, which only ui can,
// as the templates are embedded here.
func TestEveryMessageKeyInTheTemplatesExists(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	err = fs.WalkDir(templatesFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templatesFS, path)
		if err != nil {
			return err
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			for _, lang := range languages {
				if _, ok := c[lang][m[1]]; !ok {
					t.Errorf("%s uses %q, missing from the %s catalogue", path, m[1], lang)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestThePagesSpeakTheMessageCatalogue(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("every language of the catalogue is loaded", func(t *testing.T) {
		for _, lang := range languages {
			if len(c[lang]) == 0 {
				t.Errorf("no %s texts", lang)
			}
		}
	})
	t.Run("a text is formatted with its arguments", func(t *testing.T) {
		if got := c.text("zh-CN", "access.approve_who", "zhang"); got != "批准 zhang 的申请" {
			t.Errorf("access.approve_who = %q", got)
		}
	})
	t.Run("a missing key shows as itself in brackets", func(t *testing.T) {
		if got := c.text("zh-CN", "no.such.key"); got != "⟦no.such.key⟧" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a language the pages do not speak shows brackets, not another language", func(t *testing.T) {
		if got := c.text("fr", "role.admin"); got != "⟦role.admin⟧" {
			t.Errorf("got %q", got)
		}
	})
}
