package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestMergingADuplicateThroughItsPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		am1 := e.formSignIn("am1")
		keep, _ := o.create(o.am1, `{"name":"苏州华达机械有限公司"}`)
		dup, r := o.create(o.am1, `{"name":"苏州华达机械 有限公司","force":true}`)
		if r.Status != 201 {
			t.Fatalf("duplicate = %d %s", r.Status, r.Body)
		}
		other, _ := o.create(o.am1, `{"name":"无锡精密铸造"}`)
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", dup.ID), strings.NewReader(`{"name":"王强","mobile":"13912345678"}`), as(o.am1))
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", dup.ID), strings.NewReader(`{"channel":"phone","content":"询价"}`), as(o.am1))
		page := fmt.Sprintf("/customers/%d", keep.ID)

		body := string(e.page(page, "zh-CN", am1).Body)
		wantAll(t, "the customer page", body, `href="`+page+`/merge" id="merge-customer"`)
		r = e.page(page+"/merge", "zh-CN", am1)
		body = string(r.Body)
		if r.Status != 200 || !strings.Contains(body, fmt.Sprintf(`data-candidate="%d"`, dup.ID)) || strings.Contains(body, fmt.Sprintf(`data-candidate="%d"`, other.ID)) {
			t.Fatalf("the merge page should offer the same-named duplicate only = %d:\n%s", r.Status, body)
		}
		body = string(e.page(page+"/merge?q="+url.QueryEscape("无锡"), "zh-CN", am1).Body)
		if !strings.Contains(body, fmt.Sprintf(`data-candidate="%d"`, other.ID)) {
			t.Errorf("searching finds other customers to merge:\n%s", body)
		}
		body = string(e.page(fmt.Sprintf("%s/merge?from=%d", page, dup.ID), "zh-CN", am1).Body)
		wantAll(t, "the preview", body, `id="merge-preview"`, `id="moves-contacts">1<`, `id="moves-interactions">1<`, `name="version" value="1"`, dup.Code)
		for _, lang := range []string{"en", "zh-CN"} {
			if body := string(e.page(fmt.Sprintf("%s/merge?from=%d", page, dup.ID), lang, am1).Body); strings.Contains(body, "⟦") {
				t.Errorf("[%s] the merge page lacks messages:\n%s", lang, body)
			}
		}
		if r := e.page(fmt.Sprintf("%s/merge?from=%d", page, keep.ID), "zh-CN", am1); r.Status != 422 || !strings.Contains(string(r.Body), `id="merge-from-error"`) {
			t.Errorf("merging into itself = %d, want 422 with the error beside the choice", r.Status)
		}
		for who, cookie := range map[string]string{"a teammate": e.formSignIn("am2"), "another team": e.formSignIn("am3")} {
			if r := e.page(page+"/merge", "zh-CN", cookie); r.Status != 404 {
				t.Errorf("%s opens the merge page = %d, want 404", who, r.Status)
			}
		}

		// A stale preview is sent back; the right one merges.
		form := url.Values{"from_id": {strconv.FormatInt(dup.ID, 10)}, "version": {"7"}}
		if r := e.post(page+"/merge", am1, form); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), `id="merge-error"`) {
			t.Errorf("a stale merge = %d, want 409 with the error:\n%s", r.Status, r.Body)
		}
		form.Set("version", "1")
		if r := e.post(page+"/merge", am1, form); r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?notice=merged" {
			t.Fatalf("merge = %d → %q:\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		wantAll(t, "the survivor", string(e.page(page+"?notice=merged", "zh-CN", am1).Body), "客户已合并", "王强", "询价")
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", dup.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the merged customer is still live: %d", r.Status)
		}
	})
}
