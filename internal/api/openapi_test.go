package api

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpenAPIPartsMergeAndRefuseDuplicates(t *testing.T) {
	base := `{"openapi":"3.1.0","paths":{"/a":{}},"components":{"schemas":{"A":{}}}}`
	good := fstest.MapFS{
		"openapi.json":   {Data: []byte(base)},
		"openapi/b.json": {Data: []byte(`{"paths":{"/b":{}},"components":{"schemas":{"B":{}},"parameters":{"P":{}}}}`)},
	}
	b, err := mergeOpenAPI(good)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]any
		Components map[string]map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Paths["/a"] == nil || doc.Paths["/b"] == nil || doc.Components["schemas"]["B"] == nil || doc.Components["parameters"]["P"] == nil {
		t.Errorf("merged document lacks a part: %s", b)
	}
	for name, part := range map[string]string{
		"path":   `{"paths":{"/a":{}}}`,
		"schema": `{"components":{"schemas":{"A":{}}}}`,
	} {
		_, err := mergeOpenAPI(fstest.MapFS{"openapi.json": {Data: []byte(base)}, "openapi/dup.json": {Data: []byte(part)}})
		if err == nil || !strings.Contains(err.Error(), "already defined") {
			t.Errorf("a %s defined twice: %v, want a refusal", name, err)
		}
	}
}

// operation is one operation of the merged document.
type operation struct {
	method, path string
	op           map[string]any
}

func documentOperations(t *testing.T) (map[string]any, []operation) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	var ops []operation
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if m, ok := op.(map[string]any); ok && method != "parameters" {
				ops = append(ops, operation{strings.ToUpper(method), path, m})
			}
		}
	}
	return doc, ops
}

func TestOpenAPIOperationsAreTaggedByAreaAndListTheir4xx(t *testing.T) {
	doc, ops := documentOperations(t)
	if lic, _ := doc["info"].(map[string]any)["license"].(map[string]any); lic["name"] == nil || lic["identifier"] == nil {
		t.Errorf("info.license = %v, want a name and an SPDX identifier", lic)
	}
	declared := map[string]bool{}
	for _, tag := range doc["tags"].([]any) {
		declared[tag.(map[string]any)["name"].(string)] = true
	}
	for _, o := range ops {
		tags, _ := o.op["tags"].([]any)
		if len(tags) != 1 || !declared[fmt.Sprint(tags[0])] {
			t.Errorf("%s %s: tags %v, want one of the declared areas", o.method, o.path, tags)
		}
		responses := o.op["responses"].(map[string]any)
		has4xx := false
		for code := range responses {
			has4xx = has4xx || strings.HasPrefix(code, "4")
		}
		if !has4xx {
			t.Errorf("%s %s lists no 4xx response", o.method, o.path)
		}
		if sec, ok := o.op["security"].([]any); strings.HasPrefix(o.path, "/api/v1/") && (!ok || len(sec) > 0) && o.path != "/api/v1/openapi.json" {
			if responses["401"] == nil || responses["403"] == nil {
				t.Errorf("%s %s needs a user but lists no 401 or 403", o.method, o.path)
			}
		}
	}
}

// bulkWrites are POSTs that write many records at once and so answer 200
// with a report rather than 201 with one record's Location; a retry must
// still not write twice, so they take an Idempotency-Key.
var bulkWrites = []string{"POST /api/v1/sales/imports"}

func TestOpenAPIEveryCreatingPostTakesAnIdempotencyKey(t *testing.T) {
	_, ops := documentOperations(t)
	routes := IdempotentRoutes()
	for _, o := range ops {
		responses := o.op["responses"].(map[string]any)
		creates := o.method == "POST" && (responses["201"] != nil || responses["202"] != nil)
		takes := slices.Contains(routes, o.method+" "+o.path)
		if takes && !creates && slices.Contains(bulkWrites, o.method+" "+o.path) {
			creates = true
		}
		if creates != takes {
			t.Errorf("%s %s: creates %v, takes an Idempotency-Key %v; every POST answering 201 or 202 takes one (parameter %s), no other", o.method, o.path, creates, takes, IdempotencyKeyParameter)
		}
		if takes && (responses["409"] == nil || responses["422"] == nil) {
			t.Errorf("%s %s takes an Idempotency-Key but lists no 409 (in flight) or 422 (reused)", o.method, o.path)
		}
	}
}

func TestOpenAPIEnumsHaveATypeAndMatchIt(t *testing.T) {
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if values, ok := v["enum"].([]any); ok {
				types := map[string]bool{}
				switch ty := v["type"].(type) {
				case string:
					types[ty] = true
				case []any:
					for _, x := range ty {
						types[fmt.Sprint(x)] = true
					}
				default:
					t.Errorf("%s: an enum without a type", at)
				}
				for _, x := range values {
					kind := "string"
					switch x := x.(type) {
					case nil:
						kind = "null"
					case bool:
						kind = "boolean"
					case float64:
						kind = "number"
						if x == float64(int64(x)) && types["integer"] {
							kind = "integer"
						}
					}
					if len(types) > 0 && !types[kind] {
						t.Errorf("%s: enum value %v is not of the type %v", at, x, v["type"])
					}
				}
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", at, i), x)
			}
		}
	}
	doc, _ := documentOperations(t)
	walk("#", doc)
}

// TestOpenAPIPathsAreUnambiguous: no two paths can match one request
// (as /calendar/{year}/festivals and /calendar/overrides/{date} did for
// /calendar/overrides/festivals), each winning on a different segment.
func TestOpenAPIPathsAreUnambiguous(t *testing.T) {
	doc, _ := documentOperations(t)
	var paths []string
	for p := range doc["paths"].(map[string]any) {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	param := func(s string) bool { return strings.HasPrefix(s, "{") }
	for i, a := range paths {
		for _, b := range paths[i+1:] {
			as, bs := strings.Split(a, "/"), strings.Split(b, "/")
			if len(as) != len(bs) {
				continue
			}
			aWins, bWins, clash := false, false, false
			for k := range as {
				switch {
				case as[k] == bs[k] || param(as[k]) && param(bs[k]):
				case param(as[k]):
					bWins = true
				case param(bs[k]):
					aWins = true
				default:
					clash = true
				}
			}
			if !clash && aWins && bWins {
				t.Errorf("paths %s and %s are ambiguous", a, b)
			}
		}
	}
}
