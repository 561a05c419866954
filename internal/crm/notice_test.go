package crm

import (
	"testing"

	"github.com/kehucrm/kehu/internal/msg"
)

func TestANoticeIsMailedInItsReadersLanguage(t *testing.T) {
	n := Notice{Text: msg.M("notice.overdue_escalated", "202611-0007"), Link: "{{public_url}}/complaints/7",
		Message: "逾期客诉 202611-0007 已上报总经理 / overdue complaint 202611-0007 escalated to the GM", MailBody: "both languages"}
	for _, tc := range []struct {
		name          string
		n             Notice
		lang          string
		subject, body string
	}{
		{"a Chinese reader gets it in Chinese, the link below", n, msg.ZhCN,
			"逾期客诉 202611-0007 已上报总经理", "逾期客诉 202611-0007 已上报总经理\n\n{{public_url}}/complaints/7\n"},
		{"an English reader gets it in English", n, msg.En,
			"overdue complaint 202611-0007 escalated to the GM", "overdue complaint 202611-0007 escalated to the GM\n\n{{public_url}}/complaints/7\n"},
		{"a notice without a text is mailed as written", Notice{Message: n.Message, MailBody: n.MailBody}, msg.En,
			n.Message, "both languages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if subject, body := tc.n.Mail(tc.lang); subject != tc.subject || body != tc.body {
				t.Errorf("mail = %q %q, want %q %q", subject, body, tc.subject, tc.body)
			}
		})
	}
}
