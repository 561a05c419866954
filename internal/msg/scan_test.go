package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// root is the repository, seen from this package's directory.
const root = "../.."

// source is what the repository's code says about message keys.
type source struct {
	literals map[string]bool     // every string literal of the Go code and every quoted dotted word of the templates
	asked    map[string][]string // key → places that look it up by a literal
	prefixes map[string][]string // literal ending in "." → places that complete it at run time
}

// catalogueCalls are the functions and methods that take a message key:
// msg.Text, ui's catalog.text and view.T, customerPages.msgOr, Lookup,
// msg.M, and crm's Fail, FailIn, FailField and Bad, plus the local bad
// helpers that call Bad.
var catalogueCalls = map[string]bool{"Text": true, "text": true, "T": true, "msgOr": true, "Lookup": true,
	"M": true, "Fail": true, "FailIn": true, "FailField": true, "Bad": true, "bad": true, "forbid": true, "refuse": true,
	"noSuch": true}

// ownNamespaces are key namespaces that only the catalogue's own callers
// use, so every literal in them must be a key.
var ownNamespaces = []string{"cn.", "password.", "http.", "api.", "crm.", "identity.", "importer.", "attachment.", "auditlog.",
	"complaint_err.", "serviceorder.", "accessreq.", "inbox.", "store.", "ledger.", "notice.", "idempotency."}

var (
	keyShape    = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	tmplQuoted  = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
	tmplT       = regexp.MustCompile(`\.T "([^"]+)"`)
	tmplPrintf  = regexp.MustCompile(`printf "([a-z][a-z0-9_.]*\.)%`)
	generatedGo = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)
)

// scan reads every Go file (tests excluded) and template under internal/
// and cmd/.
func scan(t *testing.T) source {
	t.Helper()
	s := source{literals: map[string]bool{}, asked: map[string][]string{}, prefixes: map[string][]string{}}
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch {
			case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
				return s.readGo(path)
			case strings.HasSuffix(path, ".html"):
				return s.readTemplate(path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s source) readGo(path string) error {
	b, err := os.ReadFile(path)
	if err != nil || generatedGo.Match(b) {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, b, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	at := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		return strings.TrimPrefix(p.Filename, root+"/") + ":" + strconv.Itoa(p.Line)
	}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(b.Value)
		return v, err == nil
	}
	ask := func(e ast.Expr) {
		if v, ok := lit(e); ok && keyShape.MatchString(v) {
			s.asked[v] = append(s.asked[v], at(e))
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if v, ok := lit(n); ok {
				s.literals[v] = true
				if strings.HasSuffix(v, ".") {
					s.prefixes[v] = append(s.prefixes[v], at(n))
				}
				for _, ns := range ownNamespaces {
					if strings.HasPrefix(v, ns) && !strings.HasSuffix(v, ".") {
						s.asked[v] = append(s.asked[v], at(n))
					}
				}
			}
		case *ast.CallExpr:
			name := ""
			switch fun := n.Fun.(type) {
			case *ast.SelectorExpr:
				name = fun.Sel.Name
			case *ast.Ident:
				name = fun.Name
			}
			if catalogueCalls[name] {
				args := n.Args
				if name == "Bad" && len(args) > 0 {
					args = args[1:] // crm.Bad(field, code, key, …): a field path such as "fields.supply_mode" is no key
				}
				for _, a := range args {
					ask(a)
				}
			}
		case *ast.IndexExpr: // u.msgs[lang]["key"]
			if inner, ok := n.X.(*ast.IndexExpr); ok {
				if sel, ok := inner.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "msgs" {
					ask(n.Index)
				}
			}
		}
		return true
	})
	return nil
}

func (s source) readTemplate(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(b)
	for _, m := range tmplQuoted.FindAllStringSubmatch(text, -1) {
		s.literals[m[1]] = true
	}
	for _, m := range tmplT.FindAllStringSubmatch(text, -1) {
		s.asked[m[1]] = append(s.asked[m[1]], strings.TrimPrefix(path, root+"/"))
	}
	for _, m := range tmplPrintf.FindAllStringSubmatch(text, -1) {
		s.prefixes[m[1]] = append(s.prefixes[m[1]], strings.TrimPrefix(path, root+"/"))
	}
	return nil
}
