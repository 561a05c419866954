package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCarePagesShowRemindersComposerAndGiftsInBothLanguages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		customer, contact := careContact(e, o, "页面")
		soon := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 1).Format("01-02")
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", customer), strings.NewReader(`{"name":"李娜","gender":"female","birthday":"`+soon+`"}`), as(o.am1))
		if r.Status != 201 {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		r = e.do("POST", "/api/v1/care/generate", strings.NewReader(fmt.Sprintf(`{"from":%q,"to":%q}`, today.Format(time.DateOnly), today.AddDate(0, 0, 30).Format(time.DateOnly))), as(o.gm))
		if r.Status != 200 {
			t.Fatalf("generate: %d %s", r.Status, r.Body)
		}
		am1 := e.formSignIn("am1")
		for lang, words := range map[string][]string{"zh-CN": {"客户关怀", "生日", "李娜"}, "en": {"Customer care", "Birthday", "李娜"}} {
			r := e.page("/care", lang, am1)
			for _, w := range words {
				if r.Status != 200 || !strings.Contains(string(r.Body), w) {
					t.Errorf("/care in %s: %d, want %q", lang, r.Status, w)
				}
			}
			home := e.page("/", lang, am1)
			if !strings.Contains(string(home.Body), `id="workbench-care"`) || !strings.Contains(string(home.Body), "李娜") {
				t.Errorf("my day in %s has no care reminder for 李娜", lang)
			}
			if r := e.page("/care/gifts", lang, am1); r.Status != 200 || !strings.Contains(string(r.Body), `id="gifts"`) {
				t.Errorf("/care/gifts in %s: %d", lang, r.Status)
			}
		}
		page := fmt.Sprintf("/care/greetings?contact_id=%d", contact)
		if r := e.page(page, "zh-CN", am1); r.Status != 200 || !strings.Contains(string(r.Body), `id="greeting-form"`) {
			t.Fatalf("composer: %d", r.Status)
		}
		r = e.postIn("/care/greetings", "zh-CN", am1, url.Values{"contact_id": {fmt.Sprint(contact)}, "channel": {"sms"}, "occasion": {"birthday"},
			"body": {"{{称呼}}，生日快乐"}, "action": {"preview"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "王先生，生日快乐") {
			t.Errorf("preview: %d", r.Status)
		}
		r = e.postIn("/care/greetings", "zh-CN", am1, url.Values{"contact_id": {fmt.Sprint(contact)}, "channel": {"sms"}, "body": {"{{职位}}好"}, "action": {"send"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), "职位") {
			t.Errorf("unknown merge field: %d", r.Status)
		}
		r = e.postIn("/care/greetings", "en", am1, url.Values{"contact_id": {fmt.Sprint(contact)}, "channel": {"sms"}, "body": {"Happy birthday {{salutation}}"}, "action": {"send"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), `data-status="manual"`) || !strings.Contains(string(r.Body), "To send by hand") {
			t.Errorf("send without provider: %d", r.Status)
		}
		am3 := e.formSignIn("am3")
		if r := e.page(page, "zh-CN", am3); r.Status != 404 {
			t.Errorf("another manager opens the composer of a contact not theirs: %d", r.Status)
		}
	})
}
