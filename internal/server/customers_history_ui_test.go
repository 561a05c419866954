package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// historyRow is the row of the history with action whose details
// contain what, or "".
func historyRow(body, action, what string) string {
	for _, m := range regexp.MustCompile(`(?s)<tr data-history="\d+" data-action="`+action+`">.*?</tr>`).FindAllString(body, -1) {
		if strings.Contains(m, what) {
			return m
		}
	}
	return ""
}

// signInToken signs an existing user in through the API and returns
// the bearer token.
func (e *env) signInToken(username string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	m := regexp.MustCompile(`"token":"([^"]+)"`).FindSubmatch(r.Body)
	if r.Status != 200 || m == nil {
		e.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return string(m[1])
}

func TestTheCustomerPageShowsItsOwnerTeamAndHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		mgr := e.formSignIn("mgr_a")
		page := a.add(a.am1, url.Values{"name": {"嘉兴纺织"}, "stage": {"potential"}})
		id := strings.TrimPrefix(page, "/customers/")
		am1, am2 := e.userID("am1"), e.userID("am2")

		body := a.body(page, "zh-CN", a.am1, 200)
		wantAll(t, "the profile", body, "<dt>负责人</dt>", fmt.Sprintf(`id="customer-owner" data-owner="%d">am1<`, am1), "<dt>所属团队</dt>", `>华东</dd>`)
		wantNone(t, "the history", body, "由审计员查阅")
		create := historyRow(body, "create", "嘉兴纺织")
		if create == "" || !strings.Contains(create, "<td>创建</td>") || !strings.Contains(create, "<td data-who>am1</td>") || !strings.Contains(create, "客户编号: KH") {
			t.Fatalf("the history lacks the creation:\n%s", body)
		}

		form := url.Values{"version": {"1"}, "name": {"嘉兴纺织集团"}, "stage": {"important"}, "kind": {"company"}, "source": {"other"}}
		if r := e.post(page+"/edit", a.am1, form); r.Status != http.StatusSeeOther {
			t.Fatalf("edit = %d:\n%s", r.Status, r.Body)
		}
		handover := url.Values{"from_owner_id": {strconv.FormatInt(am1, 10)}, "to_owner_id": {strconv.FormatInt(am2, 10)},
			"customer_ids": {id}, "reason": {"王经理离职"}}
		if r := e.post("/customers/handover", mgr, handover); r.Status != http.StatusSeeOther {
			t.Fatalf("handover = %d:\n%s", r.Status, r.Body)
		}
		if r := e.post(page+"/delete", mgr, url.Values{"version": {"3"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("trash = %d:\n%s", r.Status, r.Body)
		}
		if r := e.post(page+"/restore", mgr, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("restore = %d:\n%s", r.Status, r.Body)
		}

		body = a.body(page, "zh-CN", mgr, 200)
		wantAll(t, "the profile after the handover", body, fmt.Sprintf(`id="customer-owner" data-owner="%d">am2<`, am2))
		update := historyRow(body, "update", "嘉兴纺织集团")
		if update == "" || !strings.Contains(update, "<td>修改</td>") || !strings.Contains(update, "客户阶段: <del>潜在</del> → <ins>重要</ins>") ||
			!strings.Contains(update, "客户名称: <del>嘉兴纺织</del> → <ins>嘉兴纺织集团</ins>") {
			t.Errorf("the history lacks the change, each field before and after:\n%s", body)
		}
		moved := historyRow(body, "handover", "王经理离职")
		if moved == "" || !strings.Contains(moved, "<td>交接</td>") || !strings.Contains(moved, "负责人: <del>am1</del> → <ins>am2</ins>") ||
			!strings.Contains(moved, "<td data-who>mgr_a</td>") {
			t.Errorf("the history lacks the handover with its reason and owners by name:\n%s", body)
		}
		restored, trashed := historyRow(body, "restore", "恢复"), historyRow(body, "trash", "移入回收站")
		if restored == "" || trashed == "" {
			t.Errorf("the history lacks the trash and the restore:\n%s", body)
		}
		if i, j, k, l := strings.Index(body, restored), strings.Index(body, moved), strings.Index(body, update), strings.Index(body, create); !(i < j && j < k && k < l) {
			t.Errorf("the history is not newest first:\n%s", body)
		}
		m := regexp.MustCompile(`<time datetime="([^"]+)">([^<]+)</time></td>\s*<td data-who>mgr_a</td>\s*<td>交接</td>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the handover has no time:\n%s", moved)
		}
		if at, err := time.Parse(time.RFC3339, m[1]); err != nil || at.In(beijing).Format("2006-01-02 15:04") != m[2] {
			t.Errorf("the handover's time %q is not %s in Beijing time", m[2], m[1])
		}
		en := a.body(page, "en", mgr, 200)
		wantAll(t, "the English history", en, "<td>Handed over</td>", "<strong>Reason:</strong> 王经理离职", "Owner: <del>am1</del> → <ins>am2</ins>", "<td>Created</td>")
		wantNone(t, "the English page", en, "⟦")

		t.Run("pages through a long history", func(t *testing.T) {
			v, _ := strconv.Atoi(regexp.MustCompile(`id="customer-version">(\d+)<`).FindStringSubmatch(a.body(page, "zh-CN", mgr, 200))[1])
			token := e.signInToken("mgr_a")
			for i := 0; i < 21; i++ {
				r := e.do("PATCH", "/api/v1/customers/"+id, strings.NewReader(fmt.Sprintf(`{"version":%d,"notes":"第%d次回访"}`, v, i)), as(token))
				if r.Status != http.StatusOK {
					t.Fatalf("patch = %d %s", r.Status, r.Body)
				}
				v++
			}
			body := a.body(page, "zh-CN", mgr, 200)
			if n := strings.Count(body, `<tr data-history="`); n != 20 {
				t.Errorf("the first page of the history has %d entries, want 20", n)
			}
			if strings.Contains(body, "王经理离职") || historyRow(body, "update", "第20次回访") == "" {
				t.Errorf("the first page does not show only the newest changes:\n%s", body)
			}
			more := regexp.MustCompile(`<a href="([^"]+)" id="history-more"`).FindStringSubmatch(body)
			if more == nil || !strings.HasPrefix(more[1], page+"?history_before=") || !strings.HasSuffix(more[1], "#history") {
				t.Fatalf("no link to older changes:\n%s", body)
			}
			older := a.body(unescape(more[1]), "zh-CN", mgr, 200)
			if historyRow(older, "handover", "王经理离职") == "" || historyRow(older, "create", "嘉兴纺织") == "" || historyRow(older, "update", "第20次回访") != "" {
				t.Errorf("the older page lacks the first changes or repeats newer ones:\n%s", older)
			}
			wantAll(t, "the older page", older, `href="`+page+`#history" id="history-newest"`)
			wantNone(t, "the last page", older, `id="history-more"`)
			if body := a.body(page+"?history_before=x", "zh-CN", mgr, 200); !strings.Contains(body, `id="history-error"`) || historyRow(body, "update", "第20次回访") == "" {
				t.Errorf("a broken history link does not say so and show the newest:\n%s", body)
			}
		})

		t.Run("marks an owner who has left", func(t *testing.T) {
			e.disable("am2")
			wantAll(t, "the profile", a.body(page, "zh-CN", mgr, 200), `>am2（已停用）</dd>`)
		})
	})
}

func TestTheHistoryShowsCardRevisionsAndMergesWithTheMergedCustomersChanges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newArchive(e)
		page := a.add(a.am1, url.Values{"name": {"无锡电缆"}})
		dupPage := a.add(a.am1, url.Values{"name": {"无锡电缆厂"}})
		dupID := strings.TrimPrefix(dupPage, "/customers/")
		dupCode := regexp.MustCompile(`id="customer-code">([^<]+)<`).FindStringSubmatch(a.body(dupPage, "zh-CN", a.am1, 200))[1]
		if r := e.post(dupPage+"/edit", a.am1, url.Values{"version": {"1"}, "name": {"无锡电缆厂"}, "stage": {"general"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("edit = %d:\n%s", r.Status, r.Body)
		}
		card := url.Values{"surveyor": {"张伟"}, "surveyed_on": {"2026-11-20"}, "values.payment_attitude": {"爽快"}}
		if r := e.post(page+"/card", a.am1, card); r.Status != http.StatusSeeOther {
			t.Fatalf("card = %d:\n%s", r.Status, r.Body)
		}
		version := regexp.MustCompile(`id="customer-version">(\d+)<`).FindStringSubmatch(a.body(page, "zh-CN", a.am1, 200))[1]
		if r := e.post(page+"/merge", a.am1, url.Values{"from_id": {dupID}, "version": {version}}); r.Status != http.StatusSeeOther {
			t.Fatalf("merge = %d:\n%s", r.Status, r.Body)
		}
		body := a.body(page, "zh-CN", a.am1, 200)
		if row := historyRow(body, "merge", "合并了客户 "+dupCode+" 无锡电缆厂"); row == "" || !strings.Contains(row, "<td>合并</td>") {
			t.Errorf("the history lacks the merge:\n%s", body)
		}
		if historyRow(body, "merge", "已并入客户 ") == "" {
			t.Errorf("the merged customer's own merge entry does not say into which customer:\n%s", body)
		}
		if row := historyRow(body, "card", "第 1 版"); row == "" || !strings.Contains(row, `href="`+page+`/card/revisions/1"`) || !strings.Contains(row, "<td>资料卡修订</td>") {
			t.Errorf("the history lacks the card revision with a link to it:\n%s", body)
		}
		from := "被合并客户 " + dupCode + " 的记录"
		if historyRow(body, "update", "客户阶段: <del>潜在</del> → <ins>一般</ins>") == "" || !strings.Contains(historyRow(body, "update", "<ins>一般</ins>"), from) ||
			!strings.Contains(historyRow(body, "create", "无锡电缆厂"), from) {
			t.Errorf("the history lacks the merged customer's changes, marked as such:\n%s", body)
		}
		wantAll(t, "the English history", a.body(page, "en", a.am1, 200), "<td>Merged</td>", "<td>Data card revised</td>", "From merged customer "+dupCode)
		if own := historyRow(body, "create", "客户名称: 无锡电缆<"); own == "" || strings.Contains(own, "被合并客户") {
			t.Errorf("the survivor's own creation is marked as the merged customer's:\n%s", body)
		}
	})
}
