package server_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestOneSearchBoxFindsCustomersInScope(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		hw, _ := o.create(o.am1, `{"name":"华为技术有限公司","short_name":"华为","uscc":"91350100M000100Y43"}`)
		cq, _ := o.create(o.am1, `{"name":"重庆长安汽车"}`)
		zs, _ := o.create(o.am1, `{"name":"张三五金店","kind":"individual"}`)
		other, _ := o.create(o.am3, `{"name":"华南华为代理"}`)
		e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", cq.ID), strings.NewReader(`{"name":"李雷","mobile":"13912345678"}`), as(o.am1))
		tests := []struct {
			q       string
			want    []customerJSON
			notWant []customerJSON
		}{
			{"华", []customerJSON{hw}, []customerJSON{cq, other}},
			{"华为", []customerJSON{hw}, []customerJSON{cq, zs, other}},
			{"张", []customerJSON{zs}, []customerJSON{hw}},
			{"华为技术", []customerJSON{hw}, nil},
			{"技术华为", nil, []customerJSON{hw}},
			{"hw", []customerJSON{hw}, []customerJSON{cq}},
			{"cq", []customerJSON{cq}, nil},
			{"zq", []customerJSON{cq}, nil},
			{"huawei", []customerJSON{hw}, nil},
			{"李雷", []customerJSON{cq}, nil},
			{"5678", []customerJSON{cq}, []customerJSON{hw}},
			// A whole mobile number, however written: through the blind index.
			{"13912345678", []customerJSON{cq}, []customerJSON{hw}},
			{"139 1234 5678", []customerJSON{cq}, []customerJSON{hw}},
			{"+86 139-1234-5678", []customerJSON{cq}, []customerJSON{hw}},
			{"13900000000", nil, []customerJSON{cq, hw}},
			// 长安 as people say it, chang'an, as well as zhang'an.
			{"chongqingchangan", []customerJSON{cq}, nil},
			{"zhongqing", []customerJSON{cq}, nil},
			{strings.ToLower(hw.Code), []customerJSON{hw}, nil},
			{"91350100M000100Y43", []customerJSON{hw}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.q, func(t *testing.T) {
				r := e.do("GET", "/api/v1/customers?q="+urlQuery(tt.q), nil, as(o.am1))
				if r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				for _, c := range tt.want {
					if !strings.Contains(string(r.Body), c.Code) {
						t.Errorf("q=%s does not find %s %s", tt.q, c.Code, c.Name)
					}
				}
				for _, c := range tt.notWant {
					if strings.Contains(string(r.Body), `"`+c.Code+`"`) {
						t.Errorf("q=%s finds %s %s, which it must not", tt.q, c.Code, c.Name)
					}
				}
			})
		}
		// Someone else's customer with that number is not found, nor counted.
		if r := e.do("GET", "/api/v1/customers?q="+urlQuery("13912345678"), nil, as(o.am3)); strings.Contains(string(r.Body), cq.Code) || !strings.Contains(string(r.Body), `"total":0`) {
			t.Errorf("another team's account manager finds the number: %s", r.Body)
		}
		if r := e.do("GET", "/api/v1/customers?q="+urlQuery("13912345678"), nil, as(o.am1)); !strings.Contains(string(r.Body), `"total":1`) {
			t.Errorf("the owner's search by the number counts %s, want 1", r.Body)
		}
		e.do("DELETE", fmt.Sprintf("/api/v1/customers/%d", zs.ID), nil, as(o.am1, "If-Match", "*"))
		if r := e.do("GET", "/api/v1/customers?q="+urlQuery("张"), nil, as(o.am1)); strings.Contains(string(r.Body), zs.Code) {
			t.Errorf("a trashed customer is still found")
		}
	})
}
