package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/jobs"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/mail/mailtest"
)

var cst = time.FixedZone("CST", 8*3600)

// complaintOut is what these tests read of a complaint.
type complaintOut struct {
	ID                      int64
	Number                  string
	Status                  string
	Version                 int
	ReplyDueAt              time.Time  `json:"reply_due_at"`
	SolutionDueAt           *time.Time `json:"solution_due_at"`
	ReplyTimeLeftSeconds    *int64     `json:"reply_time_left_seconds"`
	SolutionTimeLeftSeconds *int64     `json:"solution_time_left_seconds"`
	SLARule                 string     `json:"sla_rule"`
	OverdueAt               *time.Time `json:"overdue_at"`
	EscalateAt              *time.Time `json:"escalate_at"`
	EscalatedAt             *time.Time `json:"escalated_at"`
	EscalationReason        string     `json:"escalation_reason"`
	AbnormalityID           int64      `json:"abnormality_id"`
	CSATScore               *int       `json:"csat_score"`
	CSATComment             string     `json:"csat_comment"`
	CSATAt                  *time.Time `json:"csat_at"`
	ContactEmail            string     `json:"contact_email"`
}

func (e *env) complaint(token string, id int64) complaintOut {
	e.t.Helper()
	r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", id), nil, as(token))
	var c complaintOut
	if r.Status != 200 || json.Unmarshal(r.Body, &c) != nil {
		e.t.Fatalf("GET complaint %d = %d %s", id, r.Status, r.Body)
	}
	return c
}

func (e *env) fileComplaint(token, body string) complaintOut {
	e.t.Helper()
	r := e.do("POST", "/api/v1/complaints", strings.NewReader(body), as(token))
	var c complaintOut
	if r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
		e.t.Fatalf("intake = %d %s", r.Status, r.Body)
	}
	return c
}

// sweep runs the SLA job's two steps at now.
func (e *env) sweep(now time.Time) complaint.SweepResult {
	e.t.Helper()
	cals, err := crm.NewCalendars(e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := complaint.SweepSLA(context.Background(), e.db, cals, now)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) inbox(token string) string {
	return string(e.do("GET", "/api/v1/notifications", nil, as(token)).Body)
}

// smtpFor starts the loopback SMTP server and a mailer that uses it with
// STARTTLS and PLAIN authentication.
func smtpFor(t *testing.T) (*mailtest.Server, *mail.SMTP) {
	srv := mailtest.Start(t, "kehu", "s3cret")
	m, err := mail.ParseURL("smtp://kehu:s3cret@" + srv.Addr + "?from=kehu@example.com")
	if err != nil {
		t.Fatal(err)
	}
	m.TLS = srv.ClientTLS
	return srv, m
}

func TestComplaintRulesPrecedenceAndDeadlinesAcrossAHoliday(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		plain, _ := o.create(o.am1, `{"name":"宁波轴承"}`)
		vip, _ := o.create(o.am1, `{"name":"宁波模具","stage":"strategic"}`)

		r := e.do("GET", "/api/v1/complaint-rules", nil, as(o.admin))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"reply_hours":24,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1`) {
			t.Fatalf("the default rules = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/complaint-rules", nil, as(o.gm)); r.Status != 403 {
			t.Errorf("the gm reading the rules = %d, want 403 (settings.manage)", r.Status)
		}
		def := `{"category":"","severity":"","tier":"","reply_hours":24,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}`
		bad := []struct{ body, field string }{
			{`{"rules":[]}`, `"field":"rules"`},
			{`{"rules":[{"category":"logistics","severity":"","tier":"","reply_hours":24,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`, `"field":"rules"`},
			{`{"rules":[` + def + `,{"category":"fax","severity":"","tier":"","reply_hours":24,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`, `"field":"rules[1].category"`},
			{`{"rules":[` + def + `,{"category":"","severity":"major","tier":"vip","reply_hours":0,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`, `"field":"rules[1].tier"`},
			{`{"rules":[` + def + `,{"category":"","severity":"major","tier":"","reply_hours":0,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`, `"field":"rules[1].reply_hours"`},
			{`{"rules":[` + def + `,{"category":"","severity":"major","tier":"","reply_hours":4,"solution_working_days":99,"quality_solution_working_days":1,"escalate_after_working_days":-1}]}`, `"field":"rules[1].escalate_after_working_days"`},
			{`{"rules":[` + def + `,` + def + `]}`, `"field":"rules[1].category"`},
		}
		for _, b := range bad {
			if r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(b.body), as(o.admin)); r.Status != 422 || !strings.Contains(string(r.Body), b.field) {
				t.Errorf("PUT %s = %d %s, want 422 naming %s", b.body, r.Status, r.Body, b.field)
			}
		}
		if r2 := e.do("GET", "/api/v1/complaint-rules", nil, as(o.admin)); string(r2.Body) != string(r.Body) {
			t.Errorf("refused rules changed the rules: %s", r2.Body)
		}
		rules := `{"rules":[` + def + `,
			{"category":"logistics","severity":"","tier":"","reply_hours":24,"solution_working_days":1,"quality_solution_working_days":1,"escalate_after_working_days":1},
			{"category":"","severity":"major","tier":"","reply_hours":4,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":0},
			{"category":"","severity":"major","tier":"stage:strategic","reply_hours":2,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":0},
			{"category":"logistics","severity":"","tier":"stage:strategic","reply_hours":24,"solution_working_days":3,"quality_solution_working_days":1,"escalate_after_working_days":1},
			{"category":"","severity":"","tier":"stage:strategic","reply_hours":12,"solution_working_days":2,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`
		if r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(rules), as(o.gm)); r.Status != 403 {
			t.Errorf("the gm changing the rules = %d, want 403", r.Status)
		}
		if r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(rules), as(o.admin)); r.Status != 200 {
			t.Fatalf("PUT rules = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/audit?entity=complaint_rules", nil, as(o.auditor)); !strings.Contains(string(r.Body), "complaint_rules") {
			t.Errorf("the change of rules is not audited: %s", r.Body)
		}
		// Received Tuesday 2025-09-30 10:00 China time; 1–8 October is the
		// National Day holiday, so working days resume on 9 October.
		cases := []struct {
			customer           int64
			category, severity string
			rule               string
			replyAfter         time.Duration
			solutionDay        string
		}{
			{plain.ID, "service", "normal", "*/*/*", 24 * time.Hour, "2025-10-10"},
			{plain.ID, "logistics", "normal", "logistics/*/*", 24 * time.Hour, "2025-10-09"},
			{plain.ID, "logistics", "major", "logistics/*/*", 24 * time.Hour, "2025-10-09"}, // category outranks severity
			{plain.ID, "service", "major", "*/major/*", 4 * time.Hour, "2025-10-10"},
			{vip.ID, "service", "major", "*/major/stage:strategic", 2 * time.Hour, "2025-10-10"}, // two fields beat one
			{vip.ID, "logistics", "normal", "logistics/*/stage:strategic", 24 * time.Hour, "2025-10-11"},
			{vip.ID, "logistics", "major", "logistics/*/stage:strategic", 24 * time.Hour, "2025-10-11"}, // category+tier outranks severity+tier
			{vip.ID, "service", "normal", "*/*/stage:strategic", 12 * time.Hour, "2025-10-10"},
			{vip.ID, "product_quality", "normal", "*/*/stage:strategic", 12 * time.Hour, "2025-10-09"}, // quality: 1 working day
		}
		received := time.Date(2025, 9, 30, 10, 0, 0, 0, cst)
		for _, c := range cases {
			got := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":%q,"severity":%q,"received_at":%q,"description":"测试"}`,
				c.customer, c.category, c.severity, received.Format(time.RFC3339)))
			if got.SLARule != c.rule {
				t.Errorf("%s/%s for customer %d: rule %s, want %s", c.category, c.severity, c.customer, got.SLARule, c.rule)
			}
			if !got.ReplyDueAt.Equal(received.Add(c.replyAfter)) {
				t.Errorf("%s: reply due %v, want %v", c.rule, got.ReplyDueAt, received.Add(c.replyAfter))
			}
			if got.SolutionDueAt == nil || got.SolutionDueAt.In(cst).Format("2006-01-02 15:04") != c.solutionDay+" 18:00" {
				t.Errorf("%s: solution due %v, want the end of %s", c.rule, got.SolutionDueAt, c.solutionDay)
			}
			if got.ReplyTimeLeftSeconds == nil || *got.ReplyTimeLeftSeconds >= 0 || got.SolutionTimeLeftSeconds == nil || *got.SolutionTimeLeftSeconds >= 0 {
				t.Errorf("%s: the clocks of a complaint of 2025 should be negative (overdue): %v %v", c.rule, got.ReplyTimeLeftSeconds, got.SolutionTimeLeftSeconds)
			}
		}
		fresh := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"刚收到"}`, plain.ID))
		if l := fresh.ReplyTimeLeftSeconds; l == nil || *l < 23*3600 || *l > 24*3600 {
			t.Errorf("a fresh complaint's reply clock = %v, want about 24 hours", l)
		}
	})
}

func TestTheSweepMailsTheResponsibleAndTheirManagerAfterCommit(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		zhang := e.userIn("zhang", crm.RoleService, "", "mgr_a") // the assignee, managed by mgr_a
		srv, mailer := smtpFor(t)
		cust, _ := o.create(o.am1, `{"name":"温州鞋业"}`)
		if r := e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"not-an-address"}`), as(o.mgrA)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"email"`) {
			t.Errorf("a bad notice address = %d %s", r.Status, r.Body)
		}
		if r := e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"mgr.a@example.com"}`), as(o.mgrA)); r.Status != 200 {
			t.Fatalf("setting the notice address = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/notifications/email", nil, as(o.mgrA)); !strings.Contains(string(r.Body), "mgr.a@example.com") {
			t.Errorf("reading the notice address: %s", r.Body)
		}
		e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"zhang@example.com"}`), as(zhang))
		c := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","received_at":"2025-09-30T10:00:00+08:00","description":"无人处理"}`, cust.ID))
		a := complaintActors{o: o, clerk: clerk}
		if r := a.move(t, c.ID, o.gm, "accepted", "受理", nil); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := a.move(t, c.ID, o.gm, "assigned", "交服务部", map[string]string{"department": "服务部", "assignee": "zhang"}); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}

		srv.Reject(true) // the mail server is down: the sweep must still mark and commit
		now := time.Now()
		res := e.sweep(now)
		if len(res.Overdue) != 1 || res.Overdue[0].ID != c.ID {
			t.Fatalf("the sweep marked %d complaints, want this one", len(res.Overdue))
		}
		if got := e.complaint(clerk, c.ID); got.OverdueAt == nil || got.EscalateAt == nil || !got.EscalateAt.After(now) {
			t.Fatalf("after the sweep: overdue %v, escalate at %v", got.OverdueAt, got.EscalateAt)
		}
		if sent, err := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", now); err != nil || sent != 0 {
			t.Fatalf("drain with the mail server refusing: sent %d, %v", sent, err)
		}
		if !strings.Contains(e.inbox(zhang), "逾期") || !strings.Contains(e.inbox(o.mgrA), "逾期") {
			t.Errorf("the assignee and their manager were not told in the inbox")
		}
		srv.Reject(false)
		if sent, _ := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", now); sent != 0 {
			t.Errorf("a failed message was retried before its time")
		}
		sent, err := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", now.Add(2*time.Minute))
		if err != nil || sent != 2 {
			t.Fatalf("the retry sent %d (%v), want 2", sent, err)
		}
		msgs := srv.Wait(2, 5*time.Second)
		to := map[string]bool{}
		for _, m := range msgs {
			to[m.To] = true
			if !m.TLS || !m.Authed || m.From != "kehu@example.com" || !strings.Contains(m.Subject, c.Number) || !strings.Contains(m.Subject, "逾期") ||
				!strings.Contains(m.Body, fmt.Sprintf("https://kehu.example.com/complaints/%d", c.ID)) {
				t.Errorf("a mail: %+v", m)
			}
		}
		if !to["zhang@example.com"] || !to["mgr.a@example.com"] || len(msgs) != 2 {
			t.Errorf("mail went to %v, want the assignee and their manager", to)
		}
		if again := e.sweep(now); len(again.Overdue) != 0 {
			t.Errorf("a second sweep marked again")
		}
		if sent, _ := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", now.Add(time.Hour)); sent != 0 {
			t.Errorf("a sent message was sent again")
		}
	})
}

func TestAnOverdueComplaintGoesToTheGMAfterTheDelayExactlyOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		srv, mailer := smtpFor(t)
		e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"gm@example.com"}`), as(o.gm))
		cust, _ := o.create(o.am1, `{"name":"义乌小商品"}`)
		c := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"price","received_at":"2025-09-30T10:00:00+08:00","description":"价格不符"}`, cust.ID))
		// The reply was due 2025-10-01 10:00; marked overdue at 11:00 on
		// that holiday, one working day later is the end of 9 October.
		marked := time.Date(2025, 10, 1, 11, 0, 0, 0, cst)
		if res := e.sweep(marked); len(res.Overdue) != 1 || len(res.Escalated) != 0 {
			t.Fatalf("first sweep: %d overdue, %d escalated", len(res.Overdue), len(res.Escalated))
		}
		got := e.complaint(clerk, c.ID)
		if got.EscalateAt == nil || got.EscalateAt.In(cst).Format("2006-01-02 15:04") != "2025-10-09 18:00" {
			t.Fatalf("escalate at %v, want the end of the next working day (2025-10-09 18:00)", got.EscalateAt)
		}
		if res := e.sweep(time.Date(2025, 10, 9, 17, 59, 0, 0, cst)); len(res.Escalated) != 0 {
			t.Errorf("escalated before the delay ran out")
		}
		res := e.sweep(time.Date(2025, 10, 9, 18, 0, 30, 0, cst))
		if len(res.Escalated) != 1 {
			t.Fatalf("escalated %d, want 1", len(res.Escalated))
		}
		for range 2 {
			if res := e.sweep(time.Date(2025, 10, 10, 9, 0, 0, 0, cst)); len(res.Escalated) != 0 {
				t.Errorf("escalated again")
			}
		}
		got = e.complaint(clerk, c.ID)
		if got.EscalatedAt == nil || got.EscalationReason != "overdue" {
			t.Errorf("escalated at %v, reason %q", got.EscalatedAt, got.EscalationReason)
		}
		if n := strings.Count(e.inbox(o.gm), "已上报总经理"); n != 1 {
			t.Errorf("the gm's inbox has %d escalations, want 1", n)
		}
		if r := e.do("GET", "/api/v1/audit?entity=complaint", nil, as(o.auditor)); !strings.Contains(string(r.Body), `escalated`) {
			t.Errorf("the escalation is not audited")
		}
		if _, err := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", time.Now()); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Wait(1, 5*time.Second) // escalated (the overdue notice went to the GM office, whose step it waited for)
		escalations := 0
		for _, m := range msgs {
			if strings.Contains(m.Subject, "已上报总经理") {
				escalations++
			}
		}
		if escalations != 1 {
			t.Errorf("the gm got %d escalation mails: %+v", escalations, msgs)
		}
		if _, problem, err := e.db.VerifyAudit(context.Background()); problem != nil || err != nil {
			t.Errorf("the audit chain after the sweep: %+v %v", problem, err)
		}
	})
}

func TestAMajorComplaintGoesToTheGMAtOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		srv, mailer := smtpFor(t)
		e.do("PUT", "/api/v1/notifications/email", strings.NewReader(`{"email":"gm@example.com"}`), as(o.gm))
		cust, _ := o.create(o.am1, `{"name":"金华五金"}`)
		normal := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"一般问题"}`, cust.ID))
		if normal.EscalatedAt != nil || strings.Contains(e.inbox(o.gm), "重大") {
			t.Errorf("a normal complaint was escalated")
		}
		major := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","severity":"major","description":"批量投诉"}`, cust.ID))
		if major.EscalatedAt == nil || major.EscalationReason != "major" {
			t.Fatalf("a major complaint: escalated %v %q", major.EscalatedAt, major.EscalationReason)
		}
		if !strings.Contains(e.inbox(o.gm), "重大客诉 "+major.Number) {
			t.Errorf("the gm's inbox lacks the major complaint: %s", e.inbox(o.gm))
		}
		if res := e.sweep(time.Now().Add(72 * time.Hour)); len(res.Escalated) != 0 {
			t.Errorf("the sweep escalated a major complaint again: %d", len(res.Escalated))
		}
		if _, err := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com", time.Now()); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range srv.Wait(1, 5*time.Second) {
			found = found || (m.To == "gm@example.com" && strings.Contains(m.Subject, "重大客诉 "+major.Number))
		}
		if !found {
			t.Errorf("the gm got no mail of the major complaint: %+v", srv.Messages())
		}
	})
}

func TestAQualityComplaintOpensItsAbnormalityRecordAtOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		cust, _ := o.create(o.am1, `{"name":"台州汽配"}`)
		plain := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"态度差"}`, cust.ID))
		if plain.AbnormalityID != 0 {
			t.Errorf("a service complaint opened an abnormality record")
		}
		q := e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"product_quality","part_no":"P-88","quantity":500,"defective_quantity":12,"description":"尺寸超差"}`, cust.ID))
		if q.AbnormalityID == 0 {
			t.Fatalf("a quality complaint has no abnormality record")
		}
		path := fmt.Sprintf("/api/v1/abnormalities/%d", q.AbnormalityID)
		r := e.do("GET", path, nil, as(o.qa))
		var ab struct {
			Number      string `json:"number"`
			ComplaintID int64  `json:"complaint_id"`
			Quantity    int64  `json:"quantity"`
		}
		_ = json.Unmarshal(r.Body, &ab)
		if r.Status != 200 || ab.ComplaintID != q.ID || !strings.Contains(string(r.Body), `"status":"open"`) || !strings.Contains(string(r.Body), `"part_no":"P-88"`) ||
			ab.Quantity != 12 || !regexp.MustCompile(`^YC\d{6}-\d{4}$`).MatchString(ab.Number) {
			t.Fatalf("the record = %d %s", r.Status, r.Body)
		}
		if !strings.Contains(e.inbox(o.qa), "异常处理单") {
			t.Errorf("QA was not told of the new record")
		}
		if r := e.do("GET", path, nil, as(clerk)); r.Status != 403 {
			t.Errorf("the service desk reading the record = %d, want 403", r.Status)
		}
		if r := e.do("GET", "/api/v1/abnormalities?status=open", nil, as(o.gm)); strings.Count(string(r.Body), `"complaint_number"`) != 1 {
			t.Errorf("the open records: %s", r.Body)
		}
		patch := func(token, body string) response {
			return e.do("PATCH", path, strings.NewReader(body), as(token))
		}
		refusals := []struct{ body, field string }{
			{`{"version":1,"status":"contained"}`, "containment_action"},
			{`{"version":1,"status":"closed","containment_action":"隔离库存"}`, `"field":"status"`},
			{`{"version":1,"owner":"kefu"}`, `"field":"owner"`},
			{`{"version":1,"quantity":-1}`, `"field":"quantity"`},
		}
		for _, b := range refusals {
			if r := patch(o.qa, b.body); r.Status != 422 || !strings.Contains(string(r.Body), b.field) {
				t.Errorf("PATCH %s = %d %s, want 422 naming %s", b.body, r.Status, r.Body, b.field)
			}
		}
		if r := patch(clerk, `{"version":1,"containment_action":"x"}`); r.Status != 403 {
			t.Errorf("the service desk changing the record = %d", r.Status)
		}
		if r := patch(o.qa, `{"version":1,"status":"contained","containment_action":"隔离在库 3 批次","owner":"qa1","batch_no":"B-0917"}`); r.Status != 200 {
			t.Fatalf("containing = %d %s", r.Status, r.Body)
		}
		if r := patch(o.qa, `{"version":1,"recall_action":"x"}`); r.Status != 409 {
			t.Errorf("a stale version = %d, want 409", r.Status)
		}
		if r := patch(o.gm, `{"version":2,"status":"closed"}`); r.Status != 422 || !strings.Contains(string(r.Body), "recall_action") {
			t.Errorf("closing without the recall action = %d %s", r.Status, r.Body)
		}
		if r := patch(o.gm, `{"version":2,"status":"closed","recall_action":"召回 B-0917 共 500 件"}`); r.Status != 200 || !strings.Contains(string(r.Body), `"closed_at"`) {
			t.Errorf("closing = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/audit?entity=abnormality", nil, as(o.auditor)); !strings.Contains(string(r.Body), "abnormality") {
			t.Errorf("changes to the record are not audited")
		}
	})
}

// closeComplaint takes a non-quality complaint from registered to closed.
func closeComplaint(t *testing.T, a complaintActors, id int64) {
	t.Helper()
	o := a.o
	f := map[string]string{"department": "服务部", "assignee": "kefu", "cause": "沟通不足", "handling": "致歉", "responsibility": "服务部",
		"corrective_action": "培训", "effect_confirmed": "已改善", "delay_reason": "测试"}
	for _, s := range []struct{ token, to string }{{o.gm, "accepted"}, {o.gm, "assigned"}, {a.clerk, "investigating"}, {a.clerk, "solution_proposed"},
		{o.gm, "approved"}, {a.clerk, "customer_informed"}, {a.clerk, "customer_confirmed"}, {a.qa, "verified"}, {a.clerk, "return_visited"}, {a.clerk, "closed"}} {
		if r := a.move(t, id, s.token, s.to, "推进", f); r.Status != 200 {
			t.Fatalf("to %s = %d %s", s.to, r.Status, r.Body)
		}
	}
}

func TestClosingAComplaintMailsASatisfactionSurveyAnsweredOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a := complaintActors{o: o, clerk: e.user("kefu", crm.RoleService), qa: o.qa}
		srv, mailer := smtpFor(t)
		cust, _ := o.create(o.am1, `{"name":"丽水竹木"}`)
		if r := e.do("POST", "/api/v1/complaints", strings.NewReader(fmt.Sprintf(`{"customer_id":%d,"channel":"email","category":"service","description":"x","contact_email":"li@@example"}`, cust.ID)), as(a.clerk)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"contact_email"`) {
			t.Errorf("a bad contact e-mail = %d %s", r.Status, r.Body)
		}
		c := e.fileComplaint(a.clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"email","category":"service","description":"回复太慢","contact_email":"li.ming@example.com"}`, cust.ID))
		if c.ContactEmail != "l***@example.com" {
			t.Errorf("the contact e-mail is shown as %q, want it masked", c.ContactEmail)
		}
		closeComplaint(t, a, c.ID)
		if _, err := jobs.DrainOutbox(context.Background(), e.db, mailer, "https://kehu.example.com/", time.Now()); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Wait(1, 5*time.Second)
		var link string
		for _, m := range msgs {
			if m.To == "li.ming@example.com" {
				link = regexp.MustCompile(`https://kehu\.example\.com/csat/(kcs_[A-Za-z0-9_-]+)`).FindStringSubmatch(m.Body)[1]
			}
		}
		if link == "" {
			t.Fatalf("no survey mail: %+v", msgs)
		}
		var stored int
		if err := e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM csat_surveys WHERE token_hash = ?", link).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the token is stored in the clear (%d, %v)", stored, err)
		}
		if r := e.get("/csat/" + link); r.Status != 200 || !strings.Contains(string(r.Body), c.Number) || !strings.Contains(string(r.Body), `name="score"`) {
			t.Errorf("the survey page = %d", r.Status)
		}
		if r := e.do("GET", "/csat/"+link, nil, map[string]string{"Cookie": "kehu_lang=en"}); !strings.Contains(string(r.Body), "How did we do?") {
			t.Errorf("the English survey page lacks its title")
		}
		answer := func(body string) response {
			return e.do("POST", "/api/v1/public/csat/"+link, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
		}
		for _, bad := range []string{`{"score":6}`, `{"score":0,"comment":"x"}`, `{"comment":"no score"}`} {
			if r := answer(bad); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"score"`) {
				t.Errorf("%s = %d %s, want 422 naming score", bad, r.Status, r.Body)
			}
		}
		if r := e.do("POST", "/api/v1/public/csat/kcs_nosuchtoken", strings.NewReader(`{"score":5}`), map[string]string{"Content-Type": "application/json"}); r.Status != 404 {
			t.Errorf("an unknown link = %d", r.Status)
		}
		if r := answer(`{"score":4,"comment":"处理及时"}`); r.Status != 200 {
			t.Fatalf("the answer = %d %s", r.Status, r.Body)
		}
		if r := answer(`{"score":1,"comment":"改主意了"}`); r.Status != 409 {
			t.Errorf("a second answer = %d, want 409", r.Status)
		}
		if r := e.do("POST", "/csat/"+link, strings.NewReader("score=2"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); r.Status != 409 {
			t.Errorf("a second answer on the page = %d, want 409", r.Status)
		}
		got := e.complaint(a.clerk, c.ID)
		if got.CSATScore == nil || *got.CSATScore != 4 || got.CSATComment != "处理及时" || got.CSATAt == nil {
			t.Errorf("the complaint's satisfaction: %v %q %v", got.CSATScore, got.CSATComment, got.CSATAt)
		}
		if r := e.do("GET", "/api/v1/csat/phone-follow-ups", nil, as(a.clerk)); strings.Contains(string(r.Body), c.Number) {
			t.Errorf("a mailed survey is on the phone list")
		}
	})
}

func TestASurveyWithoutEmailGoesOnThePhoneList(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a := complaintActors{o: o, clerk: e.user("kefu", crm.RoleService), qa: o.qa}
		cust, _ := o.create(o.am1, `{"name":"衢州化工"}`)
		c := e.fileComplaint(a.clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"电话投诉"}`, cust.ID))
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/csat", c.ID), strings.NewReader(`{"score":5}`), as(a.clerk)); r.Status != 422 || !strings.Contains(string(r.Body), "closed") {
			t.Errorf("an answer before closing = %d %s", r.Status, r.Body)
		}
		closeComplaint(t, a, c.ID)
		r := e.do("GET", "/api/v1/csat/phone-follow-ups", nil, as(a.clerk))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"complaint_number":"`+c.Number+`"`) || !strings.Contains(string(r.Body), `"channel":"phone"`) {
			t.Fatalf("the phone list = %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/api/v1/csat/phone-follow-ups", nil, as(o.qa)); r.Status != 403 {
			t.Errorf("QA reading the phone list = %d, want 403", r.Status)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/csat", c.ID), strings.NewReader(`{"score":9}`), as(a.clerk)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"score"`) {
			t.Errorf("a bad score by phone = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/csat", c.ID), strings.NewReader(`{"score":3,"comment":"一般"}`), as(o.qa)); r.Status != 403 {
			t.Errorf("QA recording an answer = %d, want 403", r.Status)
		}
		r = e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/csat", c.ID), strings.NewReader(`{"score":3,"comment":"一般"}`), as(a.clerk))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"csat_score":3`) {
			t.Fatalf("recording by phone = %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/csat", c.ID), strings.NewReader(`{"score":5}`), as(a.clerk)); r.Status != 409 {
			t.Errorf("a second answer by phone = %d, want 409", r.Status)
		}
		if r := e.do("GET", "/api/v1/csat/phone-follow-ups", nil, as(a.clerk)); strings.Contains(string(r.Body), c.Number) {
			t.Errorf("an answered survey stays on the phone list")
		}
	})
}

// TestBadComplaintInputChangesNothing: an unknown customer, a skipped
// step, a missing cause and bad rules each get an error naming the field,
// and leave everything as it was.
func TestBadComplaintInputChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		a := complaintActors{o: o, clerk: e.user("kefu", crm.RoleService), qa: o.qa}
		cust, _ := o.create(o.am1, `{"name":"舟山水产"}`)
		count := func() (n int) {
			_ = e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM complaints").Scan(&n)
			return n
		}
		audits := func() (n int) {
			_ = e.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n)
			return n
		}
		before, auditBefore := count(), audits()
		if r := e.do("POST", "/api/v1/complaints", strings.NewReader(`{"customer_id":424242,"channel":"phone","category":"service","description":"x"}`), as(a.clerk, "Accept-Language", "en")); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"customer_id"`) || !strings.Contains(string(r.Body), "no such customer") {
			t.Errorf("an unknown customer = %d %s", r.Status, r.Body)
		}
		if count() != before || audits() != auditBefore {
			t.Errorf("a refused intake wrote something")
		}
		c := e.fileComplaint(a.clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":"service","description":"漏发货"}`, cust.ID))
		snapshot := func() string {
			r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%d/events", c.ID), nil, as(a.clerk))
			got := e.complaint(a.clerk, c.ID)
			return fmt.Sprint(got.Status, got.Version, string(r.Body))
		}
		was, auditBefore := snapshot(), audits()
		if r := a.move(t, c.ID, o.gm, "assigned", "跳过受理", map[string]string{"department": "服务部", "assignee": "kefu"}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"to"`) || !strings.Contains(string(r.Body), "accepted") {
			t.Errorf("a skipped step = %d %s", r.Status, r.Body)
		}
		if snapshot() != was || audits() != auditBefore {
			t.Errorf("a refused skip changed the complaint")
		}
		for _, s := range []struct{ token, to string }{{o.gm, "accepted"}, {o.gm, "assigned"}, {a.clerk, "investigating"}} {
			if r := a.move(t, c.ID, s.token, s.to, "推进", map[string]string{"department": "服务部", "assignee": "kefu"}); r.Status != 200 {
				t.Fatal(r.Status, string(r.Body))
			}
		}
		was, auditBefore = snapshot(), audits()
		if r := a.move(t, c.ID, a.clerk, "solution_proposed", "方案", map[string]string{"handling": "补发", "responsibility": "仓库"}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"fields.cause"`) {
			t.Errorf("a missing cause = %d %s", r.Status, r.Body)
		}
		if snapshot() != was || audits() != auditBefore {
			t.Errorf("a refused step changed the complaint")
		}
		rules := string(e.do("GET", "/api/v1/complaint-rules", nil, as(o.admin)).Body)
		if r := e.do("PUT", "/api/v1/complaint-rules", strings.NewReader(`{"rules":[{"category":"","severity":"","tier":"","reply_hours":24,"solution_working_days":0,"quality_solution_working_days":1,"escalate_after_working_days":1}]}`), as(o.admin)); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"rules[0].solution_working_days"`) {
			t.Errorf("a bad rule = %d %s", r.Status, r.Body)
		}
		if string(e.do("GET", "/api/v1/complaint-rules", nil, as(o.admin)).Body) != rules || audits() != auditBefore {
			t.Errorf("a refused rule set changed something")
		}
	})
}
