package crm_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/kehucrm/kehu/"

// areaImports is which areas each area may import: only areas below it
// (docs/architecture.md). A new area adds its row here, naming the areas
// it reads; an edge upwards or sideways fails the test.
var areaImports = map[string][]string{
	"identity":   {},
	"duty":       {},
	"audit":      {},
	"system":     {},
	"inbox":      {},
	"customer":   {"identity"},
	"directory":  {"identity"},
	"card":       {"customer", "identity"},
	"access":     {"customer", "identity"},
	"importer":   {"customer", "identity"},
	"complaint":  {"customer", "identity", "inbox"},
	"service":    {"customer", "identity"},
	"attachment": {"complaint", "customer", "identity"},
	"workbench":  {"access", "complaint", "customer", "identity", "service"},
	"sales":      {"customer", "identity", "importer"},
	"tier":       {"customer", "identity"},
	"visit":      {"identity"},
	"dealer":     {"customer", "identity", "sales"},
	"event":      {"customer", "identity", "sales", "tier"},
	"call":       {"complaint", "customer", "identity", "service"},
	"workflow":   {"sales"},
	"order":      {"customer", "identity", "sales", "workflow"},
	"shipping":   {"attachment", "order", "sales"},
	"care":       {"sales"},
	"lead":       {"customer", "identity"},
	"pool":       {},
	"project":    {"customer", "workflow"},
}

// imports returns the module-relative and standard-library imports of the
// non-test Go files in dir (not below it).
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, strings.TrimPrefix(p, module))
		}
	}
	return out
}

func TestDomainPackagesImportOnlyDownwards(t *testing.T) {
	dirs, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range imports(t, ".") {
		if strings.HasPrefix(imp, "internal/crm/") {
			t.Errorf("the core imports the area %s; areas import the core, never the reverse", imp)
		}
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		area := d.Name()
		allowed, known := areaImports[area]
		if !known {
			t.Errorf("area %s is not in areaImports: add it with the areas it may read", area)
			continue
		}
		t.Run(area+" reads only the core and the areas below it", func(t *testing.T) {
			for _, imp := range imports(t, area) {
				other, ok := strings.CutPrefix(imp, "internal/crm/")
				if ok && other != area && !slices.Contains(allowed, other) {
					t.Errorf("%s imports %s, which is not below it", area, imp)
				}
			}
		})
	}
}

func TestDomainKnowsNoHTTPNoSQLAndNoAdapter(t *testing.T) {
	forbidden := []string{"net/http", "database/sql", "internal/store", "internal/api", "internal/ui",
		"internal/httpx", "internal/server", "internal/jobs", "internal/app", "github.com/jackc/pgx", "modernc.org/sqlite"}
	// The one exception: attachment sniffs uploads with
	// http.DetectContentType (the WHATWG algorithm; no server involved).
	except := map[string]string{"attachment": "net/http"}
	check := func(t *testing.T, dir string) {
		for _, imp := range imports(t, dir) {
			if except[dir] == imp {
				continue
			}
			for _, f := range forbidden {
				if imp == f || strings.HasPrefix(imp, f+"/") {
					t.Errorf("%s imports %s: the domain imports no HTTP, no SQL driver and no adapter", dir, imp)
				}
			}
		}
	}
	check(t, ".")
	dirs, _ := os.ReadDir(".")
	for _, d := range dirs {
		if d.IsDir() {
			check(t, d.Name())
		}
	}
}

func TestHandlersHoldNoDatabase(t *testing.T) {
	for _, dir := range []string{"../api", "../ui"} {
		for _, imp := range imports(t, dir) {
			if imp == "internal/store" || imp == "database/sql" || imp == "internal/jobs" {
				t.Errorf("%s imports %s: handlers call the services of app.Services, built once by internal/server", dir, imp)
			}
		}
	}
}
