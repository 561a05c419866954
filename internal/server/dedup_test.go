package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
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
		// A USCC already used: named to whoever may see its customer only.
		u, _ := o.create(o.am1, `{"name":"深圳鹏城实业有限公司","uscc":"91350100M000100Y43"}`)
		if _, r := o.create(o.am1, `{"name":"深圳鹏城实业二号","uscc":"91350100M000100Y43"}`); r.Status != 409 || !strings.Contains(string(r.Body), u.Code) {
			t.Errorf("the same USCC = %d %s, want 409 naming %s", r.Status, r.Body, u.Code)
		}
		if _, r := o.create(o.am3, `{"name":"深圳鹏城实业三号","uscc":"91350100M000100Y43"}`); r.Status != 409 || strings.Contains(string(r.Body), u.Code) ||
			strings.Contains(string(r.Body), "鹏城实业有限公司") {
			t.Errorf("the same USCC out of scope = %d %s, want 409 without naming it", r.Status, r.Body)
		}
		b, r := o.create(o.am1, `{"name":"华为技术(深圳)有限公司","force":true}`)
		if r.Status != 201 {
			t.Fatalf("a forced duplicate = %d %s", r.Status, r.Body)
		}
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", b.ID), strings.NewReader(`{"name":"余承东"}`), as(o.am1))
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", b.ID), strings.NewReader(`{"channel":"visit","content":"合并前的拜访"}`), as(o.am1))
		card := func(id int64) string { return fmt.Sprintf("/api/v1/customers/%d/card", id) }
		e.do("PUT", card(a.ID), strings.NewReader(`{"surveyor":"张伟","values":{"funds":"充足"}}`), as(o.am1))
		e.do("PUT", card(b.ID), strings.NewReader(`{"surveyor":"李娜","values":{"funds":"紧张"}}`), as(o.am1))
		e.do("PUT", card(b.ID), strings.NewReader(`{"surveyor":"李娜","values":{"funds":"短缺"}}`), as(o.am1))
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
		// The merged card's revisions follow the survivor's, whose numbers
		// stay; the survivor's own card comes again as the newest, so it
		// stays its current card.
		var revs struct {
			Items []struct {
				Revision int               `json:"revision"`
				Surveyor string            `json:"surveyor"`
				Values   map[string]string `json:"values"`
			} `json:"items"`
		}
		r = e.do("GET", card(a.ID)+"/revisions", nil, as(o.am1))
		if err := json.Unmarshal(r.Body, &revs); err != nil || len(revs.Items) != 4 {
			t.Fatalf("the survivor's card revisions after the merge = %s, want 4", r.Body)
		}
		for i, want := range []struct {
			rev            int
			surveyor, fund string
		}{{4, "张伟", "充足"}, {3, "李娜", "短缺"}, {2, "李娜", "紧张"}, {1, "张伟", "充足"}} {
			if got := revs.Items[i]; got.Revision != want.rev || got.Surveyor != want.surveyor || got.Values["funds"] != want.fund {
				t.Errorf("revision %d = %+v, want %+v", i, got, want)
			}
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", b.ID), nil, as(o.am1)); r.Status != 404 {
			t.Errorf("the merged customer is still live: %d", r.Status)
		}
		// The survivor's history holds the merged customer's too.
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/history", a.ID), nil, as(o.am1))
		for _, want := range []string{`"action":"merge"`, fmt.Sprintf(`"customer_id":%d,"detail":{"code":"%s"`, b.ID, b.Code), `"entity":"customer_card"`} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("the survivor's history lacks %s: %s", want, r.Body)
			}
		}
		// Brought back from the trash, the merged customer lives on as
		// itself: what happens to it now is not the survivor's history.
		if r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/restore", b.ID), nil, as(o.am1)); r.Status != 200 {
			t.Fatalf("restore the merged customer = %d %s", r.Status, r.Body)
		}
		var restored customerJSON
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d", b.ID), nil, as(o.am1))
		_ = json.Unmarshal(r.Body, &restored)
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/customers/%d", b.ID), strings.NewReader(fmt.Sprintf(`{"version":%d,"notes":"恢复后的备注"}`, restored.Version)), as(o.am1)); r.Status != 200 {
			t.Fatalf("change the restored customer = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/history", a.ID), nil, as(o.am1)); strings.Contains(string(r.Body), "恢复后的备注") {
			t.Errorf("the survivor's history shows the merged customer's changes after the merge: %s", r.Body)
		}
		if r := e.do("GET", "/api/v1/audit?action=merge", nil, as(o.auditor)); strings.Count(string(r.Body), `"action":"merge"`) != 2 {
			t.Errorf("the merge is not in both histories: %s", r.Body)
		}
	})
}

// Requests that arrive together with one new name add it once: the check
// and the insert cannot be split by another request.
func TestTheSameNewNameSentAtOnceIsAddedOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		const n = 8
		got := atOnce(n, func(int) int {
			_, r := o.create(o.am1, `{"name":"并发重复公司"}`)
			return r.Status
		})
		if got[201] != 1 || got[409] != n-1 {
			t.Errorf("%d requests at once for one new name answered %v, want one 201 and %d 409", n, got, n-1)
		}
	})
}

// Two customers renamed to one new name at once: one rename goes through.
func TestTwoRenamesToOneNameAtOnceLetOneThrough(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		const n = 6
		var ids [n]int64
		for i := range n {
			c, _ := o.create(o.am1, fmt.Sprintf(`{"name":"改名前公司%d"}`, i))
			ids[i] = c.ID
		}
		got := atOnce(n, func(i int) int {
			return e.do("PATCH", fmt.Sprintf("/api/v1/customers/%d", ids[i]), strings.NewReader(`{"version":1,"name":"并发改名公司"}`), as(o.am1)).Status
		})
		if got[200] != 1 || got[409] != n-1 {
			t.Errorf("%d renames at once to one name answered %v, want one 200 and %d 409", n, got, n-1)
		}
	})
}

// atOnce runs call(0) … call(n-1) together and counts the statuses they
// answer.
func atOnce(n int, call func(i int) int) map[int]int {
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- call(i)
		}()
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	return got
}
