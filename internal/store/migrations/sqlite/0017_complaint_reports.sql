-- The complaint desk's queue: the complaints assigned to someone, by
-- status (the queue asks "at a step my role takes, or assigned to me").
-- The ledger reads by complaints_received and complaint_events_complaint.
CREATE INDEX complaints_assignee_open ON complaints (assignee_id, status);
