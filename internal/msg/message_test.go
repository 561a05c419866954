package msg

import (
	"context"
	"testing"
)

// problem stands for cn.Problem: a text that renders itself.
type problem struct{}

func (problem) Message(lang string) string {
	if Lang(lang) == En {
		return "bad"
	}
	return "有误"
}

func TestAMessageRendersInTheLanguageAskedFor(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		lang string
		want string
	}{
		{"a key with arguments in English", M("crm.invalid_one", "name", M("customer.required")), En, "name: is required"},
		{"the same key in Chinese renders its nested message in Chinese too", M("crm.invalid_one", "name", M("customer.required")), ZhCN, "name：必填"},
		{"a localizer argument follows the language", M("crm.invalid_one", "uscc", problem{}), ZhCN, "uscc：有误"},
		{"Of renders the localizer alone", Of(problem{}), En, "bad"},
		{"Plain is the same in every language", Plain("ACME"), ZhCN, "ACME"},
		{"an unknown language gets Chinese", M("crm.sign_in"), "fr", "请先登录"},
		{"a missing key shows itself", M("no.such_key"), En, "⟦no.such_key⟧"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.In(tt.lang); got != tt.want {
				t.Errorf("In(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestTheZeroMessageIsZero(t *testing.T) {
	if !(Message{}).IsZero() || M("crm.sign_in").IsZero() || Plain("").IsZero() {
		t.Error("only the Message with neither key nor arguments is zero")
	}
}

func TestAContextCarriesTheLanguageOfItsResponse(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"a context without one speaks Chinese", context.Background(), ZhCN},
		{"a context given English speaks English", WithLang(context.Background(), "en-GB"), En},
		{"a context given an unknown language speaks Chinese", WithLang(context.Background(), "fr"), ZhCN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LangOf(tt.ctx); got != tt.want {
				t.Errorf("LangOf = %q, want %q", got, tt.want)
			}
		})
	}
}
