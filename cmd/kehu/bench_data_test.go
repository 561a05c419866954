package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/secure"
	"github.com/kehucrm/kehu/internal/store"
)

// TestBenchDataLoadsRowsTheProductFinds loads a small data set and checks
// that the rows it wrote behind the domain's back are whole: found by the
// search box (pinyin initials, mobile ending), their contacts found by
// mobile through the blind index, and new customers numbered after them.
func TestBenchDataLoadsRowsTheProductFinds(t *testing.T) {
	dir := t.TempDir()
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"bench", "data", "--customers", "300", "--data-dir", dir}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("bench data: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "loaded 300 customers") {
		t.Fatalf("output: %s", out.String())
	}
	if err := run(context.Background(), []string{"bench", "data", "--customers", "5", "--data-dir", dir}, strings.NewReader(""), &out, &errOut); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("a second load: %v, want a refusal", err)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "kehu.db"), store.Options{Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(dir, secure.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	gm, err := db.UserByUsername(ctx, "bench.gm")
	if err != nil {
		t.Fatal(err)
	}
	as := crm.WithPrincipal(ctx, crm.Principal{UserID: gm.ID, Username: gm.Username, Role: gm.Role})
	customers := customer.New(db, keys, nil)
	first, err := customers.Get(as, 1)
	if err != nil {
		t.Fatalf("customer 1: %v", err)
	}
	if first.Code != "KH00000001" {
		t.Errorf("customer 1 has code %s", first.Code)
	}
	found, err := customers.List(as, customer.CustomerFilter{Query: first.Name, Limit: 50})
	if err != nil || !containsCustomer(found, first.ID) {
		t.Errorf("search by full name %s: %v, found %d rows without it", first.Name, err, len(found))
	}
	contacts, err := customers.Contacts(as, first.ID)
	if err != nil || len(contacts) != 1 {
		t.Fatalf("contacts of customer 1: %v %v", contacts, err)
	}
	mobile, err := customers.RevealContactMobile(as, contacts[0].ID, "bench data test")
	if err != nil {
		t.Fatalf("reveal: %v", err)
	}
	byMobile, err := customers.FindContactsByMobile(as, mobile, "zh-CN")
	if err != nil || len(byMobile) == 0 {
		t.Errorf("find contact by mobile %s: %v %v", mobile, byMobile, err)
	}
	byEnding, err := customers.List(as, customer.CustomerFilter{Query: mobile[len(mobile)-4:], Limit: 50})
	if err != nil || !containsCustomer(byEnding, first.ID) {
		t.Errorf("search by mobile ending: %v, customer 1 not among %d rows", err, len(byEnding))
	}
	added, err := customers.Create(as, customer.Customer{Name: "基准之后新建有限公司"}, "zh-CN")
	if err != nil {
		t.Fatalf("create after the load: %v", err)
	}
	if added.Code != "KH00000301" {
		t.Errorf("the first customer after the load got code %s, want KH00000301", added.Code)
	}
}

func containsCustomer(cs []customer.Customer, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
