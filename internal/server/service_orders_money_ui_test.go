package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A person types and reads money in yuan: the service order's refusals
// about the fee and the amount collected name yuan with two decimals, in
// both languages, never fen.
func TestServiceOrderMoneyMessagesSpeakYuan(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		o, r := s.register(s.kefu, "A", s.c1, "")
		if r.Status != 201 {
			t.Fatalf("register = %d %s", r.Status, r.Body)
		}
		s.step(&o, s.kefu, "dispatch", `"technician":"tech1"`, 200)
		ago := func(d time.Duration) string { return time.Now().Add(-d).Format(time.RFC3339) }
		s.step(&o, s.tech1, "start", fmt.Sprintf(`"arrived_at":%q`, ago(2*time.Hour)), 200)
		work := func(lang, fee string) string {
			t.Helper()
			body := fmt.Sprintf(`{"version":%d,"left_at":%q,"work_done":"更换轴承"%s}`, o.Version, ago(30*time.Minute), fee)
			r := e.do("POST", fmt.Sprintf("/api/v1/service-orders/%d/work", o.ID), strings.NewReader(body), as(s.tech1, "Accept-Language", lang))
			if r.Status != 422 {
				t.Fatalf("work with fee %q = %d %s, want 422", fee, r.Status, r.Body)
			}
			return string(r.Body)
		}
		noFen := func(what, body string) {
			t.Helper()
			if strings.Contains(body, "分") || strings.Contains(body, " fen") || strings.Contains(body, "10000000000") {
				t.Errorf("%s speaks of fen: %s", what, body)
			}
		}
		for _, c := range []struct{ lang, fee, want string }{
			{"zh-CN", "", "元"}, {"en", "", "yuan"},
			{"zh-CN", `,"fee_fen":0`, "0.01 至 100000000.00 元"}, {"en", `,"fee_fen":0`, "0.01 to 100000000.00 yuan"},
		} {
			body := work(c.lang, c.fee)
			if !strings.Contains(body, c.want) {
				t.Errorf("work in %s with fee %q: %s lacks %q", c.lang, c.fee, body, c.want)
			}
			noFen("work in "+c.lang, body)
		}
		s.step(&o, s.tech1, "work", fmt.Sprintf(`"left_at":%q,"work_done":"更换轴承","fee_fen":12050`, ago(30*time.Minute)), 200)
		s.sign(&o, s.tech1, signaturePNG(t, 300, 120), "image/png", "")
		for lang, want := range map[string]string{"zh-CN": "120.50 元", "en": "120.50 yuan"} {
			body := fmt.Sprintf(`{"version":%d,"settlement":"on_site","amount_fen":10000,"payment_method":"cash"}`, o.Version)
			r := e.do("POST", fmt.Sprintf("/api/v1/service-orders/%d/settlement", o.ID), strings.NewReader(body), as(s.tech1, "Accept-Language", lang))
			wantError(t, "settle with the wrong amount in "+lang, r, 422, want)
			noFen("settle in "+lang, string(r.Body))
		}
	})
}
