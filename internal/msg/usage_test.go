package msg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// familyOf returns the declared family a key belongs to, if any.
func familyOf(key string) (family, bool) {
	for _, f := range families {
		if strings.HasPrefix(key, f.prefix) {
			return f, true
		}
	}
	return family{}, false
}

func TestNoKeyIsMissing(t *testing.T) {
	c, s := mustLoad(t), scan(t)
	for key, places := range s.asked {
		for _, l := range Langs() {
			if _, ok := c.Lookup(l, key); !ok {
				t.Errorf("%s asks for %q, which the %s catalogue lacks", places[0], key, l)
			}
		}
	}
}

func TestNoKeyIsUnused(t *testing.T) {
	c, s := mustLoad(t), scan(t)
	for _, key := range c.Keys(ZhCN) {
		if _, built := familyOf(key); !built && !s.literals[key] {
			t.Errorf("%q is in the catalogue, but no code or template uses it (a key built at run time needs a family in families_test.go)", key)
		}
	}
}

// Every key prefix the code completes at run time is declared, or the
// unused-key check would pass keys that nothing can reach, and miss
// families nobody declared.
func TestEveryKeyBuiltAtRunTimeIsDeclared(t *testing.T) {
	c, s := mustLoad(t), scan(t)
	keys := c.Keys(ZhCN)
	for prefix, places := range s.prefixes {
		reaches := false
		for _, k := range keys {
			reaches = reaches || strings.HasPrefix(k, prefix)
		}
		declared := false
		for _, f := range families {
			declared = declared || strings.HasPrefix(f.prefix, prefix)
		}
		if reaches && !declared {
			t.Errorf("%s builds keys starting %q at run time; declare the family in families_test.go", places[0], prefix)
		}
	}
}

func TestEveryFamilyIsBuiltAndHasKeys(t *testing.T) {
	c, s := mustLoad(t), scan(t)
	for _, f := range families {
		t.Run(f.prefix, func(t *testing.T) {
			n := 0
			for _, k := range c.Keys(ZhCN) {
				if strings.HasPrefix(k, f.prefix) {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no key starts with %q", f.prefix)
			}
			b, err := os.ReadFile(filepath.Join(root, f.where))
			if err != nil {
				t.Fatalf("the family's file: %v", err)
			}
			// Either the file names the whole prefix ("role."+r, printf
			// "csat.score.%d"), or it names the namespace and the group is a
			// literal somewhere ("customers."+group+"."+value, group "stage").
			ns, group, _ := strings.Cut(strings.TrimSuffix(f.prefix, "."), ".")
			whole := strings.Contains(string(b), `"`+f.prefix)
			grouped := group != "" && strings.Contains(string(b), `"`+ns+`."`) && s.literals[group]
			if !whole && !grouped {
				t.Errorf("%s does not build keys starting %q", f.where, f.prefix)
			}
		})
	}
}
