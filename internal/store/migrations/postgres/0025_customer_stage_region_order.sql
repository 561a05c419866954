-- The stage + region list, newest first, straight from an index: one index
-- per prefix length a region filter has (province: 2 digits, city: 4),
-- each ending in the ID, so a page of a province's important customers is
-- the first rows of one index range instead of every match sorted by ID
-- (tens of thousands for a province). A county (6 digits) reads its
-- city's range. The region code comes last, so a count or a county's
-- filter reads the index alone. They replace 0022's (stage, region_code),
-- which served the filter but not the order.
DROP INDEX customers_stage_region;
CREATE INDEX customers_stage_province ON customers (stage, substr(region_code, 1, 2), id, region_code) WHERE deleted_at IS NULL;
CREATE INDEX customers_stage_city ON customers (stage, substr(region_code, 1, 4), id, region_code) WHERE deleted_at IS NULL;
