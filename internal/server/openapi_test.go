package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kehucrm/kehu/internal/api"
)

// contract checks API responses against the OpenAPI document.
type contract struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	paths    []docPath

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema
}

type docPath struct {
	template string
	re       *regexp.Regexp
}

const docURL = "https://kehu.invalid/openapi.json"

func loadContract(t testing.TB) *contract {
	t.Helper()
	c := &contract{schemas: map[string]*jsonschema.Schema{}}
	if err := json.Unmarshal(api.OpenAPI, &c.doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if v := c.doc["openapi"]; v != "3.1.0" {
		t.Fatalf("openapi.json declares version %v, want 3.1.0", v)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(api.OpenAPI))
	if err != nil {
		t.Fatal(err)
	}
	c.compiler = jsonschema.NewCompiler()
	c.compiler.DefaultDraft(jsonschema.Draft2020)
	c.compiler.AssertFormat()
	if err := c.compiler.AddResource(docURL, inst); err != nil {
		t.Fatal(err)
	}
	for p := range c.doc["paths"].(map[string]any) {
		re := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		c.paths = append(c.paths, docPath{template: p, re: regexp.MustCompile(re)})
	}
	return c
}

// operations lists "METHOD /path" for every operation in the document.
func (c *contract) operations() []string {
	var ops []string
	for p, item := range c.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			ops = append(ops, strings.ToUpper(method)+" "+p)
		}
	}
	return ops
}

// checkNoContent checks that the operation documents a 204.
func (c *contract) checkNoContent(method, path string) error {
	for _, p := range c.paths {
		if p.template == path || p.re.MatchString(path) {
			op, ok := c.doc["paths"].(map[string]any)[p.template].(map[string]any)[strings.ToLower(method)].(map[string]any)
			if ok {
				if _, ok := op["responses"].(map[string]any)["204"]; ok {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("%s %s answered 204, which the document does not list", method, path)
}

// checkMedia checks that a 200 of a non-JSON media type is documented.
func (c *contract) checkMedia(method, path, contentType string) error {
	media := strings.TrimSpace(strings.Split(contentType, ";")[0])
	for _, p := range c.paths {
		if p.template == path || p.re.MatchString(path) {
			op, ok := c.doc["paths"].(map[string]any)[p.template].(map[string]any)[strings.ToLower(method)].(map[string]any)
			if !ok {
				continue
			}
			if resp, ok := op["responses"].(map[string]any)["200"].(map[string]any); ok {
				if _, ok := resp["content"].(map[string]any)[media]; ok {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("%s %s answered 200 as %s, which the document does not list", method, path, media)
}

// check validates one response. It fails when the document has no
// operation for the request, no response for the status, or when the
// body does not match the response's schema.
func (c *contract) check(method, path string, status int, body []byte) error {
	var tmpl string
	for _, p := range c.paths {
		if p.template == path { // a literal path beats a template
			tmpl = p.template
			break
		}
		if tmpl == "" && p.re.MatchString(path) {
			tmpl = p.template
		}
	}
	if tmpl == "" {
		return fmt.Errorf("the OpenAPI document has no path matching %s", path)
	}
	op, ok := c.doc["paths"].(map[string]any)[tmpl].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		return fmt.Errorf("the OpenAPI document has no %s operation on %s", method, tmpl)
	}
	responses := op["responses"].(map[string]any)
	code := strconv.Itoa(status)
	resp, ok := responses[code].(map[string]any)
	if !ok {
		if resp, ok = responses["default"].(map[string]any); !ok {
			return fmt.Errorf("%s %s: status %d is not documented", method, tmpl, status)
		}
		code = "default"
	}
	ptr := "/paths/" + escape(tmpl) + "/" + strings.ToLower(method) + "/responses/" + code
	if ref, ok := resp["$ref"].(string); ok {
		ptr = strings.TrimPrefix(ref, "#")
	}
	ptr += "/content/application~1json/schema"
	sch, err := c.schema(ptr)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: the body is not JSON: %v", method, path, err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("%s %s → %d does not match the document: %v\nbody: %s", method, path, status, err, body)
	}
	return nil
}

func (c *contract) schema(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[ptr]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %v", ptr, err)
	}
	c.schemas[ptr] = s
	return s, nil
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// checkError validates body against the Error schema.
func (c *contract) checkError(body []byte) error {
	sch, err := c.schema("/components/schemas/Error")
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("the error body is not JSON: %v: %s", err, body)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("the error body does not match the Error schema: %v: %s", err, body)
	}
	return nil
}
