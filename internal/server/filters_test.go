package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCustomerListFiltersBandsTagsAndCustomFields(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		put := `{"version":1,"fields":[{"key":"credit_rating","label_zh":"资信评级","label_en":"Credit rating","type":"choice","options":["A","B","C"]}]}`
		if r := e.do("PUT", "/api/v1/customer-fields", strings.NewReader(put), as(o.admin)); r.Status != 200 {
			t.Fatalf("define a custom field = %d %s", r.Status, r.Body)
		}
		sz, r := o.create(o.am1, `{"name":"苏州精密","region_code":"320505","industry_code":"C","employee_band":"50-99","revenue_band":"1000万-5000万","tags":["VIP","出口"],"custom_fields":{"credit_rating":"A"}}`)
		if r.Status != 201 || !strings.Contains(string(r.Body), `"tags":["VIP","出口"]`) || !strings.Contains(string(r.Body), `"credit_rating":"A"`) {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		hz, _ := o.create(o.am1, `{"name":"杭州云端","region_code":"330100","industry_code":"I","tags":["VIP"]}`)
		bad := []struct{ body, field string }{
			{`{"name":"甲","employee_band":"huge"}`, "employee_band"},
			{`{"name":"乙","custom_fields":{"credit_rating":"Z"}}`, "custom_fields.credit_rating"},
			{`{"name":"丙","custom_fields":{"nope":"1"}}`, "custom_fields.nope"},
		}
		for _, b := range bad {
			if _, r := o.create(o.am1, b.body); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+b.field+`"`) {
				t.Errorf("%s = %d %s, want 422 naming %s", b.body, r.Status, r.Body, b.field)
			}
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		tests := []struct {
			query   string
			want    []customerJSON
			notWant []customerJSON
		}{
			{"region=32", []customerJSON{sz}, []customerJSON{hz}},
			{"region=3301", []customerJSON{hz}, []customerJSON{sz}},
			{"industry=I", []customerJSON{hz}, []customerJSON{sz}},
			{"tag=" + urlQuery("出口"), []customerJSON{sz}, []customerJSON{hz}},
			{"tag=VIP&region=33", []customerJSON{hz}, []customerJSON{sz}},
			{"created_from=" + today, []customerJSON{sz, hz}, nil},
			{"created_to=" + today, nil, []customerJSON{sz, hz}},
		}
		for _, tt := range tests {
			r := e.do("GET", "/api/v1/customers?"+tt.query, nil, as(o.am1))
			for _, c := range tt.want {
				if !strings.Contains(string(r.Body), c.Code) {
					t.Errorf("?%s misses %s", tt.query, c.Name)
				}
			}
			for _, c := range tt.notWant {
				if strings.Contains(string(r.Body), c.Code) {
					t.Errorf("?%s finds %s", tt.query, c.Name)
				}
			}
		}
		if r := e.do("GET", "/api/v1/customers?region=99&created_from=yesterday", nil, as(o.am1)); r.Status != 400 {
			t.Errorf("bad filters = %d %s, want 400", r.Status, r.Body)
		}
		r = e.do("PATCH", fmt.Sprintf("/api/v1/customers/%d", sz.ID), strings.NewReader(`{"version":1,"tags":["VIP"]}`), as(o.am1))
		if r.Status != 200 || strings.Contains(string(r.Body), "出口") {
			t.Errorf("removing a tag = %d %s", r.Status, r.Body)
		}
	})
}
