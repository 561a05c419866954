package complaint

import (
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
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
// it is assigned to and their manager; with nobody assigned yet, every
// gm, whose step (accepting, assigning) it is waiting for.
func OverdueAudience(c Complaint) crm.Audience {
	if c.AssigneeID == 0 {
		return crm.Audience{Role: crm.RoleGM}
	}
	return crm.Audience{Users: []int64{c.AssigneeID}, ManagerOf: c.AssigneeID}
}

// OverdueNotice tells the people responsible that c missed a deadline.
func OverdueNotice(c Complaint) crm.Notice {
	return complaintNotice(c, OverdueAudience(c), NoticeOverdue,
		"客诉 "+c.Number+" 已逾期（"+string(c.Status)+"）/ complaint "+c.Number+" is overdue")
}

// EscalatedNotice tells every gm that c stayed overdue past its rule's
// working days.
func EscalatedNotice(c Complaint) crm.Notice {
	return complaintNotice(c, crm.Audience{Role: crm.RoleGM}, NoticeEscalated,
		"逾期客诉 "+c.Number+" 已上报总经理 / overdue complaint "+c.Number+" escalated to the GM")
}

// MajorNotice tells every gm of a complaint escalated at intake (a major
// one); ok is false for any other.
func MajorNotice(c Complaint) (n crm.Notice, ok bool) {
	if c.EscalatedAt == nil {
		return crm.Notice{}, false
	}
	return complaintNotice(c, crm.Audience{Role: crm.RoleGM}, NoticeEscalated,
		"重大客诉 "+c.Number+" 已上报总经理 / major complaint "+c.Number+" escalated to the GM"), true
}

// AbnormalityNotice tells QA that a quality complaint opened its
// abnormality record, which QA contains and closes.
func AbnormalityNotice(c Complaint) crm.Notice {
	return complaintNotice(c, crm.Audience{Role: crm.RoleQA}, NoticeAbnormality,
		"质量客诉 "+c.Number+" 已开立异常处理单 / quality complaint "+c.Number+" opened an abnormality record")
}

// complaintNotice is a notice about c whose e-mail repeats the message
// and links to the complaint's page.
func complaintNotice(c Complaint, to crm.Audience, kind crm.NoticeKind, msg string) crm.Notice {
	id := strconv.FormatInt(c.ID, 10)
	return crm.Notice{To: to, Kind: kind, Entity: "complaint", EntityID: id, Message: msg,
		MailBody: msg + "\n\n" + PublicURLPlaceholder + "/complaints/" + id + "\n"}
}
