package ui

import (
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// Role names and audit actions reach the pages through keys built at run
// time, which the template key check cannot see; this test does.
func TestEveryRoleAndAuditActionHasANameInEveryLanguage(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range crm.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, a := range auditActions {
		keys = append(keys, "audit.action."+a)
	}
	for _, n := range notices {
		keys = append(keys, n.key)
	}
	for _, lang := range languages {
		for _, k := range keys {
			if _, ok := c[lang][k]; !ok {
				t.Errorf("%s has no %s text", k, lang)
			}
		}
	}
}
