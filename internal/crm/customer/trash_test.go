package customer_test

import (
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm/customer"
)

func TestACustomerInTheTrashIsRestorableForThirtyDays(t *testing.T) {
	deleted := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    customer.Customer
		now  time.Time
		want bool
	}{
		{"a live customer is not in the trash", customer.Customer{}, deleted, false},
		{"the moment it is deleted", customer.Customer{DeletedAt: &deleted}, deleted, true},
		{"on the thirtieth day, to the second", customer.Customer{DeletedAt: &deleted}, deleted.Add(30 * 24 * time.Hour), true},
		{"a second later it is gone", customer.Customer{DeletedAt: &deleted}, deleted.Add(30*24*time.Hour + time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Restorable(tc.now); got != tc.want {
				t.Errorf("Restorable(%s) = %v, want %v", tc.now, got, tc.want)
			}
		})
	}
}
