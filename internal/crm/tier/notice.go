package tier

import (
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// NoticeChanged is the kind of notice that a customer's tier changed.
const NoticeChanged crm.NoticeKind = "tier_changed"

// ChangedNotice tells a customer's owner that its level in s moved.
func ChangedNotice(s Scheme, m Member, from, to string) crm.Notice {
	label := func(code string) string {
		if l, ok := s.Level(code); ok {
			return l.Label()
		}
		return code
	}
	name := s.Name
	if s.NameEn != "" && s.NameEn != s.Name {
		name += " / " + s.NameEn
	}
	text := msg.M("tier.notice.changed", m.Name, name, label(from), label(to))
	id := strconv.FormatInt(m.CustomerID, 10)
	link := publicURL + "/customers/" + id
	zh, en := text.In(msg.ZhCN), text.In(msg.En)
	return crm.Notice{To: crm.Audience{Users: []int64{m.OwnerID}}, Kind: NoticeChanged, Entity: "customer", EntityID: id,
		Text: text, Link: link, Message: zh + " / " + en, MailBody: zh + "\n" + en + "\n\n" + link + "\n"}
}

// publicURL stands for Kehu's address in a mail's link until the outbox
// sends it (the placeholder complaint mail uses too).
const publicURL = "{{public_url}}"
