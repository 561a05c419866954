package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The plan check (issue 21): in tests, every distinct statement the store
// runs against a table that grows with the business is explained once,
// with its actual parameters, through the same paths that run it
// (DB.Query, DB.QueryRow, DB.Exec and the same methods of Tx), and the
// plan is judged:
//
//   - a full scan of a growing table fails — on SQLite a "SCAN t" of the
//     table or of one of its indexes; on PostgreSQL a Seq Scan, or an
//     index scan with no Index Cond (a whole index read in its order);
//   - except a walk: a scan in the order the statement's ORDER BY asks
//     for, under a LIMIT, with no sort above it, which stops after the
//     page (newest first reads the newest rows until the page is full);
//   - a sort for ORDER BY (SQLite's temporary B-tree, PostgreSQL's Sort
//     node) under a LIMIT fails: every match is read and
//     sorted to return a page. Without a LIMIT the caller reads every
//     row anyway, so its sort costs no more than reading them.
//
// Intentional scans and sorts are listed, with their reasons, in
// planAllowed (plan_check_allow.go).
//
// PostgreSQL plans by cost, and a test's tables are tiny: it would read
// them whole whatever the indexes. So the statement is PREPAREd and
// explained with plan_cache_mode = force_generic_plan (its parameters
// as the server treats a prepared statement's, not as constants it
// plans for), enable_seqscan = off and enable_sort = off: the planner
// then takes an index path wherever one exists, and a Seq Scan or a
// Sort left in the plan means there is none. SQLite's planner is given
// fixed statistics (plan_check_stats.go), the same in every test, so it
// chooses by the indexes' shapes as it would at scale, whatever rows a
// test planted.

// PlanViolation is a statement whose plan the check refused.
type PlanViolation struct {
	Query   string // as the store wrote it, with ? placeholders
	Table   string // the growing table scanned or sorted
	Problem string // "full scan" or "sort under LIMIT" or "explain failed"
	Plan    string
}

func (v PlanViolation) String() string {
	return fmt.Sprintf("%s of %s (give it an index, or list it with its reason in internal/store/plan_check_allow.go if it is meant to)\n  statement: %s\n  plan:\n%s",
		v.Problem, v.Table, oneLine(v.Query), v.Plan)
}

// planCheck is a database's plan check: the statements it explained and
// what it found.
type planCheck struct {
	seen       *sync.Map // engine + query → struct{}
	mu         sync.Mutex
	violations []PlanViolation
	explained  atomic.Int64
	seq        atomic.Int64
}

// planSeen is the statements every database in this process has had
// explained: a statement's plan depends on the schema, which the
// migrations make the same everywhere, so each is explained once.
var planSeen sync.Map

// EnablePlanCheck turns the plan check on for db (tests; see plan_check.go).
// Statements already explained for another database in this process are
// not explained again.
func (db *DB) EnablePlanCheck() { db.enablePlanCheck(&planSeen) }

// EnableFreshPlanCheck is EnablePlanCheck with no statement taken as
// explained already: for a test that changes the schema.
func (db *DB) EnableFreshPlanCheck() { db.enablePlanCheck(&sync.Map{}) }

// enablePlanCheck turns the check on with the fixed statistics of
// plan_check_stats.go; a failure to load them is the check's first finding.
func (db *DB) enablePlanCheck(seen *sync.Map) {
	db.plan = &planCheck{seen: seen}
	if err := db.loadPlanStats(context.Background()); err != nil {
		db.plan.violations = append(db.plan.violations, PlanViolation{Problem: "statistics not loaded", Plan: err.Error()})
	}
}

// PlanViolations returns the statements the plan check refused so far.
func (db *DB) PlanViolations() []PlanViolation {
	if db.plan == nil {
		return nil
	}
	db.plan.mu.Lock()
	defer db.plan.mu.Unlock()
	return append([]PlanViolation(nil), db.plan.violations...)
}

// PlansExplained is how many statements the plan check explained for db.
func (db *DB) PlansExplained() int64 {
	if db.plan == nil {
		return 0
	}
	return db.plan.explained.Load()
}

// checkPlan explains query once, in tx when it runs in one (nil: on the
// database's pools), and records what the check refuses.
func (db *DB) checkPlan(ctx context.Context, tx *sql.Tx, write bool, query string, args []any) {
	pc := db.plan
	refs := planTables(query)
	if refs == nil {
		return
	}
	key := string(db.Engine) + "\x00" + query
	if _, dup := pc.seen.Load(key); dup || fromTest() {
		return
	}
	if _, dup := pc.seen.LoadOrStore(key, struct{}{}); dup {
		return
	}
	pc.explained.Add(1)
	var found []PlanViolation
	var err error
	if db.Engine == Postgres {
		found, err = db.explainPostgres(ctx, tx, query, args, refs)
	} else {
		pool := db.R // a query outside a transaction: the read pool, as it runs there
		if write {
			pool = db.W
		}
		found, err = db.explainSQLite(ctx, tx, pool, query, args, refs)
	}
	if err != nil {
		if ctx.Err() != nil {
			pc.seen.Delete(key) // the caller gave up: explain it next time
			return
		}
		found = append(found, PlanViolation{Query: query, Problem: "explain failed", Plan: err.Error()})
	}
	var kept []PlanViolation
	for _, v := range found {
		if !planAllowedFor(v) {
			kept = append(kept, v)
		}
	}
	if len(kept) > 0 {
		pc.mu.Lock()
		pc.violations = append(pc.violations, kept...)
		pc.mu.Unlock()
	}
}

// fromTest reports whether the statement comes from a test's own code
// (a count it checks, a row it plants) rather than from the store: the
// first caller outside the query paths is in a _test.go file.
func fromTest() bool {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		base := filepath.Base(f.File)
		switch base {
		case "db.go", "tx.go", "rows.go", "sqlhelpers.go", "plan_check.go":
			if strings.HasSuffix(filepath.Dir(f.File), "store") {
				if !more {
					return false
				}
				continue
			}
		}
		return strings.HasSuffix(base, "_test.go")
	}
}

// smallTables are the tables that do not grow with the business: the
// settings, the staff, counters and rules an administrator keeps. Every
// other table is taken to grow, so a new one is checked without being
// listed.
var smallTables = map[string]bool{
	"settings": true, "teams": true, "users": true, "audit_head": true, "calendar_overrides": true, "counters": true,
	"complaint_rules": true, "schema_migrations": true, "rate_limits": true, "api_tokens": true,
	"notification_emails":  true,                                       // one row per user who asked for e-mail
	"workflow_definitions": true, "workflow_definition_versions": true, // a handful of workflows, a version per admin's save
	"care_lead_rules": true, "care_dates": true, "greeting_templates": true, "gift_budgets": true, // care settings an administrator keeps (tiers × occasions, a few dates, templates, budgets per tier and year)
}

var (
	tableRef   = regexp.MustCompile(`(?i)\b(FROM|JOIN|UPDATE|INTO)\s+([a-z_][a-z0-9_]*)(?:\s+(?:AS\s+)?([a-z_][a-z0-9_]*))?`)
	notAnAlias = map[string]bool{"where": true, "on": true, "set": true, "join": true, "left": true, "right": true, "inner": true,
		"cross": true, "order": true, "group": true, "limit": true, "using": true, "values": true, "natural": true, "full": true,
		"union": true, "except": true, "intersect": true, "having": true, "returning": true, "default": true, "select": true,
		"outer": true, "window": true, "as": true, "and": true, "or": true}
)

// planTables returns the growing tables query reads or writes, by name
// and alias (alias → table), or nil when the check has nothing to judge:
// not a query or a data change, an INSERT of values, or no growing table.
func planTables(query string) map[string]string {
	q := strings.TrimSpace(query)
	verb := strings.ToUpper(firstWord(q))
	switch verb {
	case "SELECT", "WITH", "UPDATE", "DELETE":
	case "INSERT":
		if !strings.Contains(strings.ToUpper(q), "SELECT") {
			return nil
		}
	default:
		return nil
	}
	var refs map[string]string
	for _, m := range tableRef.FindAllStringSubmatch(q, -1) {
		name := strings.ToLower(m[2])
		if smallTables[name] || strings.HasPrefix(name, "pg_") || strings.HasPrefix(name, "sqlite_") || strings.HasPrefix(name, "river_") {
			continue
		}
		if refs == nil {
			refs = map[string]string{}
		}
		refs[name] = name
		if a := strings.ToLower(m[3]); a != "" && !notAnAlias[a] {
			refs[a] = name
		}
	}
	return refs
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' || r == '\n' || r == '\t' || r == '(' || r == '\r' {
			return s[:i]
		}
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// hasClause reports whether the statement has an ORDER BY and a LIMIT.
func ordersAndLimits(query string) (order, limit bool) {
	u := strings.ToUpper(oneLine(query))
	return strings.Contains(u, "ORDER BY"), strings.Contains(u, " LIMIT ")
}

// explainSQLite judges the plan SQLite gives query.
func (db *DB) explainSQLite(ctx context.Context, tx *sql.Tx, pool *sql.DB, query string, args []any, refs map[string]string) ([]PlanViolation, error) {
	var rows *sql.Rows
	var err error
	if tx != nil {
		rows, err = tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	} else {
		rows, err = pool.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	}
	if err != nil {
		return nil, err
	}
	type node struct {
		id, parent int
		detail     string
	}
	var nodes []node
	for rows.Next() {
		var n node
		var unused int
		if err := rows.Scan(&n.id, &n.parent, &unused, &n.detail); err != nil {
			rows.Close()
			return nil, err
		}
		nodes = append(nodes, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var text strings.Builder
	depth := map[int]int{0: -1}
	sortsAt := map[int]bool{} // parent levels with a sort for ORDER BY
	for _, n := range nodes {
		depth[n.id] = depth[n.parent] + 1
		text.WriteString(strings.Repeat("  ", depth[n.id]+1) + n.detail + "\n")
		if strings.HasPrefix(n.detail, "USE TEMP B-TREE FOR") && strings.Contains(n.detail, "ORDER BY") {
			sortsAt[n.parent] = true
		}
	}
	plan := text.String()
	order, limit := ordersAndLimits(query)
	var out []PlanViolation
	for _, n := range nodes {
		switch {
		case strings.HasPrefix(n.detail, "SCAN "):
			f := strings.Fields(n.detail)
			table, ok := refs[strings.ToLower(f[1])]
			if !ok || strings.Contains(n.detail, "VIRTUAL TABLE") {
				continue // a subquery's rows, a constant row, the search index
			}
			if order && limit && !sortsAt[n.parent] {
				continue // a walk in the ORDER BY's order, stopped by the LIMIT
			}
			out = append(out, PlanViolation{Query: query, Table: table, Problem: "full scan", Plan: plan})
		case strings.HasPrefix(n.detail, "USE TEMP B-TREE FOR") && strings.Contains(n.detail, "ORDER BY") && limit:
			table := sortedTable(nodes, n.parent, refs, func(nd node) (int, int, string) { return nd.id, nd.parent, nd.detail })
			if table != "" {
				out = append(out, PlanViolation{Query: query, Table: table, Problem: "sort under LIMIT", Plan: plan})
			}
		}
	}
	return out, nil
}

// sortedTable is the growing table a sort at parent level sorts rows of
// ("" for none): one read at that level other than by its key. Rows
// read from a subquery (bounded by its own LIMIT, its plan judged on its
// own) or looked up by key (a list of IDs a subquery found) are bounded.
func sortedTable[N any](nodes []N, parent int, refs map[string]string, get func(N) (id, parent int, detail string)) string {
	for _, n := range nodes {
		_, p, detail := get(n)
		if p != parent {
			continue
		}
		f := strings.Fields(detail)
		if len(f) < 2 || (f[0] != "SCAN" && f[0] != "SEARCH") || strings.Contains(detail, "VIRTUAL TABLE") {
			continue
		}
		if strings.Contains(detail, "INTEGER PRIMARY KEY (rowid=?)") {
			continue
		}
		if t, ok := refs[strings.ToLower(f[1])]; ok {
			return t
		}
	}
	return ""
}

// pgPlanNode is a node of PostgreSQL's EXPLAIN (FORMAT JSON).
type pgPlanNode struct {
	NodeType  string       `json:"Node Type"`
	Relation  string       `json:"Relation Name"`
	Alias     string       `json:"Alias"`
	IndexName string       `json:"Index Name"`
	IndexCond string       `json:"Index Cond"`
	Filter    string       `json:"Filter"`
	SortKey   []string     `json:"Sort Key"`
	Plans     []pgPlanNode `json:"Plans"`
}

// explainPostgres judges the generic plan PostgreSQL gives query when no
// sequential scan is allowed where an index serves and joins are nested
// loops (a merge or hash join reads both sides whole, which a tiny test
// table makes cheap but a grown one does not). A sort under a LIMIT is
// refused only if it stays when sorting is disabled too, that is when no
// index gives the order (see the top of this file). In a transaction it
// runs inside a savepoint, so neither its settings nor a failure touch
// the caller's transaction.
func (db *DB) explainPostgres(ctx context.Context, tx *sql.Tx, query string, args []any, refs map[string]string) (out []PlanViolation, err error) {
	var c pgExecer
	local := ""
	if tx != nil {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT kehu_plan_check"); err != nil {
			return nil, err
		}
		defer func() {
			_, rerr := tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO SAVEPOINT kehu_plan_check")
			if rerr == nil {
				_, rerr = tx.ExecContext(context.WithoutCancel(ctx), "RELEASE SAVEPOINT kehu_plan_check")
			}
			if err == nil && rerr != nil {
				err = rerr
			}
		}()
		c, local = tx, "LOCAL "
	} else {
		conn, err := db.R.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer func() {
			for _, p := range pgPlanSettings {
				_, _ = conn.ExecContext(context.WithoutCancel(ctx), "RESET "+strings.Fields(p)[0])
			}
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "RESET enable_sort")
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "RESET cpu_operator_cost")
			conn.Close()
		}()
		c = conn
	}
	for _, p := range pgPlanSettings {
		if _, err := c.ExecContext(ctx, "SET "+local+p); err != nil {
			return nil, err
		}
	}
	// A prepared statement keeps its generic plan: each setting gets a
	// statement of its own.
	explain := func() ([]PlanViolation, error) {
		name := "kehu_plan_check_" + strconv.FormatInt(db.plan.seq.Add(1), 10)
		if _, err := c.ExecContext(ctx, "PREPARE "+name+" AS "+rebind(Postgres, query)); err != nil {
			return nil, err
		}
		defer func() { _, _ = c.ExecContext(context.WithoutCancel(ctx), "DEALLOCATE "+name) }()
		return pgExplain(ctx, c, name, query, len(args), refs)
	}
	// A tiny table makes every path cheap, so a finding counts only if
	// it stays when the planner is nudged towards the index paths: a
	// sort with sorting disabled (no index gives the order), a full scan
	// with sorting and filtering free (it was not just avoiding a sort).
	first, err := explain()
	if err != nil || len(first) == 0 {
		return first, err
	}
	for _, nudge := range []struct{ set, reset, problem string }{
		{"enable_sort = off", "enable_sort = on", "sort under LIMIT"},
		{"cpu_operator_cost = 0", "cpu_operator_cost = DEFAULT", "full scan"},
	} {
		if _, err := c.ExecContext(ctx, "SET "+local+nudge.set); err != nil {
			return nil, err
		}
		again, err := explain()
		if err != nil {
			return nil, err
		}
		if _, err := c.ExecContext(ctx, "SET "+local+nudge.reset); err != nil {
			return nil, err
		}
		if !hasProblem(again, nudge.problem) {
			first = dropProblem(first, nudge.problem)
		}
	}
	return first, nil
}

func hasProblem(vs []PlanViolation, problem string) bool {
	for _, v := range vs {
		if v.Problem == problem {
			return true
		}
	}
	return false
}

func dropProblem(vs []PlanViolation, problem string) []PlanViolation {
	var out []PlanViolation
	for _, v := range vs {
		if v.Problem != problem {
			out = append(out, v)
		}
	}
	return out
}

// pgJudgesIndexScans: whether a PostgreSQL index scan that bounds no
// leading column counts as a full scan. It does not: in a test's tiny
// tables every index costs the same, and the planner picks one whose
// leading column the statement does not bound (a partial index on the
// live customers to look IDs up) where a grown table would take the
// right one. SQLite's check, which plans by the indexes' shapes, judges
// those; PostgreSQL's judges Seq Scans (no index path at all) and sorts.
const pgJudgesIndexScans = false

// pgPlanSettings are what the plan check sets before explaining on
// PostgreSQL (see explainPostgres).
var pgPlanSettings = []string{"plan_cache_mode = force_generic_plan", "enable_seqscan = off", "enable_mergejoin = off", "enable_hashjoin = off"}

type pgExecer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// pgExplain explains the prepared statement name (query, with nargs
// parameters) and judges its plan.
func pgExplain(ctx context.Context, c pgExecer, name, query string, nargs int, refs map[string]string) (out []PlanViolation, err error) {
	// EXECUTE takes no bound parameters of its own, and the generic plan
	// is by definition the same for every value: NULLs stand for them.
	call := name
	if nargs > 0 {
		call += "(" + strings.TrimSuffix(strings.Repeat("NULL, ", nargs), ", ") + ")"
	}
	var raw []byte
	if err := c.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) EXECUTE "+call).Scan(&raw); err != nil {
		return nil, err
	}
	var top []struct {
		Plan pgPlanNode `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &top); err != nil || len(top) != 1 {
		return nil, fmt.Errorf("unexpected plan %.300s", raw)
	}
	var text strings.Builder
	pgPlanText(&text, top[0].Plan, 1)
	plan := text.String()
	order, limit := ordersAndLimits(query)
	var walk func(n pgPlanNode, underLimit, underSort bool)
	walk = func(n pgPlanNode, underLimit, underSort bool) {
		table, growing := refs[strings.ToLower(n.Relation)]
		if n.Relation != "" && !growing {
			table, growing = refs[strings.ToLower(n.Alias)]
		}
		switch n.NodeType {
		case "Limit":
			underLimit = true
		case "Sort": // an Incremental Sort only orders runs of equal leading keys an index gives (ORDER BY code, id)
			if underLimit && !pgHasLimit(n.Plans) { // a sort of a LIMIT's rows is bounded
				if t := pgSortedTable(n, refs); t != "" {
					out = append(out, PlanViolation{Query: query, Table: t, Problem: "sort under LIMIT", Plan: plan})
				}
			}
			underSort = true
		case "Seq Scan":
			if growing {
				out = append(out, PlanViolation{Query: query, Table: table, Problem: "full scan", Plan: plan})
			}
		case "Index Scan", "Index Only Scan", "Bitmap Index Scan":
			if !pgJudgesIndexScans {
				break
			}
			if n.NodeType == "Bitmap Index Scan" {
				table, growing = indexTable(ctx, c, n.IndexName, refs)
			}
			if growing && !leads(ctx, c, n.IndexName, n.IndexCond) && !(order && limit && underLimit && !underSort) {
				out = append(out, PlanViolation{Query: query, Table: table, Problem: "full scan", Plan: plan})
			}
		}
		for _, k := range n.Plans {
			walk(k, underLimit, underSort)
		}
	}
	walk(top[0].Plan, false, false)
	return out, nil
}

// leads reports whether an index condition bounds the index's first
// column: a condition on a later column alone reads the whole index.
func leads(ctx context.Context, c pgExecer, index, cond string) bool {
	if cond == "" {
		return false
	}
	var first string
	if err := c.QueryRowContext(ctx, "SELECT pg_get_indexdef(to_regclass($1), 1, true)", index).Scan(&first); err != nil || first == "" {
		return true // not known: taken as bounded
	}
	first = strings.Trim(first, `"`)
	if i := strings.IndexAny(first, "(,"); i >= 0 { // an expression: its first column
		rest := first[i+1:]
		first = strings.Trim(strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ')' || r == ' ' || r == ':' })[0], `"(`)
	}
	return strings.Contains(cond, first)
}

// indexTable is the growing table an index belongs to, for the bitmap
// scans, whose nodes name only the index.
func indexTable(ctx context.Context, c pgExecer, index string, refs map[string]string) (string, bool) {
	var table string
	if err := c.QueryRowContext(ctx, "SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = to_regclass($1)", index).Scan(&table); err != nil {
		return "", false
	}
	t, ok := refs[strings.ToLower(table)]
	return t, ok
}

// pgHasLimit reports whether a Limit is among the nodes or under them.
func pgHasLimit(ns []pgPlanNode) bool {
	for _, n := range ns {
		if n.NodeType == "Limit" || pgHasLimit(n.Plans) {
			return true
		}
	}
	return false
}

// pgSortedTable is the growing table whose rows a sort node sorts ("" for
// none).
func pgSortedTable(n pgPlanNode, refs map[string]string) string {
	if n.Relation != "" {
		if t, ok := refs[strings.ToLower(n.Relation)]; ok {
			return t
		}
	}
	for _, k := range n.Plans {
		if t := pgSortedTable(k, refs); t != "" {
			return t
		}
	}
	return ""
}

func pgPlanText(b *strings.Builder, n pgPlanNode, depth int) {
	b.WriteString(strings.Repeat("  ", depth) + n.NodeType)
	if n.Relation != "" {
		b.WriteString(" on " + n.Relation + " " + n.Alias)
	}
	if n.IndexName != "" {
		b.WriteString(" using " + n.IndexName)
	}
	if n.IndexCond != "" {
		b.WriteString(" cond " + n.IndexCond)
	}
	if n.Filter != "" {
		b.WriteString(" filter " + n.Filter)
	}
	if len(n.SortKey) > 0 {
		b.WriteString(" key " + strings.Join(n.SortKey, ", "))
	}
	b.WriteString("\n")
	for _, k := range n.Plans {
		pgPlanText(b, k, depth+1)
	}
}
