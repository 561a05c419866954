package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// A watch flag set after sales came in keeps today's figures in the
// history, not those of the last run.
func TestAWatchFlagRecordsTheCustomersCurrentInputsInTheHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := newOrg(e)
		c, _ := o.create(o.am1, `{"name":"杭州后来下单有限公司"}`)
		bank := tierSchemes(e, o.gm)["bank"]
		recalculate(e, o.gm, bank.ID) // no sales yet: amount 0.00
		plantSales(e, c.ID, 0, 3, 12345600)
		flag := fmt.Sprintf("/api/v1/customers/%d/watch-flag", c.ID)
		if r := e.do("PUT", flag, strings.NewReader(`{"reason":"担保代偿风险"}`), as(o.gm)); r.Status != 200 {
			t.Fatalf("flag: %d %s", r.Status, r.Body)
		}
		r := e.do("GET", fmt.Sprintf("/api/v1/customers/%d/tier-history?scheme_id=%d", c.ID, bank.ID), nil, as(o.am1))
		var h struct {
			Items []struct {
				Level, Source string
				Inputs        struct {
					Amount     string `json:"amount"`
					Orders     int64  `json:"orders"`
					Flagged    bool   `json:"flagged"`
					FlagReason string `json:"flag_reason"`
				} `json:"inputs"`
			}
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &h) != nil || len(h.Items) == 0 {
			t.Fatalf("history: %d %s", r.Status, r.Body)
		}
		found := false
		for _, it := range h.Items {
			if it.Source != "flag" {
				continue
			}
			found = true
			if it.Inputs.Amount != "123456.00" || it.Inputs.Orders != 3 || !it.Inputs.Flagged || it.Inputs.FlagReason != "担保代偿风险" {
				t.Errorf("the flag's history keeps %+v, want today's amount 123456.00 and 3 orders", it.Inputs)
			}
		}
		if !found {
			t.Fatalf("no flag entry in the history: %s", r.Body)
		}
		if ct := customerTiers(e, o.am1, c.ID); len(ct.Tiers) == 0 {
			t.Fatal("no tiers")
		} else {
			for _, x := range ct.Tiers {
				if x.SchemeCode == "bank" && x.Inputs.Amount != "123456.00" {
					t.Errorf("the standing keeps amount %s, want 123456.00", x.Inputs.Amount)
				}
			}
		}
	})
}
