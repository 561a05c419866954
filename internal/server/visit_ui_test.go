package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestVisitPagesShowMyVisitsAndCompliance(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"页面拜访机械有限公司"}`)
		tierA(e, o.gm, c.ID)
		today := time.Now().In(crm.Shanghai)
		generateVisits(e, o.gm, today.Format(time.DateOnly), today.AddDate(0, 1, 0).Format(time.DateOnly))
		items := visitItems(e, o.am1, fmt.Sprintf("?customer_id=%d", c.ID))
		r := e.do("GET", "/visits", nil, as(o.am1))
		if r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`data-item="%d"`, items[0].ID)) || !strings.Contains(string(r.Body), `href="/visits"`) {
			t.Fatalf("my visits: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", fmt.Sprintf("/visits/%d", items[0].ID), nil, as(o.am1))
		if r.Status != 200 || !strings.Contains(string(r.Body), "页面拜访机械有限公司") {
			t.Fatalf("item: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", fmt.Sprintf("/visits/%d", items[0].ID), nil, as(o.am3)); r.Status != 404 {
			t.Fatalf("another team's manager reads the item page: %d", r.Status)
		}
		r = e.do("GET", "/visits/compliance?from="+items[0].DueOn+"&to="+items[0].DueOn, nil, as(o.mgrA))
		if r.Status != 200 || !strings.Contains(string(r.Body), `id="chart-compliance"`) || !strings.Contains(string(r.Body), "visit-compliance.xlsx") {
			t.Fatalf("compliance: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/visits/compliance?from=2026-05-01&to=2026-04-01", nil, as(o.mgrA))
		if r.Status != 422 || !strings.Contains(string(r.Body), `id="compliance-errors"`) {
			t.Fatalf("a bad range: %d %s", r.Status, r.Body)
		}
	})
}
