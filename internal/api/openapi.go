package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
)

// openapiFS holds the document: openapi.json is the base (info, shared
// parameters, responses and schemas, the platform's paths) and every file
// under openapi/ adds one module's paths and schemas. Keeping a module's
// part in its own file keeps its routes and their description side by side.
//
//go:embed openapi.json openapi/*.json
var openapiFS embed.FS

// OpenAPI is the OpenAPI 3.1 document of the API, merged from openapiFS.
var OpenAPI = mustMergeOpenAPI(openapiFS)

// mustMergeOpenAPI merges the parts; a path or schema defined twice is a
// build mistake and panics at start (tests catch it first).
func mustMergeOpenAPI(fsys fs.FS) []byte {
	b, err := mergeOpenAPI(fsys)
	if err != nil {
		panic(err)
	}
	return b
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	var base map[string]any
	raw, err := fs.ReadFile(fsys, "openapi.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &base); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	parts, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(parts)
	paths := base["paths"].(map[string]any)
	components := base["components"].(map[string]any)
	for _, p := range parts {
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		var part struct {
			Paths      map[string]any            `json:"paths"`
			Components map[string]map[string]any `json:"components"`
		}
		if err := json.Unmarshal(raw, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for k, v := range part.Paths {
			if _, dup := paths[k]; dup {
				return nil, fmt.Errorf("%s: path %s is already defined", p, k)
			}
			paths[k] = v
		}
		for kind, defs := range part.Components {
			into, _ := components[kind].(map[string]any)
			if into == nil {
				into = map[string]any{}
				components[kind] = into
			}
			for k, v := range defs {
				if _, dup := into[k]; dup {
					return nil, fmt.Errorf("%s: components.%s.%s is already defined", p, kind, k)
				}
				into[k] = v
			}
		}
	}
	return json.MarshalIndent(base, "", "  ")
}

// IdempotencyKeyParameter is the reference an operation's parameters
// carry when it takes an Idempotency-Key.
const IdempotencyKeyParameter = "#/components/parameters/IdempotencyKey"

// IdempotentRoutes are the operations that take an Idempotency-Key, as
// ServeMux patterns ("POST /api/v1/customers"): those whose parameters
// refer to IdempotencyKeyParameter. The document says which requests
// honour the header, and the server honours it on exactly those.
func IdempotentRoutes() []string { return slices.Clone(idempotentRoutes()) }

var idempotentRoutes = sync.OnceValue(func() []string {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		panic(err) // mergeOpenAPI wrote it
	}
	var routes []string
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				Parameters []struct {
					Ref string `json:"$ref"`
				} `json:"parameters"`
			}
			if method == "parameters" || json.Unmarshal(raw, &op) != nil {
				continue
			}
			for _, p := range op.Parameters {
				if p.Ref == IdempotencyKeyParameter {
					routes = append(routes, strings.ToUpper(method)+" "+path)
				}
			}
		}
	}
	sort.Strings(routes)
	return routes
})

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPI)
}
