package server_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestDuplicateNamesAreRefusedUnlessForcedAndMergeFoldsThemTogether(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, _ := o.create(o.am1, `{"name":"华为技术（深圳）有限公司"}`)
		if _, r := o.create(o.am1, `{"name":"华为技术(深圳) 有限公司"}`); r.Status != 409 || !strings.Contains(string(r.Body), a.Code) {
			t.Errorf("the same name, written differently = %d %s, want 409 naming %s", r.Status, r.Body, a.Code)
		}
		if _, r := o.create(o.am3, `{"name":"华为技术（深圳）有限公司"}`); r.Status != 409 || strings.Contains(string(r.Body), a.Code) {
			t.Errorf("a duplicate out of scope = %d %s, want 409 without naming it", r.Status, r.Body)
		}
		b, r := o.create(o.am1, `{"name":"华为技术(深圳)有限公司","force":true}`)
		if r.Status != 201 {
			t.Fatalf("a forced duplicate = %d %s", r.Status, r.Body)
		}
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", b.ID), strings.NewReader(`{"name":"余承东"}`), as(o.am1))
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", b.ID), strings.NewReader(`{"channel":"visit","content":"合并前的拜访"}`), as(o.am1))
		merge := fmt.Sprintf("/api/v1/customers/%d/merge", a.ID)
		if r := e.do("POST", merge, strings.NewReader(fmt.Sprintf(`{"from_id":%d,"version":1}`, b.ID)), as(o.am2)); r.Status != 404 {
			t.Errorf("a colleague merging = %d, want 404", r.Status)
		}
		if r := e.do("POST", merge, strings.NewReader(fmt.Sprintf(`{"from_id":%d,"version":1}`, b.ID)), as(o.am1)); r.Status != 200 {
			t.Fatalf("merge = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/contacts", a.ID), nil, as(o.am1)); !strings.Contains(string(r.Body), "余承东") {
			t.Errorf("the contact did not move: %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/interactions", a.ID), nil, as(o.am1)); !strings.Contains(string(r.Body), "合并前的拜访") {
			t.Errorf("the interaction did not move: %s", r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", b.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the merged customer is still live: %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/audit?action=merge", nil, as(o.auditor)); strings.Count(string(r.Body), `"action":"merge"`) != 2 {
			t.Errorf("the merge is not in both histories: %s", r.Body)
		}
	})
}
