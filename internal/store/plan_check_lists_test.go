package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// TestEveryComplaintAndServiceOrderListFilterReadsAnIndex runs the
// complaint and service-order lists and their totals with every single
// filter, in each order, as the GM and as an account manager, with the
// plan check on and nothing taken as explained: none may read the table
// whole or sort it for a page.
func TestEveryComplaintAndServiceOrderListFilterReadsAnIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.EnableFreshPlanCheck()
		ctx := context.Background()
		now := time.Now().UTC()
		yes, no := true, false
		from, to := now.AddDate(0, -1, 0), now
		complaints := map[string]func(*complaint.ListFilter){
			"none":   func(*complaint.ListFilter) {},
			"status": func(f *complaint.ListFilter) { f.Statuses = []complaint.Status{complaint.StatusAccepted} },
			"statuses": func(f *complaint.ListFilter) {
				f.Statuses = []complaint.Status{complaint.StatusAccepted, complaint.StatusClosed}
			},
			"customer":   func(f *complaint.ListFilter) { f.CustomerID = 7 },
			"category":   func(f *complaint.ListFilter) { f.Categories = []string{"quality"} },
			"severity":   func(f *complaint.ListFilter) { f.Severities = []string{"major"} },
			"department": func(f *complaint.ListFilter) { f.Department = "qa" },
			"assignee":   func(f *complaint.ListFilter) { f.AssigneeID = 3 },
			"overdue":    func(f *complaint.ListFilter) { f.Overdue = &yes },
			"on time":    func(f *complaint.ListFilter) { f.Overdue = &no },
			"received":   func(f *complaint.ListFilter) { f.ReceivedFrom, f.ReceivedTo = from, to },
			"created":    func(f *complaint.ListFilter) { f.CreatedFrom, f.CreatedTo = from, to },
		}
		orders := map[string]func(*service.ServiceOrderFilter){
			"none":       func(*service.ServiceOrderFilter) {},
			"technician": func(f *service.ServiceOrderFilter) { f.TechnicianID = 3 },
			"assignee":   func(f *service.ServiceOrderFilter) { f.AssigneeID = 3 },
			"customer":   func(f *service.ServiceOrderFilter) { f.CustomerID = 7 },
			"type":       func(f *service.ServiceOrderFilter) { f.Types = []service.Type{service.TypePaid} },
			"status":     func(f *service.ServiceOrderFilter) { f.Statuses = []service.Status{service.StatusRegistered} },
			"overdue":    func(f *service.ServiceOrderFilter) { f.Overdue = &yes },
			"on time":    func(f *service.ServiceOrderFilter) { f.Overdue = &no },
			"received":   func(f *service.ServiceOrderFilter) { f.ReceivedFrom, f.ReceivedTo = from, to },
			"created":    func(f *service.ServiceOrderFilter) { f.CreatedFrom, f.CreatedTo = from, to },
		}
		scopes := []crm.Scope{{All: true, UserID: 1}, {UserID: 2, TeamID: 1}}
		for _, s := range scopes {
			for name, set := range complaints {
				for _, sort := range []string{"", complaint.SortDeadline} {
					for _, after := range []complaint.ListCursor{{}, {ID: 5}} {
						f := complaint.ListFilter{Scope: s, Now: now, Limit: 51, Sort: sort, After: after}
						set(&f)
						if _, err := db.ListComplaints(ctx, f); err != nil {
							t.Fatalf("complaints %s: %v", name, err)
						}
						if _, err := db.CountComplaints(ctx, f); err != nil {
							t.Fatalf("complaints %s: count: %v", name, err)
						}
					}
				}
			}
			for name, set := range orders {
				for _, sort := range []string{"", service.SortDeadline} {
					for _, oldest := range []bool{false, true} {
						for _, after := range []service.ServiceCursor{{}, {ID: 5}} {
							f := service.ServiceOrderFilter{Scope: s, Now: now, Limit: 51, Sort: sort, Oldest: oldest, After: after}
							set(&f)
							if _, err := db.ListServiceOrders(ctx, f); err != nil {
								t.Fatalf("service orders %s: %v", name, err)
							}
							if _, err := db.CountServiceOrders(ctx, f); err != nil {
								t.Fatalf("service orders %s: count: %v", name, err)
							}
						}
					}
				}
			}
		}
		for _, v := range db.PlanViolations() {
			t.Errorf("%s", v)
		}
		db.EnableFreshPlanCheck()
	})
}
