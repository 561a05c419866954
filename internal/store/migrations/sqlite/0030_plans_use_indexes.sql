-- Issue 21: statements the plan check (plan_check.go) found reading a
-- growing table whole or sorting it for a page, and the customer list's
-- filters in pairs.

-- Sessions are purged by expiry or by idleness: each side of the OR from
-- its own index, instead of every session.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- An import's problems are paged in ID order.
CREATE INDEX import_errors_import_id ON import_errors (import_id, id);

-- The last earlier import of the same file, newest first.
DROP INDEX imports_hash;
CREATE INDEX imports_hash ON imports (file_hash, id);

-- The customers an import wrote (imported rows only).
CREATE INDEX customers_import ON customers (import_id, import_row) WHERE import_id IS NOT NULL;

-- The customer list's filters, alone and in pairs, newest first: each
-- index ends in the ID, so a page of an equality filter is the first rows
-- of one index range, and its count reads that range alone; a range
-- filter after an equality (an owner's customers in a region) reads
-- exactly the matches.
CREATE INDEX customers_live_stage ON customers (stage, id, owner_id, team_id, region_code, industry_code, created_at, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_owner_stage ON customers (owner_id, stage, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_team_stage ON customers (team_id, stage, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_owner_region ON customers (owner_id, region_code, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_team_region ON customers (team_id, region_code, id) WHERE deleted_at IS NULL;
-- The single filters over live customers only, each carrying the other
-- filters' columns after its own and the ID: counting a filter's first
-- 10,001 matches, or a pair's matches among one filter's, reads the
-- index alone (the older indexes on these columns hold the trash too,
-- and checking deleted_at or the other filter read a customer row per
-- entry: ~100 ms for a city at a million customers, ~0.5 s for a pair).
-- An owner's or a team's customers, live (deleted_at IS NULL is the
-- second key) or not (access requests find a manager's customers by
-- owner, trashed or not), in ID order, with the other filters' columns.
DROP INDEX customers_owner;
DROP INDEX customers_team;
CREATE INDEX customers_owner ON customers (owner_id, deleted_at, id, team_id, stage, region_code, industry_code, created_at, updated_at);
CREATE INDEX customers_team ON customers (team_id, deleted_at, id, owner_id, stage, region_code, industry_code, created_at, updated_at);
CREATE INDEX customers_live_region ON customers (region_code, id, owner_id, team_id, stage, industry_code, created_at, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_live_industry ON customers (industry_code, id, owner_id, team_id, stage, region_code, created_at, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_live_created ON customers (created_at, id, owner_id, team_id, stage, region_code, industry_code, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX customers_live_updated ON customers (updated_at, id, owner_id, team_id, stage, region_code, industry_code, created_at) WHERE deleted_at IS NULL;

-- Found by the plan check in the HTTP tests: erasing a customer drops its
-- access requests by record; the abandoned uploads are found by status
-- and age; the audit log filtered by entity alone, newest first.
CREATE INDEX access_requests_record ON access_requests (entity, record_id);
CREATE INDEX imports_status_created ON imports (status, created_at);
CREATE INDEX audit_log_entity_newest ON audit_log (entity, id);

-- The single-column indexes of 0011/0020 hold the trash too: the live
-- ones above replace them (every list of live customers says deleted_at
-- IS NULL), and the trash, listed newest first, gets its own index over
-- the deleted rows only. Fewer indexes for every write. (Those on owner
-- and team stay: access requests find a manager's customers by owner,
-- trashed or not.)
DROP INDEX customers_region;
DROP INDEX customers_industry;
DROP INDEX customers_created;
DROP INDEX customers_updated;
CREATE INDEX customers_trash ON customers (id) WHERE deleted_at IS NOT NULL;
