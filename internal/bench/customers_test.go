package bench

import (
	"reflect"
	"testing"

	"github.com/kehucrm/kehu/internal/cn"
)

func TestCustomersAreDeterministicValidAndDistinct(t *testing.T) {
	collect := func(seed uint64) []GenCustomer {
		var out []GenCustomer
		Customers(seed, 3000, 20, func(g GenCustomer) bool { out = append(out, g); return true })
		return out
	}
	a, b, other := collect(1), collect(1), collect(2)
	if len(a) != 3000 {
		t.Fatalf("generated %d customers, want 3000", len(a))
	}
	usccs := map[string]bool{}
	differs := false
	for i, g := range a {
		if !reflect.DeepEqual(g, b[i]) {
			t.Fatalf("row %d differs between two runs with one seed: %+v / %+v", i+1, g, b[i])
		}
		differs = differs || !reflect.DeepEqual(g, other[i])
		if _, p := cn.ValidateUSCC(g.USCC); p != nil && p.Severity == cn.Error {
			t.Errorf("row %d: USCC %s is not valid: %s", i+1, g.USCC, p.Code)
		}
		if usccs[g.USCC] {
			t.Errorf("row %d: USCC %s repeats", i+1, g.USCC)
		}
		usccs[g.USCC] = true
		if _, p := cn.ValidateMobile(g.Mobile); p != nil && p.Severity == cn.Error {
			t.Errorf("row %d: mobile %s is not valid: %s", i+1, g.Mobile, p.Code)
		}
		if g.N != int64(i+1) || g.Owner < 0 || g.Owner >= 20 || g.CreatedAt.IsZero() || g.Name == "" || g.UpdatedAt.Before(g.CreatedAt) || len(g.Tags) > 2 {
			t.Errorf("row %d: %+v", i+1, g)
		}
	}
	if !differs {
		t.Error("another seed gave the same rows")
	}
}
