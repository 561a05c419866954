package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/sms"
)

// eventsFixture is an org with a customer of am1's with two contacts (one
// with an e-mail address) and an event of capacity 1.
type eventsFixture struct {
	o        org
	customer int64
	contacts []int64
}

func newEventsFixture(t *testing.T, e *env) eventsFixture {
	t.Helper()
	o := newOrg(e)
	c, r := o.create(o.am1, `{"name":"活动测试机械有限公司"}`)
	if r.Status != 201 {
		t.Fatalf("customer: %d %s", r.Status, r.Body)
	}
	f := eventsFixture{o: o, customer: c.ID}
	for _, body := range []string{`{"name":"王经理","mobile":"13812345678","email":"wang@example.com"}`, `{"name":"李工","mobile":"13912345678"}`} {
		var k struct{ ID int64 }
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", c.ID), strings.NewReader(body), as(o.am1))
		if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		f.contacts = append(f.contacts, k.ID)
	}
	return f
}

type eventJSON struct {
	ID              int64
	Capacity        int
	Budget          string
	Invited         int
	Accepted        int
	Declined        int
	Attended        int
	CostPerAttendee string `json:"cost_per_attendee"`
}

type invitationJSON struct {
	ID          int64
	CustomerID  int64 `json:"customer_id"`
	Name        string
	Token       string
	Delivery    string
	Status      string
	CheckedInAt *time.Time `json:"checked_in_at"`
}

func (f eventsFixture) event(t *testing.T, e *env, body string) eventJSON {
	t.Helper()
	var ev eventJSON
	r := e.do("POST", "/api/v1/events", strings.NewReader(body), as(f.o.mgrA))
	if r.Status != 201 || json.Unmarshal(r.Body, &ev) != nil {
		t.Fatalf("event: %d %s", r.Status, r.Body)
	}
	if loc := r.Header.Get("Location"); e.do("GET", loc, nil, as(f.o.mgrA)).Status != 200 {
		t.Errorf("the event's Location %q does not answer", loc)
	}
	return ev
}

func (f eventsFixture) invitations(t *testing.T, e *env, eventID int64, token string) []invitationJSON {
	t.Helper()
	var page struct{ Items []invitationJSON }
	r := e.do("GET", fmt.Sprintf("/api/v1/events/%d/invitations", eventID), nil, as(token))
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
		t.Fatalf("invitations: %d %s", r.Status, r.Body)
	}
	return page.Items
}

func (f eventsFixture) inviteSegment(t *testing.T, e *env, eventID int64) []invitationJSON {
	t.Helper()
	body := fmt.Sprintf(`{"segment":{"owner_id":%d}}`, e.userID("am1"))
	r := e.do("POST", fmt.Sprintf("/api/v1/events/%d/invitations", eventID), strings.NewReader(body), as(f.o.mgrA))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"added":2`) {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	return f.invitations(t, e, eventID, f.o.mgrA)
}

func rsvp(e *env, token, response string) response {
	return e.do("POST", "/api/v1/public/rsvp/"+token, strings.NewReader(`{"response":"`+response+`"}`), jsonHeader)
}

func TestEventRSVPAcceptsOnceChangesBeforeTheCutOffAndRefusesOverCapacity(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		starts := time.Now().Add(10 * 24 * time.Hour).Format(time.RFC3339)
		cutoff := time.Now().Add(5 * 24 * time.Hour).Format(time.RFC3339)
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"symposium","title":"客户座谈会","starts_at":%q,"place":"湖州总部","capacity":1,"budget":"1000.00","rsvp_cutoff_at":%q}`, starts, cutoff))
		mailsBefore := e.countRows("SELECT COUNT(*) FROM mail_outbox")
		invs := f.inviteSegment(t, e, ev.ID)
		if len(invs) != 2 {
			t.Fatalf("invitations: %+v", invs)
		}
		byName := map[string]invitationJSON{}
		for _, inv := range invs {
			byName[inv.Name] = inv
			if len(inv.Token) < 32 {
				t.Errorf("%s's token %q is guessable", inv.Name, inv.Token)
			}
		}
		wang, li := byName["王经理"], byName["李工"]
		if wang.Delivery != "email" || li.Delivery != "by_hand" {
			t.Errorf("deliveries: 王经理 %s, 李工 %s; want email and by_hand (no address)", wang.Delivery, li.Delivery)
		}
		if n := e.countRows("SELECT COUNT(*) FROM mail_outbox") - mailsBefore; n != 1 {
			t.Errorf("%d invitation mails queued, want 1", n)
		}
		// Inviting the segment again adds nobody.
		r := e.do("POST", fmt.Sprintf("/api/v1/events/%d/invitations", ev.ID), strings.NewReader(fmt.Sprintf(`{"segment":{"owner_id":%d}}`, e.userID("am1"))), as(f.o.mgrA))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"added":0`) {
			t.Errorf("the second invitation of the segment: %d %s", r.Status, r.Body)
		}
		if r := e.get("/api/v1/public/rsvp/" + wang.Token); r.Status != 200 || !strings.Contains(string(r.Body), "客户座谈会") {
			t.Fatalf("the RSVP page without sign-in: %d %s", r.Status, r.Body)
		}
		if r := e.get("/api/v1/public/rsvp/" + strings.Repeat("a", 32)); r.Status != 404 {
			t.Errorf("an unknown token: %d %s", r.Status, r.Body)
		}
		if r := rsvp(e, wang.Token, "accept"); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"accepted"`) {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		audits := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'event_invitation'")
		if r := rsvp(e, wang.Token, "accept"); r.Status != 200 {
			t.Errorf("accepting again: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'event_invitation'"); n != audits {
			t.Errorf("accepting again wrote %d audit entries; it changes nothing", n-audits)
		}
		full := rsvp(e, li.Token, "accept")
		if full.Status != 409 || !strings.Contains(string(full.Body), "full") {
			t.Errorf("accepting over capacity: %d %s, want 409 naming the full event", full.Status, full.Body)
		}
		if got := f.invitations(t, e, ev.ID, f.o.mgrA); got[1].Status != "invited" && got[0].Status != "invited" {
			t.Errorf("the refused acceptance changed the invitation: %+v", got)
		}
		if r := rsvp(e, wang.Token, "decline"); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"declined"`) {
			t.Errorf("changing to decline before the cut-off: %d %s", r.Status, r.Body)
		}
		if r := rsvp(e, li.Token, "accept"); r.Status != 200 {
			t.Errorf("accepting the freed seat: %d %s", r.Status, r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'event_invitation'"); n != audits+2 {
			t.Errorf("%d audit entries for two RSVP changes, want 2", n-audits)
		}
		if r := rsvp(e, li.Token, "maybe"); r.Status != 422 || !strings.Contains(string(r.Body), "response") {
			t.Errorf("an unknown answer: %d %s", r.Status, r.Body)
		}

		// After the cut-off nothing changes.
		soon := time.Now().Add(48 * time.Hour).Format(time.RFC3339)
		closed := time.Now().Add(-time.Hour).Format(time.RFC3339)
		ev2 := f.event(t, e, fmt.Sprintf(`{"kind":"training","title":"产品培训","starts_at":%q,"rsvp_cutoff_at":%q}`, soon, closed))
		invs2 := f.inviteSegment(t, e, ev2.ID)
		r = rsvp(e, invs2[0].Token, "accept")
		if r.Status != 409 || !strings.Contains(string(r.Body), "closed") {
			t.Errorf("accepting after the cut-off: %d %s, want 409", r.Status, r.Body)
		}
		if got := f.invitations(t, e, ev2.ID, f.o.mgrA); got[0].Status != "invited" {
			t.Errorf("the refused answer was written: %+v", got[0])
		}
		// A cut-off after the start is refused, naming the field.
		r = e.do("POST", "/api/v1/events", strings.NewReader(fmt.Sprintf(`{"kind":"party","title":"","starts_at":%q,"rsvp_cutoff_at":"2099-01-01 10:00","budget":"abc"}`, soon)), as(f.o.mgrA))
		for _, field := range []string{"kind", "title", "rsvp_cutoff_at", "budget"} {
			if r.Status != 422 || !strings.Contains(string(r.Body), `"`+field+`"`) {
				t.Errorf("a bad event: %d %s, want 422 naming %s", r.Status, r.Body, field)
			}
		}
		// Account managers may not create events.
		if r := e.do("POST", "/api/v1/events", strings.NewReader(`{"kind":"other","title":"x","starts_at":"2027-01-01 10:00"}`), as(f.o.am1)); r.Status != 403 {
			t.Errorf("an account manager creating an event: %d", r.Status)
		}
	})
}

func TestEventCheckInMarksAttendanceOnceAndPutsItOnTheTimeline(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		started := time.Now().Add(-time.Hour).Format(time.RFC3339)
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"celebration","title":"年度庆典","starts_at":%q,"budget":"1000.00"}`, started))
		invs := f.inviteSegment(t, e, ev.ID)
		url := fmt.Sprintf("/api/v1/events/%d/check-ins", ev.ID)
		r := e.do("POST", url, strings.NewReader(`{"token":"`+strings.ToUpper(invs[0].Token)+`"}`), as(f.o.am1))
		if r.Status != 200 || !strings.Contains(string(r.Body), "checked_in_at") {
			t.Fatalf("check-in by token: %d %s", r.Status, r.Body)
		}
		if strings.Contains(string(r.Body), invs[0].Token) {
			t.Errorf("the check-in answer carries the token")
		}
		if r := e.do("POST", url, strings.NewReader(`{"token":"`+invs[0].Token+`"}`), as(f.o.am1)); r.Status != 409 {
			t.Errorf("checking in twice: %d %s, want 409", r.Status, r.Body)
		}
		if r := e.do("POST", url, strings.NewReader(fmt.Sprintf(`{"invitation_id":%d}`, invs[1].ID)), as(f.o.am1)); r.Status != 200 {
			t.Errorf("check-in by name (invitation): %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", url, strings.NewReader(`{"token":"nonsense"}`), as(f.o.am1)); r.Status != 404 || !strings.Contains(string(r.Body), "token") {
			t.Errorf("an unknown token at the door: %d %s", r.Status, r.Body)
		}
		var got eventJSON
		r = e.do("GET", fmt.Sprintf("/api/v1/events/%d", ev.ID), nil, as(f.o.mgrA))
		if json.Unmarshal(r.Body, &got) != nil || got.Attended != 2 || got.CostPerAttendee != "500.00" {
			t.Errorf("the event after two check-ins: %s; want attended 2, cost per attendee 500.00", r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/api/v1/customers/%d/interactions", f.customer), nil, as(f.o.am1))
		if strings.Count(string(r.Body), "年度庆典") != 2 {
			t.Errorf("the customer's timeline lacks the attendances: %s", r.Body)
		}
		if n := e.countRows("SELECT COUNT(*) FROM audit_log WHERE entity = 'event_invitation' AND detail LIKE '%check_in%'"); n != 2 {
			t.Errorf("%d check-ins audited, want 2", n)
		}
		// Feedback after the event, once, through the token.
		fb := func(body string) response {
			return e.do("POST", "/api/v1/public/rsvp/"+invs[0].Token+"/feedback", strings.NewReader(body), jsonHeader)
		}
		if r := fb(`{"rating":9}`); r.Status != 422 || !strings.Contains(string(r.Body), "rating") {
			t.Errorf("a rating of 9: %d %s", r.Status, r.Body)
		}
		if r := fb(`{"rating":5,"comment":"很好"}`); r.Status != 200 {
			t.Errorf("feedback: %d %s", r.Status, r.Body)
		}
		if r := fb(`{"rating":4}`); r.Status != 409 {
			t.Errorf("feedback twice: %d %s", r.Status, r.Body)
		}
		// am3 (another team) sees none of these invitations.
		if got := f.invitations(t, e, ev.ID, f.o.am3); len(got) != 0 {
			t.Errorf("am3 sees %d invitations of another's customer", len(got))
		}
	})
}

type callJSON struct {
	ID            int64
	Phone         string
	CustomerID    *int64     `json:"customer_id"`
	ContactID     *int64     `json:"contact_id"`
	AfterHours    bool       `json:"after_hours"`
	CallbackDueAt *time.Time `json:"callback_due_at"`
	ComplaintID   *int64     `json:"complaint_id"`
	Version       int
}

func postCall(t *testing.T, e *env, token, body string) (callJSON, response) {
	t.Helper()
	var c callJSON
	r := e.do("POST", "/api/v1/calls", strings.NewReader(body), as(token))
	_ = json.Unmarshal(r.Body, &c)
	return c, r
}

func TestAfterHoursCallGoesOnTheCallBackListDueAtTheNextWorkingPeriod(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		e.userIn("kefu_mgr", crm.RoleService, "客服部", "")
		clerk := e.userIn("kefu", crm.RoleService, "客服部", "kefu_mgr")
		cst := time.FixedZone("CST", 8*3600)
		c, r := postCall(t, e, clerk, `{"direction":"inbound","phone":"138 1234 5678","started_at":"2026-11-26T19:30:00+08:00","need":"空调不制冷"}`)
		if r.Status != 201 {
			t.Fatalf("call: %d %s", r.Status, r.Body)
		}
		if c.CustomerID == nil || *c.CustomerID != f.customer || c.ContactID == nil || *c.ContactID != f.contacts[0] {
			t.Errorf("the number did not find its customer and contact: %s", r.Body)
		}
		if c.Phone != "138****5678" {
			t.Errorf("phone %q, want masked", c.Phone)
		}
		if want := time.Date(2026, 11, 27, 9, 0, 0, 0, cst); !c.AfterHours || c.CallbackDueAt == nil || !c.CallbackDueAt.Equal(want) {
			t.Errorf("a Thursday-evening call: after hours %v, due %v; want the next working morning %v", c.AfterHours, c.CallbackDueAt, want)
		}
		h, r := postCall(t, e, clerk, `{"phone":"13900001111","started_at":"2026-10-03T10:00:00+08:00","need":"咨询"}`)
		if want := time.Date(2026, 10, 8, 9, 0, 0, 0, cst); r.Status != 201 || h.CallbackDueAt == nil || !h.CallbackDueAt.Equal(want) || h.CustomerID != nil {
			t.Errorf("a call on the National Day holiday: %d %s; want due %v and no customer", r.Status, r.Body, want)
		}
		in, r := postCall(t, e, clerk, `{"phone":"13900001111","started_at":"2026-11-26T10:00:00+08:00"}`)
		if r.Status != 201 || in.CallbackDueAt != nil || in.AfterHours {
			t.Errorf("a call in working hours needs no call-back: %s", r.Body)
		}
		// A call-back asked for on a holiday moves to the next working time.
		r = e.do("PATCH", fmt.Sprintf("/api/v1/calls/%d", in.ID), strings.NewReader(`{"needs_callback":true,"callback_due_at":"2027-01-01T10:00:00+08:00"}`),
			as(clerk, "If-Match", fmt.Sprintf(`"%d"`, in.Version)))
		var moved callJSON
		if want := time.Date(2027, 1, 4, 9, 0, 0, 0, cst); r.Status != 200 || json.Unmarshal(r.Body, &moved) != nil || moved.CallbackDueAt == nil || !moved.CallbackDueAt.Equal(want) {
			t.Errorf("a call-back on New Year's Day: %d %s; want due %v", r.Status, r.Body, want)
		}
		var list struct {
			Items []callJSON
			Total int
		}
		r = e.do("GET", "/api/v1/calls?callbacks=overdue", nil, as(clerk))
		if r.Status != 200 || json.Unmarshal(r.Body, &list) != nil || list.Total != 2 || list.Items[0].ID != h.ID {
			t.Errorf("the overdue call-backs, soonest first: %d %s", r.Status, r.Body)
		}
		// Bad input names the field and writes nothing.
		before := e.countRows("SELECT COUNT(*) FROM calls")
		if _, r := postCall(t, e, clerk, `{"direction":"sideways","phone":"12"}`); r.Status != 422 || !strings.Contains(string(r.Body), `"direction"`) || !strings.Contains(string(r.Body), `"phone"`) {
			t.Errorf("a bad call: %d %s", r.Status, r.Body)
		}
		if e.countRows("SELECT COUNT(*) FROM calls") != before {
			t.Errorf("a refused call was written")
		}
		// Scope: the owner sees the call of his customer, another manager not.
		if r := e.do("GET", fmt.Sprintf("/api/v1/calls/%d", c.ID), nil, as(f.o.am1)); r.Status != 200 {
			t.Errorf("the owner reading his customer's call: %d", r.Status)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/calls/%d", c.ID), nil, as(f.o.am3)); r.Status != 404 {
			t.Errorf("another manager reading the call: %d, want 404", r.Status)
		}
		// Overdue call-backs escalate to the taker's manager, once.
		ctx := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
		for range 2 {
			if _, err := e.srv.Services.Calls.EscalateOverdue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.countRows("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'call_callback_overdue'", e.userID("kefu_mgr")); n != 2 {
			t.Errorf("%d escalation notices to the service manager, want 2 (one per overdue call-back)", n)
		}
		// The full number is in no log and no audit entry.
		if strings.Contains(e.logs.String(), "13812345678") || e.countRows("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%13812345678%'") != 0 {
			t.Errorf("the full mobile number was logged")
		}
	})
}

func TestCallBecomesAComplaintWithItsDataCarriedOverOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		clerk := e.user("kefu", crm.RoleService)
		c, r := postCall(t, e, clerk, `{"phone":"13812345678","started_at":"2026-11-27T20:15:00+08:00","need":"设备漏油","analysis":"密封圈老化"}`)
		if r.Status != 201 {
			t.Fatalf("call: %d %s", r.Status, r.Body)
		}
		url := fmt.Sprintf("/api/v1/calls/%d/complaint", c.ID)
		r = e.do("POST", url, strings.NewReader(`{"category":"product_quality"}`), as(clerk))
		var k struct {
			ID          int64
			CustomerID  int64 `json:"customer_id"`
			Channel     string
			Description string
		}
		if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
			t.Fatalf("call to complaint: %d %s", r.Status, r.Body)
		}
		if k.CustomerID != f.customer || k.Channel != "phone" || !strings.Contains(k.Description, "设备漏油") || !strings.Contains(k.Description, "密封圈老化") {
			t.Errorf("the complaint did not carry the call over: %s", r.Body)
		}
		if r := e.do("GET", r.Header.Get("Location"), nil, as(clerk)); r.Status != 200 {
			t.Errorf("the complaint's Location: %d", r.Status)
		}
		var got callJSON
		r = e.do("GET", fmt.Sprintf("/api/v1/calls/%d", c.ID), nil, as(clerk))
		if json.Unmarshal(r.Body, &got) != nil || got.ComplaintID == nil || *got.ComplaintID != k.ID {
			t.Errorf("the call does not link its complaint: %s", r.Body)
		}
		before := e.countRows("SELECT COUNT(*) FROM complaints")
		if r := e.do("POST", url, strings.NewReader(`{"category":"product_quality"}`), as(clerk)); r.Status != 409 {
			t.Errorf("a second complaint from one call: %d %s, want 409", r.Status, r.Body)
		}
		if e.countRows("SELECT COUNT(*) FROM complaints") != before {
			t.Errorf("the refused conversion wrote a complaint")
		}
		// Into the owner's timeline, by the owner.
		r = e.do("POST", fmt.Sprintf("/api/v1/calls/%d/interaction", c.ID), nil, as(f.o.am1))
		if r.Status != 201 || !strings.Contains(string(r.Body), "设备漏油") {
			t.Errorf("call to interaction: %d %s", r.Status, r.Body)
		}
	})
}

// idemCall logs a call of the customer for the Idempotency-Key cases.
func idemCall(t *testing.T, e *env, token string, customerID int64) int64 {
	t.Helper()
	c, r := postCall(t, e, token, fmt.Sprintf(`{"phone":"13700001111","customer_id":%d,"need":"幂等来电"}`, customerID))
	if r.Status != 201 {
		t.Fatalf("call: %d %s", r.Status, r.Body)
	}
	return c.ID
}

func TestCallConvertedByTenParallelRequestsMakesExactlyOneRecord(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		clerk := e.user("kefu", crm.RoleService)
		for _, tc := range []struct {
			path, body, table string
		}{
			{"complaint", `{"category":"product_quality"}`, "complaints"},
			{"service-order", `{"type":"C","address":"浙江省湖州市吴兴区 1 号","product_model":"KH-200"}`, "service_orders"},
			{"interaction", ``, "interactions"},
		} {
			c, r := postCall(t, e, clerk, fmt.Sprintf(`{"phone":"13812345678","customer_id":%d,"need":"并发转换"}`, f.customer))
			if r.Status != 201 {
				t.Fatalf("call: %d %s", r.Status, r.Body)
			}
			token := clerk
			if tc.path == "interaction" {
				token = f.o.am1
			}
			before := e.countRows("SELECT COUNT(*) FROM " + tc.table)
			statuses := make([]int, 10)
			var wg sync.WaitGroup
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = e.do("POST", fmt.Sprintf("/api/v1/calls/%d/%s", c.ID, tc.path), strings.NewReader(tc.body), as(token)).Status
				}()
			}
			wg.Wait()
			created, conflicts := 0, 0
			for _, s := range statuses {
				switch s {
				case 201:
					created++
				case 409:
					conflicts++
				}
			}
			if created != 1 || conflicts != 9 {
				t.Errorf("%s: statuses %v, want one 201 and nine 409", tc.path, statuses)
			}
			if n := e.countRows("SELECT COUNT(*) FROM "+tc.table) - before; n != 1 {
				t.Errorf("%s: ten parallel conversions made %d records, want 1", tc.path, n)
			}
		}
		// The conflict names the record in words, not its code.
		c, _ := postCall(t, e, clerk, fmt.Sprintf(`{"phone":"13812345678","customer_id":%d,"need":"标签"}`, f.customer))
		path := fmt.Sprintf("/api/v1/calls/%d/complaint", c.ID)
		e.do("POST", path, strings.NewReader(`{"category":"service"}`), as(clerk))
		if r := e.do("POST", path, strings.NewReader(`{"category":"service"}`), as(clerk, "Accept-Language", "en")); r.Status != 409 ||
			strings.Contains(string(r.Body), "into a complaint (") == false {
			t.Errorf("a second conversion: %d %s, want 409 saying 'complaint' in words", r.Status, r.Body)
		}
	})
}

func TestContactDeletedKeepsItsInvitationsCallsGiftsAndGreetings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		contact := f.contacts[0]
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"social","title":"联谊会","starts_at":%q}`, time.Now().Add(72*time.Hour).Format(time.RFC3339)))
		if r := e.do("POST", fmt.Sprintf("/api/v1/events/%d/invitations", ev.ID), strings.NewReader(fmt.Sprintf(`{"contact_ids":[%d]}`, contact)), as(f.o.mgrA)); r.Status != 200 {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
		clerk := e.user("kefu", crm.RoleService)
		c, r := postCall(t, e, clerk, `{"phone":"13812345678","need":"咨询"}`)
		if r.Status != 201 || c.ContactID == nil || *c.ContactID != contact {
			t.Fatalf("call: %d %s", r.Status, r.Body)
		}
		var g struct{ ID int64 }
		r = e.do("POST", "/api/v1/gifts", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"item":"月饼礼盒","cost":"100.00","occasion":"mid_autumn"}`, contact)), as(f.o.am1))
		if r.Status != 201 || json.Unmarshal(r.Body, &g) != nil {
			t.Fatalf("gift: %d %s", r.Status, r.Body)
		}
		var gr struct{ ID int64 }
		r = e.do("POST", "/api/v1/greetings", strings.NewReader(fmt.Sprintf(`{"contact_id":%d,"channel":"email","body":"中秋快乐"}`, contact)), as(f.o.am1))
		if r.Status != 201 || json.Unmarshal(r.Body, &gr) != nil {
			t.Fatalf("greeting: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", fmt.Sprintf("/api/v1/contacts/%d", contact), nil, as(f.o.am1, "If-Match", "*")); r.Status != 204 {
			t.Fatalf("deleting the contact: %d %s, want 204", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/calls/%d", c.ID), nil, as(clerk)); r.Status != 200 || !strings.Contains(string(r.Body), `"contact_id":null`) {
			t.Errorf("the call after its contact went: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/gifts/%d", g.ID), nil, as(f.o.am1)); r.Status != 200 || !strings.Contains(string(r.Body), "月饼礼盒") {
			t.Errorf("the gift after its contact went: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/api/v1/greetings/%d", gr.ID), nil, as(f.o.am1)); r.Status != 200 {
			t.Errorf("the greeting after its contact went: %d %s", r.Status, r.Body)
		}
		if invs := f.invitations(t, e, ev.ID, f.o.mgrA); len(invs) != 1 || invs[0].Name != "王经理" {
			t.Errorf("the invitation after its contact went: %+v", invs)
		}
	})
}

func TestEventInvitationsHonourOptOutAndGoBySMS(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var mu sync.Mutex
		var got []map[string]string
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var m map[string]string
			_ = json.NewDecoder(r.Body).Decode(&m)
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
			_, _ = w.Write([]byte(`{"code":0,"message_id":"sms-7"}`))
		}))
		defer gw.Close()
		e.srv.Services.Events.UseSMS(&sms.HTTP{URL: gw.URL})
		f := newEventsFixture(t, e)
		// 王经理 (e-mail) opted out; 李工 has only a mobile.
		if r := e.do("PUT", fmt.Sprintf("/api/v1/contacts/%d/care-opt-out", f.contacts[0]), strings.NewReader(`{"opt_out":true}`), as(f.o.am1)); r.Status != 200 {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"training","title":"产品培训","starts_at":%q,"place":"湖州"}`, time.Now().Add(72*time.Hour).Format(time.RFC3339)))
		mails := e.countRows("SELECT COUNT(*) FROM mail_outbox")
		invs := f.inviteSegment(t, e, ev.ID)
		byName := map[string]invitationJSON{}
		for _, inv := range invs {
			byName[inv.Name] = inv
		}
		if n := e.countRows("SELECT COUNT(*) FROM mail_outbox") - mails; n != 0 {
			t.Errorf("%d mails queued to a contact who opted out", n)
		}
		r := e.do("GET", fmt.Sprintf("/api/v1/events/%d/invitations", ev.ID), nil, as(f.o.mgrA))
		if byName["王经理"].Delivery != "not_sent" || !strings.Contains(string(r.Body), `"reason":"opted_out"`) {
			t.Errorf("the opted-out contact's invitation: %s, want not_sent with reason opted_out", r.Body)
		}
		if byName["李工"].Delivery != "sms" {
			t.Errorf("李工 (mobile, no e-mail) got delivery %q, want sms", byName["李工"].Delivery)
		}
		if len(got) != 1 || got[0]["mobile"] != "13912345678" || !strings.Contains(got[0]["content"], "产品培训") {
			t.Errorf("the SMS gateway got %v, want one message to 李工", got)
		}
	})
}

func TestEventInvitationOutsideTheManagersScopeIsNotFound(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"social","title":"联谊会","starts_at":%q}`, time.Now().Add(-time.Hour).Format(time.RFC3339)))
		// Another team's customer, invited by the general manager.
		mkt := f.o.gm
		other, r := f.o.create(f.o.am3, `{"name":"别队客户有限公司"}`)
		if r.Status != 201 {
			t.Fatalf("customer: %d %s", r.Status, r.Body)
		}
		var k struct{ ID int64 }
		r = e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", other.ID), strings.NewReader(`{"name":"赵总"}`), as(f.o.am3))
		if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/events/%d/invitations", ev.ID), strings.NewReader(fmt.Sprintf(`{"contact_ids":[%d]}`, k.ID)), as(mkt)); r.Status != 200 {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
		invs := f.invitations(t, e, ev.ID, mkt)
		if len(invs) != 1 {
			t.Fatalf("invitations: %+v", invs)
		}
		url := fmt.Sprintf("/api/v1/events/%d/invitations/%d", ev.ID, invs[0].ID)
		if r := e.do("DELETE", url, nil, as(f.o.mgrA)); r.Status != 404 {
			t.Errorf("a manager removing a guest he cannot see: %d %s, want 404", r.Status, r.Body)
		}
		if r := e.do("POST", fmt.Sprintf("/api/v1/events/%d/check-ins", ev.ID), strings.NewReader(fmt.Sprintf(`{"invitation_id":%d}`, invs[0].ID)), as(mkt)); r.Status != 200 {
			t.Fatalf("check-in: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", url, nil, as(f.o.mgrA)); r.Status != 404 {
			t.Errorf("a manager removing a checked-in guest he cannot see: %d %s, want 404", r.Status, r.Body)
		}
		if len(f.invitations(t, e, ev.ID, mkt)) != 1 {
			t.Errorf("the invitation was removed")
		}
	})
}

func TestEventCheckInOpensOnTheEventDayAndKeepsWithinCapacity(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		later := time.Now().Add(12 * 24 * time.Hour).Format(time.RFC3339)
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"symposium","title":"远期座谈会","starts_at":%q}`, later))
		invs := f.inviteSegment(t, e, ev.ID)
		url := fmt.Sprintf("/api/v1/events/%d/check-ins", ev.ID)
		if r := e.do("POST", url, strings.NewReader(`{"token":"`+invs[0].Token+`"}`), as(f.o.am1)); r.Status != 409 || !strings.Contains(string(r.Body), "early") {
			t.Errorf("check-in 12 days early: %d %s, want 409", r.Status, r.Body)
		}
		// An event that began an hour ago, capacity 1: one accepted guest, one who declined.
		starts := time.Now().Add(-time.Hour).Format(time.RFC3339)
		cutoff := time.Now().Add(-2 * time.Hour).Format(time.RFC3339)
		ev2 := f.event(t, e, fmt.Sprintf(`{"kind":"symposium","title":"今日座谈会","starts_at":%q,"capacity":1,"rsvp_cutoff_at":%q}`, starts, cutoff))
		invs2 := f.inviteSegment(t, e, ev2.ID)
		for id, status := range map[int64]string{invs2[0].ID: "accepted", invs2[1].ID: "declined"} {
			if _, err := e.db.Exec(context.Background(), "UPDATE event_invitations SET status = ? WHERE id = ?", status, id); err != nil {
				t.Fatal(err)
			}
		}
		url2 := fmt.Sprintf("/api/v1/events/%d/check-ins", ev2.ID)
		if r := e.do("POST", url2, strings.NewReader(`{"token":"`+invs2[1].Token+`"}`), as(f.o.am1)); r.Status != 409 || !strings.Contains(string(r.Body), "full") {
			t.Errorf("a declined guest at a full event: %d %s, want 409", r.Status, r.Body)
		}
		if r := e.do("POST", url2, strings.NewReader(`{"token":"`+invs2[0].Token+`"}`), as(f.o.am1)); r.Status != 200 {
			t.Errorf("the accepted guest: %d %s", r.Status, r.Body)
		}
		var got eventJSON
		r := e.do("GET", fmt.Sprintf("/api/v1/events/%d", ev2.ID), nil, as(f.o.mgrA))
		if json.Unmarshal(r.Body, &got) != nil || got.Attended != 1 {
			t.Errorf("attended: %s, want 1 (capacity 1)", r.Body)
		}
		// The timeline entry carries the event's time.
		var at time.Time
		if err := e.db.QueryRow(context.Background(), "SELECT at FROM interactions WHERE customer_id = ? AND content LIKE '%今日座谈会%'", f.customer).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if want, _ := time.Parse(time.RFC3339, starts); !at.Equal(want) {
			t.Errorf("timeline entry at %v, want the event's time %v", at, want)
		}
		// A segment naming a region or tier that does not exist.
		for _, seg := range []struct{ body, field string }{{`{"region":"abc"}`, "segment.region"}, {`{"tier":"ZZZ"}`, "segment.tier"}} {
			r := e.do("POST", fmt.Sprintf("/api/v1/events/%d/invitations", ev.ID), strings.NewReader(`{"segment":`+seg.body+`}`), as(f.o.mgrA))
			if r.Status != 422 || !strings.Contains(string(r.Body), seg.field) {
				t.Errorf("segment %s: %d %s, want 422 naming %s", seg.body, r.Status, r.Body, seg.field)
			}
		}
	})
}

func TestCallDeskTakesAnyPhoneNumber(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		clerk := e.user("kefu", crm.RoleService)
		r := e.do("POST", fmt.Sprintf("/api/v1/customers/%d/contacts", f.customer), strings.NewReader(`{"name":"前台","landline":"021-61234567"}`), as(f.o.am1))
		var k struct{ ID int64 }
		if r.Status != 201 || json.Unmarshal(r.Body, &k) != nil {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/calls/lookup?phone="+url.QueryEscape("(021) 6123 4567"), nil, as(clerk))
		if r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"contact_id":%d`, k.ID)) {
			t.Errorf("landline look-up: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct{ phone, masked string }{{"021-61234567", "021-****4567"}, {"400-800-8888", "4008008888"}, {"95588", "95588"}} {
			c, r := postCall(t, e, clerk, `{"phone":"`+tc.phone+`"}`)
			if r.Status != 201 || c.Phone != tc.masked {
				t.Errorf("call from %s: %d %s, want phone %s", tc.phone, r.Status, r.Body, tc.masked)
			}
		}
		if r := e.do("GET", "/api/v1/calls/lookup?phone=95588", nil, as(clerk)); r.Status != 200 {
			t.Errorf("service number look-up: %d %s", r.Status, r.Body)
		}
		// A call-back before the call is refused; a changed time or number is recomputed.
		c, r := postCall(t, e, clerk, `{"phone":"13812345678","started_at":"2026-11-26T19:30:00+08:00"}`)
		if r.Status != 201 || !c.AfterHours || c.ContactID == nil {
			t.Fatalf("call: %d %s", r.Status, r.Body)
		}
		patch := func(body string) response {
			var cur callJSON
			_ = json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/calls/%d", c.ID), nil, as(clerk)).Body, &cur)
			return e.do("PATCH", fmt.Sprintf("/api/v1/calls/%d", c.ID), strings.NewReader(body), as(clerk, "If-Match", fmt.Sprintf(`"%d"`, cur.Version)))
		}
		if r := patch(`{"callback_due_at":"2026-11-25T10:00:00+08:00"}`); r.Status != 422 || !strings.Contains(string(r.Body), "callback_due_at") {
			t.Errorf("a call-back before the call: %d %s", r.Status, r.Body)
		}
		if r := patch(`{"started_at":"2026-11-26T10:30:00+08:00"}`); r.Status != 200 || !strings.Contains(string(r.Body), `"after_hours":false`) ||
			!strings.Contains(string(r.Body), `"callback_due_at":null`) {
			t.Errorf("moved into working hours: %d %s", r.Status, r.Body)
		}
		if r := patch(`{"phone":"13700009999"}`); r.Status != 200 || !strings.Contains(string(r.Body), `"contact_id":null`) {
			t.Errorf("another number keeps the old contact: %d %s", r.Status, r.Body)
		}
	})
}

func TestWorkbenchShowsOpenAndOverdueCallBacksToTheDeskAndTheOwner(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		newEventsFixture(t, e)
		clerk := e.user("kefu", crm.RoleService)
		c, r := postCall(t, e, clerk, `{"phone":"13812345678","started_at":"2026-11-26T19:30:00+08:00","need":"夜间来电回拨"}`)
		if r.Status != 201 || c.CallbackDueAt == nil {
			t.Fatalf("call: %d %s", r.Status, r.Body)
		}
		for _, who := range []string{"kefu", "am1"} {
			home := e.page("/", "zh-CN", e.formSignIn(who))
			body := string(home.Body)
			if !strings.Contains(body, `id="workbench-callbacks"`) || !strings.Contains(body, fmt.Sprintf(`data-callback="%d" data-overdue`, c.ID)) ||
				!strings.Contains(body, `id="tile-callbacks-overdue"`) {
				t.Errorf("my day of %s shows no overdue call-back", who)
			}
		}
		if home := e.page("/", "zh-CN", e.formSignIn("am3")); strings.Contains(string(home.Body), fmt.Sprintf(`data-callback="%d"`, c.ID)) {
			t.Errorf("another team's manager sees the call-back")
		}
	})
}

func TestEventDoorFindsEveryGuestAndTheRSVPPageKeepsAgendaLines(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newEventsFixture(t, e)
		ev := f.event(t, e, fmt.Sprintf(`{"kind":"training","title":"培训","starts_at":%q,"agenda":"09:00 签到\n10:00 讲座"}`, time.Now().Add(time.Hour).Format(time.RFC3339)))
		invs := f.inviteSegment(t, e, ev.ID)
		// am3 at the door finds am1's guest by name.
		r := e.page(fmt.Sprintf("/events/%d/check-in?q=%s", ev.ID, url.QueryEscape("王经理")), "zh-CN", e.formSignIn("am3"))
		if r.Status != 200 || !strings.Contains(string(r.Body), "王经理") {
			t.Errorf("the door search of another's guest: %d", r.Status)
		}
		r = e.page("/rsvp/"+invs[0].Token, "zh-CN", "")
		if r.Status != 200 || !strings.Contains(string(r.Body), `class="answer agenda"`) {
			t.Errorf("the RSVP page's agenda loses its lines: %d", r.Status)
		}
		if css := e.get("/static/events.css"); !strings.Contains(string(css.Body), "pre-line") {
			t.Errorf("events.css keeps no agenda lines")
		}
	})
}

func TestCallDeskFormShowsThePhoneErrorOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("kefu", crm.RoleService)
		r := e.postIn("/calls", "zh-CN", e.formSignIn("kefu"), url.Values{"direction": {"inbound"}, "phone": {"12"}})
		if r.Status != 422 || strings.Count(string(r.Body), "3–20 位数字") != 1 {
			t.Errorf("a bad phone on the desk: %d, the error %d times", r.Status, strings.Count(string(r.Body), "3–20 位数字"))
		}
	})
}
