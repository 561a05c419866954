-- The filters and the deadline order of the complaint and service-order
-- lists (GET /api/v1/complaints, /api/v1/service-orders).
--
-- The deadline a complaint runs against, as store.complaintDeadlineSQL
-- writes it (the reply while registered, the solution while unresolved):
-- sort=deadline reads it in this order (those without a deadline last).
CREATE INDEX complaints_deadline ON complaints (
    ((CASE WHEN status = 'registered' THEN reply_due_at
        WHEN status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed') THEN solution_due_at END) IS NULL),
    (CASE WHEN status = 'registered' THEN reply_due_at
        WHEN status IN ('registered', 'accepted', 'assigned', 'investigating', 'solution_proposed') THEN solution_due_at END),
    id);
CREATE INDEX complaints_created ON complaints (created_at, id);
CREATE INDEX complaints_department ON complaints (department, id);
CREATE INDEX service_orders_received ON service_orders (received_at, id);
CREATE INDEX service_orders_created ON service_orders (created_at, id);
