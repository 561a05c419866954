package complaint

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// The kinds of notice about complaints.
const (
	NoticeOverdue     crm.NoticeKind = "complaint_overdue"   // a deadline was missed
	NoticeEscalated   crm.NoticeKind = "complaint_escalated" // the gm is told: a major complaint, or one overdue too long
	NoticeAbnormality crm.NoticeKind = "abnormality_opened"  // a quality complaint opened its abnormality record
)

// The reasons a complaint goes to the gm (escalation_reason).
const (
	EscalationMajor   = "major"   // 重大问题应立即向上级报告: at intake
	EscalationOverdue = "overdue" // overdue for its rule's working days
)

// OverdueAudience is who hears that a complaint is overdue: the person
// it is assigned to and their manager; with nobody assigned yet, the GM
// office, whose step (accepting, assigning) it is waiting for. The gm
// hears of it when it is escalated (EscalatedNotice).
func OverdueAudience(c Complaint) crm.Audience {
	if c.AssigneeID == 0 {
		return crm.Audience{Role: crm.RoleGMOffice}
	}
	return crm.Audience{Users: []int64{c.AssigneeID}, ManagerOf: c.AssigneeID}
}

// OverdueNotice tells the people responsible that c missed a deadline.
func OverdueNotice(c Complaint) crm.Notice {
	return complaintNotice(c, OverdueAudience(c), NoticeOverdue,
		msg.M("notice.complaint_overdue", c.Number, msg.M("complaints.status."+string(c.Status))))
}

// EscalatedNotice tells every gm that c stayed overdue past its rule's
// working days.
func EscalatedNotice(c Complaint) crm.Notice {
	return complaintNotice(c, crm.Audience{Role: crm.RoleGM}, NoticeEscalated,
		msg.M("notice.overdue_escalated", c.Number))
}

// MajorNotice tells every gm of a complaint escalated at intake (a major
// one); ok is false for any other.
func MajorNotice(c Complaint) (n crm.Notice, ok bool) {
	if c.EscalatedAt == nil {
		return crm.Notice{}, false
	}
	return complaintNotice(c, crm.Audience{Role: crm.RoleGM}, NoticeEscalated,
		msg.M("notice.major_escalated", c.Number)), true
}

// AbnormalityNotice tells QA that a quality complaint opened its
// abnormality record, which QA contains and closes.
func AbnormalityNotice(c Complaint) crm.Notice {
	return complaintNotice(c, crm.Audience{Role: crm.RoleQA}, NoticeAbnormality,
		msg.M("notice.abnormality_opened", c.Number))
}

// complaintNotice is a notice of text about c, whose mail links to the
// complaint's page. Its text is kept as a key, so that each reader reads
// it in their language; Message and MailBody say it in both languages.
func complaintNotice(c Complaint, to crm.Audience, kind crm.NoticeKind, text msg.Message) crm.Notice {
	id := strconv.FormatInt(c.ID, 10)
	link := PublicURLPlaceholder + "/complaints/" + id
	m := bilingual(text, "/ ")
	return crm.Notice{To: to, Kind: kind, Entity: "complaint", EntityID: id, Text: text, Link: link, Message: m,
		MailBody: m + "\n\n" + link + "\n"}
}

// bilingual renders text in Chinese, then sep, then in English: how a
// mail speaks to a reader whose language it does not know (a customer). A
// space goes before sep unless it starts a line or the Chinese ends in
// full-width punctuation, which carries its own space.
func bilingual(text msg.Message, sep string) string {
	zh := text.In(msg.ZhCN)
	last, _ := utf8.DecodeLastRuneInString(zh)
	if !strings.HasPrefix(sep, "\n") && !unicode.In(last, fullWidth) {
		sep = " " + sep
	}
	return zh + sep + text.In(msg.En)
}

// fullWidth is the punctuation of Chinese text (。，（）：and the like).
var fullWidth = &unicode.RangeTable{R16: []unicode.Range16{{Lo: 0x3000, Hi: 0x303f, Stride: 1}, {Lo: 0xff00, Hi: 0xffef, Stride: 1}}}
