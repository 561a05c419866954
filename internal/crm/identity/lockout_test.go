package identity_test

import (
	"context"
	"sync"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestParallelWrongPasswordsStillLockTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.Add(t, "target", crm.RoleFinance)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, _ = f.ID.Login(context.Background(), "target", "Wrong-pass-1", "api")
			}()
		}
		wg.Wait()
		if _, _, err := f.ID.Login(context.Background(), "target", goodPassword, "api"); crm.ErrorCode(err) != crm.ELocked {
			t.Errorf("after 8 parallel failures the right password got %v, want account_locked", err)
		}
	})
}
