package crm

import "github.com/kehucrm/kehu/internal/msg"

// NoticeKind names what a notice is about, so an inbox or a mail filter
// can tell notices apart.
type NoticeKind string

// Audience is who gets a notice, said declaratively: which people it
// means may depend on rows only the writing transaction sees (the
// assignee's manager, the active users of a role), so the store resolves
// it there, in the same transaction that writes the notice.
type Audience struct {
	Users     []int64 // these users
	ManagerOf int64   // and this user's manager, when they have one (0: nobody's)
	Role      Role    // and every active user of this role ("" : none)
}

// Notice is a message to an audience: a line in each person's in-app
// inbox and, for those who gave a notice address, an e-mail (see Mail).
// The domain writes every word of it; the store only resolves the
// audience and writes the rows.
//
// Text is what a reader sees, rendered in their language when they read
// it (the inbox keeps its key and arguments) or when it is mailed to them
// (in the language they chose). Message and MailBody are the same in
// Chinese then English: the inbox row keeps Message beside the key, so
// that the row reads as it did before texts were kept as keys.
type Notice struct {
	To       Audience
	Kind     NoticeKind
	Entity   string // what the notice is about: "complaint"
	EntityID string
	Text     msg.Message
	Link     string // the page of what it is about, ending its mail
	Message  string
	MailBody string
}

// Mail is the notice as an e-mail to a reader of lang: Text as its
// subject, and Text above Link as its body. A notice without Text is
// mailed as written.
func (n Notice) Mail(lang string) (subject, body string) {
	if n.Text.IsZero() {
		return n.Message, n.MailBody
	}
	s := n.Text.In(lang)
	return s, s + "\n\n" + n.Link + "\n"
}
