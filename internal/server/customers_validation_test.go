package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// The defects of the customer archive's QA pass: each request once
// answered a success (or an unnamed 400) and must now answer as below.

// wantField fails unless r has status and its error names field (and
// holds every text in says).
func wantField(t *testing.T, what string, r response, status int, field string, says ...string) {
	t.Helper()
	var body struct {
		Error struct {
			Code   string
			Fields []crm.FieldError
		}
	}
	_ = json.Unmarshal(r.Body, &body)
	named := field == ""
	for _, f := range body.Error.Fields {
		named = named || f.Field == field
	}
	if r.Status != status || !named {
		t.Errorf("%s = %d %s, want %d naming %q", what, r.Status, r.Body, status, field)
		return
	}
	for _, s := range says {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("%s = %s, want it to say %q", what, r.Body, s)
		}
	}
}

func TestAUSCCWhoseCheckCharacterFailsIsRefused(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		post := func(body string, lang string) response {
			return e.do("POST", "/api/v1/customers", strings.NewReader(body), as(o.am1, "Accept-Language", lang))
		}
		wantField(t, "a check character that fails", post(`{"kind":"company","name":"校验测试公司A","uscc":"91350100M000100Y44"}`, "en"),
			422, "uscc", "checksum", "must be 3, not 4")
		wantField(t, "the same in Chinese", post(`{"name":"校验测试公司B","uscc":"91350100M000100Y44"}`, "zh-CN"), 422, "uscc", "应为 3")
		wantField(t, "a lower-case code that passes", post(`{"name":"校验测试公司C","uscc":"91350100m000100y43"}`, "en"), 201, "")
		c, r := o.create(o.am1, `{"name":"校验测试公司D"}`)
		if r.Status != 201 {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		wantField(t, "a PATCH to a failing code", e.do("PATCH", path, strings.NewReader(`{"version":1,"uscc":"91350100M000100Y44"}`), as(o.am1)), 422, "uscc")

		// A code stored before the rule keeps working for other changes,
		// and cannot be typed in anew.
		if _, err := e.db.Exec(context.Background(), "UPDATE customers SET uscc = ? WHERE id = ?", "91110000MA0000001X", c.ID); err != nil {
			t.Fatal(err)
		}
		wantField(t, "changing the stage of a customer with an old failing code", e.do("PATCH", path, strings.NewReader(`{"version":1,"stage":"general"}`), as(o.am1)), 200, "")

		// /validate still reports it as a warning only.
		r = e.do("POST", "/api/v1/validate", strings.NewReader(`{"kind":"uscc","value":"91350100M000100Y44"}`), as(o.am1))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"valid":true`) || !strings.Contains(string(r.Body), `"code":"checksum","severity":"warning"`) {
			t.Errorf("validate = %d %s, want valid with a checksum warning", r.Status, r.Body)
		}
	})
}

func TestIfMatchTakesTheETagOfGet(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"乐观锁测试"}`)
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		r := e.do("GET", path, nil, as(o.am1))
		if got := r.Header.Get("ETag"); got != `"1"` {
			t.Fatalf("GET ETag = %q, want \"1\"", got)
		}
		patch := func(ifMatch, body string) response {
			return e.do("PATCH", path, strings.NewReader(body), as(o.am1, "If-Match", ifMatch))
		}
		for i, ifMatch := range []string{`"1"`, `W/"2"`, `3`} {
			r := patch(ifMatch, fmt.Sprintf(`{"notes":"第%d次"}`, i+1))
			if r.Status != 200 || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, i+2) {
				t.Errorf("If-Match %s = %d ETag %q %s, want 200 with ETag \"%d\"", ifMatch, r.Status, r.Header.Get("ETag"), r.Body, i+2)
			}
		}
		if r := patch(`"1"`, `{"notes":"过期"}`); r.Status != 412 || !strings.Contains(string(r.Body), "precondition_failed") {
			t.Errorf("a stale If-Match = %d %s, want 412 precondition_failed", r.Status, r.Body)
		}
		wantField(t, "an If-Match that is no version", patch(`"abc"`, `{"notes":"x"}`), 422, "If-Match")
		wantField(t, "a body version and an If-Match that differ", patch(`"4"`, `{"version":3,"notes":"x"}`), 422, "version")
		if r := e.do("DELETE", path, nil, as(o.am1, "If-Match", `"2"`)); r.Status != 412 {
			t.Errorf("DELETE with a stale If-Match = %d %s, want 412", r.Status, r.Body)
		}
		if r := e.do("DELETE", path, nil, as(o.am1, "If-Match", `W/"4"`)); r.Status != 204 {
			t.Errorf("DELETE with the current If-Match = %d %s, want 204", r.Status, r.Body)
		}

		// The other versioned records read one by one say their version too.
		clerk := e.user("kefu", crm.RoleService)
		c2, _ := o.create(o.am1, `{"name":"湖州电机"}`)
		r = e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"态度差"}`, c2.ID)), as(clerk))
		var cp struct{ ID int64 }
		if err := json.Unmarshal(r.Body, &cp); err != nil || r.Status != 201 {
			t.Fatalf("complaint = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", cp.ID), nil, as(clerk)); r.Header.Get("ETag") != `"1"` {
			t.Errorf("complaint ETag = %q, want \"1\"", r.Header.Get("ETag"))
		}
	})
}

func TestABadlyWrittenTimeNamesItsField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"时间格式测试"}`)
		path := fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID)
		cst := time.FixedZone("CST", 8*3600)
		day := time.Now().In(cst).AddDate(0, 0, 7).Format(time.DateOnly)
		tests := []struct {
			name, body string
			status     int
			field      string
			says       string
		}{
			{"a time without its T and offset", `{"channel":"sms","content":"x","at":"2026-11-29 10:00"}`, 422, "at", "RFC 3339"},
			{"a due date with slashes", `{"channel":"sms","content":"x","next_step":"回访","next_due_at":"2026/12/05"}`, 422, "next_due_at", "YYYY-MM-DD"},
			{"a time as a number", `{"channel":"sms","content":"x","at":20261129}`, 400, "at", "string"},
		}
		for _, tt := range tests {
			r := e.do("POST", path, strings.NewReader(tt.body), as(o.am1, "Accept-Language", "en"))
			wantField(t, tt.name, r, tt.status, tt.field, tt.says)
		}

		// A date alone is due at the end of that day, China time, as the
		// web form's date input means it.
		r := e.do("POST", path, strings.NewReader(`{"channel":"sms","content":"寄样品","next_step":"回访","next_due_at":"`+day+`"}`), as(o.am1))
		var it struct {
			NextDueAt time.Time `json:"next_due_at"`
		}
		if err := json.Unmarshal(r.Body, &it); err != nil || r.Status != 201 {
			t.Fatalf("a date-only next_due_at = %d %s", r.Status, r.Body)
		}
		if got := it.NextDueAt.In(cst).Format(time.DateTime); got != day+" 23:59:59" {
			t.Errorf("next_due_at = %s, want %s 23:59:59 China time", got, day)
		}

		clerk := e.user("kefu", crm.RoleService)
		r = e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"x","received_at":"2026-11-29"}`, c.ID)), as(clerk))
		wantField(t, "a complaint received on a bare date", r, 422, "received_at", "RFC 3339")
	})
}

func TestInputsTheArchiveRefusesNameTheirField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"字段校验测试"}`)
		other, _ := o.create(o.am1, `{"name":"字段校验测试乙"}`)
		id := fmt.Sprint(c.ID)
		future := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
		tests := []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"a birthday in the future", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"张伟","birthday":"2090-02-03"}`, 422, "birthday"},
			{"a birthday of the past", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"王芳","birthday":"1980-02-03"}`, 201, ""},
			{"a WeChat ID starting with a digit", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"李娜","wechat_id":"1abcdef"}`, 422, "wechat_id"},
			{"a WeChat ID too short", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"李娜","wechat_id":"ab12"}`, 422, "wechat_id"},
			{"a WeChat ID with a space", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"李娜","wechat_id":"li na 2026"}`, 422, "wechat_id"},
			{"a WeChat ID", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"李娜","wechat_id":"li_na-2026"}`, 201, ""},
			{"a mobile number as WeChat ID", "POST", "/api/v1/customers/" + id + "/contacts", `{"name":"赵强","wechat_id":"13800138000"}`, 201, ""},

			{"negative monthly sales", "PUT", "/api/v1/customers/" + id + "/card", `{"surveyor":"s","values":{"monthly_sales_fen":"-100"}}`, 422, "values.monthly_sales_fen"},
			{"a negative staff", "PUT", "/api/v1/customers/" + id + "/card", `{"surveyor":"s","values":{"staff_count":"-5"}}`, 422, "values.staff_count"},
			{"an age of 999", "PUT", "/api/v1/customers/" + id + "/card", `{"surveyor":"s","values":{"operator_age":"999"}}`, 422, "values.operator_age"},
			{"surveyed in the future", "PUT", "/api/v1/customers/" + id + "/card", `{"surveyor":"s","surveyed_on":"` + future + `","values":{}}`, 422, "surveyed_on"},
			{"a card without values", "PUT", "/api/v1/customers/" + id + "/card", `{"surveyor":"s"}`, 422, "values"},
			{"a card with values null", "PUT", "/api/v1/customers/" + id + "/card", `{"surveyor":"s","values":null}`, 422, "values"},

			{"a template field in no known section", "PUT", "/api/v1/card-template", `{"version":1,"fields":[{"key":"shoe_size","section":"nowhere","label_zh":"鞋码","label_en":"Shoe size","type":"number"}]}`, 422, "fields[0].section"},
			{"bounds on a text field", "PUT", "/api/v1/card-template", `{"version":1,"fields":[{"key":"motto","label_zh":"座右铭","label_en":"Motto","type":"text","min":1}]}`, 422, "fields[0].min"},
			{"a max below min", "PUT", "/api/v1/customer-fields", `{"version":1,"fields":[{"key":"visits","label_zh":"拜访","label_en":"Visits","type":"number","min":5,"max":1}]}`, 422, "fields[0].max"},

			{"an unknown stage filter", "GET", "/api/v1/customers?stage=vip", "", 400, "stage"},
			{"an unknown stage filter on the export", "GET", "/api/v1/customers/export?stage=vip", "", 400, "stage"},
			{"a trash filter that is no boolean", "GET", "/api/v1/customers?trash=yes", "", 400, "trash"},
			{"a known stage filter", "GET", "/api/v1/customers?stage=potential", "", 200, ""},

			{"a province prefix as region_code", "POST", "/api/v1/customers", `{"name":"地区测试甲","region_code":"11"}`, 422, "region_code"},
			{"a city prefix as region_code", "PATCH", "/api/v1/customers/" + fmt.Sprint(other.ID), `{"version":1,"region_code":"3205"}`, 422, "region_code"},
			{"a full region_code", "POST", "/api/v1/customers", `{"name":"地区测试乙","region_code":"110105"}`, 201, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token := o.am1
				if strings.HasPrefix(tt.path, "/api/v1/card-template") || strings.HasPrefix(tt.path, "/api/v1/customer-fields") {
					token = o.admin
				}
				var r response
				if tt.body == "" {
					r = e.do(tt.method, tt.path, nil, as(token))
				} else {
					r = e.do(tt.method, tt.path, strings.NewReader(tt.body), as(token))
				}
				wantField(t, tt.name, r, tt.status, tt.field)
			})
		}

		r := e.do("POST", "/api/v1/customers/"+id+"/merge", strings.NewReader(`{"version":1}`), as(o.am1, "Accept-Language", "en"))
		wantField(t, "a merge without from_id", r, 422, "from_id", `"code":"required"`, "from_id is required")

		// None of the refused saves left a revision that cleared the card.
		if r := e.do("GET", "/api/v1/customers/"+id+"/card/revisions", nil, as(o.am1)); strings.Contains(string(r.Body), `"revision":`) {
			t.Errorf("a refused save left a revision: %s", r.Body)
		}
		r = e.do("PUT", "/api/v1/customers/"+id+"/card", strings.NewReader(`{"surveyor":"s","values":{"operator_age":"45","staff_count":"0","monthly_sales_fen":"1200000"}}`), as(o.am1))
		wantField(t, "numbers within their bounds", r, 201, "")
		r = e.do("GET", "/api/v1/card-template", nil, as(o.am1))
		if !strings.Contains(string(r.Body), `"key":"operator_age","section":"operator","label_zh":"年龄","label_en":"Age","type":"number","min":0,"max":150`) {
			t.Errorf("the template does not tell the age's bounds: %s", r.Body)
		}
	})
}

func TestScriptsAreRefusedWhateverTheirBytesSniffAs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"附件测试"}`)
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID), strings.NewReader(`{"channel":"visit","content":"x"}`), as(o.am1))
		var it struct{ ID int64 }
		if err := json.Unmarshal(r.Body, &it); err != nil || r.Status != 201 {
			t.Fatalf("interaction = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/interactions/%d/attachments", it.ID)
		tests := []struct {
			name, data string
			status     int
		}{
			{"shell.sh", "#!/bin/sh\nrm -rf /", 415},
			{"notes.txt", "#!/usr/bin/env python3\nimport os", 415},
			{"notes.txt", "\xEF\xBB\xBF#!/bin/bash\necho", 415},
			{"install.bat", "del /q C:\\*", 415},
			{"run.ps1", "Remove-Item -Recurse C:\\", 415},
			{"app.js", "console.log(1)", 415},
			{"macro.VBS", "MsgBox 1", 415},
			{"tool.py", "print(1)", 415},
			{"index.php", "echo 1;", 415},
			{"setup.exe", "MZ text", 415},
			{"trailing.sh.", "echo 1", 415},
			{"拜访记录.txt", "今天拜访了客户 #1", 201},
		}
		for _, tt := range tests {
			r := e.upload(path, o.am1, tt.name, "text/plain", []byte(tt.data))
			if r.Status != tt.status {
				t.Errorf("%s %q = %d %s, want %d", tt.name, tt.data, r.Status, r.Body, tt.status)
			}
		}
		if records, _ := e.stored(); records != 1 {
			t.Errorf("%d attachments stored, want only the note", records)
		}
	})
}

func TestAPatchMergesCustomFieldsByKey(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		put := `{"version":1,"fields":[{"key":"vip_level","label_zh":"会员等级","label_en":"VIP level","type":"choice","options":["金","银","铜"]},
			{"key":"credit_rating","label_zh":"资信评级","label_en":"Credit rating","type":"choice","options":["A","B"]},
			{"key":"visits","label_zh":"拜访次数","label_en":"Visits","type":"number","min":0}]}`
		if r := e.do("PUT", "/api/v1/customer-fields", strings.NewReader(put), as(o.admin)); r.Status != 200 {
			t.Fatalf("define custom fields = %d %s", r.Status, r.Body)
		}
		c, r := o.create(o.am1, `{"name":"自定义字段测试","custom_fields":{"vip_level":"金","credit_rating":"A","visits":"3"}}`)
		if r.Status != 201 {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		path := fmt.Sprintf("/api/v1/customers/%d", c.ID)
		tests := []struct {
			name, body string
			status     int
			want       map[string]string
		}{
			{"one key changes, the others stay", `{"version":1,"custom_fields":{"vip_level":"银"}}`, 200,
				map[string]string{"vip_level": "银", "credit_rating": "A", "visits": "3"}},
			{"null removes a key", `{"version":2,"custom_fields":{"credit_rating":null,"visits":"4"}}`, 200,
				map[string]string{"vip_level": "银", "visits": "4"}},
			{"an empty string removes a key", `{"version":3,"custom_fields":{"visits":""}}`, 200,
				map[string]string{"vip_level": "银"}},
			{"leaving custom_fields out keeps them", `{"version":4,"stage":"general"}`, 200,
				map[string]string{"vip_level": "银"}},
			{"a bad value is refused", `{"version":5,"custom_fields":{"visits":"-1"}}`, 422, nil},
		}
		for _, tt := range tests {
			r := e.do("PATCH", path, strings.NewReader(tt.body), as(o.am1))
			if tt.status != 200 {
				wantField(t, tt.name, r, tt.status, "custom_fields.visits")
				continue
			}
			var got struct {
				Custom map[string]string `json:"custom_fields"`
			}
			if err := json.Unmarshal(r.Body, &got); err != nil || r.Status != 200 || fmt.Sprint(got.Custom) != fmt.Sprint(tt.want) {
				t.Errorf("%s = %d %s, want custom_fields %v", tt.name, r.Status, r.Body, tt.want)
			}
		}
		r = e.do("GET", "/api/v1/audit?entity=customer&entity_id="+fmt.Sprint(c.ID), nil, as(o.auditor))
		if !strings.Contains(string(r.Body), `custom_fields`) {
			t.Errorf("the merge is not audited: %s", r.Body)
		}
	})
}

// What a third black-box pass found in the pages and the API, each now
// refused or reported as it should be.
func TestTheArchiveRefusesWhatAPassOfBadInputsTried(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a, _ := o.create(o.am1, `{"name":"宁波甲方贸易"}`)
		b, _ := o.create(o.am1, `{"name":"宁波乙方贸易"}`)
		mgr := e.formSignIn("mgr_a")
		am1 := e.formSignIn("am1")

		// A customer ID that is not a number never means "all of them".
		handover := url.Values{"from_owner_id": {strconv.FormatInt(e.userID("am1"), 10)}, "to_owner_id": {strconv.FormatInt(e.userID("am2"), 10)},
			"reason": {"测试"}, "customer_ids": {"abc"}}
		if r := e.post("/customers/handover", mgr, handover); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a handover of customer abc = %d, want 422", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d", a.ID), nil, as(o.am1)); r.Status != 200 {
			t.Errorf("the customers moved anyway: am1 reads %d", r.Status)
		}
		long := fmt.Sprintf(`{"from_owner_id":%d,"to_owner_id":%d,"reason":%q}`, e.userID("am1"), e.userID("am2"), strings.Repeat("因", 501))
		if r := e.do("POST", "/api/v1/customers/handover", strings.NewReader(long), as(o.mgrA)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"reason"`) {
			t.Errorf("a 501-character handover reason = %d %s, want 422 on reason", r.Status, r.Body)
		}

		// The trash button without the version it showed is refused.
		for _, v := range []string{"", "x"} {
			if r := e.post(fmt.Sprintf("/customers/%d/delete", b.ID), am1, url.Values{"version": {v}}); r.Status != http.StatusConflict {
				t.Errorf("move to the trash with version %q = %d, want 409", v, r.Status)
			}
		}
		// A restore refused because the USCC was taken says so.
		u, _ := o.create(o.am1, `{"name":"宁波丙方贸易","uscc":"91350100M000100Y43"}`)
		e.do("DELETE", fmt.Sprintf("/api/v1/customers/%d", u.ID), nil, as(o.am1, "If-Match", "*"))
		o.create(o.am1, `{"name":"宁波丁方贸易","uscc":"91350100M000100Y43"}`)
		if r := e.post(fmt.Sprintf("/customers/%d/restore", u.ID), am1, nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "统一社会信用代码") {
			t.Errorf("a restore whose USCC is taken = %d, want 409 saying so:\n%s", r.Status, r.Body)
		}
		// Only those who may move customers to the trash list it.
		if r := e.do("GET", "/api/v1/customers?trash=true", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("QA listing the trash = %d, want 403", r.Status)
		}

		// Lengths and pairs the forms limit are limited on the server too.
		add := func(body string) response {
			return e.do("POST", fmt.Sprintf("/api/v1/customers/%d/interactions", a.ID), strings.NewReader(body), as(o.am1))
		}
		for _, c := range []struct{ body, field string }{
			{`{"channel":"visit","content":"x","participants":"` + strings.Repeat("人", 501) + `"}`, "participants"},
			{`{"channel":"visit","content":"x","feedback":"` + strings.Repeat("好", 2001) + `"}`, "feedback"},
			{`{"channel":"visit","content":"x","next_due_at":"2099-01-01"}`, "next_step"},
			{`{"channel":"visit","content":"x","at":"1900-01-01T09:00:00+08:00"}`, "at"},
		} {
			if r := add(c.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("interaction %.60s… = %d %s, want 422 on %s", c.body, r.Status, r.Body, c.field)
			}
		}
		contact := func(body string) response {
			return e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", a.ID), strings.NewReader(body), as(o.am1))
		}
		for _, c := range []struct{ body, field string }{
			{`{"name":"甲","birthday":"02-30"}`, "birthday"},
			{`{"name":"乙","birthday":"1800-01-01"}`, "birthday"},
			{`{"name":"丙","birthday_lunar":true,"birthday_leap":true}`, "birthday"},
		} {
			if r := contact(c.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("contact %s = %d %s, want 422 on %s", c.body, r.Status, r.Body, c.field)
			}
		}
		// Every problem of a contact at once, the mobile's with the rest.
		r := contact(`{"name":"","email":"bad","mobile":"123","landline":"abc"}`)
		for _, f := range []string{"name", "email", "mobile", "landline"} {
			if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+f+`"`) {
				t.Errorf("a contact wrong in four fields = %d %s, want 422 naming %s too", r.Status, r.Body, f)
			}
		}
		if r := contact(`{"name":"丁","birthday":"02-29"}`); r.Status != 201 {
			t.Errorf("a 29 February birthday = %d %s, want 201", r.Status, r.Body)
		}

		// chang'an as it is written with the syllables apart.
		cq, _ := o.create(o.am1, `{"name":"长安机械"}`)
		if r := e.do("GET", "/api/v1/customers?q="+url.QueryEscape("chang'an"), nil, as(o.am1)); !strings.Contains(string(r.Body), cq.Code) {
			t.Errorf("q=chang'an does not find %s: %s", cq.Code, r.Body)
		}
	})
}
