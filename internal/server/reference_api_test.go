package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

type regionItem struct {
	Code        string
	Name        string
	FullName    string `json:"full_name"`
	NameEn      string `json:"name_en"`
	FullNameEn  string `json:"full_name_en"`
	Level       string
	Statistical bool
	Leaf        bool
}

type industryItem struct {
	Code      string
	Name      string
	NameEn    string `json:"name_en"`
	Divisions []industryItem
}

// regionsOf asks GET /api/v1/regions?query and returns its items.
func regionsOf(t *testing.T, e *env, token, query string) []regionItem {
	t.Helper()
	r := e.do("GET", "/api/v1/regions?"+query, nil, as(token))
	var body struct{ Items []regionItem }
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil {
		t.Fatalf("GET /api/v1/regions?%s = %d %s", query, r.Status, r.Body)
	}
	return body.Items
}

func codesOf(items []regionItem) []string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = x.Code
	}
	return out
}

func TestRegionsAreFoundByParentNamePinyinAndCode(t *testing.T) {
	e := newEnvSQLite(t)
	am := e.user("am", crm.RoleAccountManager)
	if r := e.get("/api/v1/regions"); r.Status != 401 {
		t.Errorf("the regions signed out = %d, want 401", r.Status)
	}

	provinces := regionsOf(t, e, am, "")
	if len(provinces) != 34 || provinces[0].Code != "110000" || provinces[0].Name != "北京市" || provinces[0].Level != "province" || provinces[0].Leaf {
		t.Errorf("the top of the cascade is the 34 provinces from 北京市: %d, %+v", len(provinces), provinces[:min(1, len(provinces))])
	}
	cities := regionsOf(t, e, am, "parent=440000")
	if !slices.Contains(codesOf(cities), "440100") || !slices.Contains(codesOf(cities), "440300") {
		t.Errorf("广东省's cities lack 广州市 or 深圳市: %v", codesOf(cities))
	}
	districts := regionsOf(t, e, am, "parent=4401")
	i := slices.Index(codesOf(districts), "440106")
	if i < 0 || districts[i].Name != "天河区" || districts[i].FullName != "广东省广州市天河区" || !districts[i].Leaf || districts[i].Level != "county" {
		t.Errorf("广州市's districts by its prefix: %+v", districts)
	}
	// English readers get the pinyin beside the name, as the pages show it.
	if districts[i].NameEn != "Tianhe" || districts[i].FullNameEn != "Tianhe, Guangzhou, Guangdong" {
		t.Errorf("天河区 in English = %q / %q", districts[i].NameEn, districts[i].FullNameEn)
	}
	chain := regionsOf(t, e, am, "code=440106")
	if got := codesOf(chain); !slices.Equal(got, []string{"440000", "440100", "440106"}) {
		t.Errorf("the chain of 天河区 = %v", got)
	}

	for _, tt := range []struct{ q, want string }{
		{"广州", "440100"},
		{"深圳市南山", "440305"},
		{"江苏苏州", "320500"},
		{"guangzhou", "440100"},
		{"GuangZhou", "440100"},
		{"tianhe", "440106"},
		{"szs", "440300"},
		{"4403", "440300"},
	} {
		found := regionsOf(t, e, am, "q="+urlQuery(tt.q))
		if !slices.Contains(codesOf(found), tt.want) {
			t.Errorf("searching %q finds %v, want %s among them", tt.q, codesOf(found), tt.want)
		}
	}
	if found := regionsOf(t, e, am, "q=guangzhou"); len(found) == 0 || found[0].Code != "440100" {
		t.Errorf("full pinyin puts the city first: %v", codesOf(found))
	}
	if found := regionsOf(t, e, am, "q=zh&limit=5"); len(found) != 5 {
		t.Errorf("a limit of 5 gives %d", len(found))
	}
	for _, q := range []string{"parent=999999", "parent=abc", "code=990000"} {
		if r := e.do("GET", "/api/v1/regions?"+q, nil, as(am)); r.Status != 400 {
			t.Errorf("GET /api/v1/regions?%s = %d, want 400", q, r.Status)
		}
	}
	for _, q := range []string{"limit=0", "limit=101&q=gz", "limit=x"} {
		if r := e.do("GET", "/api/v1/regions?"+q, nil, as(am)); r.Status != 400 && r.Status != 422 {
			t.Errorf("GET /api/v1/regions?%s = %d, want it refused", q, r.Status)
		}
	}
}

func TestIndustriesAreTwoLevelsAndFoundByNamePinyinAndCode(t *testing.T) {
	e := newEnvSQLite(t)
	am := e.user("am", crm.RoleAccountManager)
	if r := e.get("/api/v1/industries"); r.Status != 401 {
		t.Errorf("the industries signed out = %d, want 401", r.Status)
	}
	get := func(q string) []industryItem {
		t.Helper()
		r := e.do("GET", "/api/v1/industries?q="+urlQuery(q), nil, as(am))
		var body struct{ Items []industryItem }
		if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil {
			t.Fatalf("GET /api/v1/industries?q=%s = %d %s", q, r.Status, r.Body)
		}
		return body.Items
	}
	all := get("")
	n := 0
	for _, s := range all {
		n += len(s.Divisions)
	}
	if len(all) != 20 || n != 97 || all[8].Code != "I" || all[8].NameEn == "" {
		t.Errorf("the whole tree: %d sections, %d divisions, want 20 and 97", len(all), n)
	}
	has := func(items []industryItem, code string) bool {
		for _, s := range items {
			if s.Code == code {
				return true
			}
			for _, d := range s.Divisions {
				if d.Code == code {
					return true
				}
			}
		}
		return false
	}
	for _, tt := range []struct{ q, want string }{
		{"软件", "65"}, {"ruanjian", "65"}, {"rjhxxjsfwy", "65"}, {"65", "65"}, {"i", "I"}, {"manufacturing", "C"},
	} {
		if got := get(tt.q); !has(got, tt.want) {
			t.Errorf("searching %q finds %+v, want %s", tt.q, got, tt.want)
		}
	}
	if got := get("农副"); len(got) != 1 || got[0].Code != "C" || len(got[0].Divisions) != 1 || got[0].Divisions[0].Code != "13" {
		t.Errorf("a division's name keeps its section with only the divisions that match: %+v", got)
	}
	if got := get("没有这个行业"); len(got) != 0 {
		t.Errorf("no match gives no sections: %+v", got)
	}
}

func TestCustomersCarryRegionAndIndustryNamesBesideTheCodes(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrg(e)
	c, r := o.create(o.am1, `{"name":"广州云海信息技术","region_code":"440106","industry_code":"65"}`)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	o.create(o.am1, `{"name":"无地区的客户"}`)
	var one map[string]any
	_ = json.Unmarshal(r.Body, &one)
	if one["region_name"] != "广东省广州市天河区" || one["industry_name"] != "软件和信息技术服务业" || one["region_code"] != "440106" {
		t.Errorf("the created customer: %s", r.Body)
	}
	r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d", c.ID), nil, as(o.am1))
	if !strings.Contains(string(r.Body), `"region_name":"广东省广州市天河区"`) || !strings.Contains(string(r.Body), `"industry_name":"软件和信息技术服务业"`) {
		t.Errorf("GET the customer: %s", r.Body)
	}
	r = e.do("GET", "/api/v1/customers", nil, as(o.am1))
	var list struct{ Items []map[string]any }
	_ = json.Unmarshal(r.Body, &list)
	names := map[string]bool{}
	for _, x := range list.Items {
		names[fmt.Sprint(x["region_name"])+"|"+fmt.Sprint(x["industry_name"])] = true
	}
	if !names["广东省广州市天河区|软件和信息技术服务业"] || !names["|"] {
		t.Errorf("the list names each customer's region and industry, empty for none: %v", names)
	}
	r = e.do("PATCH", fmt.Sprintf("/api/v1/customers/%d", c.ID), strings.NewReader(`{"version":1,"industry_code":"I","region_code":"320505"}`), as(o.am1))
	if !strings.Contains(string(r.Body), `"industry_name":"信息传输、软件和信息技术服务业"`) || !strings.Contains(string(r.Body), `"region_name":"江苏省苏州市虎丘区"`) {
		t.Errorf("a change names the new codes: %d %s", r.Status, r.Body)
	}

	// The export has a column of names beside each column of codes.
	r = e.do("GET", "/api/v1/customers/export?format=csv", nil, as(o.am1))
	rows, err := csvRows(r.Body)
	if err != nil || len(rows) < 3 {
		t.Fatalf("export: %v %s", err, r.Body)
	}
	var head []string // the headings: after a stamp line or first
	for _, row := range rows[:2] {
		if slices.Contains(row, "地区代码") {
			head = row
		}
	}
	at := func(name string) int { return slices.Index(head, name) }
	if at("地区代码") < 0 || at("地区名称") != at("地区代码")+1 || at("行业名称") != at("行业代码")+1 {
		t.Fatalf("the export's headings: %v", head)
	}
	found := false
	for _, row := range rows {
		if len(row) == len(head) && row[at("地区代码")] == "320505" {
			found = row[at("地区名称")] == "江苏省苏州市虎丘区" && row[at("行业名称")] == "信息传输、软件和信息技术服务业"
		}
	}
	if !found {
		t.Errorf("the export names the region and industry: %v", rows)
	}
}

// csvRows reads an export as CSV, the first line (one cell) included.
func csvRows(b []byte) ([][]string, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	return cr.ReadAll()
}

func TestTheCustomerPagesShowRegionAndIndustryNamesAndOfferThePickers(t *testing.T) {
	e := newEnvSQLite(t)
	o := newOrg(e)
	c, _ := o.create(o.am1, `{"name":"广州云海信息技术","region_code":"440106","industry_code":"65"}`)
	am1 := e.formSignIn("am1")
	body := string(e.page("/customers", "zh-CN", am1).Body)
	wantAll(t, "the list", body, `data-region="440106" title="440106">广东省广州市天河区<`, `data-industry="65" title="65">软件和信息技术服务业<`,
		`<script src="/static/region_picker.js" defer>`, `data-region-picker`, `data-industry-picker`, `id="filter-region"`)
	if strings.Contains(body, `>440106<`) {
		t.Errorf("the list shows the region's code as its text: %s", body)
	}
	body = string(e.page(fmt.Sprintf("/customers/%d", c.ID), "zh-CN", am1).Body)
	wantAll(t, "the detail page", body, `id="customer-region" data-region="440106">广东省广州市天河区 <small>440106</small>`,
		`id="customer-industry" data-industry="65">软件和信息技术服务业 <small>65</small>`)
	body = string(e.page(fmt.Sprintf("/customers/%d/edit", c.ID), "zh-CN", am1).Body)
	wantAll(t, "the form", body, `data-region-picker`, `data-chain="[{&#34;code&#34;:&#34;440000&#34;,&#34;name&#34;:&#34;广东省&#34;}`,
		`id="region_code" value="440106"`, `data-region-name data-empty="" id="region_code-hint">广东省广州市天河区<`,
		`<select name="industry_code" id="industry_code" data-industry-picker`, `<option value="65" selected>65 软件和信息技术服务业</option>`)
	if strings.Contains(body, "GB/T 2260 六位代码") || strings.Contains(body, "GB/T 4754-2017：门类字母") {
		t.Errorf("the form asks for codes: %s", body)
	}
	body = string(e.page("/customers?region=4401&industry=I", "zh-CN", am1).Body)
	wantAll(t, "the filters", body, `data-region-name data-empty="" id="filter-region-hint">广东省广州市<`, `<option value="I" selected>`)
}
