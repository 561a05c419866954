package importer_test

import (
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
)

func TestImportHeadersAreRecognisedInChineseAndEnglish(t *testing.T) {
	cases := map[string]string{
		"客户名称": "name", "客户名称（必填）": "name", " *客户名称 ": "name", "\ufeff客户名称": "name", "Name": "name",
		"简称": "short_name", "short_name": "short_name", "统一社会信用代码": "uscc", "USCC": "uscc",
		"法定代表人": "legal_representative", "法人": "legal_representative", "行业": "industry_code", "industry_code": "industry_code",
		"地区": "region_code", "地区代码": "region_code", "地址": "address", "客户来源": "source", "客户阶段": "stage",
		"标签": "tags", "备注": "notes", "负责人": "owner", "联系人": "contact_name", "职务": "contact_title",
		"手机": "contact_mobile", "手机号码": "contact_mobile", "电话": "contact_landline", "邮箱": "contact_email",
		"微信": "contact_wechat", "ＷｅＣｈａｔ": "contact_wechat", "contact_mobile": "contact_mobile",
		"内部编号": "", "": "",
	}
	for h, want := range cases {
		if got := importer.RecogniseHeader(h); got != want {
			t.Errorf("RecogniseHeader(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestImportColumnMapping(t *testing.T) {
	header := []string{"公司", "手机", "电话", "备用手机"}
	tests := []struct {
		name    string
		mapping map[string]string
		fields  []string // per column
		err     string   // in the error's fields, "" for none
	}{
		{"no name column", nil, nil, `mapping required`},
		{"a mapping names the name column", map[string]string{"公司": "name"}, []string{"name", "contact_mobile", "contact_landline", ""}, ""},
		{"a mapping overrides recognition and ignores", map[string]string{"公司": "name", "手机": "-", "备用手机": "contact_mobile"},
			[]string{"name", "", "contact_landline", "contact_mobile"}, ""},
		{"two columns for one field", map[string]string{"公司": "name", "备用手机": "contact_mobile"}, nil, "mapping.备用手机 duplicate_field"},
		{"an unknown field", map[string]string{"公司": "nom"}, nil, "mapping.公司 unknown_field"},
		{"an unknown column", map[string]string{"公司": "name", "传真": "notes"}, nil, "mapping.传真 unknown_column"},
	}
	for _, tt := range tests {
		cols, err := importer.ResolveColumns(header, tt.mapping, "en")
		if tt.err != "" {
			var got []string
			if e, ok := err.(*crm.Error); ok {
				for _, f := range e.Fields {
					got = append(got, f.Field+" "+f.Code)
				}
			}
			if !strings.Contains(strings.Join(got, ";"), tt.err) {
				t.Errorf("%s: error %v (%v), want %s", tt.name, err, got, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		for i, c := range cols {
			if c.Field != tt.fields[i] || c.Header != header[i] || c.Index != i {
				t.Errorf("%s: column %d = %+v, want field %q", tt.name, i, c, tt.fields[i])
			}
		}
	}
}

func TestImportFilesAreRecognisedByNameAndContent(t *testing.T) {
	tests := []struct {
		name string
		head string
		want string // "" when refused
	}{
		{"a.csv", "客户名称", "csv"}, {"A.CSV", "name", "csv"}, {"a.xlsx", "PK\x03\x04", "xlsx"},
		{"a.xlsx", "name,", ""}, {"a.csv", "PK\x03\x04", ""}, {"a.csv", "a\x00b", ""}, {"a.xls", "\xd0\xcf", ""}, {"a.pdf", "%PDF", ""},
	}
	for _, tt := range tests {
		got, err := importer.DetectFileType(tt.name, []byte(tt.head), "en")
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("DetectFileType(%q, %q) = %q, %v", tt.name, tt.head, got, err)
		}
		if err != nil && crm.ErrorCode(err) != crm.EUnsupportedType {
			t.Errorf("%s: code %s", tt.name, crm.ErrorCode(err))
		}
	}
}
