package store

import "strings"

// planAllow is a statement the plan check lets scan or sort a growing
// table, and why. SQL is a part of the statement as the store writes it
// (whitespace collapsed to single spaces) that names it; Table and
// Problem narrow it to one finding.
type planAllow struct {
	Table, Problem, SQL, Reason string
}

// planAllowed are the intentional scans and sorts of growing tables.
var planAllowed = []planAllow{
	{"audit_log", "full scan", "FROM audit_log ORDER BY id",
		"VerifyAudit recomputes the whole hash chain: reading every entry is its purpose."},
	{"complaints", "sort under LIMIT", "SELECT id FROM complaints WHERE overdue_at IS NULL AND status = 'registered' AND reply_due_at < ? UNION",
		"the SLA sweep reads only open, unmarked complaints past due from the partial indexes of migration 0019 " +
			"(TestTheSweepReadsOnlyThePartialIndexes); the union of the two is sorted, a few hundred rows at most."},
	{"complaints", "sort under LIMIT", "SELECT id FROM complaints WHERE escalated_at IS NULL AND escalate_at IS NOT NULL AND escalate_at <= ?",
		"the escalation sweep reads open, unescalated complaints past their escalation time from complaints_escalate_open " +
			"(migration 0019, TestTheSweepReadsOnlyThePartialIndexes) and sorts those few."},
	{"customers", "full scan", "AND c.deleted_at IS NOT NULL",
		"the trash: customers_trash (migration 0030) holds only the deleted customers, and a trash list reads that index."},
	{"mail_outbox", "sort under LIMIT", "FROM mail_outbox WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ?",
		"the outbox's due, unsent mail, read from its partial index mail_outbox_pending: the backlog, emptied every minute."},
	{"customers", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM customers LIMIT 1) t",
		"whether there is any customer at all: LIMIT 1 stops at the first row."},
	{"customers", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM customers c WHERE 1 = 1 AND c.deleted_at IS NULL LIMIT ?) t",
		"the total of the unfiltered list in the whole archive: it stops at 10,001 rows, and every live customer matches."},
	{"audit_log", "sort under LIMIT", "FROM audit_log a WHERE a.entity IN ('customer', 'customer_card') AND ((a.entity_id = ?",
		"one customer's history: the entries of the record and of its card, two ranges of audit_log_entity merged and sorted."},
	{"import_chunks", "full scan", "DELETE FROM import_chunks WHERE import_id = ?",
		"the primary key (import_id, seq) serves it; SQLite's planner scans instead only while the table holds a chunk or two (seen in a test)."},
	{"import_chunks", "full scan", "SELECT data FROM import_chunks WHERE import_id = ? AND seq = ?",
		"the primary key (import_id, seq) serves it; SQLite's planner scans instead only while the table holds a chunk or two."},
	{"customer_search", "full scan", "DELETE FROM customer_search",
		"rebuilding the search index (a new token version) empties it first."},
}

// serviceOrderListFrom names the service-order list's page query.
const serviceOrderListFrom = "FROM service_orders s JOIN customers c ON c.id = s.customer_id LEFT JOIN users t ON t.id = s.technician_id WHERE 1 = 1"

// listTotalReason allows a list's total (DB.listTotal): the count stops at
// countBound rows, however large the table, and is estimated above.
const listTotalReason = "a list's total counts at most countBound rows (listTotal), then estimates"

// filteredListReason allows the filtered pages of the complaint and
// service-order lists (complaints_list.go, service_orders_list.go).
const filteredListReason = "a filtered or deadline-ordered page of GET /api/v1/complaints or /api/v1/service-orders sorts the " +
	"matches its filter's index finds (or, for a filter no index serves, reads the newest first until the page is full): " +
	"a company files thousands of these a year, not millions; the unfiltered default order reads the primary key"

// planAllowedLists are the lists' bounded totals and filtered pages.
var planAllowedLists = []planAllow{
	{"complaints", "sort under LIMIT", "FROM complaints k WHERE 1 = 1 AND", filteredListReason},
	{"complaints", "full scan", "FROM complaints k WHERE 1 = 1 AND", filteredListReason},
	{"complaints", "sort under LIMIT", "FROM complaints k WHERE 1 = 1 ORDER BY ((CASE WHEN k.status", filteredListReason},
	{"complaints", "full scan", "FROM complaints k WHERE 1 = 1 ORDER BY ((CASE WHEN k.status", filteredListReason},
	{"service_orders", "sort under LIMIT", serviceOrderListFrom, filteredListReason},
	{"service_orders", "full scan", serviceOrderListFrom, filteredListReason},
	{"customers", "sort under LIMIT", serviceOrderListFrom + " AND c.deleted_at IS NULL AND",
		"a scoped service-order list sorts the orders of the caller's own (or team's) customers, read by customers_owner/customers_team: tens to hundreds of rows"},
	{"audit_log", "sort under LIMIT", "FROM audit_log WHERE 1 = 1 AND at >= ? AND at < ? ORDER BY id DESC",
		"the auditor's date range: audit_log_at bounds the rows to the range asked for (a day to a month), which are sorted newest first"},
	{"audit_log", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM audit_log WHERE ", listTotalReason},
	{"complaints", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM complaints k WHERE ", listTotalReason},
	{"access_requests", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM access_requests a WHERE ", listTotalReason},
	{"abnormalities", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM abnormalities a WHERE ", listTotalReason},
	{"csat_surveys", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM csat_surveys s WHERE ", listTotalReason},
	{"service_orders", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM service_orders s JOIN customers c ON c.id = s.customer_id WHERE ", listTotalReason},
	{"notifications", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE ", listTotalReason},
	{"interactions", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM interactions WHERE ", listTotalReason},
}

// planAllowedFor reports whether v is one of planAllowed.
func planAllowedFor(v PlanViolation) bool {
	q := oneLine(v.Query)
	for _, a := range append(planAllowed, planAllowedLists...) {
		if a.Table == v.Table && a.Problem == v.Problem && strings.Contains(q, a.SQL) {
			return true
		}
	}
	return false
}
