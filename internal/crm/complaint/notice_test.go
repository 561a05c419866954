package complaint

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

func TestWhoHearsOfAComplaintAndWhat(t *testing.T) {
	now := time.Date(2026, 11, 5, 2, 0, 0, 0, time.UTC)
	assigned := Complaint{ID: 7, Number: "202611-0007", Status: StatusInvestigating, ComplaintWork: ComplaintWork{AssigneeID: 42}}
	waiting := Complaint{ID: 8, Number: "202611-0008", Status: StatusRegistered}
	major := Complaint{ID: 9, Number: "202611-0009", Status: StatusRegistered, ComplaintSLA: ComplaintSLA{EscalatedAt: &now}}
	for _, tc := range []struct {
		name string
		n    crm.Notice
		to   crm.Audience
		kind crm.NoticeKind
		msg  string
	}{
		{"an overdue assigned complaint goes to the assignee and their manager", OverdueNotice(assigned),
			crm.Audience{Users: []int64{42}, ManagerOf: 42}, NoticeOverdue, "客诉 202611-0007 已逾期（调查中）/ complaint 202611-0007 is overdue"},
		{"an overdue unassigned complaint goes to the GM office, whose step it waits for", OverdueNotice(waiting),
			crm.Audience{Role: crm.RoleGMOffice}, NoticeOverdue, "客诉 202611-0008 已逾期（已登记）/ complaint 202611-0008 is overdue"},
		{"an escalation goes to every gm", EscalatedNotice(assigned),
			crm.Audience{Role: crm.RoleGM}, NoticeEscalated, "逾期客诉 202611-0007 已上报总经理 / overdue complaint 202611-0007 escalated to the GM"},
		{"a quality complaint's record goes to QA", AbnormalityNotice(assigned),
			crm.Audience{Role: crm.RoleQA}, NoticeAbnormality, "质量客诉 202611-0007 已开立异常处理单 / quality complaint 202611-0007 opened an abnormality record"},
		{"a major complaint goes to every gm", mustMajor(t, major),
			crm.Audience{Role: crm.RoleGM}, NoticeEscalated, "重大客诉 202611-0009 已上报总经理 / major complaint 202611-0009 escalated to the GM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.n
			if !slices.Equal(n.To.Users, tc.to.Users) || n.To.ManagerOf != tc.to.ManagerOf || n.To.Role != tc.to.Role {
				t.Errorf("audience = %+v, want %+v", n.To, tc.to)
			}
			if n.Kind != tc.kind || n.Message != tc.msg || n.Entity != "complaint" {
				t.Errorf("notice = %s %s %q", n.Kind, n.Entity, n.Message)
			}
			if want := tc.msg + "\n\n{{public_url}}/complaints/" + n.EntityID + "\n"; n.MailBody != want {
				t.Errorf("mail body = %q, want %q", n.MailBody, want)
			}
			if zh, en := n.Text.In(msg.ZhCN), n.Text.In(msg.En); bilingual(n.Text, "/ ") != tc.msg || n.Link != "{{public_url}}/complaints/"+n.EntityID ||
				strings.ContainsFunc(zh, isLatinLetter) || strings.ContainsFunc(en, isHan) {
				t.Errorf("text = %q / %q, link %q", zh, en, n.Link)
			}
		})
	}
	t.Run("an ordinary complaint tells no gm at intake", func(t *testing.T) {
		if _, ok := MajorNotice(waiting); ok {
			t.Error("a notice for a complaint that was not escalated")
		}
	})
}

// isLatinLetter and isHan tell the letters of an English word and of
// Chinese text apart, for tests that a text speaks one language.
func isLatinLetter(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }
func isHan(r rune) bool         { return unicode.Is(unicode.Han, r) }

func mustMajor(t *testing.T, c Complaint) crm.Notice {
	n, ok := MajorNotice(c)
	if !ok {
		t.Fatal("no notice for a major complaint")
	}
	return n
}

func TestWhatRegisteringAComplaintBrings(t *testing.T) {
	received := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 1 December in China
	qty, defective := int64(100), int64(3)
	for _, tc := range []struct {
		name        string
		c           Complaint
		abnormality bool
		quantity    *int64
		kinds       []crm.NoticeKind
	}{
		{"an ordinary complaint brings nothing", Complaint{}, false, nil, nil},
		{"a quality complaint opens its record for the defective quantity and tells QA",
			Complaint{Quality: true, Quantity: &qty, DefectiveQuantity: &defective}, true, &defective, []crm.NoticeKind{NoticeAbnormality}},
		{"without a defective quantity the record takes the whole", Complaint{Quality: true, Quantity: &qty}, true, &qty, []crm.NoticeKind{NoticeAbnormality}},
		{"a major complaint tells the gm", Complaint{ComplaintSLA: ComplaintSLA{EscalatedAt: &received}}, false, nil, []crm.NoticeKind{NoticeEscalated}},
		{"a major quality complaint does both, QA first", Complaint{Quality: true, ComplaintSLA: ComplaintSLA{EscalatedAt: &received}}, true, nil,
			[]crm.NoticeKind{NoticeAbnormality, NoticeEscalated}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.ID, tc.c.Number, tc.c.ReceivedAt, tc.c.CreatedAt, tc.c.PartNo = 5, "202612-0005", received, received, "P-1"
			r := RegistrationOf(tc.c)
			if r.Number.Format(5) != "202612-0005" {
				t.Errorf("number = %s", r.Number.Format(5))
			}
			in := r.Then(tc.c)
			var kinds []crm.NoticeKind
			for _, n := range in.Notices {
				kinds = append(kinds, n.Kind)
			}
			if !slices.Equal(kinds, tc.kinds) || (in.Abnormality != nil) != tc.abnormality {
				t.Fatalf("intake = %+v", in)
			}
			if a := in.Abnormality; a != nil {
				if a.Number.Format(1) != "YC202612-0001" || a.Record.Status != AbnormalityOpen || a.Record.ComplaintID != 5 || a.Record.PartNo != "P-1" ||
					a.Record.Quantity != tc.quantity || !a.Record.CreatedAt.Equal(received) {
					t.Errorf("record = %s %+v", a.Number.Format(1), a.Record)
				}
			}
		})
	}
}

func TestTheSweepsRules(t *testing.T) {
	now := time.Date(2026, 11, 5, 2, 0, 0, 0, time.UTC)
	c := Complaint{ID: 3, Number: "202611-0003", Status: StatusRegistered, ComplaintSLA: ComplaintSLA{EscalateAfterDays: 2}}
	t.Run("an overdue complaint goes to the gm its rule's working days later", func(t *testing.T) {
		var asked int
		m := OverdueRule(func(days int) time.Time { asked = days; return now.Add(48 * time.Hour) })(c, now)
		if asked != 2 || !m.EscalateAt.Equal(now.Add(48*time.Hour)) || m.Notice.Kind != NoticeOverdue {
			t.Errorf("mark = %+v (asked %d days)", m, asked)
		}
		if m.Audit.Username != "system:sla" || m.Audit.Entity != "complaint" || m.Audit.EntityID != "3" || !m.Audit.At.Equal(now) ||
			m.Audit.Detail != `{"overdue":{"before":false,"after":true}}` {
			t.Errorf("audit = %+v", m.Audit)
		}
	})
	t.Run("without a calendar it goes at once", func(t *testing.T) {
		if m := OverdueRule(nil)(c, now); !m.EscalateAt.Equal(now) {
			t.Errorf("escalate at %v", m.EscalateAt)
		}
	})
	t.Run("an escalation tells every gm and is audited as the SLA job's", func(t *testing.T) {
		x := EscalateRule(c, now)
		if x.Notice.To.Role != crm.RoleGM || x.Audit.Username != "system:sla" || x.Audit.Detail != `{"escalated":{"before":null,"after":"overdue"}}` {
			t.Errorf("escalation = %+v", x)
		}
	})
}

func TestTheSatisfactionMailSpeaksChineseThenEnglish(t *testing.T) {
	link := PublicURLPlaceholder + "/csat/kcs_x"
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"the subject puts a spaced slash between the languages", bilingual(msg.M("notice.csat.subject", "202611-0007"), "/ "),
			"满意度回访 / How did we do? 202611-0007"},
		{"the body puts a blank line between the languages", bilingual(msg.M("notice.csat.body", "202611-0007", link), "\n\n"),
			"您好！\n\n您的客诉 202611-0007 已处理完毕。请用一分钟为我们的处理打分（1–5 分）：\n" + link +
				"\n\nYour complaint 202611-0007 is closed. Please rate how we handled it (1–5):\n" + link + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
