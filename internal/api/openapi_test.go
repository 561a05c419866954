package api

import (
	"encoding/json"
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
