package server_test

import (
	"encoding/json"
	"testing"
)

// TestASearchTotalCountsOnlyRecheckedMatches: a query of three or more
// Chinese characters matches by bigrams, which a name can hold apart
// (华为 … 为技); the list's total counts only the names that hold the
// query itself, like the page.
func TestASearchTotalCountsOnlyRecheckedMatches(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		hw, _ := o.create(o.am1, `{"name":"华为技术有限公司"}`)
		apart, _ := o.create(o.am1, `{"name":"华为以为技能培训中心"}`)
		for _, token := range []string{o.gm, o.am1} { // the whole-index count and the scoped one
			r := e.do("GET", "/api/v1/customers?q="+urlQuery("华为技"), nil, as(token))
			var page struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
				Total    int64 `json:"total"`
				Estimate bool  `json:"total_is_estimate"`
			}
			if r.Status != 200 || json.Unmarshal(r.Body, &page) != nil {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if len(page.Items) != 1 || page.Items[0].ID != hw.ID || page.Total != 1 || page.Estimate {
				t.Errorf("q=华为技: %+v, want only %d (not %d) and an exact total of 1", page, hw.ID, apart.ID)
			}
		}
	})
}
