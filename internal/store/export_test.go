package store

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
)

// SearchWays are the ways PostgreSQL can find a search's page.
var SearchWays = []string{searchSort, searchWindow, searchWalk}

// SearchWay tells a test which way PostgreSQL finds a search's page (see
// pgSearchPlan); "" on SQLite.
func (db *DB) SearchWay(ctx context.Context, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) (string, error) {
	if db.Engine != Postgres {
		return "", nil
	}
	how, err := db.searcher.(*postgresSearch).pgSearchPlan(ctx, s, f, now, q)
	return how.way, err
}

// SearchCustomersBy is SearchCustomers on PostgreSQL made to find the
// page the given way, with the given share of matching IDs for a window
// and the given budget of rows for a walk.
func (db *DB) SearchCustomersBy(ctx context.Context, way string, share float64, budget int, s crm.Scope, q string, f customer.CustomerFilter, now time.Time) ([]customer.Customer, error) {
	list, _, err := db.searcher.(*postgresSearch).searchPostgres(ctx, s, f, now, q, pgSearch{way: way, share: share, budget: budget})
	return list, err
}

// ChooseSearchWay is chooseSearchWay's way.
func ChooseSearchWay(n, tokenMatches, m, l float64, narrowed bool) string {
	return chooseSearchWay(n, tokenMatches, m, l, narrowed).way
}
