-- The list's most common pair of filters, stage and region (province or
-- city prefix), served from one index over the live customers: a page
-- reads the matching index entries instead of every customer of a region.
CREATE INDEX customers_stage_region ON customers (stage, region_code) WHERE deleted_at IS NULL;
