-- One person's complaints, newest first (issue 21; the plan check with
-- fixed statistics, TestEveryComplaintAndServiceOrderListFilterReadsAnIndex):
-- complaints_assignee_open is (assignee_id, status), so the list sorted them.
CREATE INDEX complaints_assignee ON complaints (assignee_id, id);
