package ui

import (
	"io/fs"
	"regexp"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range languages {
		for _, b := range languages {
			for k := range c[a] {
				if _, ok := c[b][k]; !ok {
					t.Errorf("%q is in the %s catalogue but not in %s", k, a, b)
				}
			}
		}
	}
}

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
