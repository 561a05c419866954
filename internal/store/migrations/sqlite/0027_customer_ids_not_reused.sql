-- SQLite gives a new row the largest rowid plus one, so the ID of the
-- newest customer, once erased from the trash, went to the next customer
-- created, and the audit log's "customer 13" then meant two customers.
-- Customer IDs now come from this counter, which only grows (the
-- customers' and the audit log's largest IDs to date start it).
-- PostgreSQL's sequence never hands an ID out twice. Imports likewise: a
-- refused upload is removed, and its ID must not pass to the next one.
INSERT INTO counters (name, value) SELECT 'customer_id', MAX(
    (SELECT COALESCE(MAX(id), 0) FROM customers),
    (SELECT COALESCE(MAX(CAST(entity_id AS INTEGER)), 0) FROM audit_log WHERE entity = 'customer' AND entity_id <> ''));
INSERT INTO counters (name, value) SELECT 'import_id', MAX(
    (SELECT COALESCE(MAX(id), 0) FROM imports),
    (SELECT COALESCE(MAX(CAST(entity_id AS INTEGER)), 0) FROM audit_log WHERE entity = 'import' AND entity_id <> ''));
