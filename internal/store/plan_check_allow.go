package store

import "strings"

// planAllow is a statement the plan check lets scan or sort a growing
// table, and why. SQL is a part of the statement as the store writes it
// (whitespace collapsed to single spaces) that names it, or several
// joined by planAnd that it holds all of; Table and
// Problem narrow it to one finding.
type planAllow struct {
	Table, Problem, SQL, Reason string
}

// planAnd joins parts of a statement that an allowance needs all of.
const planAnd = " … "

// planAllowed are the intentional scans and sorts of growing tables.
var planAllowed = []planAllow{
	{"customers", "sort under LIMIT", "FROM care_reminders r JOIN customers c ON c.id = r.customer_id JOIN contacts k ON k.id = r.contact_id WHERE",
		"a manager's care reminders: the customers in scope (customers_owner or customers_team) joined to their reminders (care_reminders_customer) and sorted by id; a manager's customers hold a few hundred reminders a year."},
	{"customers", "sort under LIMIT", "FROM gifts g JOIN customers c ON c.id = g.customer_id",
		"a manager's gifts: the customers in scope joined to their gifts (gifts_customer), a handful per customer a year, sorted by id."},
	{"gifts", "sort under LIMIT", "FROM gifts g JOIN customers c ON c.id = g.customer_id",
		"a team's gifts: the team's customers (customers_team) joined to their gifts (gifts_customer), a handful per customer a year, sorted by id."},
	{"care_reminders", "sort under LIMIT", "FROM care_reminders r JOIN customers c ON c.id = r.customer_id JOIN contacts k ON k.id = r.contact_id WHERE",
		"a team's care reminders: the team's customers joined to their reminders (care_reminders_customer), a few per contact a year, sorted by date."},
	{"greetings", "sort under LIMIT", "FROM greetings g JOIN customers c ON c.id = g.customer_id",
		"a team's send log: the team's customers joined to their greetings (greetings_customer), a few per contact a year, sorted by id."},
	{"customers", "sort under LIMIT", "FROM greetings g JOIN customers c ON c.id = g.customer_id",
		"a manager's send log: the customers in scope joined to their greetings (greetings_customer), a few per contact a year, sorted by id."},
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
	{"customer_search", "full scan", "DELETE FROM customer_search",
		"rebuilding the search index (a new token version) empties it first."},
	{"projects", "sort under LIMIT", "FROM projects p JOIN customers c ON c.id = p.customer_id WHERE 1 = 1 AND (c.owner_id = ?",
		"a manager's projects (客户工程): the customers in scope joined to their projects (projects_customer), a few per customer, sorted by id."},
	{"projects", "sort under LIMIT", "FROM projects p JOIN customers c ON c.id = p.customer_id WHERE 1 = 1 AND p.status = ? AND p.step_due_at < ?",
		"the overdue projects: projects_due bounds them to the open steps past their deadline, the backlog, sorted newest first."},
}

// complaintListFrom and serviceOrderListFrom name the complaint and
// service-order lists' page queries (complaints_list.go,
// service_orders_list.go).
const (
	complaintListFrom    = "FROM complaints k WHERE 1 = 1"
	serviceOrderListFrom = "FROM service_orders s JOIN customers c ON c.id = s.customer_id LEFT JOIN users t ON t.id = s.technician_id WHERE 1 = 1"
)

// listTotalReason allows a list's total (DB.listTotal): the count stops at
// countBound rows, however large the table, and is estimated above.
const listTotalReason = "a list's total counts at most countBound rows (listTotal), then estimates"

// boundedSort allows a list page, with the filter named, to sort the rows
// that filter's index finds: what the filter bounds them to is the reason.
func boundedSort(table, from, filter, bound string) planAllow {
	return planAllow{Table: table, Problem: "sort under LIMIT", SQL: from + planAnd + filter,
		Reason: "the page sorts the rows its filter's index finds, and " + bound}
}

// complaintAndServiceOrderSorts are the complaint and service-order list
// pages that sort what a filter's index found, each with what bounds it.
// Found by TestEveryComplaintAndServiceOrderListFilterReadsAnIndex, with
// the fixed statistics of plan_check_stats.go (SQLite; on PostgreSQL only
// the scoped service-order list). A filter absent here is served in its order
// (newest first: the primary key, complaints_department,
// complaints_assignee; by deadline: complaints_deadline,
// service_orders_deadline) or walks that order with the filter.
var complaintAndServiceOrderSorts = []planAllow{
	boundedSort("complaints", complaintListFrom, "k.customer_id IN (SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND",
		"an account manager's (or team's) list holds the complaints of their own customers, read per customer from complaints_customer"),
	boundedSort("complaints", complaintListFrom, "k.received_at >= ? AND k.received_at < ?", "a received range holds the complaints of its days"),
	boundedSort("complaints", complaintListFrom, "k.created_at >= ? AND k.created_at < ?", "a created range holds the complaints of its days"),
	boundedSort("complaints", complaintListFrom, " AND k.customer_id = ?", "one customer's complaints, in deadline order"),
	boundedSort("complaints", complaintListFrom, " AND k.department = ?", "one department's complaints, in deadline order (newest first reads complaints_department in order)"),
	boundedSort("complaints", complaintListFrom, " AND k.assignee_id = ?", "one person's complaints, in deadline order (newest first reads complaints_assignee in order)"),
	boundedSort("service_orders", serviceOrderListFrom, " AND c.deleted_at IS NULL AND ",
		"an account manager's (or team's) list holds the orders of their own customers"),
	boundedSort("customers", serviceOrderListFrom, " AND c.deleted_at IS NULL AND ",
		"an account manager's (or team's) list holds the orders of their own customers, read by customer (PostgreSQL)"),
	boundedSort("service_orders", serviceOrderListFrom, "s.received_at >= ? AND s.received_at < ?", "a received range holds the orders of its days"),
	boundedSort("service_orders", serviceOrderListFrom, "s.created_at >= ? AND s.created_at < ?", "a created range holds the orders of its days"),
	boundedSort("service_orders", serviceOrderListFrom, " AND s.customer_id = ?", "one customer's orders"),
	boundedSort("service_orders", serviceOrderListFrom, " AND s.technician_id = ?", "one technician's orders"),
	boundedSort("service_orders", serviceOrderListFrom, " AND s.status IN ", "the orders in the statuses asked for (the board asks for the open ones)"),
	boundedSort("service_orders", serviceOrderListFrom, " AND (s.status = 'registered' AND s.carry_over_at <= ?)",
		"the carried-over orders: undispatched past their dispatch deadline, the backlog the dispatcher clears daily"),
}

// planAllowedLists are the lists' bounded totals and filtered pages.
var planAllowedLists = []planAllow{
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
	// Products and sales (store/products.go, store/sales.go).
	{"sales_lines", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM sales_lines s JOIN customers c ON c.id = s.customer_id WHERE ", listTotalReason},
	{"products", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM products p WHERE ", listTotalReason},
	{"orders", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM orders o JOIN customers c ON c.id = o.customer_id WHERE ", listTotalReason}, // store/orders.go
	boundedSort("orders", "FROM orders o JOIN customers c ON c.id = o.customer_id WHERE 1 = 1 AND (", "c.owner_id = ?",
		"a seller's (or team's) orders are those of their own customers, read per customer from orders_customer"),
	boundedSort("customers", "FROM orders o JOIN customers c ON c.id = o.customer_id WHERE 1 = 1 AND (", "c.owner_id = ?",
		"a seller's (or team's) orders are those of their own customers, read by customer (PostgreSQL)"),
	{"visit_items", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM visit_items v JOIN customers c ON c.id = v.customer_id WHERE ", listTotalReason},             // store/visit.go
	{"events", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM events e WHERE ", listTotalReason},                                                                // store/events.go
	{"event_invitations", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM event_invitations i JOIN customers c ON c.id = i.customer_id WHERE ", listTotalReason}, // store/events.go
	{"calls", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM calls k LEFT JOIN customers c ON c.id = k.customer_id WHERE ", listTotalReason},                    // store/calls.go
	{"products", "full scan", "FROM products p WHERE 1 = 1 AND (p.code LIKE ? ESCAPE",
		"a search of the product catalogue by part of its code or name: the catalogue holds hundreds to a few thousand products"},
	{"sales_lines", "sort under LIMIT", "FROM sales_lines s JOIN customers c ON c.id = s.customer_id JOIN products p ON p.id = s.product_id WHERE 1 = 1 AND (",
		"a scoped sales list sorts the lines of the caller's own (or team's) customers, found by customers_owner/customers_team and sales_lines_customer_date"},
	// Dealers' monthly plans (store/dealers.go): one plan a dealer a month.
	{"dealer_plans", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM dealer_plans d JOIN customers c ON c.id = d.dealer_id WHERE ", listTotalReason},
	{"projects", "full scan", "SELECT COUNT(*) FROM (SELECT 1 FROM projects p JOIN customers c ON c.id = p.customer_id WHERE ", listTotalReason}, // store/projects.go
	{"dealer_plans", "sort under LIMIT", "FROM dealer_plans d JOIN customers c ON c.id = d.dealer_id WHERE 1 = 1 AND (",
		"a scoped plan list sorts the plans of the caller's own (or team's, or its one) dealers, found by customers_owner/customers_team/the primary key and dealer_plans_dealer_month: twelve plans a dealer a year"},
}

// planAllowedFor reports whether v is one of planAllowed.
func planAllowedFor(v PlanViolation) bool {
	q := oneLine(v.Query)
	for _, a := range append(append(planAllowed, planAllowedLists...), complaintAndServiceOrderSorts...) {
		if a.Table == v.Table && a.Problem == v.Problem && holdsAll(q, a.SQL) {
			return true
		}
	}
	return false
}

// holdsAll reports whether q holds every part of sql (parts joined by planAnd).
func holdsAll(q, sql string) bool {
	for _, part := range strings.Split(sql, planAnd) {
		if !strings.Contains(q, part) {
			return false
		}
	}
	return true
}
