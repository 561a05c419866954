package crm

import (
	"testing"

	"github.com/kehucrm/kehu/internal/msg"
)

func TestAnErrorIsRenderedInTheReadersLanguage(t *testing.T) {
	renamed := Invalid(Bad("name", "required", "customer.required"))
	renamed.Message = "told otherwise"
	tests := []struct {
		name       string
		err        *Error
		lang       string
		wantMsg    string
		wantFields []string
	}{
		{"a failure in English says what Message says", Fail(EUnauthorized, "crm.sign_in"), msg.En, "sign in first", nil},
		{"a failure in Chinese", Fail(EUnauthorized, "crm.sign_in"), msg.ZhCN, "请先登录", nil},
		{"a one-field validation error names its field in Chinese", Invalid(Bad("name", "required", "customer.required")), msg.ZhCN,
			"name：必填", []string{"必填"}},
		{"a validation error of two fields in English", Invalid(Bad("name", "required", "customer.required"), Bad("uscc", "length", "customer.max_200")), msg.En,
			"the input is not valid", []string{"is required", "must be at most 200 characters"}},
		{"a legacy error keeps its only text", Errorf(EConflict, "taken"), msg.ZhCN, "taken", nil},
		{"a message a caller replaced stays", renamed, msg.ZhCN, "told otherwise", []string{"必填"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, fs := tt.err.In(tt.lang)
			if m != tt.wantMsg {
				t.Errorf("message %q, want %q", m, tt.wantMsg)
			}
			if len(fs) != len(tt.wantFields) {
				t.Fatalf("fields %v, want %v", fs, tt.wantFields)
			}
			for i, f := range fs {
				if f.Message != tt.wantFields[i] {
					t.Errorf("field %d says %q, want %q", i, f.Message, tt.wantFields[i])
				}
			}
		})
	}
}

func TestBadInKeepsTheLegacyMessageInTheCallersLanguage(t *testing.T) {
	f := BadIn(msg.ZhCN, "wechat_id", "format", msg.M("customer.wechat_id.format"))
	if f.Message != msg.Text(msg.ZhCN, "customer.wechat_id.format") {
		t.Errorf("Message %q, want the Chinese text", f.Message)
	}
	if _, fs := Invalid(f).In(msg.En); fs[0].Message != msg.Text(msg.En, "customer.wechat_id.format") {
		t.Errorf("rendered in English as %q", fs[0].Message)
	}
}
