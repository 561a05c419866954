-- Issue 15: a person's complaint queue (我的待办) reads the open complaints
-- at their steps by status. Partial on closed_at IS NULL (a complaint is
-- open until closed, and a closed one never reopens), so it holds the
-- open complaints only and the SLA sweep keeps its own partial indexes
-- (0019), whose statements do not name closed_at.
CREATE INDEX complaints_open_status ON complaints (status, id) WHERE closed_at IS NULL;
