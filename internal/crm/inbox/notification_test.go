package inbox

import (
	"testing"

	"github.com/kehucrm/kehu/internal/msg"
)

func TestANotificationReadsInItsReadersLanguage(t *testing.T) {
	keyed := Notification{ID: 1, Message: "质量客诉 202611-0007 已开立异常处理单 / quality complaint 202611-0007 opened an abnormality record",
		Text: msg.M("notice.abnormality_opened", "202611-0007")}
	old := Notification{ID: 2, Message: "客诉 202611-0001 已逾期（registered）/ complaint 202611-0001 is overdue"}
	for _, tc := range []struct {
		name string
		n    Notification
		lang string
		want string
	}{
		{"one with a key reads in Chinese for a Chinese reader", keyed, msg.ZhCN, "质量客诉 202611-0007 已开立异常处理单"},
		{"one with a key reads in English for an English reader", keyed, msg.En, "quality complaint 202611-0007 opened an abnormality record"},
		{"one sent before texts kept their key reads as it was written", old, msg.En, old.Message},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.n.In(tc.lang); got.Message != tc.want || got.ID != tc.n.ID {
				t.Errorf("read in %s: %+v, want %q", tc.lang, got, tc.want)
			}
		})
	}
}
