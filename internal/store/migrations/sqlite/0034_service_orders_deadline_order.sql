-- The service orders by dispatch deadline (issue 21), as
-- store.ListServiceOrders writes the order (serviceOrderDeadlineSQL): the
-- undispatched by their deadline, then the rest newest first. Before, the
-- deadline order read every order and sorted it.
CREATE INDEX service_orders_deadline ON service_orders (
    ((CASE WHEN status = 'registered' THEN carry_over_at END) IS NULL),
    (CASE WHEN status = 'registered' THEN carry_over_at END),
    (CASE WHEN (CASE WHEN status = 'registered' THEN carry_over_at END) IS NULL THEN -id ELSE id END));
