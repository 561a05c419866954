package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTheInteractionsTimeline(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"南通远航船舶"}`)
		path := fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID)
		due := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		tests := []struct {
			name, token, body string
			status            int
			field             string
		}{
			{"a visit with a next step", o.am1, `{"channel":"visit","participants":"张伟, 王经理","content":"介绍新产品","feedback":"有兴趣","next_step":"寄样品","next_due_at":"` + due + `"}`, 201, ""},
			{"a call", o.am1, `{"channel":"phone","content":"确认交期"}`, 201, ""},
			{"a next step without a due date", o.am1, `{"channel":"phone","content":"x","next_step":"回电"}`, 422, "next_due_at"},
			{"an unknown channel", o.am1, `{"channel":"fax","content":"x"}`, 422, "channel"},
			{"an empty note", o.am1, `{"channel":"sms","content":"  "}`, 422, "content"},
			{"a colleague out of scope", o.am2, `{"channel":"phone","content":"x"}`, 404, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do("POST", path, strings.NewReader(tt.body), as(tt.token))
				if r.Status != tt.status || (tt.field != "" && !strings.Contains(string(r.Body), `"field":"`+tt.field+`"`)) {
					t.Errorf("= %d %s, want %d naming %q", r.Status, r.Body, tt.status, tt.field)
				}
			})
		}
		r := e.do("GET", path+"?limit=1", nil, as(o.mgrA))
		if r.Status != 200 || !strings.Contains(string(r.Body), "确认交期") || !strings.Contains(string(r.Body), "next_cursor") {
			t.Errorf("the newest entry first, paged: %d %s", r.Status, r.Body)
		}
	})
}

func TestTheTimelineIsInTheOrderThingsHappened(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"衢州建材"}`)
		path := fmt.Sprintf("/api/v1/customers/%d/interactions", c.ID)
		for _, at := range []string{"2026-03-01T10:00:00+08:00", "2026-09-01T10:00:00+08:00", "2026-06-01T10:00:00+08:00"} {
			e.do("POST", path, strings.NewReader(`{"channel":"visit","content":"拜访 `+at[:10]+`","at":"`+at+`"}`), as(o.am1))
		}
		var order []string
		next := path + "?limit=1"
		for range 5 {
			r := e.do("GET", next, nil, as(o.am1))
			var page struct {
				Items []struct {
					Content string `json:"content"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				order = append(order, it.Content[len(it.Content)-10:])
			}
			if page.NextCursor == "" {
				break
			}
			next = path + "?limit=1&cursor=" + page.NextCursor
		}
		if strings.Join(order, ",") != "2026-09-01,2026-06-01,2026-03-01" {
			t.Errorf("timeline order %v, want newest happening first across pages", order)
		}
	})
}
