package complaint

import "slices"

// Status is where a complaint stands in its workflow (客诉处理流程).
type Status string

// The statuses, in the order a complaint passes them.
const (
	StatusRegistered        Status = "registered"         // taken in; the first reply is due
	StatusAccepted          Status = "accepted"           // the gm accepted it (受理)
	StatusAssigned          Status = "assigned"           // given to a department and a person
	StatusInvestigating     Status = "investigating"      // the cause is being found
	StatusSolutionProposed  Status = "solution_proposed"  // cause, handling and responsibility proposed
	StatusApproved          Status = "approved"           // the gm approved the solution
	StatusCustomerInformed  Status = "customer_informed"  // the customer was told the solution
	StatusCustomerConfirmed Status = "customer_confirmed" // the customer accepted it
	StatusVerified          Status = "verified"           // QA confirmed the corrective action worked
	StatusReturnVisited     Status = "return_visited"     // the return visit (回访) was made
	StatusClosed            Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusRegistered, StatusAccepted, StatusAssigned, StatusInvestigating, StatusSolutionProposed,
	StatusApproved, StatusCustomerInformed, StatusCustomerConfirmed, StatusVerified, StatusReturnVisited, StatusClosed}

// Unresolved are the statuses in which a deadline still runs: the reply
// until the first step, the solution until the gm approves one. The
// sweep looks for overdue and escalating complaints among these only,
// and the store's partial indexes hold exactly these (migration 0019).
var Unresolved = []Status{StatusRegistered, StatusAccepted, StatusAssigned, StatusInvestigating, StatusSolutionProposed}

// Deadline kinds: which clock a complaint runs against.
const (
	DeadlineReply    = "reply"    // the first reply (reply_due_at)
	DeadlineSolution = "solution" // the solution (solution_due_at)
)

// Deadline is the clock a complaint in s runs against: the reply while
// registered, the solution until approved, none after.
func (s Status) Deadline() string {
	switch {
	case s == StatusRegistered:
		return DeadlineReply
	case slices.Contains(Unresolved, s):
		return DeadlineSolution
	}
	return ""
}

// Open reports whether a complaint in s is still being worked on.
func (s Status) Open() bool { return s != StatusClosed }

// The steps the ledger reads from the timeline: the first reply is the
// first step out of RepliedFrom, the solution the first step into
// SolvedTo.
const (
	RepliedFrom = StatusRegistered
	SolvedTo    = StatusApproved
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }
