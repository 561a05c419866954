package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// idsOf reads the IDs of a list page and its total, failing unless the
// list answers 200.
func idsOf(t *testing.T, e *env, path, token string) ([]int64, int64, string) {
	t.Helper()
	r := e.do("GET", path, nil, as(token))
	var page struct {
		Items      []struct{ ID int64 }
		Total      int64
		NextCursor string `json:"next_cursor"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
		t.Fatalf("GET %s = %d %s", path, r.Status, r.Body)
	}
	ids := []int64{}
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids, page.Total, page.NextCursor
}

func TestComplaintsAreFilteredAndSortedByDeadline(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		clerk := e.user("kefu", crm.RoleService)
		c, _ := o.create(o.am1, `{"name":"筛选客诉机械"}`)
		other, _ := o.create(o.am1, `{"name":"筛选客诉贸易"}`)
		now := time.Now().UTC()
		file := func(customer int64, category, severity string, received time.Time) int64 {
			return e.fileComplaint(clerk, fmt.Sprintf(`{"customer_id":%d,"channel":"phone","category":%q,"severity":%q,"received_at":%q,"description":"筛选"}`,
				customer, category, severity, received.Format(time.RFC3339))).ID
		}
		// Received long ago (overdue), a while ago (overdue too, due later)
		// and just now (not overdue).
		oldest := file(c.ID, "product_quality", "major", now.AddDate(0, -3, 0))
		older := file(c.ID, "logistics", "normal", now.AddDate(0, -1, 0))
		fresh := file(other.ID, "service", "normal", now.Add(-time.Minute))
		day := func(t time.Time) string { return t.In(crm.ChinaTime()).Format(time.DateOnly) }
		tests := []struct {
			name, query string
			want        []int64
		}{
			{"no filter lists all, newest first", "", []int64{fresh, older, oldest}},
			{"one category", "category=service", []int64{fresh}},
			{"several categories", "category=product_quality,logistics", []int64{older, oldest}},
			{"a severity", "severity=major", []int64{oldest}},
			{"overdue ones", "overdue=true", []int64{older, oldest}},
			{"those not overdue", "overdue=false", []int64{fresh}},
			{"a customer's", fmt.Sprintf("customer_id=%d", other.ID), []int64{fresh}},
			{"a status", "status=registered,accepted", []int64{fresh, older, oldest}},
			{"a status none is in", "status=closed", []int64{}},
			{"received in a range (to exclusive)", url.Values{"received_from": {day(now.AddDate(0, -1, -1))}, "received_to": {day(now.AddDate(0, 0, -1))}}.Encode(), []int64{older}},
			{"created from today", "created_from=" + day(now), []int64{fresh, older, oldest}},
			{"an assignee no one is", "assignee_id=999", []int64{}},
			{"by deadline, the soonest first", "sort=deadline", []int64{oldest, older, fresh}},
			{"overdue by deadline", "overdue=true&sort=deadline", []int64{oldest, older}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, _ := idsOf(t, e, "/api/v1/complaints?"+tt.query, clerk)
				if !slices.Equal(got, tt.want) || total != int64(len(tt.want)) {
					t.Errorf("?%s = %v (total %d), want %v", tt.query, got, total, tt.want)
				}
			})
		}
		t.Run("paging by deadline keeps the order", func(t *testing.T) {
			var got []int64
			cursor := ""
			for range 5 {
				q := url.Values{"sort": {"deadline"}, "limit": {"1"}}
				if cursor != "" {
					q.Set("cursor", cursor)
				}
				ids, _, next := idsOf(t, e, "/api/v1/complaints?"+q.Encode(), clerk)
				got = append(got, ids...)
				if cursor = next; cursor == "" {
					break
				}
			}
			if !slices.Equal(got, []int64{oldest, older, fresh}) {
				t.Errorf("pages = %v", got)
			}
		})
		t.Run("a cursor of another order is refused naming cursor", func(t *testing.T) {
			_, _, next := idsOf(t, e, "/api/v1/complaints?limit=1", clerk)
			r := e.do("GET", "/api/v1/complaints?sort=deadline&cursor="+next, nil, as(clerk))
			if r.Status != 400 || !names(r, "cursor") {
				t.Errorf("= %d %s", r.Status, r.Body)
			}
		})
		for _, q := range []string{"status=lost", "category=weather", "severity=huge", "overdue=maybe", "received_from=2026-02-30", "sort=name", "customer_id=-1", "colour=red"} {
			t.Run("refuses "+q, func(t *testing.T) {
				r := e.do("GET", "/api/v1/complaints?"+q, nil, as(clerk, "Accept-Language", "en"))
				field, _, _ := strings.Cut(q, "=")
				if r.Status != 400 || !names(r, field) {
					t.Errorf("= %d %s, want 400 naming %s", r.Status, r.Body, field)
				}
			})
		}
		t.Run("a range that ends before it starts is refused", func(t *testing.T) {
			r := e.do("GET", "/api/v1/complaints?received_from=2026-11-02&received_to=2026-11-01", nil, as(clerk))
			if r.Status != 400 || !names(r, "received_to") {
				t.Errorf("= %d %s", r.Status, r.Body)
			}
		})
		t.Run("the filters stay within the caller's scope", func(t *testing.T) {
			got, total, _ := idsOf(t, e, "/api/v1/complaints?category=service", o.am3)
			if len(got) != 0 || total != 0 {
				t.Errorf("another team's manager sees %v (total %d)", got, total)
			}
		})
	})
}

func TestServiceOrdersAreFilteredAndSortedByDeadline(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := newServiceOrg(e)
		a, _ := s.register(s.kefu, "A", s.c1, "")
		b, _ := s.register(s.kefu, "C", s.c1, "")
		c, _ := s.register(s.kefu, "C", s.c3, "")
		s.step(&b, s.kefu, "dispatch", `"technician":"tech1"`, 200)
		tech1 := e.userID("tech1")
		tests := []struct {
			name, query string
			want        []int64
		}{
			{"a type", "type=A", []int64{a.ID}},
			{"several types", "type=A,C", []int64{c.ID, b.ID, a.ID}},
			{"a customer's", fmt.Sprintf("customer_id=%d", s.c3), []int64{c.ID}},
			{"an assignee's (the technician)", fmt.Sprintf("assignee_id=%d", tech1), []int64{b.ID}},
			{"a status", "status=dispatched", []int64{b.ID}},
			{"none carried over yet", "overdue=true", []int64{}},
			{"by deadline: the undispatched by their deadline, then the rest", "sort=deadline", []int64{a.ID, c.ID, b.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, _ := idsOf(t, e, "/api/v1/service-orders?"+tt.query, s.kefu)
				if !slices.Equal(got, tt.want) || total != int64(len(tt.want)) {
					t.Errorf("?%s = %v (total %d), want %v", tt.query, got, total, tt.want)
				}
			})
		}
		for _, q := range []string{"type=E", "status=lost", "overdue=1", "sort=number"} {
			t.Run("refuses "+q, func(t *testing.T) {
				r := e.do("GET", "/api/v1/service-orders?"+q, nil, as(s.kefu))
				field, _, _ := strings.Cut(q, "=")
				if r.Status != 400 || !names(r, field) {
					t.Errorf("= %d %s, want 400 naming %s", r.Status, r.Body, field)
				}
			})
		}
	})
}
