package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/search"
)

const customerColumns = `c.id, c.code, c.kind, c.name, c.short_name, c.uscc, c.legal_rep, c.industry_code, c.region_code,
	c.address, c.source, c.stage, c.owner_id, c.team_id, c.notes, c.version, c.created_at, c.updated_at, c.deleted_at,
	c.employee_band, c.revenue_band, c.custom_fields, c.name_sort, c.import_id, c.import_row`

func scanCustomer(s scanner, extra ...any) (customer.Customer, error) {
	var c customer.Customer
	var team sql.NullInt64
	var deleted sql.NullTime
	var custom string
	var importID, importRow sql.NullInt64
	err := s.Scan(append([]any{&c.ID, &c.Code, &c.Kind, &c.Name, &c.ShortName, &c.USCC, &c.LegalRep, &c.IndustryCode, &c.RegionCode,
		&c.Address, &c.Source, &c.Stage, &c.OwnerID, &team, &c.Notes, &c.Version, &c.CreatedAt, &c.UpdatedAt, &deleted,
		&c.EmployeeBand, &c.RevenueBand, &custom, &c.NameSort, &importID, &importRow}, extra...)...)
	c.TeamID, c.DeletedAt, c.Tags, c.Custom = team.Int64, timePtr(deleted), []string{}, map[string]string{}
	c.ImportID, c.ImportRow = importID.Int64, int(importRow.Int64)
	if err == nil && custom != "" {
		err = json.Unmarshal([]byte(custom), &c.Custom)
	}
	return c, err
}

// ownScope is the part of a scope that needs no grant.
func ownScope(s crm.Scope) (string, []any) {
	if s.CustomerID != 0 {
		return "c.id = ?", []any{s.CustomerID}
	}
	if s.All {
		return "1 = 1", nil
	}
	if s.TeamID != 0 {
		return "(c.owner_id = ? OR c.team_id = ?)", []any{s.UserID, s.TeamID}
	}
	return "c.owner_id = ?", []any{s.UserID}
}

// scopeSQL is the condition that keeps a query to the scope: its own part
// or an approved, unexpired access grant.
func scopeSQL(s crm.Scope, now time.Time) (string, []any) {
	own, args := ownScope(s)
	if s.All || !s.Grants || s.CustomerID != 0 {
		return own, args
	}
	return "(" + own + ` OR c.id IN (SELECT record_id FROM access_requests
		WHERE user_id = ? AND entity = ? AND status = ? AND expires_at > ?))`, append(args, s.UserID, access.EntityCustomer, string(access.StatusApproved), now.UTC())
}

// CreateCustomer allocates the next code (KH00000001 …) and inserts c in
// one transaction, with its audit entry.
func (db *DB) CreateCustomer(ctx context.Context, c *customer.Customer, uniqueName bool, e *crm.AuditEntry) error {
	// Through the group commit: concurrent creations share a transaction
	// and its fsync (customers_group_commit.go).
	return db.inTxAuditedGrouped(ctx, e, func(tx *Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "UPDATE counters SET value = value + 1 WHERE name = 'customer_code' RETURNING value").Scan(&n); err != nil {
			return fmt.Errorf("store: customer code: %w", err)
		}
		// The name is checked again here, where no other customer can be
		// added with it until this one commits: SQLite has one writer,
		// which this transaction now is (it wrote the counter), and on
		// PostgreSQL every creation takes the lock of its name, forced or
		// not, so a check waits for a forced insert of the same name.
		if err := lockName(ctx, tx, c.NameNorm); err != nil {
			return err
		}
		if uniqueName && c.NameNorm != "" {
			var other int64
			err := tx.QueryRow(ctx, "SELECT id FROM customers WHERE name_norm = ? AND deleted_at IS NULL LIMIT 1", c.NameNorm).Scan(&other)
			if err == nil {
				return &customer.DuplicateNameError{ID: other}
			}
			if !isNoRows(err) {
				return err
			}
		}
		c.Code = customer.Code(n)
		ids, err := allocateIDs(ctx, tx, 1)
		if err != nil {
			return fmt.Errorf("store: customer id: %w", err)
		}
		c.ID = ids[0]
		_, err = tx.Exec(ctx, `INSERT INTO customers (id, code, kind, name, short_name, uscc, legal_rep, industry_code, region_code,
			address, source, stage, owner_id, team_id, notes, version, created_at, updated_at, name_norm, employee_band, revenue_band, custom_fields, name_sort)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Code, c.Kind, c.Name, c.ShortName, c.USCC, c.LegalRep, c.IndustryCode, c.RegionCode, c.Address, c.Source, c.Stage,
			c.OwnerID, nullID(c.TeamID), c.Notes, c.CreatedAt, c.UpdatedAt, c.NameNorm, c.EmployeeBand, c.RevenueBand, customJSON(c.Custom),
			customer.NameSortKey(c.Name))
		if isUniqueViolation(err) {
			return errDuplicateUSCC()
		}
		if err != nil {
			return err
		}
		c.Version = 1
		e.EntityID = strconv.FormatInt(c.ID, 10)
		e.Detail = withDetail(e.Detail, "code", c.Code)
		// A new customer has no tags, contacts or search row yet (IDs are
		// never reused): its rows are written straight away, without the
		// deletes and reads an update's rewrite needs.
		for _, t := range c.Tags {
			if _, err := tx.Exec(ctx, "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)", c.ID, t); err != nil {
				return err
			}
		}
		return indexNewCustomer(ctx, tx, c)
	})
}

// indexNewCustomer writes the search row of a customer just inserted in
// tx, from its own fields: the same tokens reindexCustomer finds for a
// customer without contacts.
func indexNewCustomer(ctx context.Context, tx *Tx, c *customer.Customer) error {
	d := search.Doc{Texts: []string{c.Name, c.ShortName}, Codes: append([]string{c.USCC}, customer.CodeTokens(c.Code)...)}
	ix := tx.db.searcher
	_, err := tx.Exec(ctx, insertSQL("customer_search", ix.indexColumns(), 1), c.ID, ix.indexValue(search.Tokens(d)))
	return err
}

// lockName takes, on PostgreSQL, the lock of a normalised customer name
// until tx ends. SQLite needs none: a writing transaction is the only
// writer.
func lockName(ctx context.Context, tx *Tx, norm string) error {
	if tx.Engine() != Postgres {
		return nil
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", nameLockKey(norm)); err != nil {
		return fmt.Errorf("store: lock the customer name: %w", err)
	}
	return nil
}

// nameLockKey is the PostgreSQL advisory lock of a normalised customer
// name: 64 bits of its FNV-1a hash, in a space of Kehu's own.
func nameLockKey(norm string) int64 {
	h := fnv.New64a()
	h.Write([]byte("kehu.customer.name\x00" + norm))
	return int64(h.Sum64())
}

// withDetail sets key in an audit entry's JSON object detail.
func withDetail(detail, key string, v any) string {
	m := map[string]any{}
	_ = json.Unmarshal([]byte(detail), &m)
	m[key] = v
	b, err := json.Marshal(m)
	if err != nil {
		return detail
	}
	return string(b)
}

// errDuplicateUSCC explains a USCC clash the unique index caught (a
// customer added meanwhile, or a change of USCC), without naming the other
// record, which the caller may not be allowed to see; crm's own check
// before the write names it to those who may.
func errDuplicateUSCC() error {
	e := crm.Fail(crm.EConflict, "store.customer.uscc_exists")
	e.Fields = []crm.FieldError{crm.Bad("uscc", "duplicate", "customer.uscc.duplicate")}
	return e
}

// CustomerByUSCC reads the live customer with a USCC, ignoring scope:
// duplicate checks must see them all.
func (db *DB) CustomerByUSCC(ctx context.Context, uscc string) (customer.Customer, error) {
	// The condition repeats customers_uscc's predicate (uscc <> '' AND
	// deleted_at IS NULL): a planner uses a partial index only when the
	// query implies its predicate, and neither engine can prove that a
	// bound parameter is not empty (a prepared statement's plan serves
	// every value). Without it, the check scanned the whole table.
	if uscc == "" {
		return customer.Customer{}, noSuch(sql.ErrNoRows, "store.no_such_customer")
	}
	c, err := scanCustomer(db.QueryRow(ctx, "SELECT "+customerColumns+" FROM customers c WHERE c.uscc = ? AND c.uscc <> '' AND c.deleted_at IS NULL", uscc))
	return c, noSuch(err, "store.no_such_customer")
}

// Customer reads one customer within scope; trash selects deleted ones
// instead of live ones. viaGrant reports that only an access grant put
// the record in scope. Out of scope is not_found, like missing.
func (db *DB) Customer(ctx context.Context, id int64, s crm.Scope, trash bool, now time.Time) (customer.Customer, bool, error) {
	cond, args := scopeSQL(s, now)
	own, ownArgs := ownScope(s)
	deleted := "c.deleted_at IS NULL"
	if trash {
		deleted = "c.deleted_at IS NOT NULL"
	}
	q := "SELECT " + customerColumns + ", CASE WHEN " + own + " THEN 0 ELSE 1 END FROM customers c WHERE c.id = ? AND " + deleted + " AND " + cond
	var viaGrant int
	c, err := scanCustomer(db.QueryRow(ctx, q, append(append(ownArgs, id), args...)...), &viaGrant)
	if err != nil {
		return c, false, noSuch(err, "store.no_such_customer")
	}
	list := []customer.Customer{c}
	err = db.loadTags(ctx, list)
	return list[0], viaGrant == 1, err
}

// ListCustomers returns customers in scope matching f, by ID descending
// (newest first), up to f.Limit, with the IDs seen only through a grant.
func (db *DB) ListCustomers(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, error) {
	return db.listCustomers(ctx, s, f, now, "", nil)
}

// customerWhere is the condition of a customer list: scope, trash and
// filters, and extra (a search match); not the page's cursor.
func customerWhere(s crm.Scope, f customer.CustomerFilter, now time.Time, extra string, extraArgs []any) (string, []any) {
	q, args := scopeSQL(s, now)
	if f.Trash {
		q += " AND c.deleted_at IS NOT NULL"
	} else {
		q += " AND c.deleted_at IS NULL"
	}
	if f.Stage != "" {
		q += " AND c.stage = ?"
		args = append(args, f.Stage)
	}
	if f.OwnerID != 0 {
		q += " AND c.owner_id = ?"
		args = append(args, f.OwnerID)
	}
	if f.TeamID != 0 {
		q += " AND c.team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.Region != "" {
		// A prefix as a range, which both engines serve from the index
		// (SQLite's LIKE is case-insensitive and cannot). Codes are digits,
		// so the prefix with its last digit raised by one bounds it.
		hi := f.Region[:len(f.Region)-1] + string(f.Region[len(f.Region)-1]+1)
		switch {
		case f.Stage != "" && (len(f.Region) == 2 || len(f.Region) == 4):
			// The same for six-digit codes, as the province or city the
			// indexes on stage and region are keyed by (migration 0025),
			// which give the list in ID order and count it from the index.
			q += " AND substr(c.region_code, 1, " + strconv.Itoa(len(f.Region)) + ") = ?"
			args = append(args, f.Region)
		case f.Stage != "" && len(f.Region) > 4:
			q += " AND substr(c.region_code, 1, 4) = ? AND c.region_code >= ? AND c.region_code < ?"
			args = append(args, f.Region[:4], f.Region, hi)
		default:
			q += " AND c.region_code >= ? AND c.region_code < ?"
			args = append(args, f.Region, hi)
		}
	}
	if f.Industry != "" {
		// A section (C, manufacturing) holds its divisions (13–43): a
		// customer filed under either is in it.
		codes := []any{f.Industry}
		if len(f.Industry) == 1 {
			for _, d := range cn.Divisions(f.Industry) {
				codes = append(codes, d.Code)
			}
		}
		q += " AND c.industry_code IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(codes)), ", ") + ")"
		args = append(args, codes...)
	}
	if f.Tag != "" {
		if onlyTag(f) {
			// The tag's customers, from the tag's index.
			q += " AND c.id IN (SELECT customer_id FROM customer_tags WHERE tag = ?)"
		} else {
			// With another filter, each of its matches is looked up in
			// the tags' key: an IN would first collect every customer with
			// the tag (a third of them for a common one).
			q += " AND EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.customer_id = c.id AND ct.tag = ?)"
		}
		args = append(args, f.Tag)
	}
	if f.TierLevel != "" {
		q += " AND " + tierCond(f)
		args = append(args, f.TierScheme, f.TierLevel)
	}
	if !f.From.IsZero() {
		q += " AND c.created_at >= ?"
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += " AND c.created_at < ?"
		args = append(args, f.To.UTC())
	}
	if !f.UpdatedFrom.IsZero() {
		q += " AND c.updated_at >= ?"
		args = append(args, f.UpdatedFrom.UTC())
	}
	if !f.UpdatedTo.IsZero() {
		q += " AND c.updated_at < ?"
		args = append(args, f.UpdatedTo.UTC())
	}
	if extra != "" {
		q += " AND " + extra
		args = append(args, extraArgs...)
	}
	return q, args
}

// sortColumns are the columns behind the list's sort keys.
var sortColumns = map[string]string{"created_at": "c.created_at", "updated_at": "c.updated_at", "name": "c.name_sort", "code": "c.code"}

// sortedPage returns the cursor condition and ORDER BY of a sorted list:
// a keyset on (sort column, id), so each page is an index range whatever
// the page number, and rows never repeat or go missing between pages.
func sortedPage(f customer.CustomerFilter) (cond string, args []any, order string, err error) {
	if f.Sort == "" {
		if f.BeforeID > 0 {
			return " AND c.id < ?", []any{f.BeforeID}, " ORDER BY c.id DESC", nil
		}
		return "", nil, " ORDER BY c.id DESC", nil
	}
	field, desc, err := customer.ParseCustomerSort(f.Sort)
	if err != nil {
		return "", nil, "", err
	}
	col, cmp, dir := sortColumns[field], ">", "ASC"
	if desc {
		cmp, dir = "<", "DESC"
	}
	order = " ORDER BY " + col + " " + dir + ", c.id " + dir
	if f.After == nil {
		return "", nil, order, nil
	}
	var key any = f.After.Key
	if field == "created_at" || field == "updated_at" {
		t, perr := time.Parse(time.RFC3339Nano, f.After.Key)
		if perr != nil {
			return "", nil, "", crm.Fail(crm.EBadRequest, "store.cursor.invalid")
		}
		key = t.UTC()
	}
	// col <= key bounds the index range on both engines; the OR settles ties.
	cond = " AND " + col + " " + cmp + "= ? AND (" + col + " " + cmp + " ? OR c.id " + cmp + " ?)"
	return cond, []any{key, key, f.After.ID}, order, nil
}

// ListCustomersCounted is ListCustomers and CountCustomers together, for a
// list that counts its matches to choose how to find its page anyway (see
// listCustomers): the count is not made twice. ok is false for any other
// list.
func (db *DB) ListCustomersCounted(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) ([]customer.Customer, []int64, customer.CustomerCount, bool, error) {
	if f.Query != "" || !filtered(f) || (f.Sort == "" && (idOrdered(f) || onlyTag(f) || onlyTier(f))) {
		return nil, nil, customer.CustomerCount{}, false, nil
	}
	list, granted, n, err := db.listCustomersCounting(ctx, s, f, now, "", nil)
	if err != nil {
		return nil, nil, customer.CustomerCount{}, false, err
	}
	if n < countBound {
		return list, granted, customer.CustomerCount{Total: n}, true, nil
	}
	where, args := customerWhere(s, f, now, "", nil)
	var est customer.CustomerCount
	if pg, ok := db.searcher.(*postgresSearch); ok {
		k, err := pg.planRows(ctx, "SELECT 1 FROM customers c WHERE "+where, args)
		est = customer.CustomerCount{Total: max(k, countBound), Estimate: true}
		if err != nil {
			return nil, nil, est, false, err
		}
	} else if est, err = db.estimateBySample(ctx, where, args); err != nil {
		return nil, nil, est, false, err
	}
	return list, granted, est, true, nil
}

// listCustomers is ListCustomers with an extra condition (a search match).
func (db *DB) listCustomers(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, extra string, extraArgs []any) ([]customer.Customer, []int64, error) {
	list, granted, _, err := db.listCustomersCounting(ctx, s, f, now, extra, extraArgs)
	return list, granted, err
}

// listCustomersCounting is listCustomers, which also returns the list's
// count up to countBound when it made one to choose its way (-1 when not).
func (db *DB) listCustomersCounting(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time, extra string, extraArgs []any) ([]customer.Customer, []int64, int64, error) {
	where, whereArgs := customerWhere(s, f, now, extra, extraArgs)
	page, pageArgs, order, err := sortedPage(f)
	if err != nil {
		return nil, nil, 0, err
	}
	n := int64(-1)
	own, ownArgs := ownScope(s)
	// The page's IDs first, then their rows: finding and ordering the
	// matches reads only an index when one covers the filters, and only
	// the page's rows are read whole (a sort over whole rows would read
	// every match, thousands of random reads for a region's customers).
	ids := "SELECT c.id FROM customers c WHERE " + where + page + order + " LIMIT ?"
	idArgs := append(append(append([]any(nil), whereArgs...), pageArgs...), f.Limit)
	if extra == "" && f.Sort == "" && onlyTag(f) {
		// A tag's customers, newest first, straight from the tag's index
		// (tag, customer_id): its first entries are the page.
		ids, idArgs = tagNewest(s, f, now)
	} else if extra == "" && f.Sort == "" && onlyTier(f) {
		// The same for a tier's, from customer_tiers_level.
		ids, idArgs = tierNewest(s, f, now)
	} else if extra == "" && filtered(f) && (f.Sort != "" || !idOrdered(f)) {
		// No index gives these matches in the list's order. Counted first
		// (up to the bound, from the filters' indexes): a list of up to
		// countBound is sorted whole, at most that many rows, whatever
		// the filters; a larger one is dense enough (1 % of a million and
		// up) that walking the order's index and checking each row finds
		// a page within a few thousand rows.
		if n, err = db.countUpTo(ctx, "customers c", where, whereArgs); err != nil {
			return nil, nil, 0, err
		}
		if n < listSortBound {
			m := strings.NewReplacer("c.", "m.")
			ids = "SELECT m.id FROM (SELECT c.id, c.created_at, c.updated_at, c.name_sort, c.code FROM customers c WHERE " + where +
				" LIMIT " + strconv.Itoa(countBound) + ") m WHERE 1 = 1" + m.Replace(page) + m.Replace(order) + " LIMIT ?"
		} else {
			ids = "SELECT c.id FROM customers c WHERE " + db.walkOnly(where) + page + order + " LIMIT ?"
		}
	}
	q := "SELECT " + customerColumns + ", CASE WHEN " + own + " THEN 0 ELSE 1 END FROM customers c WHERE c.id IN (" + ids + ")" + order
	list, granted, err := db.queryCustomers(ctx, q, append(ownArgs, idArgs...))
	return list, granted, n, err
}

// tagNewest is the query of the IDs of a list filtered by its tag alone,
// newest first, read in the order of the tag's index (tag, customer_id),
// and its arguments.
func tagNewest(s crm.Scope, f customer.CustomerFilter, now time.Time) (string, []any) {
	g := f
	g.Tag = ""
	where, args := customerWhere(s, g, now, "ct.tag = ?", []any{f.Tag})
	q := "SELECT ct.customer_id FROM customer_tags ct JOIN customers c ON c.id = ct.customer_id WHERE " + where
	if f.BeforeID > 0 {
		q += " AND ct.customer_id < ?"
		args = append(args, f.BeforeID)
	}
	return q + " ORDER BY ct.customer_id DESC LIMIT ?", append(args, f.Limit)
}

// listSortBound is the count below which listCustomers sorts a list's
// matches whole: countBound (a test lowers it to reach the walk).
var listSortBound int64 = countBound

// filterColumns are the customer columns the list filters on.
var filterColumns = []string{"c.owner_id", "c.team_id", "c.stage", "c.region_code", "c.industry_code", "c.created_at", "c.updated_at", "c.id IN"}

// walkOnly keeps SQLite from reading the filters' indexes for where: the
// list walks its order's index and checks each row (unary + on a column
// makes it an expression no index serves). PostgreSQL's planner, which
// knows the filters' frequencies, chooses for itself.
func (db *DB) walkOnly(where string) string {
	if db.Engine != SQLite {
		return where
	}
	for _, col := range filterColumns {
		where = strings.ReplaceAll(where, col, "+"+col)
	}
	return where
}

// queryCustomers runs a list query whose rows are customerColumns and a
// "came by a grant" flag, and loads the rows' tags.
func (db *DB) queryCustomers(ctx context.Context, q string, args []any) ([]customer.Customer, []int64, error) {
	out, granted, err := db.queryCustomersOnly(ctx, q, args)
	if err != nil {
		return nil, nil, err
	}
	return out, granted, db.loadTags(ctx, out)
}

// queryCustomersOnly is queryCustomers without the tags.
func (db *DB) queryCustomersOnly(ctx context.Context, q string, args []any) ([]customer.Customer, []int64, error) {
	var out []customer.Customer
	var granted []int64
	err := eachRow(ctx, db, func(r scanner) error {
		var via int
		c, err := scanCustomer(r, &via)
		if err != nil {
			return err
		}
		if via == 1 {
			granted = append(granted, c.ID)
		}
		out = append(out, c)
		return nil
	}, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: list customers: %w", err)
	}
	return out, granted, nil
}

// countBound is where a count stops: one row past the largest total
// counted exactly.
const countBound = customer.CountExactUpTo + 1

// CountCustomers counts the customers ListCustomers (or, with f.Query,
// SearchCustomers) pages through, ignoring the cursor. It never counts a
// whole large table: the count stops at countBound rows, and a list that
// reaches it gets the engine's estimate instead. PostgreSQL estimates
// with the planner's row count for the same condition (EXPLAIN, which
// runs nothing). SQLite has no such figure, so it extrapolates: the same
// bounded walk, newest first, ends at the (limit+1)-th match, and the
// matches' density over that ID range, times the table's ID range (its
// MIN and MAX, two index look-ups — each in its own subquery, as SQLite
// reads a MIN or MAX from the index only when it is alone), is the
// estimate.
func (db *DB) CountCustomers(ctx context.Context, s crm.Scope, f customer.CustomerFilter, now time.Time) (customer.CustomerCount, error) {
	if f.Query != "" {
		return db.searcher.countSearch(ctx, s, f, now)
	}
	return db.searcher.countList(ctx, s, f, now)
}

// countUpTo counts the rows of from that match where, up to countBound.
func (db *DB) countUpTo(ctx context.Context, from, where string, args []any) (int64, error) {
	var n int64
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+from+" WHERE "+where+" LIMIT ?) t",
		append(args, countBound)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count customers: %w", err)
	}
	return n, nil
}

// UpdateCustomer writes c if c.Version is still the stored one (else
// version_conflict) and audits it.
func (db *DB) UpdateCustomer(ctx context.Context, c *customer.Customer, uniqueName bool, e *crm.AuditEntry) error {
	err := db.inTxAuditedGrouped(ctx, e, func(tx *Tx) error {
		if uniqueName {
			// The name's lock, as CreateCustomer takes it.
			if err := lockName(ctx, tx, c.NameNorm); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE customers SET kind = ?, name = ?, short_name = ?, uscc = ?, legal_rep = ?, industry_code = ?,
			region_code = ?, address = ?, source = ?, stage = ?, owner_id = ?, team_id = ?, notes = ?, deleted_at = ?,
			name_norm = CASE WHEN ? = '' THEN name_norm ELSE ? END, employee_band = ?, revenue_band = ?, custom_fields = ?,
			name_sort = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			c.Kind, c.Name, c.ShortName, c.USCC, c.LegalRep, c.IndustryCode, c.RegionCode, c.Address, c.Source, c.Stage,
			c.OwnerID, nullID(c.TeamID), c.Notes, c.DeletedAt, c.NameNorm, c.NameNorm, c.EmployeeBand, c.RevenueBand, customJSON(c.Custom),
			customer.NameSortKey(c.Name), c.UpdatedAt, c.ID, c.Version)
		if isUniqueViolation(err) {
			return errDuplicateUSCC()
		}
		if err != nil {
			return fmt.Errorf("store: update customer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "customer.changed")
		}
		if uniqueName && c.NameNorm != "" {
			// After the write on SQLite too: this transaction is the one
			// writer now, so no other customer can take the name meanwhile.
			var other int64
			err := tx.QueryRow(ctx, "SELECT id FROM customers WHERE name_norm = ? AND deleted_at IS NULL AND id <> ? LIMIT 1", c.NameNorm, c.ID).Scan(&other)
			if err == nil {
				return &customer.DuplicateNameError{ID: other}
			}
			if !isNoRows(err) {
				return err
			}
		}
		if err := writeTags(ctx, tx, c.ID, c.Tags); err != nil {
			return err
		}
		return reindexCustomer(ctx, tx, c.ID)
	})
	if err == nil { // after the transaction: a retried attempt must see the old version
		c.Version++
	}
	return err
}

// UpdateCustomers writes several customers and their audit entries in one
// transaction: all or none (a handover).
func (db *DB) UpdateCustomers(ctx context.Context, cs []*customer.Customer, es []*crm.AuditEntry) error {
	err := db.InTx(ctx, func(tx *Tx) error {
		for i, c := range cs {
			res, err := tx.Exec(ctx, "UPDATE customers SET owner_id = ?, team_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
				c.OwnerID, nullID(c.TeamID), c.UpdatedAt, c.ID, c.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return crm.Fail(crm.EVersionConflict, "store.customer.changed_moving", c.Code)
			}
			if err := tx.AppendAudit(ctx, es[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		for _, c := range cs {
			c.Version++
		}
	}
	return err
}

// HardDeleteCustomer erases a customer that is in the trash.
// Its contacts, interactions and their attachments go with it (the
// foreign keys cascade), and so do the attachments' files that no other
// record uses.
func (db *DB) HardDeleteCustomer(ctx context.Context, id int64, e *crm.AuditEntry) error {
	var files []string
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		var err error
		// CROSS JOIN: SQLite reads the customer's interactions first
		// (interactions_customer), then each one's attachments, rather
		// than every attachment (the plan check found that plan).
		files, err = queryAll(ctx, tx, func(r scanner) (sha string, err error) { return sha, r.Scan(&sha) }, `SELECT DISTINCT a.sha256
			FROM interactions i CROSS JOIN attachments a WHERE a.interaction_id = i.id AND i.customer_id = ?`, id)
		if err != nil {
			return err
		}
		// The entry says what was erased: nothing else will. A person's
		// name is personal data, which erasing is meant to remove: only a
		// company's name and USCC are kept.
		var code, kind, name, uscc string
		err = tx.QueryRow(ctx, "SELECT code, kind, name, uscc FROM customers WHERE id = ? AND deleted_at IS NOT NULL", id).Scan(&code, &kind, &name, &uscc)
		if isNoRows(err) {
			return crm.Fail(crm.ENotFound, "store.customer.not_in_trash", id)
		}
		if err != nil {
			return err
		}
		e.Detail = withDetail(withDetail(e.Detail, "code", code), "kind", kind)
		if kind == "company" {
			e.Detail = withDetail(withDetail(e.Detail, "name", name), "uscc", uscc)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM customers WHERE id = ?", id); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, "DELETE FROM access_requests WHERE entity = 'customer' AND record_id = ?", id); err != nil {
			return err
		}
		return unindexCustomer(ctx, tx, id)
	})
	if err != nil {
		return err
	}
	for _, sha := range files {
		db.dropUnusedFile(ctx, sha)
	}
	return nil
}

// CustomerOwner reads who owns a customer and who manages that owner,
// ignoring scope: access decisions need it.
func (db *DB) CustomerOwner(ctx context.Context, id int64) (owner, manager int64, err error) {
	var m sql.NullInt64
	err = db.QueryRow(ctx, `SELECT c.owner_id, u.manager_id FROM customers c JOIN users u ON u.id = c.owner_id
		WHERE c.id = ? AND c.deleted_at IS NULL`, id).Scan(&owner, &m)
	return owner, m.Int64, noSuch(err, "store.no_such_customer")
}

// CustomersByNameNorm returns the live customers with a normalised name,
// ignoring scope: duplicate checks must see them all.
func (db *DB) CustomersByNameNorm(ctx context.Context, norm string) ([]customer.Customer, error) {
	return queryAll(ctx, db, func(r scanner) (customer.Customer, error) { return scanCustomer(r) },
		"SELECT "+customerColumns+" FROM customers c WHERE c.name_norm = ? AND c.deleted_at IS NULL ORDER BY c.id", norm)
}

// MergeCustomers moves merged's contacts, interactions, sales lines and
// sales aggregates, and watch flag to survivor,
// trashes merged, and audits the merge on both, in one transaction.
func (db *DB) MergeCustomers(ctx context.Context, survivor, merged *customer.Customer, e *crm.AuditEntry) error {
	err := db.InTxAudited(ctx, e, func(tx *Tx) error {
		// The survivor keeps its own primary contact.
		if _, err := tx.Exec(ctx, "UPDATE contacts SET customer_id = ?, is_primary = ?, version = version + 1 WHERE customer_id = ?",
			survivor.ID, false, merged.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE interactions SET customer_id = ? WHERE customer_id = ?", survivor.ID, merged.ID); err != nil {
			return err
		}
		// Its sales and their aggregates, and its watch flag (issue #16).
		if err := MoveCustomerSales(ctx, tx, merged.ID, survivor.ID); err != nil {
			return err
		}
		if err := mergeTiers(ctx, tx, survivor.ID, merged.ID); err != nil {
			return err
		}
		if err := mergeOrders(ctx, tx, survivor.ID, merged.ID); err != nil {
			return err
		}
		if err := mergeCardRevisions(ctx, tx, survivor.ID, merged.ID, e.UserID, survivor.UpdatedAt); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE customers SET deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			merged.DeletedAt, merged.UpdatedAt, merged.ID, merged.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.customer.changed_merging", merged.Code)
		}
		res, err = tx.Exec(ctx, "UPDATE customers SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?", survivor.UpdatedAt, survivor.ID, survivor.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return crm.Fail(crm.EVersionConflict, "store.customer.changed_merging", survivor.Code)
		}
		note := *e
		note.EntityID = strconv.FormatInt(merged.ID, 10)
		note.Detail = changeDetail(map[string]crm.Change{"merged_into": {After: survivor.Code}})
		if err := tx.AppendAudit(ctx, &note); err != nil {
			return err
		}
		if err := reindexCustomer(ctx, tx, merged.ID); err != nil {
			return err
		}
		return reindexCustomer(ctx, tx, survivor.ID)
	})
	if err == nil {
		survivor.Version++
		merged.Version++
	}
	return err
}

// mergeCardRevisions moves merged's card revisions to survivor,
// numbered after the survivor's own (whose numbers stay as the audit log
// and links know them). When the survivor had a card, its last values
// then come again as the newest revision, by whoever merged, so the
// survivor's card stays its current card and the history reads on: the
// merged card's revisions, then the survivor's card as it was.
func mergeCardRevisions(ctx context.Context, tx *Tx, survivor, merged int64, by int64, at time.Time) error {
	var n, m sql.NullInt64
	if err := tx.QueryRow(ctx, "SELECT MAX(revision) FROM card_revisions WHERE customer_id = ?", survivor).Scan(&n); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, "SELECT MAX(revision) FROM card_revisions WHERE customer_id = ?", merged).Scan(&m); err != nil || !m.Valid {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE card_revisions SET customer_id = ?, revision = revision + ? WHERE customer_id = ?", survivor, n.Int64, merged); err != nil {
		return fmt.Errorf("store: merge card revisions: %w", err)
	}
	if !n.Valid {
		return nil // the survivor had no card: the merged one is its card now
	}
	var surveyor, surveyedOn, values, before string
	if err := tx.QueryRow(ctx, "SELECT surveyor, surveyed_on, card_values FROM card_revisions WHERE customer_id = ? AND revision = ?",
		survivor, n.Int64).Scan(&surveyor, &surveyedOn, &values); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, "SELECT card_values FROM card_revisions WHERE customer_id = ? AND revision = ?",
		survivor, n.Int64+m.Int64).Scan(&before); err != nil {
		return err
	}
	var now, was map[string]string
	if err := json.Unmarshal([]byte(values), &now); err != nil {
		return fmt.Errorf("store: card revision %d of customer %d: %w", n.Int64, survivor, err)
	}
	_ = json.Unmarshal([]byte(before), &was)
	changed := []string{}
	for k, v := range now {
		if was[k] != v {
			changed = append(changed, k)
		}
	}
	for k := range was {
		if _, ok := now[k]; !ok {
			changed = append(changed, k)
		}
	}
	slices.Sort(changed)
	_, err := tx.Exec(ctx, `INSERT INTO card_revisions (customer_id, revision, surveyor, surveyed_on, card_values, changed, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, survivor, n.Int64+m.Int64+1, surveyor, surveyedOn, values, jsonText(changed), by, at)
	return err
}

// CustomerHoldings counts what hangs off a customer: contacts,
// interactions and their attachments, complaints, card revisions.
func (db *DB) CustomerHoldings(ctx context.Context, id int64) (customer.Holdings, error) {
	var h customer.Holdings
	err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM contacts WHERE customer_id = ?),
		(SELECT COUNT(*) FROM interactions WHERE customer_id = ?),
		(SELECT COUNT(*) FROM attachments a JOIN interactions i ON i.id = a.interaction_id WHERE i.customer_id = ?),
		(SELECT COUNT(*) FROM complaints WHERE customer_id = ?),
		(SELECT COUNT(*) FROM card_revisions WHERE customer_id = ?)`, id, id, id, id, id).Scan(&h.Contacts, &h.Interactions, &h.Attachments, &h.Complaints, &h.CardRevisions)
	return h, err
}

func customJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// writeTags replaces a customer's tags.
func writeTags(ctx context.Context, tx *Tx, id int64, tags []string) error {
	if _, err := tx.Exec(ctx, "DELETE FROM customer_tags WHERE customer_id = ?", id); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := tx.Exec(ctx, "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)", id, t); err != nil {
			return err
		}
	}
	return nil
}

// loadTags fills the tags of a page of customers with one query, and
// their tiers with another (loadTiers).
func (db *DB) loadTags(ctx context.Context, cs []customer.Customer) error {
	if len(cs) == 0 {
		return nil
	}
	at := map[int64]int{}
	marks := make([]string, len(cs))
	args := make([]any, len(cs))
	for i, c := range cs {
		at[c.ID], marks[i], args[i] = i, "?", c.ID
	}
	err := eachRow(ctx, db, func(r scanner) error {
		var id int64
		var tag string
		if err := r.Scan(&id, &tag); err != nil {
			return err
		}
		cs[at[id]].Tags = append(cs[at[id]].Tags, tag)
		return nil
	}, "SELECT customer_id, tag FROM customer_tags WHERE customer_id IN ("+strings.Join(marks, ",")+") ORDER BY tag", args...)
	if err != nil {
		return fmt.Errorf("store: tags: %w", err)
	}
	return db.loadTiers(ctx, cs)
}

// CustomerFieldsTemplate reads the administrator's custom customer fields.
func (db *DB) CustomerFieldsTemplate(ctx context.Context) ([]customer.CardField, int, error) {
	return db.jsonSetting(ctx, "customer.fields")
}

// SetCustomerFieldsTemplate replaces them if version is current.
func (db *DB) SetCustomerFieldsTemplate(ctx context.Context, fields []customer.CardField, version int, e *crm.AuditEntry) error {
	return db.setJSONSetting(ctx, "customer.fields", fields, version, e)
}

// idOrdered reports whether f's filters are served by an index that
// lists their matches by ID once its leading columns are fixed: stage with
// a province or city (customers_stage_province, customers_stage_city),
// an owner (customers_owner) or a team (customers_team) alone.
func idOrdered(f customer.CustomerFilter) bool {
	if f.Trash || f.Industry != "" || f.Tag != "" || f.TierLevel != "" || !f.From.IsZero() || !f.To.IsZero() || !f.UpdatedFrom.IsZero() || !f.UpdatedTo.IsZero() {
		return false
	}
	switch {
	case f.Stage != "" && (len(f.Region) == 2 || len(f.Region) == 4):
		return f.OwnerID == 0 && f.TeamID == 0
	case f.Stage == "" && f.Region == "":
		return (f.OwnerID != 0) != (f.TeamID != 0)
	}
	return false
}

// onlyTag reports whether the tag is f's only filter.
func onlyTag(f customer.CustomerFilter) bool {
	g := f
	g.Tag = ""
	return f.Tag != "" && !filtered(g)
}

// filtered reports whether f narrows a list beyond its search query.
func filtered(f customer.CustomerFilter) bool {
	return f.Trash || f.Stage != "" || f.OwnerID != 0 || f.TeamID != 0 || f.Region != "" || f.Industry != "" ||
		f.Tag != "" || f.TierLevel != "" || !f.From.IsZero() || !f.To.IsZero() || !f.UpdatedFrom.IsZero() || !f.UpdatedTo.IsZero()
}
