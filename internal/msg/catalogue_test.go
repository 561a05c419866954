package msg

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

func mustLoad(t *testing.T) *Catalogue {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The catalogue's duplicate and missing-file checks, on small made-up catalogues.
func TestParse(t *testing.T) {
	good := fstest.MapFS{
		"catalogue/zh-CN.json":   {Data: []byte(`{"a.b": "甲"}`)},
		"catalogue/zh-CN.x.json": {Data: []byte(`{"a.c": "乙"}`)},
		"catalogue/en.json":      {Data: []byte(`{"a.b": "A", "a.c": "C"}`)},
	}
	t.Run("the parts of a language are merged", func(t *testing.T) {
		c, err := parse(good)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Text("zh", "a.c"); got != "乙" {
			t.Errorf("a.c = %q", got)
		}
	})
	t.Run("a key defined twice in one language is refused", func(t *testing.T) {
		bad := fstest.MapFS{"catalogue/zh-CN.y.json": {Data: []byte(`{"a.b": "丙"}`)}}
		for k, v := range good {
			bad[k] = v
		}
		if _, err := parse(bad); err == nil || !strings.Contains(err.Error(), "twice") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a language without files is refused", func(t *testing.T) {
		if _, err := parse(fstest.MapFS{"catalogue/en.json": {Data: []byte(`{}`)}}); err == nil {
			t.Error("no error")
		}
	})
	t.Run("a file that is not JSON is refused", func(t *testing.T) {
		bad := fstest.MapFS{"catalogue/zh-CN.json": {Data: []byte(`{`)}, "catalogue/en.json": {Data: []byte(`{}`)}}
		if _, err := parse(bad); err == nil {
			t.Error("no error")
		}
	})
}

func TestEveryKeyIsInEveryLanguage(t *testing.T) {
	c := mustLoad(t)
	for _, a := range Langs() {
		for _, b := range Langs() {
			for _, k := range c.Keys(a) {
				if _, ok := c.Lookup(b, k); !ok {
					t.Errorf("%q is in the %s catalogue but not in %s", k, a, b)
				}
			}
		}
	}
}

// verbRE matches one fmt verb, with its optional explicit argument index.
var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// verbs maps each argument (0-based) a text uses to its verb, walking the
// verbs as fmt does: an explicit index sets the argument, the next verb
// without one takes the argument after it.
func verbs(s string) map[int]byte {
	out := map[int]byte{}
	arg := 0
	for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1])
			arg = n - 1
		}
		out[arg] = m[2][0]
		arg++
	}
	return out
}

// TestEveryTextFormatsInEveryLanguage walks every key in both languages and
// formats it with as many arguments as the wordier language uses: fmt would
// show %!d, %!(EXTRA …) or %!(MISSING) where the languages disagree.
func TestEveryTextFormatsInEveryLanguage(t *testing.T) {
	c := mustLoad(t)
	for _, k := range c.Keys(ZhCN) {
		want := map[int]byte{}
		n := 0
		for _, l := range Langs() {
			s, _ := c.Lookup(l, k)
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s has no %s text", k, l)
			}
			for i, v := range verbs(s) {
				if w, ok := want[i]; ok && (w == 'd') != (v == 'd') {
					t.Errorf("%s: argument %d is %%%c in one language and %%%c in another", k, i+1, w, v)
				}
				want[i] = v
				n = max(n, i+1)
			}
		}
		args := make([]any, n)
		for i := range args {
			if want[i] == 'd' {
				args[i] = 7
			} else {
				args[i] = "x"
			}
		}
		for _, l := range Langs() {
			if got := c.Text(l, k, args...); strings.Contains(got, "%!") {
				t.Errorf("%s in %s formats as %q", k, l, got)
			}
		}
	}
}

// hanInEnglish lists the English texts that must show Chinese words: the
// column names an import file uses, the lunar calendar's terms as printed
// on Chinese calendars, and example Chinese names.
var hanInEnglish = map[string]bool{
	"customers.contact.birthday_lunar":        true,
	"customers.contact.birthday_leap":         true,
	"customers.interaction.participants_hint": true,
	"import.file_hint":                        true,
	"importer.mapping.required":               true,
	"importer.row.contact_needs_column":       true,
}

func TestEnglishTextsAreEnglish(t *testing.T) {
	c := mustLoad(t)
	for _, k := range c.Keys(En) {
		s, _ := c.Lookup(En, k)
		han := strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
		if han != hanInEnglish[k] {
			t.Errorf("%s: English text %q has Chinese characters: %v (allowed: %v)", k, s, han, hanInEnglish[k])
		}
	}
}
