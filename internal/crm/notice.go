package crm

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
// inbox and, for those who gave a notice address, an e-mail with Message
// as its subject and MailBody as its body. The domain writes every word
// of it; the store only resolves the audience and writes the rows.
type Notice struct {
	To       Audience
	Kind     NoticeKind
	Entity   string // what the notice is about: "complaint"
	EntityID string
	Message  string
	MailBody string
}
